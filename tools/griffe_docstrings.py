"""Griffe extension for the site's API reference: our docstrings' reST habits, in Markdown.

Our docstrings show behaviour as bare doctests (``>>>`` lines, run by pytest's doctest-modules).
Markdown does not know them, so mkdocstrings would render them as prose, and an output line such as
``['...']`` would even read as a link: each doctest block gets a ``pycon`` fence. Sphinx roles such
as ``:func:`naam``` become plain code.
"""

from __future__ import annotations

import re
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


_ROL = re.compile(r":(?:func|meth|class|mod|attr|data|exc|obj):`~?([^`]+)`")


class DocstringMarkdown(griffe.Extension):
    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is None:
            return
        tekst = _ROL.sub(r"`\1`", obj.docstring.value)
        if ">>>" in tekst:
            tekst = fence_doctests(tekst)
        obj.docstring.value = tekst
