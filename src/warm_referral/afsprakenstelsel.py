"""The participants register of the agreement system (*afsprakenstelsel*), as data.

Who takes part, and in what: per creditor its exact identity (naam, OIN, KvK number, the
establishments it may send from), the kinds of referrer it is, the grounds it may invoke, whether it
may carry the BSN, and its agreements (the afsprakenprofiel name and version it signed, the
municipalities it has the agreement with, from when until when); per serving organisation (the
municipality itself, a kredietbank, a joint arrangement) its identity and the gemeentecodes it
serves. NVVK keeps the register; the format is a JSON document, described by
``spec/v1/deelnemersregister/deelnemersregister.schema.json`` (generated from the models here).

Sans-IO: :func:`lees_deelnemersregister` takes the document's bytes, validates the document (every
violation with its JSON pointer) and holds it against the agreement profiles (a registration can
only narrow what its profile allows), and returns a :class:`Deelnemersregister`. The reference
receiver checks every Verwijzing against it (:meth:`Deelnemersregister.toets_verwijzing`), and the
reference sender asks it before it sends.

Which municipalities an organisation serves can come from the signed address book instead
(``warm_referral.adresboek``, whose ``Adresboek.bediend_door`` has the same shape as
:class:`Bediening`): an organisation listed here without gemeentecodes is then looked up there, so
the two never hold two truths.

>>> from pathlib import Path
>>> register = lees_deelnemersregister(
...     Path("spec/v1/deelnemersregister/voorbeeld-deelnemersregister.json").read_bytes())
>>> evides = register.schuldeiser_met(oin="00000003241234560000")
>>> evides.naam, [s.value for s in evides.soorten_verwijzer]
('Evides Waterbedrijf', ['Water'])
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

from pydantic import Field

from ._tijd import amsterdamse_datum
from .errors import UnknownProfileError, Violation, WarmReferralError
from .models._base import Regelfout, WireModel
from .models.enums import Grondslag, SoortVerwijzer
from .models.onderdelen import Afsprakenprofielverwijzing, Partij
from .models.wire_types import (
    Gemeentecode,
    KvkNummer,
    Naam,
    Oin,
    Referentie,
    Tijdstip,
    Vestigingsnummer,
)

if TYPE_CHECKING:
    from .deadlines import Afsprakenprofielen
    from .models.berichten import Verwijzing

__all__ = [
    "FORMAAT",
    "Afspraak",
    "Bediening",
    "Deelnemersregister",
    "DeelnemersregisterDocument",
    "InvalidRegister",
    "Organisatie",
    "Schuldeiser",
    "afwijkingen_afzender",
    "lees_deelnemersregister",
    "register_schema",
]

#: The format name and major version every register states; a reader refuses others.
FORMAAT = "warm-referral-deelnemersregister/1"

#: A register is a few hundred kilobytes; far larger input is refused before parsing.
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024


class InvalidRegister(WarmReferralError):
    """The register document is not valid: ``violations`` lists every reason (JSON pointer, code,
    message); ``bron`` names the file it came from."""

    def __init__(self, bron: str, violations: Iterable[Violation]) -> None:
        self.bron = bron
        self.violations = tuple(violations)
        regels = "\n".join(f"  - {v}" for v in self.violations[:50])
        meer = len(self.violations) - 50
        if meer > 0:
            regels += f"\n  ... and {meer} more"
        super().__init__(f"{bron}: the participants register is not valid:\n{regels}")


def _periode_regels(vanaf: date, tot: date | None) -> Iterator[Regelfout]:
    if tot is not None and vanaf > tot:
        yield Regelfout("geldigTot", "periode_omgekeerd", "geldigTot lies before geldigVanaf")


def _dubbel(pad: str, waarden: Iterable[Any], wat: str) -> Iterator[Regelfout]:
    gezien: set[Any] = set()
    for waarde in waarden:
        if waarde in gezien:
            yield Regelfout(
                pad, "dubbele_waarde", f"{wat} {getattr(waarde, 'value', waarde)!r} is listed twice"
            )
        gezien.add(waarde)


class Afspraak(WireModel):
    """One agreement of a creditor: the profile it signed, with which municipalities, when."""

    regels_beschrijving: ClassVar[tuple[str, ...]] = (
        "gemeentecodes lists each code once; geldigVanaf is not after geldigTot.",
    )

    afsprakenprofiel: Afsprakenprofielverwijzing
    """The agreement profile (name and version) the creditor signed: its terms bind the referrals."""
    gemeentecodes: list[Gemeentecode] = Field(min_length=1, max_length=400)
    """The municipalities (CBS codes) the creditor has this agreement with."""
    geldig_vanaf: date
    geldig_tot: date | None = None
    """The last day (inclusive); absent while no end is agreed."""

    def _regels(self) -> Iterator[Regelfout]:
        yield from _dubbel("gemeentecodes", self.gemeentecodes, "gemeentecode")
        yield from _periode_regels(self.geldig_vanaf, self.geldig_tot)

    def geldig_op(self, datum: date) -> bool:
        return self.geldig_vanaf <= datum and (self.geldig_tot is None or datum <= self.geldig_tot)


class Schuldeiser(WireModel):
    """A creditor in the register: who it is exactly, as what it refers, on which grounds, and its
    agreements."""

    regels_beschrijving: ClassVar[tuple[str, ...]] = (
        "At least one of oin and kvkNummer is present.",
        "vestigingsnummers only together with kvkNummer.",
        "soortenVerwijzer, grondslagen and vestigingsnummers list each value once.",
    )
    schema_regels: ClassVar[dict[str, Any]] = {
        "anyOf": [{"required": ["oin"]}, {"required": ["kvkNummer"]}],
        "dependentRequired": {"vestigingsnummers": ["kvkNummer"]},
    }

    id: Referentie
    """The register's own key for the participant (stable across editions)."""
    naam: Naam
    """The name the creditor's messages carry in ``afzender.naam``, exactly."""
    oin: Oin | None = None
    kvk_nummer: KvkNummer | None = None
    vestigingsnummers: list[Vestigingsnummer] | None = Field(
        default=None, min_length=1, max_length=200
    )
    """The establishments an ``afzender`` may name (none: it names no establishment)."""
    soorten_verwijzer: list[SoortVerwijzer] = Field(min_length=1, max_length=14)
    grondslagen: list[Grondslag] = Field(min_length=1, max_length=3)
    bsn: bool = False
    """May it carry the BSN (where its kind and its profile allow it)?"""
    afspraken: list[Afspraak] = Field(min_length=1, max_length=50)

    def _regels(self) -> Iterator[Regelfout]:
        if self.oin is None and self.kvk_nummer is None:
            yield Regelfout(
                "", "partij_zonder_identificatie", "a creditor needs an oin or kvkNummer"
            )
        if self.vestigingsnummers and self.kvk_nummer is None:
            yield Regelfout(
                "vestigingsnummers",
                "vestigingsnummer_zonder_kvk",
                "vestigingsnummers only belong to a creditor with a kvkNummer",
            )
        yield from _dubbel("soortenVerwijzer", self.soorten_verwijzer, "soortVerwijzer")
        yield from _dubbel("grondslagen", self.grondslagen, "grondslag")
        yield from _dubbel("vestigingsnummers", self.vestigingsnummers or (), "vestigingsnummer")

    @property
    def partij(self) -> Partij:
        """The creditor as its messages name it (without an establishment)."""
        return Partij(naam=self.naam, oin=self.oin, kvk_nummer=self.kvk_nummer)

    @property
    def sleutel(self) -> str:
        """A stable key for tenancy: the OIN when known, else the KvK number."""
        return f"oin:{self.oin}" if self.oin else f"kvk:{self.kvk_nummer}"

    def afspraak_met(self, gemeentecode: str, op: date) -> Afspraak | None:
        """The agreement that covers ``gemeentecode`` on ``op`` (the first listed, if several)."""
        return next(
            (a for a in self.afspraken if a.geldig_op(op) and gemeentecode in a.gemeentecodes),
            None,
        )


