"""A packed, read-only index from postcode and house number to gemeentecode.

The whole country is about 9 million addresses in some 460,000 postcodes (PC6). A dict of tuples
would take gigabytes; this index keeps four flat arrays (about 75 MB for the country) and answers
in well under a microsecond:

- ``starts``: for every possible postcode key (:func:`~.adres.postcode_sleutel`, 6,084,000 of
  them, so no search is needed to find a postcode) the offset of its house numbers;
- ``nummers``: the house numbers of each postcode, sorted, one after the other (bisected);
- ``gemeente``: per postcode key the index of its gemeentecode; nearly every postcode lies in one
  municipality, so that costs two bytes per key, not per address;
- ``afwijkend``: the few addresses of a postcode that spans municipalities (marked ``GEMENGD``),
  and addresses the source lists under two municipalities (answered with
  :class:`~.errors.DubbelzinnigAdres`).

The index answers in the municipal classification of its source (``indeling``, 1 January of the
CBS table's year); :class:`~.zoeker.Gemeentezoeker` carries that to the date asked. The binary
file (:meth:`Adresindex.opslaan`, :func:`laad_index`) has a magic number, a format version, a JSON
header and a SHA-256 over the arrays, so a damaged or foreign file is refused, never misread.
"""

from __future__ import annotations

import hashlib
import json
import struct
import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from pathlib import Path
from typing import Any, BinaryIO

from ..identifiers import postcode as _postcode
from .adres import (
    AANTAL_POSTCODE_SLEUTELS,
    HUISNUMMER_MAX,
    AdresLike,
    Zoekadres,
    postcode_sleutel,
    postcode_uit_sleutel,
    uit_adres,
    zoekadres,
)
from .errors import DubbelzinnigAdres, IndexBestandFout, OnbekendePostcode, OnbekendHuisnummer

__all__ = ["FORMAAT_VERSIE", "MAGIC", "Adresindex", "IndexBouwer", "laad_index"]

MAGIC = b"WRADRIX\x00"
#: Bump when the layout changes; a reader refuses every other version.
FORMAAT_VERSIE = 1

GEMENGD = 0xFFFF  # per-postcode marker: look in ``afwijkend``
_GEEN = 0xFFFE  # per-postcode marker: no addresses (only in keys without house numbers)
_MAX_GEMEENTEN = 0xFFF0
_DUBBEL = 1 << 20  # ``afwijkend`` values from here on index ``dubbel``
_HN_BITS = 17  # house numbers < 2**17 = 131072 > 99999
_GEM_BITS = 16

_PC4: dict[str, int] = {f"{n}": (n - 1000) * 676 for n in range(1000, 10000)}
#: Letter pairs to their part of the key; the pairs PostNL never issues are left out, so they
#: take the checked path and are refused as invalid.
_PAREN: dict[str, int] = {
    chr(65 + a) + chr(65 + b): a * 26 + b
    for a in range(26)
    for b in range(26)
    if chr(65 + a) + chr(65 + b) not in _postcode.NOOIT_UITGEGEVEN
}


def _controleer_itemsize() -> None:
    for code, size in (("I", 4), ("H", 2), ("Q", 8)):
        if array(code).itemsize != size:  # pragma: no cover - exotic platforms only
            raise RuntimeError(f"array type {code!r} is not {size} bytes on this platform")


@dataclass(frozen=True, slots=True)
class Indexinfo:
    """What an index says about itself (the JSON header of the file)."""

    naam: str
    indeling: date
    peildatum: date | None
    bron: str


