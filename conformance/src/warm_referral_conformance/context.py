"""What a check gets: the implementation under test, its credentials, and a place to record what
it finds (:class:`Controlecontext`)."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from uuid import UUID

import httpx

from warm_referral import to_xml
from warm_referral.models import Bericht, Grondslag, Partij, SoortVerwijzer, Verwijzing

from .http import HttpClient, Toegang, Verbindingen
from .ondertekening import Handtekeningen
from .register import NietUitgevoerd
from .resultaten import Afwijking, Uitwisseling

if TYPE_CHECKING:
    from warm_referral.adresboek import Adresboek

    from .register import Controle

__all__ = [
    "Controlecontext",
    "Deelnemer",
    "Doelwit",
    "Klok",
    "grondslagen_uit",
    "soorten_uit",
    "voorbeeld",
    "voorbeelden",
]


@dataclass(frozen=True, slots=True)
class Deelnemer:
    """A creditor the kit acts as: who it is (as the receiver knows it) and how it logs in."""

    partij: Partij
    toegang: Toegang
    soorten: frozenset[SoortVerwijzer] | None = None
    """The kinds of referrer it may send as; None: any kind (the receiver does not register them)."""
    grondslagen: frozenset[Grondslag] | None = None
    """The grounds it is registered for; None: any (not known to the kit)."""

    def mag(self, soort: SoortVerwijzer, grondslag: Grondslag | None = None) -> bool:
        return (self.soorten is None or soort in self.soorten) and (
            grondslag is None or self.grondslagen is None or grondslag in self.grondslagen
        )


@dataclass(frozen=True, slots=True)
class Doelwit:
    """The receiver under test (role ontvanger) and the participants the kit plays."""

    url: str
    schuldeiser: Deelnemer
    gemeente: Partij
    tweede: Deelnemer | None = None
    operator: Toegang | None = None
    ca: Path | None = None
    vreemde_gemeentecode: str = "0363"
    """A gemeentecode the receiver does not serve (default Amsterdam)."""
    adresboek: Adresboek | None = None
    """The verified address-book edition the receiver uses (WD-ADR-07/08); None: not checked."""
    gemeente_zonder_afspraak: Partij | None = None
    """A municipality the receiver serves that the kit's creditor has no agreement with."""
    handtekeningen: Handtekeningen = Handtekeningen.GEEN
    """Whether the receiver checks payload signatures (WD-OND); unless GEEN the kit signs every
    message it sends as a creditor, with a certificate under the test PKI."""
    http_timeout: float = 10.0
    voorbeelden: int = 25
    """How many generated (Hypothesis) messages a generating check sends."""
    seed: int = 0


class Klok:
    """The implementation's 'now', as the kit must date its messages.

    Real time, unless the implementation runs on a test clock the kit read or set: then that
    clock's time (the reference's test clock stands still between two settings)."""

    def __init__(self) -> None:
        self._gezet: datetime | None = None
        self._slot = threading.Lock()

    def nu(self) -> datetime:
        with self._slot:
            return self._gezet if self._gezet is not None else datetime.now(timezone.utc)

    def zet(self, moment: datetime) -> None:
        with self._slot:
            self._gezet = moment

    @property
    def testklok(self) -> bool:
        return self._gezet is not None


@cache
def voorbeelden() -> dict[str, bytes]:
    """The spec's example messages (the kit's copy of spec/v1/examples), by relative name:
    ``verwijzing-zorg-bsn.json``, ``ongeldig/bsn-elfproef.xml``, ``ongeldig/bsn-elfproef.verwacht.json``."""
    map_ = files(__package__) / "data" / "voorbeelden"
    gevonden: dict[str, bytes] = {}
    for item in map_.iterdir():
        if item.is_file() and item.name.endswith((".json", ".xml")):
            gevonden[item.name] = item.read_bytes()
        elif item.is_dir():
            for sub in item.iterdir():
                if sub.is_file() and sub.name.endswith((".json", ".xml")):
                    gevonden[f"{item.name}/{sub.name}"] = sub.read_bytes()
    return dict(sorted(gevonden.items()))


def voorbeeld(naam: str) -> bytes:
    return voorbeelden()[naam]