class Organisatie(WireModel):
    """A serving organisation: a municipality itself, or the debt-help organisation that works for
    one or more municipalities. Its operators act on the referrals of those municipalities."""

    regels_beschrijving: ClassVar[tuple[str, ...]] = ("gemeentecodes lists each code once.",)

    id: Referentie
    naam: Naam
    oin: Oin
    kvk_nummer: KvkNummer | None = None
    gemeentecodes: list[Gemeentecode] | None = Field(default=None, min_length=1, max_length=400)
    """The municipalities it serves; absent when the signed address book is the source."""

    def _regels(self) -> Iterator[Regelfout]:
        yield from _dubbel("gemeentecodes", self.gemeentecodes or (), "gemeentecode")


class DeelnemersregisterDocument(WireModel):
    """One edition of the participants register."""

    regels_beschrijving: ClassVar[tuple[str, ...]] = (
        "ids are unique; an OIN or KvK number names one creditor only; an OIN names one "
        "organisation only.",
    )

    formaat: Literal["warm-referral-deelnemersregister/1"]
    uitgever: Partij
    """Who keeps the register (NVVK)."""
    uitgegeven_op: Tijdstip
    schuldeisers: list[Schuldeiser] = Field(max_length=10_000)
    organisaties: list[Organisatie] = Field(max_length=2_000)

    def _regels(self) -> Iterator[Regelfout]:
        ids: set[str] = set()
        alle: list[tuple[str, int, str]] = [
            ("schuldeisers", i, s.id) for i, s in enumerate(self.schuldeisers)
        ] + [("organisaties", i, o.id) for i, o in enumerate(self.organisaties)]
        for naam, i, id_ in alle:
            if id_ in ids:
                yield Regelfout(f"{naam}/{i}/id", "dubbele_waarde", f"id {id_!r} is used twice")
            ids.add(id_)
        for veld, wat in (("oin", "OIN"), ("kvk_nummer", "KvK number")):
            gezien: set[str] = set()
            for i, s in enumerate(self.schuldeisers):
                waarde = getattr(s, veld)
                if waarde is None:
                    continue
                if waarde in gezien:
                    pad = "oin" if veld == "oin" else "kvkNummer"
                    yield Regelfout(
                        f"schuldeisers/{i}/{pad}",
                        "dubbele_waarde",
                        f"{wat} {waarde} names two creditors",
                    )
                gezien.add(waarde)
        oins: set[str] = set()
        for i, o in enumerate(self.organisaties):
            if o.oin in oins:
                yield Regelfout(
                    f"organisaties/{i}/oin",
                    "dubbele_waarde",
                    f"OIN {o.oin} names two organisations",
                )
            oins.add(o.oin)


