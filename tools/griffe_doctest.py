"""Griffe extension for the site's API reference: doctest blocks in docstrings become code blocks.

Our docstrings show behaviour as bare doctests (``>>>`` lines, run by pytest's doctest-modules).
Markdown does not know them, so mkdocstrings would render them as prose, and an output line such as
``['...']`` would even read as a link. This wraps each doctest block in a ``pycon`` fence.
"""

from __future__ import annotations

from typing import Any

import griffe


def fence_doctests(text: str) -> str:
    """Wrap every block that starts with ``>>>`` (up to a blank line) in a fenced code block."""
    uit: list[str] = []
    in_blok = in_fence = False
    for regel in text.splitlines():
        kaal = regel.strip()
        if kaal.startswith("```"):
            in_fence = not in_fence
        if not in_fence and not in_blok and kaal.startswith(">>>"):
            uit.append("```pycon")
            in_blok = True
        elif in_blok and not kaal:
            uit.append("```")
            in_blok = False
        uit.append(regel)
    if in_blok:
        uit.append("```")
    return "\n".join(uit)


class DoctestFences(griffe.Extension):
    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None and ">>>" in obj.docstring.value:
            obj.docstring.value = fence_doctests(obj.docstring.value)