class Adresindex:
    """Look up the gemeentecode of an address in a packed table. Build one with
    :class:`IndexBouwer` or :func:`~.cbs.index_uit_cbs`; load one with :func:`laad_index`."""

    __slots__ = (
        "_afwijkend",
        "_codes",
        "_dubbel",
        "_gemeente",
        "_nummers",
        "_starts",
        "info",
    )

    def __init__(
        self,
        info: Indexinfo,
        codes: tuple[str, ...],
        starts: array[int],
        nummers: array[int],
        gemeente: array[int],
        afwijkend: dict[int, int],
        dubbel: tuple[tuple[str, ...], ...],
    ) -> None:
        self.info = info
        self._codes = codes
        self._starts = starts
        self._nummers = nummers
        self._gemeente = gemeente
        self._afwijkend = afwijkend
        self._dubbel = dubbel

    # --- the Adresbron protocol ------------------------------------------------------------------

    @property
    def naam(self) -> str:
        return self.info.naam

    @property
    def indeling(self) -> date:
        return self.info.indeling

    def zoek(self, adres: AdresLike | Zoekadres) -> str:
        """The gemeentecode of a checked address (letter and addition are not in the CBS table)."""
        adres = uit_adres(adres)
        return self.gemeentecode(adres.postcode, adres.huisnummer)

    # --- the hot path ----------------------------------------------------------------------------

    def gemeentecode(self, postcode: str, huisnummer: int) -> str:
        """The gemeentecode of ``postcode`` (``1234AB``) and ``huisnummer`` in this index.

        Raises :class:`OnbekendePostcode`, :class:`OnbekendHuisnummer`,
        :class:`DubbelzinnigAdres`, or :class:`OngeldigAdres` for input that is no address.
        Other spellings of the postcode (``1234 ab``) are accepted on a slower path.
        """
        try:
            sleutel = _PC4[postcode[:4]] + _PAREN[postcode[4:]]
        except (KeyError, TypeError):
            return self._genormaliseerd(postcode, huisnummer)
        if huisnummer.__class__ is not int:
            return self._genormaliseerd(postcode, huisnummer)
        starts = self._starts
        begin = starts[sleutel]
        eind = starts[sleutel + 1]
        nummers = self._nummers
        i = bisect_left(nummers, huisnummer, begin, eind)
        if i == eind or nummers[i] != huisnummer:
            raise self._onbekend(postcode, huisnummer, begin, eind)
        g = self._gemeente[sleutel]
        if g == GEMENGD:
            return self._afwijkende_code(postcode, sleutel, huisnummer)
        return self._codes[g]

    # --- the slow paths --------------------------------------------------------------------------

    def _genormaliseerd(self, postcode: Any, huisnummer: Any) -> str:
        adres = zoekadres(postcode, huisnummer)  # raises OngeldigAdres with the reason
        return self.gemeentecode(adres.postcode, adres.huisnummer)

    def _onbekend(self, postcode: str, huisnummer: int, begin: int, eind: int) -> Exception:
        if not 1 <= huisnummer <= HUISNUMMER_MAX or postcode[4:] in _postcode.NOOIT_UITGEGEVEN:
            try:
                zoekadres(postcode, huisnummer)
            except Exception as exc:
                return exc
        if begin == eind:
            return OnbekendePostcode(postcode, huisnummer, self.info.naam)
        return OnbekendHuisnummer(postcode, huisnummer, self.info.naam)

    def _afwijkende_code(self, postcode: str, sleutel: int, huisnummer: int) -> str:
        waarde = self._afwijkend[sleutel * (HUISNUMMER_MAX + 1) + huisnummer]
        if waarde >= _DUBBEL:
            raise DubbelzinnigAdres(
                f"{postcode} {huisnummer} lies in more than one municipality in {self.info.naam}",
                self._dubbel[waarde - _DUBBEL],
            )
        return self._codes[waarde]

    # --- inspection ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._nummers)

    @property
    def gemeentecodes(self) -> tuple[str, ...]:
        return self._codes

    @property
    def aantal_postcodes(self) -> int:
        starts = self._starts
        return sum(1 for k in range(AANTAL_POSTCODE_SLEUTELS) if starts[k] != starts[k + 1])

    def adressen(self) -> Iterator[tuple[str, int, str | tuple[str, ...]]]:
        """Every (postcode, huisnummer, gemeentecode) in order; a tuple of codes where dubious."""
        starts, nummers, gemeente = self._starts, self._nummers, self._gemeente
        for sleutel in range(AANTAL_POSTCODE_SLEUTELS):
            begin, eind = starts[sleutel], starts[sleutel + 1]
            if begin == eind:
                continue
            postcode = postcode_uit_sleutel(sleutel)
            g = gemeente[sleutel]
            for i in range(begin, eind):
                hn = nummers[i]
                if g != GEMENGD:
                    yield postcode, hn, self._codes[g]
                    continue
                waarde = self._afwijkend[sleutel * (HUISNUMMER_MAX + 1) + hn]
                if waarde >= _DUBBEL:
                    yield postcode, hn, self._dubbel[waarde - _DUBBEL]
                else:
                    yield postcode, hn, self._codes[waarde]

    def __repr__(self) -> str:
        return (
            f"<Adresindex {self.info.naam!r}: {len(self)} addresses, "
            f"{len(self._codes)} municipalities, classification {self.info.indeling}>"
        )

    # --- the file ----------------------------------------------------------------------------------

    def _arrays(self) -> list[tuple[str, array[int]]]:
        sleutels = array("Q", sorted(self._afwijkend))
        waarden = array("I", (self._afwijkend[s] for s in sleutels))
        return [
            ("starts", self._starts),
            ("nummers", self._nummers),
            ("gemeente", self._gemeente),
            ("afwijkend_sleutels", sleutels),
            ("afwijkend_waarden", waarden),
        ]

    def opslaan(self, pad: str | Path) -> None:
        """Write the index to ``pad`` (a temporary file first, then renamed over ``pad``)."""
        pad = Path(pad)
        tijdelijk = pad.with_name(pad.name + ".tmp")
        with open(tijdelijk, "wb") as f:
            self.schrijf(f)
        tijdelijk.replace(pad)

    def schrijf(self, f: BinaryIO) -> None:
        arrays = self._arrays()
        if sys.byteorder != "little":  # pragma: no cover - big-endian machines only
            arrays = [(n, _omgedraaid(a)) for n, a in arrays]
        digest = hashlib.sha256()
        for _, a in arrays:
            digest.update(a)
        kop = {
            "naam": self.info.naam,
            "indeling": self.info.indeling.isoformat(),
            "peildatum": self.info.peildatum.isoformat() if self.info.peildatum else None,
            "bron": self.info.bron,
            "gemeentecodes": list(self._codes),
            "dubbel": [list(d) for d in self._dubbel],
            "arrays": [[n, a.typecode, len(a)] for n, a in arrays],
            "sha256": digest.hexdigest(),
        }
        kop_bytes = json.dumps(kop, ensure_ascii=False).encode("utf-8")
        f.write(MAGIC + struct.pack("<II", FORMAAT_VERSIE, len(kop_bytes)) + kop_bytes)
        for _, a in arrays:
            a.tofile(f)


