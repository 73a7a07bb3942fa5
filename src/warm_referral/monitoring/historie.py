"""The history of one referral as monitoring needs it: dated facts, no personal data.

A :class:`Verwijzingshistorie` is what is left of a referral for counting: which municipality and
organisation handled it, who referred it on which ground, and the dated steps (contact attempts,
milestones, the reason it was not taken up, forwarding, withdrawal, the DDAS final result, the
creditor's reports on payment behaviour). No name, address, BSN, amount or free text: it is what a
receiver may keep after the retention term has erased the dossier's personal data.

The municipality's record is the source (:func:`historie_van`); the exchange format for other
implementations is JSON Lines, one history per line (:func:`schrijf_historie`,
:func:`lees_historie`), published as a JSON Schema in ``spec/v1/monitoring/``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import IO, TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, TypeAdapter, ValidationError

from ..errors import Violation
from ..lifecycle import (
    Contactpoging,
    DdasEindresultaat,
    Rol,
    Toestand,
    Verwijzingsdossier,
    ddas_eindresultaat,
)
from ..models import WireModel
from ..models.enums import (
    Grondslag,
    IngrijpendeMaatregel,
    Intrekkingsreden,
    Mijlpaal,
    NietOpgepaktReden,
    SoortVerwijzer,
)
from ..models.wire_types import Gemeentecode, Naam, Referentie, Tijdstip
from .errors import InvalidHistory

if TYPE_CHECKING:
    from ..models import Verwijzing

__all__ = [
    "HISTORIE_FORMAAT",
    "Doorzendingsfeit",
    "Eindresultaatfeit",
    "Evaluatie",
    "Intrekkingsfeit",
    "NietOpgepaktfeit",
    "Verwijzingshistorie",
    "historie_van",
    "lees_historie",
    "schrijf_historie",
]

#: The value of ``formaat`` in every line; a later incompatible format gets a new number.
HISTORIE_FORMAAT = "verwijzingshistorie/1"


class NietOpgepaktfeit(WireModel):
    """The municipality did not take the referral up: the creditor-safe reason code only."""

    datum: date
    reden: NietOpgepaktReden


class Doorzendingsfeit(WireModel):
    """The referral was forwarded to the municipality where the resident lives."""

    datum: date
    gemeentecode: Gemeentecode | None = None
    """The municipality it went to, when its gemeentecode is known."""


class Intrekkingsfeit(WireModel):
    """The creditor withdrew the referral."""

    datum: date
    reden: Intrekkingsreden


class Eindresultaatfeit(WireModel):
    """The DDAS final result (EnumEindresultaat) and the date it was reached."""

    datum: date
    resultaat: DdasEindresultaat


class Evaluatie(WireModel):
    """What the creditor reported some time after the referral, for the evaluation.

    A Betaalgedragmelding fills ``regulier_betaald``; from specVersie 1.1 it may also say which
    drastic collection measures (afsluiting, ontruiming, beslag, inschakeling deurwaarder) were
    taken (``ingrijpende_maatregelen``) and which were in view and avoided
    (``voorkomen_maatregelen``). None means "not reported"; an empty list means "reported: none".
    """

    peildatum: date
    regulier_betaald: bool | None = None
    ingrijpende_maatregelen: tuple[IngrijpendeMaatregel, ...] | None = Field(
        default=None, max_length=20
    )
    """The measures taken since the referral."""
    voorkomen_maatregelen: tuple[IngrijpendeMaatregel, ...] | None = Field(
        default=None, max_length=20
    )
    """The measures that were in view (announced or prepared) and did not happen."""


class Verwijzingshistorie(WireModel):
    """One referral's history for monitoring (from the municipality's record).

    Dates are Europe/Amsterdam calendar dates; ``ontvangenOp`` and ``contactdeadline`` are moments.
    Periods are assigned by ``verwijsdatum`` (the referral's cohort).
    """

    regels_beschrijving: ClassVar[tuple[str, ...]] = (
        "No personal data: no name, address, BSN, amount or free text; verwijzingId is the "
        "creditor's pseudonymous reference.",
    )

    formaat: Literal["verwijzingshistorie/1"] = "verwijzingshistorie/1"
    verwijzing_id: Referentie
    gemeentecode: Gemeentecode
    """The municipality the referral was addressed to (CBS code)."""
    organisatie: Naam | None = None
    """The organisation that does debt help for that municipality, when it is not the municipality
    itself."""
    schuldeiser: Naam
    """The referring creditor (an organisation)."""
    soort_verwijzer: SoortVerwijzer
    grondslag: Grondslag
    crisis: bool
    verwijsdatum: date
    ontvangen_op: Tijdstip | None = None
    """When the municipality received it (absent after a Doorzending: the new one counts)."""
    contactdeadline: Tijdstip | None = None
    toestand: Toestand
    """The lifecycle state when the history was taken."""
    contactpogingen: tuple[Contactpoging, ...] = Field(default=(), max_length=1000)
    mijlpalen: dict[Mijlpaal, date] = Field(default_factory=dict)
    """The date each milestone was reached."""
    contact_gestaakt: date | None = None
    """The municipality stopped trying to reach the resident."""
    niet_opgepakt: NietOpgepaktfeit | None = None
    doorgezonden: Doorzendingsfeit | None = None
    ingetrokken: Intrekkingsfeit | None = None
    eindresultaat: Eindresultaatfeit | None = None
    evaluaties: tuple[Evaluatie, ...] = Field(default=(), max_length=1000)

    def naar_json(self) -> str:
        """One line of the JSON Lines format (no newline)."""
        return self.model_dump_json(exclude_none=True, exclude_defaults=False)


def historie_van(
    dossier: Verwijzingsdossier,
    verwijzing: Verwijzing | None = None,
    *,
    organisatie: str | None = None,
) -> Verwijzingshistorie:
    """The monitoring history of a municipality's record.

    ``verwijzing`` (optional) is the referral the record was made from, checked to be the same one;
    the record itself keeps the kind of referrer and the ground, so a record whose personal data
    were erased (it has no Verwijzing any more) gives the same history. ``organisatie`` names the
    organisation that serves the municipality, when known.
    """
    if dossier.rol is not Rol.GEMEENTE:
        raise ValueError(
            "monitoring reads the municipality's record; the creditor's copy has no contact "
            "attempts and no final result"
        )
    if verwijzing is not None and verwijzing.verwijzing_id != dossier.verwijzing_id:
        raise ValueError(
            f"the Verwijzing is about {verwijzing.verwijzing_id!r}, the record about "
            f"{dossier.verwijzing_id!r}"
        )
    gemeentecode = dossier.gemeente.gemeentecode
    if gemeentecode is None:  # the Verwijzing's rules require it; a guard for the type checker
        raise ValueError("the record's municipality has no gemeentecode")
    resultaat = ddas_eindresultaat(dossier)
    eindresultaat = None
    if resultaat is not None:
        eindresultaat = Eindresultaatfeit(datum=_datum_van_resultaat(dossier), resultaat=resultaat)
    evaluaties = tuple(
        Evaluatie(
            peildatum=b.peildatum,
            regulier_betaald=b.regulier_betaald,
            ingrijpende_maatregelen=None
            if b.ingrijpende_maatregelen is None
            else tuple(m.soort for m in b.ingrijpende_maatregelen if m.genomen),
            voorkomen_maatregelen=None
            if b.ingrijpende_maatregelen is None
            else tuple(m.soort for m in b.ingrijpende_maatregelen if not m.genomen),
        )
        for b in dossier.betaalgedrag
    )
    return Verwijzingshistorie(
        verwijzing_id=dossier.verwijzing_id,
        gemeentecode=gemeentecode,
        organisatie=organisatie,
        schuldeiser=dossier.schuldeiser.naam,
        soort_verwijzer=dossier.soort_verwijzer,
        grondslag=dossier.grondslag,
        crisis=dossier.crisis,
        verwijsdatum=dossier.verwijsdatum,
        ontvangen_op=dossier.ontvangen_op,
        contactdeadline=dossier.contactdeadline,
        toestand=dossier.toestand,
        contactpogingen=tuple(dossier.contactpogingen),
        mijlpalen=dict(dossier.mijlpalen),
        contact_gestaakt=dossier.contact_gestaakt_op,
        niet_opgepakt=(
            NietOpgepaktfeit(datum=dossier.niet_opgepakt_op, reden=dossier.niet_opgepakt_reden)
            if dossier.niet_opgepakt_reden is not None and dossier.niet_opgepakt_op is not None
            else None
        ),
        doorgezonden=(
            Doorzendingsfeit(
                datum=dossier.doorgezonden_op,
                gemeentecode=(
                    dossier.doorgezonden_naar.gemeentecode if dossier.doorgezonden_naar else None
                ),
            )
            if dossier.doorgezonden_op is not None
            else None
        ),
        ingetrokken=(
            Intrekkingsfeit(datum=dossier.ingetrokken_op, reden=dossier.intrekkingsreden)
            if dossier.intrekkingsreden is not None and dossier.ingetrokken_op is not None
            else None
        ),
        eindresultaat=eindresultaat,
        evaluaties=evaluaties,
    )


def _datum_van_resultaat(dossier: Verwijzingsdossier) -> date:
    """The date of the step that fixed the final result (the state tells which step)."""
    toestand = dossier.toestand
    datum: date | None = None
    if toestand is Toestand.NIET_OPGEPAKT:
        datum = dossier.niet_opgepakt_op
    elif toestand is Toestand.DOORGEZONDEN:
        datum = dossier.doorgezonden_op
    elif toestand is Toestand.INGETROKKEN:
        datum = dossier.ingetrokken_op
    else:
        datum = dossier.mijlpalen.get(Mijlpaal.AFGESLOTEN)
    return datum if datum is not None else dossier.laatste_datum


# --- JSON Lines --------------------------------------------------------------------------------------

_ADAPTER: TypeAdapter[Verwijzingshistorie] = TypeAdapter(Verwijzingshistorie)
_WIRE = {"wire": True}


def lees_historie(
    regels: Iterable[str | bytes], *, bron: str = ""
) -> Iterator[Verwijzingshistorie]:
    """Read JSON Lines (an open file, or any iterable of lines) one history at a time.

    Blank lines are skipped. The first invalid line raises :class:`InvalidHistory` with its line
    number and every violation; nothing is guessed.
    """
    from ..models.violations import violations_from_pydantic

    valideer = _ADAPTER.validate_json
    for nummer, regel in enumerate(regels, start=1):
        if not regel.strip():
            continue
        try:
            # A null can only hide in a line that contains the token (as in parse_json).
            nul = (b"null" in regel) if isinstance(regel, bytes) else ("null" in regel)
            yield valideer(regel, strict=True, context=_WIRE if nul else None)
        except ValidationError as exc:
            raise InvalidHistory(nummer, violations_from_pydantic(exc), bron) from None
        except RecursionError:
            raise InvalidHistory(
                nummer, [Violation("", "te_diep_genest", "nested too deeply")], bron
            ) from None


def schrijf_historie(historien: Iterable[Verwijzingshistorie], uit: IO[str]) -> int:
    """Write histories as JSON Lines; returns how many were written."""
    n = 0
    for historie in historien:
        uit.write(historie.naar_json())
        uit.write("\n")
        n += 1
    return n


def historie_schema() -> dict[str, Any]:
    """The published JSON Schema of one line (Draft 2020-12), built from the model."""
    from ..schemas import SCHEMA_BASE_URI, _clean_model, _strip_null

    schema = _ADAPTER.json_schema(ref_template="#/$defs/{model}")
    defs: dict[str, Any] = schema.pop("$defs", {})
    klassen: dict[str, type[Any]] = {
        c.__name__: c
        for c in (
            Verwijzingshistorie,
            NietOpgepaktfeit,
            Doorzendingsfeit,
            Intrekkingsfeit,
            Eindresultaatfeit,
            Evaluatie,
        )
    }
    schoon: dict[str, Any] = {}
    for naam, deel in sorted(defs.items()):
        if naam in klassen:
            schoon[naam] = _clean_model(naam, deel, klassen[naam])
        elif naam == "Contactpoging":
            deel = dict(deel)
            deel["properties"] = {
                k: {kk: vv for kk, vv in _strip_null(dict(v)).items() if kk != "title"}
                for k, v in deel["properties"].items()
            }
            schoon[naam] = deel
        else:
            schoon[naam] = deel
    top = _clean_model("Verwijzingshistorie", schema, Verwijzingshistorie)
    top["properties"]["formaat"].pop("default", None)
    top.setdefault("required", []).insert(0, "formaat")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_BASE_URI.replace("/schemas/", "/monitoring/") + "verwijzingshistorie.json",
        **top,
        "$defs": schoon,
    }