class Bediening(Protocol):
    """Where the gemeentecodes of a serving organisation come from: the register itself, or the
    signed address book (``warm_referral.adresboek.Adresboek`` has this method)."""

    def bediend_door(self, oin: str, *, op: date) -> frozenset[str]: ...


@dataclass(frozen=True, slots=True)
class _Toets:
    """A check of a Verwijzing against one registration: which breaches, which agreement."""

    afwijkingen: tuple[Violation, ...]
    afspraak: Afspraak | None


class Deelnemersregister:
    """A validated register with the look-ups the receiver and the sender need."""

    def __init__(
        self, document: DeelnemersregisterDocument, bediening: Bediening | None = None
    ) -> None:
        self.document = document
        self._bediening = bediening
        self._schuldeisers = {s.id: s for s in document.schuldeisers}
        self._per_oin = {s.oin: s for s in document.schuldeisers if s.oin}
        self._per_kvk = {s.kvk_nummer: s for s in document.schuldeisers if s.kvk_nummer}
        self._organisaties = {o.id: o for o in document.organisaties}
        self._organisatie_per_oin = {o.oin: o for o in document.organisaties}

    def __repr__(self) -> str:
        d = self.document
        return (
            f"<Deelnemersregister {len(d.schuldeisers)} creditors, "
            f"{len(d.organisaties)} organisations>"
        )

    def met_bediening(self, bediening: Bediening) -> Deelnemersregister:
        """The same register, with organisations without gemeentecodes looked up in
        ``bediening`` (the address book)."""
        return Deelnemersregister(self.document, bediening)

    # --- look-ups ------------------------------------------------------------------------------

    def schuldeiser(self, id: str) -> Schuldeiser | None:
        return self._schuldeisers.get(id)

    def schuldeiser_met(
        self, *, oin: str | None = None, kvk: str | None = None
    ) -> Schuldeiser | None:
        """The creditor with this OIN (an authenticated certificate) or KvK number."""
        if oin is not None and oin in self._per_oin:
            return self._per_oin[oin]
        if kvk is not None:
            return self._per_kvk.get(kvk)
        return None

    def organisatie(self, id: str) -> Organisatie | None:
        return self._organisaties.get(id)

    def organisatie_met(self, oin: str) -> Organisatie | None:
        return self._organisatie_per_oin.get(oin)

    def bediend_door(self, oin: str, *, op: date) -> frozenset[str]:
        """The gemeentecodes the organisation with this OIN serves on ``op``: from the register,
        or, for an organisation listed without them, from the address book."""
        org = self._organisatie_per_oin.get(oin)
        if org is None:
            return frozenset()
        if org.gemeentecodes is not None:
            return frozenset(org.gemeentecodes)
        if self._bediening is None:
            return frozenset()
        return self._bediening.bediend_door(oin, op=op)

    # --- the checks ----------------------------------------------------------------------------

    def toets_verwijzing(self, schuldeiser: Schuldeiser, verwijzing: Verwijzing) -> _Toets:
        """Check a Verwijzing from ``schuldeiser`` (the authenticated participant) against its
        registration. Each breach is a :class:`~warm_referral.errors.Violation` with its own
        stable code: ``afzender_wijkt_af`` (the afzender is not exactly the registered identity),
        ``soort_niet_ingeschreven``, ``grondslag_niet_ingeschreven``, ``bsn_niet_ingeschreven``,
        ``geen_afspraak`` (no agreement with the municipality on the verwijsdatum).
        """
        fouten = list(afwijkingen_afzender(schuldeiser, verwijzing.afzender))
        if verwijzing.soort_verwijzer not in schuldeiser.soorten_verwijzer:
            fouten.append(
                Violation(
                    "/soortVerwijzer",
                    "soort_niet_ingeschreven",
                    f"{schuldeiser.naam} is registered as "
                    f"{', '.join(s.value for s in schuldeiser.soorten_verwijzer)}, not as "
                    f"{verwijzing.soort_verwijzer.value!r}",
                )
            )
        if verwijzing.grondslag not in schuldeiser.grondslagen:
            fouten.append(
                Violation(
                    "/grondslag",
                    "grondslag_niet_ingeschreven",
                    f"{schuldeiser.naam} is registered for "
                    f"{', '.join(g.value for g in schuldeiser.grondslagen)}, not for "
                    f"{verwijzing.grondslag.value!r}",
                )
            )
        if verwijzing.hulpvrager.bsn is not None and not schuldeiser.bsn:
            fouten.append(
                Violation(
                    "/hulpvrager/bsn",
                    "bsn_niet_ingeschreven",
                    f"{schuldeiser.naam} is not registered to share the BSN",
                )
            )
        code = verwijzing.ontvanger.gemeentecode or ""
        verwijsdatum = amsterdamse_datum(verwijzing.verwezen_op)
        afspraak = schuldeiser.afspraak_met(code, verwijsdatum)
        if afspraak is None:
            fouten.append(
                Violation(
                    "/ontvanger/gemeentecode",
                    "geen_afspraak",
                    f"{schuldeiser.naam} has no agreement with gemeente {code} on "
                    f"{verwijsdatum.isoformat()}",
                )
            )
        return _Toets(tuple(fouten), afspraak)


