"""What a check of role verwijzer gets: the double, a way to tell the vendor what to send, and a
place to record what it finds."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, NoReturn

from ..maskeren import maskeer
from ..register import NietUitgevoerd
from ..resultaten import Afwijking, Uitwisseling
from .dubbel import Dubbel, Poging

if TYPE_CHECKING:
    from ..register import Controle

__all__ = ["Opdracht", "Verwijzercontext"]

Opdracht = Callable[[str, str], None]
"""Tells the vendor's sender what to do: (scenario name, instruction in Dutch)."""


class Verwijzercontext:
    def __init__(
        self,
        controle: Controle,
        dubbel: Dubbel,
        opdracht: Opdracht,
        wacht: float,
        observatie: float,
    ) -> None:
        self.controle = controle
        self.dubbel = dubbel
        self._opdracht = opdracht
        self.wacht = wacht
        self.observatie = observatie
        self.afwijkingen: list[Afwijking] = []
        self.uitwisselingen: list[Uitwisseling] = []
        self._gemeld: set[tuple[str, str]] = set()
        self.begin = len(dubbel.pogingen)

    def opdracht(self, tekst: str) -> None:
        self.begin = len(self.dubbel.pogingen)
        self._opdracht(self.controle.naam.split(".")[-1], tekst)

    def nieuwe_pogingen(self) -> list[Poging]:
        return list(self.dubbel.pogingen[self.begin :])

    def wacht_tot(self, voorwaarde: Callable[[], bool], seconden: float | None = None) -> bool:
        einde = time.monotonic() + (self.wacht if seconden is None else seconden)
        while time.monotonic() < einde:
            if voorwaarde():
                return True
            time.sleep(0.05)
        return voorwaarde()

    def _bewaar(self, poging: Poging) -> int:
        self.uitwisselingen.append(
            Uitwisseling(
                methode="POST",
                url=f"{self.dubbel.url}/berichten",
                verzoekheaders={"content-type": poging.content_type},
                verzoekbody=maskeer(poging.body[:20_000].decode("utf-8", errors="replace")),
                status=poging.status,
                antwoordheaders={},
                antwoordbody=poging.antwoord.decode("utf-8", errors="replace")[:5000],
                fout=None
                if poging.status is not None
                else f"de dubbel gaf geen antwoord ({poging.storing})",
                curl="",
            )
        )
        return len(self.uitwisselingen) - 1

    def afwijking(self, eis: str, melding: str, poging: Poging | None = None) -> None:
        if eis not in self.controle.eisen:
            raise ValueError(f"check {self.controle.naam} reports {eis}, which it does not name")
        if (eis, melding) in self._gemeld:
            return
        self._gemeld.add((eis, melding))
        self.afwijkingen.append(
            Afwijking(eis, melding, self._bewaar(poging) if poging is not None else None)
        )

    def controleer(
        self, voorwaarde: bool, eis: str, melding: str, poging: Poging | None = None
    ) -> bool:
        if not voorwaarde:
            self.afwijking(eis, melding, poging)
        return voorwaarde

    @staticmethod
    def niet_uitgevoerd(reden: str) -> NoReturn:
        raise NietUitgevoerd(reden)

    @staticmethod
    def kern(poging: Poging) -> str:
        """The message as canonical JSON: two attempts carry the same message when this is equal."""
        return poging.bericht.to_json().decode() if poging.bericht is not None else json.dumps(None)