def _omgedraaid(a: array[int]) -> array[int]:  # pragma: no cover - big-endian machines only
    kopie = array(a.typecode, a)
    kopie.byteswap()
    return kopie


_VERWACHTE_ARRAYS = (
    ("starts", "I"),
    ("nummers", "I"),
    ("gemeente", "H"),
    ("afwijkend_sleutels", "Q"),
    ("afwijkend_waarden", "I"),
)


def laad_index(pad: str | Path) -> Adresindex:
    """Read an index file written by :meth:`Adresindex.opslaan`; refuse anything else."""
    _controleer_itemsize()
    bron = str(pad)
    try:
        f = open(pad, "rb")  # noqa: SIM115 - closed below, errors mapped
    except OSError as exc:
        raise IndexBestandFout(bron, f"cannot open: {exc.strerror or exc}") from None
    with f:
        voorloop = f.read(len(MAGIC) + 8)
        if len(voorloop) < len(MAGIC) + 8 or voorloop[: len(MAGIC)] != MAGIC:
            raise IndexBestandFout(bron, "not a warm_referral address index (wrong magic number)")
        versie, kop_lengte = struct.unpack("<II", voorloop[len(MAGIC) :])
        if versie != FORMAAT_VERSIE:
            raise IndexBestandFout(
                bron,
                f"index format version {versie}; this release reads version {FORMAAT_VERSIE} "
                "(rebuild the index from the CBS table)",
            )
        try:
            kop = json.loads(f.read(kop_lengte).decode("utf-8"))
            lijst = [(str(n), str(t), int(c)) for n, t, c in kop["arrays"]]
            info = Indexinfo(
                naam=str(kop["naam"]),
                indeling=date.fromisoformat(kop["indeling"]),
                peildatum=date.fromisoformat(kop["peildatum"]) if kop["peildatum"] else None,
                bron=str(kop["bron"]),
            )
            codes = tuple(str(c) for c in kop["gemeentecodes"])
            dubbel = tuple(tuple(str(c) for c in d) for d in kop["dubbel"])
            verwacht_digest = str(kop["sha256"])
        except (ValueError, KeyError, TypeError) as exc:
            raise IndexBestandFout(bron, f"damaged header: {exc}") from None
        if [(n, t) for n, t, _ in lijst] != list(_VERWACHTE_ARRAYS):
            raise IndexBestandFout(bron, "unexpected array layout")
        digest = hashlib.sha256()
        arrays: dict[str, array[int]] = {}
        for naam, typecode, aantal in lijst:
            a = array(typecode)
            try:
                a.fromfile(f, aantal)
            except (EOFError, ValueError):
                raise IndexBestandFout(bron, f"file ends inside array {naam!r}") from None
            digest.update(a)
            arrays[naam] = a
        if f.read(1):
            raise IndexBestandFout(bron, "trailing bytes after the last array")
    if digest.hexdigest() != verwacht_digest:
        raise IndexBestandFout(bron, "SHA-256 mismatch: the file is damaged")
    if sys.byteorder != "little":  # pragma: no cover - big-endian machines only
        for a in arrays.values():
            a.byteswap()
    starts, gemeente = arrays["starts"], arrays["gemeente"]
    if len(starts) != AANTAL_POSTCODE_SLEUTELS + 1 or len(gemeente) != AANTAL_POSTCODE_SLEUTELS:
        raise IndexBestandFout(bron, "postcode tables have the wrong size")
    if starts[-1] != len(arrays["nummers"]):
        raise IndexBestandFout(bron, "offsets do not match the house numbers")
    afwijkend = dict(zip(arrays["afwijkend_sleutels"], arrays["afwijkend_waarden"], strict=True))
    return Adresindex(info, codes, starts, arrays["nummers"], gemeente, afwijkend, dubbel)


