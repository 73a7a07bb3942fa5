"""A loaded, verified address book and its look-ups.

There is one way in: :func:`laad_adresboek` verifies the JWS against the trusted keys, validates
the edition, and only then builds an :class:`Adresboek`. A tampered, unsigned, foreign, expired or
rolled-back edition never becomes one::

    boek = laad_adresboek(Path("adresboek.jws").read_bytes(), laad_sleutelbos("nvvk.jwks.json"),
                          op=date.today())
    vermelding = boek.zoek("0718", op=date(2026, 3, 2))
    vermelding.organisatie.naam, vermelding.eindpunt().url
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .._version import SPEC_VERSIES
from .errors import (
    AddressBookExpired,
    InvalidAddressBook,
    NoReceiver,
    NoUsableEndpoint,
    OutdatedEdition,
)
from .handtekening import Geverifieerd, Sleutelbos, verifieer
from .model import AdresboekDocument, Binding, Eindpunt, Gemeentevermelding, Organisatie

__all__ = ["Adresboek", "Vermelding", "laad_adresboek", "lees_document"]

#: An edition is a few hundred kilobytes; far larger input is refused before parsing.
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024


def lees_document(data: bytes | str) -> AdresboekDocument:
    """Validate an edition's JSON (unsigned, as NVVK edits it); every violation is reported."""
    from pydantic import ValidationError

    from ..errors import Violation
    from ..models._base import WIRE_CONTEXT
    from ..models.violations import violations_from_pydantic

    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InvalidAddressBook(
            [Violation("", "te_groot", f"{len(data)} bytes; at most {MAX_DOCUMENT_BYTES}")]
        )
    dubbel = _dubbele_namen(data)
    if dubbel is not None:
        raise InvalidAddressBook([Violation(dubbel[0], "dubbele_naam", dubbel[1])])
    try:
        return AdresboekDocument.model_validate_json(data, strict=True, context=WIRE_CONTEXT)
    except ValidationError as exc:
        raise InvalidAddressBook(violations_from_pydantic(exc)) from None
    except RecursionError:
        raise InvalidAddressBook(
            [Violation("", "te_diep_genest", "the document is nested too deeply")]
        ) from None


def _dubbele_namen(data: bytes) -> tuple[str, str] | None:
    """The first member name that occurs twice in one object, as (pointer, message). The hook
    sees no path, so the pointer is the whole document and the message names the member.

    JSON parsers disagree on which of two equal names wins; in a signed document that ambiguity
    could make two readers see different editions behind one signature, so it is refused.
    """
    import json

    class _Dubbel(Exception):
        pass

    def paren(items: list[tuple[str, object]]) -> dict[str, object]:
        gezien: dict[str, object] = {}
        for naam, waarde in items:
            if naam in gezien:
                raise _Dubbel(naam)
            gezien[naam] = waarde
        return gezien

    try:
        json.loads(data, object_pairs_hook=paren)
    except _Dubbel as exc:
        naam = str(exc.args[0])
        return "", f"the member name {naam!r} occurs twice in one object"
    except (ValueError, RecursionError):
        return None  # not JSON: the validation below says so, with its own code
    return None


@dataclass(frozen=True, slots=True)
class Vermelding:
    """The answer for one municipality on one date: its entry and the serving organisation."""

    gemeente: Gemeentevermelding
    organisatie: Organisatie
    datum: date

    @property
    def eindpunten(self) -> tuple[Eindpunt, ...]:
        """The organisation's endpoints valid on the date, in the edition's order of preference."""
        return tuple(e for e in self.organisatie.eindpunten if e.geldig_op(self.datum))

    def eindpunt(
        self,
        bindingen: Iterable[Binding | str] = (Binding.REST,),
        spec_versie: str | Iterable[str] = SPEC_VERSIES,
    ) -> Eindpunt:
        """The first endpoint with one of ``bindingen`` that accepts ``spec_versie`` (one
        version, or any of several: by default any version this library reads and writes, since
        each later version only adds to the earlier; the endpoint's ``spec_versies`` then tell
        the sender which to write, :func:`warm_referral.models.kies_spec_versie`)."""
        gewenst = [Binding(b) for b in bindingen]
        versies = {spec_versie} if isinstance(spec_versie, str) else set(spec_versie)
        for eindpunt in self.eindpunten:
            if eindpunt.binding in gewenst and versies & set(eindpunt.spec_versies):
                return eindpunt
        raise NoUsableEndpoint(
            f"{self.organisatie.naam} ({self.organisatie.id}) has no endpoint on "
            f"{self.datum.isoformat()} with binding {'/'.join(b.value for b in gewenst)} "
            f"accepting specVersie {' or '.join(sorted(versies))}"
        )