def afwijkingen_afzender(schuldeiser: Schuldeiser, afzender: Partij) -> Iterator[Violation]:
    """How ``afzender`` differs from the registered identity (naam, OIN and KvK number exactly,
    an establishment only if registered, no gemeentecode): one violation per member."""
    verwacht = {
        "naam": schuldeiser.naam,
        "oin": schuldeiser.oin,
        "kvkNummer": schuldeiser.kvk_nummer,
    }
    gekregen = {"naam": afzender.naam, "oin": afzender.oin, "kvkNummer": afzender.kvk_nummer}
    for veld, waarde in verwacht.items():
        if gekregen[veld] != waarde:
            yield Violation(
                f"/afzender/{veld}",
                "afzender_wijkt_af",
                f"the registered {veld} of this participant is "
                f"{waarde!r}"
                + ("" if waarde is not None else " (none)")
                + f", not {gekregen[veld]!r}",
            )
    if afzender.vestigingsnummer is not None and afzender.vestigingsnummer not in (
        schuldeiser.vestigingsnummers or ()
    ):
        yield Violation(
            "/afzender/vestigingsnummer",
            "afzender_wijkt_af",
            f"vestigingsnummer {afzender.vestigingsnummer} is not registered for {schuldeiser.naam}",
        )
    if afzender.gemeentecode is not None:
        yield Violation(
            "/afzender/gemeentecode",
            "afzender_wijkt_af",
            "a creditor's afzender carries no gemeentecode",
        )


# --- reading --------------------------------------------------------------------------------------