class IndexBouwer:
    """Collect (postcode, huisnummer, gemeentecode) rows in any order; :meth:`bouw` packs them.

    Rows are packed into one 64-bit integer each as they come (about 8 bytes per address); a
    sorted input (the CBS table is ordered by postcode and house number) is never re-sorted.
    The same address twice with the same code is kept once; with different codes it becomes
    a :class:`DubbelzinnigAdres` at look-up.
    """

    def __init__(self, naam: str, indeling: date, peildatum: date | None = None, bron: str = ""):
        _controleer_itemsize()
        self.info = Indexinfo(naam, indeling, peildatum, bron or naam)
        self._codes: list[str] = []
        self._code_index: dict[str, int] = {}
        self._rijen = array("Q")
        self._vorige = -1
        self._gesorteerd = True

    def code_index(self, gemeentecode: str) -> int:
        """The small integer that stands for a (checked, 4-digit) gemeentecode."""
        i = self._code_index.get(gemeentecode)
        if i is None:
            i = len(self._codes)
            if i >= _MAX_GEMEENTEN:
                raise ValueError("more municipalities than the index format holds")
            self._codes.append(gemeentecode)
            self._code_index[gemeentecode] = i
        return i

    def voeg_toe_sleutel(self, sleutel: int, huisnummer: int, code_index: int) -> None:
        """Add one row by postcode key (the loader's fast path; arguments already checked)."""
        waarde = (((sleutel << _HN_BITS) | huisnummer) << _GEM_BITS) | code_index
        if waarde < self._vorige:
            self._gesorteerd = False
        self._vorige = waarde
        self._rijen.append(waarde)

    def voeg_toe(self, postcode: str, huisnummer: int, gemeentecode: str) -> None:
        """Add one address (checked here; slower than :meth:`voeg_toe_sleutel`)."""
        from ..identifiers import gemeentecode as _gemeentecode

        adres = zoekadres(postcode, huisnummer)
        self.voeg_toe_sleutel(
            postcode_sleutel(adres.postcode),
            adres.huisnummer,
            self.code_index(_gemeentecode.validate(gemeentecode)),
        )

    def bouw(self) -> Adresindex:
        rijen: Iterable[int] = self._rijen
        if not self._gesorteerd:
            rijen = sorted(self._rijen)
        self._rijen = array("Q")  # free the rows as soon as they are no longer needed
        telling = array("I", bytes(4 * AANTAL_POSTCODE_SLEUTELS))
        gemeente = array("H", [_GEEN]) * AANTAL_POSTCODE_SLEUTELS
        nummers = array("I")
        afwijkend: dict[int, int] = {}
        dubbel: list[tuple[str, ...]] = []
        dubbel_index: dict[tuple[str, ...], int] = {}
        gem_masker = (1 << _GEM_BITS) - 1
        hn_masker = (1 << _HN_BITS) - 1
        vorige_adres = -1
        vorige_g = -1
        huidige_sleutel = -1
        codes = self._codes
        stap = HUISNUMMER_MAX + 1

        def maak_gemengd(sleutel: int) -> None:
            # The postcode spans municipalities: its addresses so far move to ``afwijkend``.
            huidig = gemeente[sleutel]
            if huidig == GEMENGD:
                return
            n = len(nummers)
            for eerder in nummers[n - telling[sleutel] : n]:
                afwijkend.setdefault(sleutel * stap + eerder, huidig)
            gemeente[sleutel] = GEMENGD

        for waarde in rijen:
            g = waarde & gem_masker
            adres_deel = waarde >> _GEM_BITS
            if adres_deel == vorige_adres:
                if g == vorige_g:
                    continue  # the same row twice
                # The same address under another municipality: dubious.
                sleutel = adres_deel >> _HN_BITS
                plek = sleutel * stap + (adres_deel & hn_masker)
                maak_gemengd(sleutel)
                oud = afwijkend[plek]
                kandidaten = set(dubbel[oud - _DUBBEL]) if oud >= _DUBBEL else {codes[oud]}
                kandidaten.add(codes[g])
                samen = tuple(sorted(kandidaten))
                d = dubbel_index.get(samen)
                if d is None:
                    d = len(dubbel)
                    dubbel.append(samen)
                    dubbel_index[samen] = d
                afwijkend[plek] = _DUBBEL + d
                vorige_g = g
                continue
            vorige_adres = adres_deel
            vorige_g = g
            sleutel = adres_deel >> _HN_BITS
            hn = adres_deel & hn_masker
            nummers.append(hn)
            telling[sleutel] += 1
            if sleutel != huidige_sleutel:
                huidige_sleutel = sleutel
                gemeente[sleutel] = g
                continue
            huidig = gemeente[sleutel]
            if huidig == g:
                continue
            maak_gemengd(sleutel)
            afwijkend[sleutel * stap + hn] = g
        starts = array("I", accumulate(telling, initial=0))
        return Adresindex(
            self.info, tuple(codes), starts, nummers, gemeente, afwijkend, tuple(dubbel)
        )