class Controlecontext:
    """Everything one check needs, and the record of what it found."""

    def __init__(
        self,
        controle: Controle,
        doelwit: Doelwit,
        verbindingen: Verbindingen,
        klok: Klok,
    ) -> None:
        self.controle = controle
        self.doelwit = doelwit
        self.klok = klok
        self._verbindingen = verbindingen
        self.afwijkingen: list[Afwijking] = []
        self.uitwisselingen: list[Uitwisseling] = []
        self._per_antwoord: dict[int, int] = {}
        self._gemeld: set[tuple[str, str]] = set()
        self.rng = random.Random(f"{doelwit.seed}:{controle.naam}")

    # --- recording -------------------------------------------------------------------------------

    def bewaar(self, uitwisseling: Uitwisseling, antwoord: httpx.Response | None = None) -> int:
        self.uitwisselingen.append(uitwisseling)
        index = len(self.uitwisselingen) - 1
        if antwoord is not None:
            self._per_antwoord[id(antwoord)] = index
        return index

    def afwijking(
        self,
        eis: str,
        melding: str,
        antwoord: httpx.Response | None = None,
        *,
        _index: int | None = None,
    ) -> None:
        """Record that the implementation breaks ``eis`` (one of the check's requirements, or one
        of the NL API Design Rules every exchange is checked for)."""
        from .runner import AUTOMATISCH

        if eis not in self.controle.eisen and eis not in AUTOMATISCH:
            raise ValueError(f"check {self.controle.naam} reports {eis}, which it does not name")
        if (eis, melding) in self._gemeld:
            return
        self._gemeld.add((eis, melding))
        index = _index
        if index is None and antwoord is not None:
            index = self._per_antwoord.get(id(antwoord))
        self.afwijkingen.append(Afwijking(eis, melding, index))

    def controleer(
        self, voorwaarde: bool, eis: str, melding: str, antwoord: httpx.Response | None = None
    ) -> bool:
        """Record an afwijking unless ``voorwaarde`` holds; returns ``voorwaarde``."""
        if not voorwaarde:
            self.afwijking(eis, melding, antwoord)
        return voorwaarde

    @staticmethod
    def niet_uitgevoerd(reden: str) -> NoReturn:
        raise NietUitgevoerd(reden)

    # --- participants ----------------------------------------------------------------------------

    def _client(
        self, toegang: Toegang | None, naam: str, deelnemer: Deelnemer | None = None
    ) -> HttpClient:
        ondertekent = (
            deelnemer is not None and self.doelwit.handtekeningen is not Handtekeningen.GEEN
        )
        return HttpClient(
            self,
            self.doelwit.url,
            self._verbindingen.pool(toegang),
            toegang,
            self.doelwit.ca,
            naam,
            ondertekenaar=deelnemer.partij if ondertekent and deelnemer else None,
        )

    @property
    def schuldeiser(self) -> HttpClient:
        return self._client(
            self.doelwit.schuldeiser.toegang, "schuldeiser", self.doelwit.schuldeiser
        )

    @property
    def tweede(self) -> HttpClient:
        if self.doelwit.tweede is None:
            self.niet_uitgevoerd(
                "geen tweede schuldeiser opgegeven (--tweede-token of --tweede-cert)"
            )
        return self._client(self.doelwit.tweede.toegang, "tweede schuldeiser", self.doelwit.tweede)

    @property
    def operator(self) -> HttpClient:
        if self.doelwit.operator is None:
            self.niet_uitgevoerd("geen operator opgegeven (--operator-token of --operator-cert)")
        return self._client(self.doelwit.operator, "operator")

    @property
    def anoniem(self) -> HttpClient:
        return self._client(None, "zonder authenticatie")

    # --- messages --------------------------------------------------------------------------------

    def nu(self) -> datetime:
        return self.klok.nu()

    def herdateer(
        self,
        bericht: Bericht,
        *,
        deelnemer: Deelnemer | None = None,
        nu: datetime | None = None,
        conversatie_id: UUID | None = None,
        verwijzing_id: str | None = None,
    ) -> Any:
        """``bericht`` dated now, fresh ids, from the kit's creditor to the receiver's municipality."""
        from warm_referral.testing.voorbeelden import herdateer

        wie = deelnemer or self.doelwit.schuldeiser
        naar_gemeente = bericht.richting.value == "schuldeiser naar gemeente"
        return herdateer(
            bericht,
            nu or self.nu(),
            afzender=wie.partij if naar_gemeente else self.doelwit.gemeente,
            ontvanger=self.doelwit.gemeente if naar_gemeente else wie.partij,
            conversatie_id=conversatie_id,
            verwijzing_id=verwijzing_id,
        )

    def verwijzing(
        self,
        *,
        deelnemer: Deelnemer | None = None,
        nu: datetime | None = None,
        voorkeur: Sequence[str] = (),
    ) -> Verwijzing:
        """A fresh, valid Verwijzing from an example whose kind the creditor may send."""
        from warm_referral import parse_json

        wie = deelnemer or self.doelwit.schuldeiser
        namen = [*voorkeur, *_VERWIJZINGEN]
        for naam in namen:
            bericht = parse_json(voorbeeld(naam))
            assert isinstance(bericht, Verwijzing)
            if wie.mag(bericht.soort_verwijzer, bericht.grondslag):
                verwijzing: Verwijzing = self.herdateer(bericht, deelnemer=wie, nu=nu)
                return verwijzing
        self.niet_uitgevoerd(
            "geen voorbeeldverwijzing van een soort die deze schuldeiser mag sturen"
        )

    def stuur(
        self,
        client: HttpClient,
        bericht: Bericht | bytes,
        *,
        xml: bool = False,
        controleer: bool = True,
    ) -> httpx.Response:
        """POST a message (a model, or raw bytes) to /berichten, as JSON or XML."""
        if isinstance(bericht, Bericht):
            data = to_xml(bericht) if xml else bericht.to_json()
        else:
            data = bericht
        return client.post(
            "/berichten",
            inhoud=data,
            content_type="application/xml" if xml else "application/json",
            controleer=controleer,
        )


#: Referral examples in the order the kit prefers them as the basis of a fresh referral.
_VERWIJZINGEN = (
    "verwijzing-water-afsluitregeling.json",
    "verwijzing-huur-bgs-crisis.json",
    "verwijzing-zorg-bsn.json",
    "verwijzing-hypotheek-toestemming.json",
    "verwijzing-gerechtsdeurwaarder-toestemming.json",
)


def soorten_uit(namen: Iterable[str]) -> frozenset[SoortVerwijzer]:
    return frozenset(SoortVerwijzer(n) for n in namen)


def grondslagen_uit(namen: Iterable[str]) -> frozenset[Grondslag]:
    return frozenset(Grondslag(n) for n in namen)
