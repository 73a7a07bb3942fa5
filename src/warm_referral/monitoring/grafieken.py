"""The report's charts, drawn with matplotlib as inline SVG (an optional extra: ``[rapport]``).

Every function takes figures that already went through the suppression (None = hidden) and returns
one ``<svg>`` element as text, so the HTML page needs no network, no script and no image files.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["staafdiagram", "trechter", "trend", "verdeling", "vergelijking"]

_KLEUREN = ("#1f5f8b", "#e07b39", "#6a9f58", "#8c6bb1", "#c44e52")
_VERBORGEN = "#bbbbbb"


def _figuur(breedte: float = 7.0, hoogte: float = 3.2) -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError(
            "the monitoring report draws its charts with matplotlib: "
            "pip install 'warm-referral[rapport]'"
        ) from exc
    return Figure(figsize=(breedte, hoogte), dpi=96, layout="constrained")


def _svg(figuur: Any, naam: str) -> str:
    import matplotlib

    buffer = io.StringIO()
    # A salt per chart keeps the clip-path ids of several inline SVGs apart; text stays text.
    with matplotlib.rc_context({"svg.hashsalt": naam, "svg.fonttype": "none"}):
        figuur.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    tekst = buffer.getvalue()
    tekst = tekst[tekst.index("<svg") :]
    return re.sub(r"<svg ", f'<svg role="img" aria-label="{naam}" ', tekst, count=1)


def _stijl(as_: Any) -> None:
    as_.spines[["top", "right"]].set_visible(False)
    as_.tick_params(labelsize=8)


def trechter(stappen: Sequence[tuple[str, int | None]], naam: str = "trechter") -> str:
    """Horizontal bars from referral to accepted help; a hidden count shows as a grey '<n' bar."""
    fig = _figuur(7.0, 2.8)
    as_ = fig.add_subplot()
    labels = [s for s, _ in stappen][::-1]
    waarden = [w for _, w in stappen][::-1]
    hoogste = max((w for w in waarden if w is not None), default=1) or 1
    for i, w in enumerate(waarden):
        if w is None:
            as_.barh(i, hoogste * 0.02, color=_VERBORGEN)
            as_.text(hoogste * 0.03, i, "onderdrukt", va="center", fontsize=8, color="#555555")
        else:
            as_.barh(i, w, color=_KLEUREN[0])
            as_.text(w + hoogste * 0.01, i, f"{w:,}".replace(",", "."), va="center", fontsize=8)
    as_.set_yticks(range(len(labels)), labels)
    as_.set_xlim(0, hoogste * 1.15)
    as_.set_xlabel("aantal verwijzingen", fontsize=8)
    _stijl(as_)
    return _svg(fig, naam)


def verdeling(
    staven: Sequence[tuple[str, int | None]], lijn_na: int, lijnlabel: str, naam: str = "verdeling"
) -> str:
    """A histogram of whole days with a vertical line after bar ``lijn_na`` (the contact term)."""
    fig = _figuur()
    as_ = fig.add_subplot()
    for i, (_, w) in enumerate(staven):
        if w is None:
            as_.bar(i, 0.0001, color=_VERBORGEN)
        else:
            as_.bar(i, w, color=_KLEUREN[0] if i <= lijn_na else _KLEUREN[1])
    as_.axvline(lijn_na + 0.5, color="#c44e52", linestyle="--", linewidth=1.5)
    top = max((w for _, w in staven if w is not None), default=1) or 1
    as_.text(lijn_na + 0.6, top * 0.95, lijnlabel, color="#c44e52", fontsize=8, va="top")
    as_.set_xticks(range(len(staven)), [s for s, _ in staven])
    as_.set_xlabel("werkdagen na ontvangst", fontsize=8)
    as_.set_ylabel("aantal verwijzingen", fontsize=8)
    _stijl(as_)
    return _svg(fig, naam)


def trend(
    maanden: Sequence[str],
    aantallen: Sequence[int | None],
    aandelen: Mapping[str, Sequence[float | None]],
    naam: str = "trend",
) -> str:
    """Referrals per month (bars) with shares per month (lines, right axis)."""
    fig = _figuur(7.0, 3.4)
    as_ = fig.add_subplot()
    x = range(len(maanden))
    as_.bar(
        list(x),
        [a if a is not None else 0 for a in aantallen],
        color=[_KLEUREN[0] if a is not None else _VERBORGEN for a in aantallen],
        alpha=0.55,
        label="verwijzingen",
    )
    as_.set_ylabel("verwijzingen per maand", fontsize=8)
    rechts = as_.twinx()
    for kleur, (label, reeks) in zip(_KLEUREN[1:], aandelen.items(), strict=False):
        rechts.plot(
            list(x),
            [v if v is not None else float("nan") for v in reeks],
            marker="o",
            markersize=3,
            color=kleur,
            label=label,
        )
    rechts.set_ylim(0, 100)
    rechts.set_ylabel("procent", fontsize=8)
    rechts.tick_params(labelsize=8)
    stap = max(1, len(maanden) // 12)
    as_.set_xticks(list(x)[::stap], list(maanden)[::stap], rotation=45, ha="right")
    _stijl(as_)
    rechts.spines[["top"]].set_visible(False)
    fig.legend(loc="outside lower center", ncols=4, fontsize=8, frameon=False)
    return _svg(fig, naam)


def staafdiagram(
    groepen: Sequence[str],
    reeksen: Mapping[str, Sequence[float | None]],
    *,
    ylabel: str = "procent",
    naam: str = "staafdiagram",
    ymax: float | None = 100,
) -> str:
    """Grouped bars (one group per category, one bar per series); hidden values are left out."""
    fig = _figuur(7.0, 3.2)
    as_ = fig.add_subplot()
    n = max(1, len(reeksen))
    breedte = 0.8 / n
    for j, (kleur, (label, waarden)) in enumerate(zip(_KLEUREN, reeksen.items(), strict=False)):
        posities = [i - 0.4 + breedte * (j + 0.5) for i in range(len(groepen))]
        hoogten = [w if w is not None else 0 for w in waarden]
        staven = as_.bar(posities, hoogten, width=breedte, color=kleur, label=label)
        for staaf, w in zip(staven, waarden, strict=True):
            tekst = "–" if w is None else f"{w:.0f}"
            as_.annotate(
                tekst,
                (staaf.get_x() + staaf.get_width() / 2, staaf.get_height()),
                ha="center",
                va="bottom",
                fontsize=7,
            )
    as_.set_xticks(range(len(groepen)), groepen, fontsize=8)
    if ymax is not None:
        as_.set_ylim(0, ymax)
    as_.set_ylabel(ylabel, fontsize=8)
    as_.legend(fontsize=8, frameon=False)
    _stijl(as_)
    return _svg(fig, naam)


def vergelijking(
    indicatoren: Sequence[str],
    reeksen: Mapping[str, Sequence[float | None]],
    naam: str = "vergelijking",
) -> str:
    """The national indicators side by side: warm referrals, baseline, national figures."""
    return staafdiagram(indicatoren, reeksen, naam=naam)
