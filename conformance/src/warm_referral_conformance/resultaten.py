"""What a run found: per check and per requirement, with the exchanges behind every failure.

These are plain data: the reports (terminal, JUnit, JSON, HTML) and the result bundle are all
rendered from one :class:`Run`. Personal data is masked when an exchange is recorded
(:mod:`.maskeren`), so nothing downstream can leak it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

__all__ = [
    "Afwijking",
    "Controleresultaat",
    "Eisresultaat",
    "Run",
    "Status",
    "Uitwisseling",
]


class Status(str, Enum):
    GESLAAGD = "geslaagd"
    GEFAALD = "gefaald"
    NIET_UITGEVOERD = "niet uitgevoerd"
    VRIJGESTELD = "vrijgesteld"


@dataclass(slots=True)
class Uitwisseling:
    """One HTTP exchange as the report shows it (bodies masked and cut to a readable length)."""

    methode: str
    url: str
    verzoekheaders: dict[str, str]
    verzoekbody: str
    status: int | None = None
    antwoordheaders: dict[str, str] = field(default_factory=dict)
    antwoordbody: str = ""
    duur: float = 0.0
    fout: str | None = None
    """Why there was no answer (connection refused, time-out); None when there was one."""
    curl: str = ""
    """A command that sends the same request again."""


@dataclass(slots=True)
class Afwijking:
    """One way the implementation broke one requirement."""

    eis: str
    melding: str
    uitwisseling: int | None = None
    """Index into the check's ``uitwisselingen``, when an exchange shows it."""


@dataclass(slots=True)
class Controleresultaat:
    controle: str
    titel: str
    eisen: tuple[str, ...]
    status: Status
    reden: str | None = None
    """Why it was not run (or which waiver covers it)."""
    afwijkingen: list[Afwijking] = field(default_factory=list)
    uitwisselingen: list[Uitwisseling] = field(default_factory=list)
    duur: float = 0.0


@dataclass(slots=True)
class Eisresultaat:
    eis: str
    niveau: str
    tekst: str
    status: Status
    controles: list[str] = field(default_factory=list)
    afwijkingen: int = 0
    reden: str | None = None


@dataclass(slots=True)
class Run:
    kit_versie: str
    specversie: str
    catalogus_versie: str
    rol: str
    doel: str
    """The URL tested (role ontvanger) or the address the double listened on (verwijzer)."""
    begin: datetime
    einde: datetime
    controles: list[Controleresultaat]
    eisen: list[Eisresultaat]
    geslaagd: bool
    """Exit 0: at least one check ran, and every MOET / MOET NIET that ran passed or is waived."""
    samenvatting: str
    seed: int = 0

    def als_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["begin"] = self.begin.isoformat()
        data["einde"] = self.einde.isoformat()
        return _statussen_als_tekst(data)  # type: ignore[no-any-return]

    @classmethod
    def uit_dict(cls, data: dict[str, Any]) -> Run:
        controles = [
            Controleresultaat(
                controle=c["controle"],
                titel=c["titel"],
                eisen=tuple(c["eisen"]),
                status=Status(c["status"]),
                reden=c.get("reden"),
                afwijkingen=[Afwijking(**a) for a in c["afwijkingen"]],
                uitwisselingen=[Uitwisseling(**u) for u in c["uitwisselingen"]],
                duur=c["duur"],
            )
            for c in data["controles"]
        ]
        eisen = [Eisresultaat(**{**e, "status": Status(e["status"])}) for e in data["eisen"]]
        return cls(
            **{
                **data,
                "begin": datetime.fromisoformat(data["begin"]),
                "einde": datetime.fromisoformat(data["einde"]),
                "controles": controles,
                "eisen": eisen,
            }
        )


def _statussen_als_tekst(waarde: Any) -> Any:
    if isinstance(waarde, Enum):
        return waarde.value
    if isinstance(waarde, dict):
        return {k: _statussen_als_tekst(v) for k, v in waarde.items()}
    if isinstance(waarde, (list, tuple)):
        return [_statussen_als_tekst(v) for v in waarde]
    return waarde