class Adresboek:
    """A verified edition with indexes for the look-ups senders and receivers need."""

    def __init__(self, document: AdresboekDocument, handtekening: Geverifieerd) -> None:
        self.document = document
        self.handtekening = handtekening
        self._organisaties = {o.id: o for o in document.organisaties}
        self._per_oin = {o.oin: o for o in document.organisaties}
        self._per_code: dict[str, list[Gemeentevermelding]] = defaultdict(list)
        self._per_organisatie: dict[str, list[Gemeentevermelding]] = defaultdict(list)
        for vermelding in document.gemeenten:
            self._per_code[vermelding.gemeentecode].append(vermelding)
            self._per_organisatie[vermelding.organisatie].append(vermelding)

    @property
    def editie(self) -> int:
        return self.document.editie

    def geldig_op(self, datum: date) -> bool:
        return self.document.geldig_vanaf <= datum <= self.document.geldig_tot

    def organisatie(self, id_of_oin: str) -> Organisatie:
        """An organisation by its address-book id or its OIN (KeyError if absent)."""
        gevonden = self._organisaties.get(id_of_oin) or self._per_oin.get(id_of_oin)
        if gevonden is None:
            raise KeyError(id_of_oin)
        return gevonden

    def zoek(self, gemeentecode: str, *, op: date) -> Vermelding:
        """Who serves ``gemeentecode`` on ``op``; :class:`NoReceiver` if nobody."""
        for vermelding in self._per_code.get(gemeentecode, ()):
            if vermelding.geldig_op(op):
                return Vermelding(vermelding, self._organisaties[vermelding.organisatie], op)
        raise NoReceiver(gemeentecode, op, self.editie)

    def bediend_door(self, oin: str, *, op: date) -> frozenset[str]:
        """The gemeentecodes the organisation with this OIN serves on ``op`` (a receiver's check)."""
        org = self._per_oin.get(oin)
        if org is None:
            return frozenset()
        return frozenset(v.gemeentecode for v in self._per_organisatie[org.id] if v.geldig_op(op))

    def gemeentecodes(self, *, op: date) -> frozenset[str]:
        """Every municipality with an organisation on ``op``."""
        return frozenset(v.gemeentecode for v in self.document.gemeenten if v.geldig_op(op))

    def __repr__(self) -> str:
        d = self.document
        return (
            f"<Adresboek edition {d.editie} ({d.geldig_vanaf} to {d.geldig_tot}): "
            f"{len(d.organisaties)} organisations, {len(self._per_code)} municipalities, "
            f"signed by {self.handtekening.kid}>"
        )


def laad_adresboek(
    jws: bytes | str,
    vertrouwd: Sleutelbos,
    *,
    op: date | None = None,
    minimale_editie: int | None = None,
) -> Adresboek:
    """Verify and read a signed edition.

    ``op``: refuse an edition that is not valid on that date (expired or not yet in force).
    ``minimale_editie``: refuse an edition older than the newest one this reader has seen.
    Raises :class:`InvalidSignature` (or :class:`UnknownKey`),
    :class:`InvalidAddressBook`, :class:`AddressBookExpired` or :class:`OutdatedEdition`.
    """
    geverifieerd = verifieer(jws, vertrouwd)
    document = lees_document(geverifieerd.payload)
    if minimale_editie is not None and document.editie < minimale_editie:
        raise OutdatedEdition(document.editie, minimale_editie)
    boek = Adresboek(document, geverifieerd)
    if op is not None and not boek.geldig_op(op):
        raise AddressBookExpired(document.editie, document.geldig_vanaf, document.geldig_tot, op)
    return boek