def lees_deelnemersregister(
    data: bytes | str,
    *,
    bron: str = "<deelnemersregister>",
    profielen: Afsprakenprofielen | None = None,
    bediening: Bediening | None = None,
) -> Deelnemersregister:
    """Validate a register document and hold it against the agreement profiles.

    Every problem is collected: the document's own (its JSON Schema, the rules between members) and
    each registration that asks more than its profile allows (a profile that does not exist in that
    version, a kind or ground the profile's table does not allow, the BSN where the profile does
    not allow it). Raises :class:`InvalidRegister` naming ``bron`` and each violation's pointer.
    """
    from pydantic import ValidationError

    from .models._base import WIRE_CONTEXT
    from .models.violations import violations_from_pydantic

    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InvalidRegister(
            bron, [Violation("", "te_groot", f"{len(data)} bytes; at most {MAX_DOCUMENT_BYTES}")]
        )
    try:
        document = DeelnemersregisterDocument.model_validate_json(
            data, strict=True, context=WIRE_CONTEXT
        )
    except ValidationError as exc:
        raise InvalidRegister(bron, violations_from_pydantic(exc)) from None
    except RecursionError:
        raise InvalidRegister(
            bron, [Violation("", "te_diep_genest", "the document is nested too deeply")]
        ) from None
    fouten = list(_tegen_profielen(document, profielen))
    if fouten:
        raise InvalidRegister(bron, fouten)
    return Deelnemersregister(document, bediening)


def _tegen_profielen(
    document: DeelnemersregisterDocument, profielen: Afsprakenprofielen | None
) -> Iterator[Violation]:
    from . import deadlines
    from .afspraken import afspraken

    alle = profielen if profielen is not None else deadlines.afsprakenprofielen()
    for i, s in enumerate(document.schuldeisers):
        for j, afspraak in enumerate(s.afspraken):
            pad = f"/schuldeisers/{i}/afspraken/{j}/afsprakenprofiel"
            ref = afspraak.afsprakenprofiel
            try:
                profiel = alle.versie(ref.naam, ref.versie)
            except UnknownProfileError as exc:
                yield Violation(pad, "profiel_onbekend", str(exc))
                continue
            regels = afspraken(profiel)
            for k, soort in enumerate(s.soorten_verwijzer):
                if not _mogelijke_gronden(regels.grondslagen, soort) & set(s.grondslagen):
                    yield Violation(
                        f"/schuldeisers/{i}/soortenVerwijzer/{k}",
                        "niet_in_profiel",
                        f"under profile {ref.naam} {ref.versie} a referrer of kind "
                        f"{soort.value!r} can invoke none of "
                        f"{', '.join(g.value for g in s.grondslagen)}",
                    )
            for k, grondslag in enumerate(s.grondslagen):
                if not any(
                    grondslag in _mogelijke_gronden(regels.grondslagen, soort)
                    for soort in s.soorten_verwijzer
                ):
                    yield Violation(
                        f"/schuldeisers/{i}/grondslagen/{k}",
                        "niet_in_profiel",
                        f"profile {ref.naam} {ref.versie} allows {grondslag.value!r} to none of "
                        f"{', '.join(t.value for t in s.soorten_verwijzer)}",
                    )
            if s.bsn and not any(regels.bsn_toegestaan(soort) for soort in s.soorten_verwijzer):
                yield Violation(
                    f"/schuldeisers/{i}/bsn",
                    "niet_in_profiel",
                    f"profile {ref.naam} {ref.versie} lets none of "
                    f"{', '.join(t.value for t in s.soorten_verwijzer)} carry the BSN",
                )


def _mogelijke_gronden(
    tabel: Mapping[SoortVerwijzer, Any], soort: SoortVerwijzer
) -> frozenset[Grondslag]:
    regel = tabel.get(soort)
    return frozenset() if regel is None else frozenset(regel.grondslagen)


def register_schema() -> dict[str, Any]:
    """The register's JSON Schema (Draft 2020-12), as published in spec/v1/deelnemersregister/."""
    from .schemas import SCHEMA_BASE_URI, component_schemas

    onderdelen = component_schemas(
        {"DeelnemersregisterDocument": (DeelnemersregisterDocument, "validation")}, "#/$defs/"
    )
    hoofd = onderdelen.pop("DeelnemersregisterDocument")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_BASE_URI.replace("/schemas/", "/deelnemersregister/")
        + "deelnemersregister.schema.json",
        **{k: v for k, v in hoofd.items() if k != "title"},
        "title": "Deelnemersregister warme doorverwijzing",
        "$defs": dict(sorted(onderdelen.items())),
    }
