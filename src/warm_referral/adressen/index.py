"""A packed, read-only index from postcode and house number to gemeentecode.

The whole country is about 9 million addresses in some 460,000 postcodes (PC6). A dict of tuples
takes well over a gigabyte; this index takes about 120 MB and answers at least as fast as that dict:

- ``postcodes``: a dict from postcode (``1234AB``) to one int per postcode. For nearly every
  postcode that int holds the bitmask of its house numbers, its lowest number and its
  municipality, so a look-up is one hash look-up and a shift (at this size every further array
  read is a cache miss). A postcode that spans municipalities or a very wide range of numbers
  holds the offset of its numbers instead, which are then bisected;
- ``nummers``: the house numbers of each postcode, sorted, one postcode after the other
  (``starts`` per postcode), two bytes each unless a number exceeds 65535;
- ``gemeente``: per postcode the index of its gemeentecode (two bytes per postcode, not per
  address: nearly every postcode lies in one municipality);
- ``afwijkend``: per position in ``nummers``, the municipality of each address of a postcode that
  spans municipalities (marked ``GEMENGD``), and the candidates of an address the source lists
  under two municipalities (answered with :class:`~.errors.AmbiguousAddress`);
- ``maskers``: the bitmasks, computed once when the index is built and stored in the file.

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
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..identifiers import postcode as _postcode
from .adres import (
    AdresLike,
    Zoekadres,
    postcode_sleutel,
    postcode_uit_sleutel,
    uit_adres,
    zoekadres,
)
from .errors import AmbiguousAddress, IndexFileError, UnknownHouseNumber, UnknownPostcode

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .batch import Batchresultaat, Batchzoeker

__all__ = ["FORMAAT_VERSIE", "MAGIC", "Adresindex", "IndexBouwer", "laad_index"]

MAGIC = b"WRADRIX\x00"
#: Bump when the layout changes; a reader refuses every other version.
FORMAAT_VERSIE = 1

GEMENGD = 0xFFFF  # per-postcode marker: look in ``afwijkend``
_MAX_GEMEENTEN = 0xFFF0
_DUBBEL = 1 << 20  # ``afwijkend`` values from here on index ``dubbel``
_LANG = 0xFF  # a postcode with this many house numbers or more keeps its end in ``_einden``
_MASKER = 1 << 16  # the postcode's value holds a bitmask of its house numbers
_MAX_BEREIK = 1024  # ... when they span at most this many numbers (nearly all postcodes do)
_HN_BITS = 17  # house numbers < 2**17 = 131072 > 99999
_GEM_BITS = 16

#: For the loader's fast path: the four digits and the letter pair to their part of the key.
#: The pairs PostNL never issues are left out, so they take the checked path and are refused.
_PC4: dict[str, int] = {f"{n}": (n - 1000) * 676 for n in range(1000, 10000)}
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
        "_batchzoeker",
        "_codes",
        "_dubbel",
        "_einden",
        "_gemeente",
        "_masker_starts",
        "_maskers",
        "_nummers",
        "_postcodes",
        "_sleutels",
        "_starts",
        "info",
    )

    def __init__(
        self,
        info: Indexinfo,
        codes: tuple[str, ...],
        sleutels: array[int],
        starts: array[int],
        nummers: array[int],
        gemeente: array[int],
        afwijkend: dict[int, int],
        dubbel: tuple[tuple[str, ...], ...],
        maskers: array[int] | None = None,
        masker_starts: array[int] | None = None,
    ) -> None:
        if maskers is None or masker_starts is None:
            maskers, masker_starts = _bereken_maskers(starts, nummers, gemeente)
        self.info = info
        self._codes = codes
        self._sleutels = sleutels
        # Per postcode one int, so that the hot path touches the dict and nothing else. Nearly
        # always:  bitmask of its house numbers << 34 | lowest number << 17 | _MASKER | gemeente
        # else:    begin << 25 | min(count, 255) << 17 | gemeente   (the numbers are bisected)
        # The arrays stay for iteration and the file.
        self._postcodes: dict[str, int] = {}
        self._einden: dict[int, int] = {}
        masker_bytes = maskers.tobytes()
        for p, sleutel in enumerate(sleutels):
            begin, eind = starts[p], starts[p + 1]
            g = gemeente[p]
            m_begin, m_eind = masker_starts[p], masker_starts[p + 1]
            if m_begin != m_eind:
                masker = int.from_bytes(masker_bytes[m_begin:m_eind], "little")
                waarde = (masker << 34) | (nummers[begin] << 17) | _MASKER | g
            else:
                if eind - begin >= _LANG:
                    self._einden[begin] = eind
                waarde = (begin << 25) | (min(eind - begin, _LANG) << 17) | g
            self._postcodes[postcode_uit_sleutel(sleutel)] = waarde
        self._starts = starts
        self._nummers = nummers
        self._gemeente = gemeente
        self._afwijkend = afwijkend
        self._dubbel = dubbel
        self._maskers = maskers
        self._masker_starts = masker_starts
        self._batchzoeker: Batchzoeker | None = None

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

        Raises :class:`UnknownPostcode`, :class:`UnknownHouseNumber`,
        :class:`AmbiguousAddress`, or :class:`InvalidAddress` for input that is no address.
        Other spellings of the postcode (``1234 ab``) are accepted on a slower path.
        """
        try:
            v = self._postcodes[postcode]
        except (KeyError, TypeError):
            return self._buiten_de_index(postcode, huisnummer)
        if huisnummer.__class__ is not int:
            zoekadres(postcode, huisnummer)  # raises InvalidAddress
        if v & _MASKER:
            k = huisnummer - ((v >> 17) & 0x1FFFF)
            if k >= 0 and (v >> (34 + k)) & 1:
                return self._codes[v & 0xFFFF]
            zoekadres(postcode, huisnummer)  # a house number out of range is invalid, not unknown
            raise UnknownHouseNumber(postcode, huisnummer, self.info.naam)
        begin = v >> 25
        eind = begin + ((v >> 17) & 0xFF)
        if eind - begin == _LANG:
            eind = self._einden[begin]
        nummers = self._nummers
        i = bisect_left(nummers, huisnummer, begin, eind)
        if i == eind or nummers[i] != huisnummer:
            zoekadres(postcode, huisnummer)  # a house number out of range is invalid, not unknown
            raise UnknownHouseNumber(postcode, huisnummer, self.info.naam)
        g = v & 0xFFFF
        if g == GEMENGD:
            return self._afwijkende_code(postcode, i, huisnummer)
        return self._codes[g]

    def zoek_veel(
        self, postcodes: Sequence[object], huisnummers: Sequence[object]
    ) -> Batchresultaat:
        """Look up ``postcodes[i]`` with ``huisnummers[i]`` for every ``i`` at once, in numpy
        (the ``[snel]`` extra): several times the scalar rate for large batches.

        Each row's answer, or its typed error, is exactly :meth:`gemeentecode`'s; see
        :class:`~.batch.Batchresultaat`. ValueError when the two differ in length.
        """
        return self.batchzoeker().zoek(postcodes, huisnummers)

    def batchzoeker(self) -> Batchzoeker:
        """The numpy views of this index (made on first use; imports numpy)."""
        if self._batchzoeker is None:
            from .batch import Batchzoeker

            self._batchzoeker = Batchzoeker(self)
        return self._batchzoeker

    # --- the slow paths --------------------------------------------------------------------------

    def _buiten_de_index(self, postcode: Any, huisnummer: Any) -> str:
        adres = zoekadres(postcode, huisnummer)  # raises InvalidAddress with the reason
        if adres.postcode != postcode:  # another spelling of a postcode, e.g. "1234 ab"
            return self.gemeentecode(adres.postcode, adres.huisnummer)
        raise UnknownPostcode(adres.postcode, adres.huisnummer, self.info.naam)

    def _afwijkende_code(self, postcode: str, positie: int, huisnummer: int) -> str:
        waarde = self._afwijkend[positie]
        if waarde >= _DUBBEL:
            raise AmbiguousAddress(
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
        return len(self._sleutels)

    def adressen(self) -> Iterator[tuple[str, int, str | tuple[str, ...]]]:
        """Every (postcode, huisnummer, gemeentecode) in order; a tuple of codes where dubious."""
        starts, nummers, gemeente = self._starts, self._nummers, self._gemeente
        for p, sleutel in enumerate(self._sleutels):
            postcode = postcode_uit_sleutel(sleutel)
            g = gemeente[p]
            for i in range(starts[p], starts[p + 1]):
                hn = nummers[i]
                if g != GEMENGD:
                    yield postcode, hn, self._codes[g]
                    continue
                waarde = self._afwijkend[i]
                if waarde >= _DUBBEL:
                    yield postcode, hn, self._dubbel[waarde - _DUBBEL]
                else:
                    yield postcode, hn, self._codes[waarde]

    def __repr__(self) -> str:
        return (
            f"<Adresindex {self.info.naam!r}: {len(self)} addresses in "
            f"{self.aantal_postcodes} postcodes, {len(self._codes)} municipalities, "
            f"classification {self.info.indeling}>"
        )

    # --- the file --------------------------------------------------------------------------------

    def _arrays(self) -> list[tuple[str, array[int]]]:
        afwijkend_sleutels = array("I", sorted(self._afwijkend))
        afwijkend_waarden = array("I", (self._afwijkend[s] for s in afwijkend_sleutels))
        return [
            ("sleutels", self._sleutels),
            ("starts", self._starts),
            ("nummers", self._nummers),
            ("gemeente", self._gemeente),
            ("afwijkend_sleutels", afwijkend_sleutels),
            ("afwijkend_waarden", afwijkend_waarden),
            ("maskers", self._maskers),
            ("masker_starts", self._masker_starts),
        ]

    def opslaan(self, pad: str | Path) -> None:
        """Write the index to ``pad`` (a temporary file first, then renamed over ``pad``)."""
        pad = Path(pad)
        tijdelijk = pad.with_name(pad.name + ".tmp")
        with open(tijdelijk, "wb") as f:
            self.schrijf(f)
        tijdelijk.replace(pad)

    def schrijf(self, f: BinaryIO) -> None:
        """Write the index file format to an open binary file."""
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
    ("sleutels", "I"),
    ("starts", "I"),
    ("nummers", "H"),  # or "I" when a house number exceeds 65535
    ("gemeente", "H"),
    ("afwijkend_sleutels", "I"),
    ("afwijkend_waarden", "I"),
    ("maskers", "B"),
    ("masker_starts", "I"),
)


def laad_index(pad: str | Path) -> Adresindex:
    """Read an index file written by :meth:`Adresindex.opslaan`; refuse anything else."""
    _controleer_itemsize()
    bron = str(pad)
    try:
        f = open(pad, "rb")  # noqa: SIM115 - closed below, errors mapped
    except OSError as exc:
        raise IndexFileError(bron, f"cannot open: {exc.strerror or exc}") from None
    with f:
        voorloop = f.read(len(MAGIC) + 8)
        if len(voorloop) < len(MAGIC) + 8 or voorloop[: len(MAGIC)] != MAGIC:
            raise IndexFileError(bron, "not a warm_referral address index (wrong magic number)")
        versie, kop_lengte = struct.unpack("<II", voorloop[len(MAGIC) :])
        if versie != FORMAAT_VERSIE:
            raise IndexFileError(
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
            raise IndexFileError(bron, f"damaged header: {exc}") from None
        indeling_arrays = [(n, "H" if n == "nummers" else t) for n, t, _ in lijst]
        if indeling_arrays != list(_VERWACHTE_ARRAYS) or lijst[2][1] not in ("H", "I"):
            raise IndexFileError(bron, "unexpected array layout")
        digest = hashlib.sha256()
        arrays: dict[str, array[int]] = {}
        for naam, typecode, aantal in lijst:
            a = array(typecode)
            try:
                a.fromfile(f, aantal)
            except (EOFError, ValueError, OverflowError, MemoryError):
                raise IndexFileError(bron, f"file ends inside array {naam!r}") from None
            digest.update(a)
            arrays[naam] = a
        if f.read(1):
            raise IndexFileError(bron, "trailing bytes after the last array")
    if digest.hexdigest() != verwacht_digest:
        raise IndexFileError(bron, "SHA-256 mismatch: the file is damaged")
    if sys.byteorder != "little":  # pragma: no cover - big-endian machines only
        for a in arrays.values():
            a.byteswap()
    n = len(arrays["sleutels"])
    if len(arrays["starts"]) != n + 1 or len(arrays["gemeente"]) != n:
        raise IndexFileError(bron, "postcode tables differ in size")
    if arrays["starts"][-1] != len(arrays["nummers"]):
        raise IndexFileError(bron, "offsets do not match the house numbers")
    if len(arrays["masker_starts"]) != n + 1 or arrays["masker_starts"][-1] != len(
        arrays["maskers"]
    ):
        raise IndexFileError(bron, "bitmask offsets do not match the bitmasks")
    afwijkend = dict(zip(arrays["afwijkend_sleutels"], arrays["afwijkend_waarden"], strict=True))
    return Adresindex(
        info,
        codes,
        arrays["sleutels"],
        arrays["starts"],
        arrays["nummers"],
        arrays["gemeente"],
        afwijkend,
        dubbel,
        arrays["maskers"],
        arrays["masker_starts"],
    )


def _bereken_maskers(
    starts: array[int], nummers: array[int], gemeente: array[int]
) -> tuple[array[int], array[int]]:
    """Per postcode the bitmask of its house numbers (bit k: lowest + k exists), little-endian
    bytes one after the other; empty for the postcodes that are bisected instead."""
    maskers = bytearray()
    masker_starts = array("I", [0])
    for p in range(len(gemeente)):
        begin, eind = starts[p], starts[p + 1]
        laagste = nummers[begin]
        bereik = nummers[eind - 1] - laagste
        if gemeente[p] != GEMENGD and bereik < _MAX_BEREIK:
            masker = 0
            for i in range(begin, eind):
                masker |= 1 << (nummers[i] - laagste)
            maskers += masker.to_bytes(bereik // 8 + 1, "little")
        masker_starts.append(len(maskers))
    return array("B", maskers), masker_starts


class IndexBouwer:
    """Collect (postcode, huisnummer, gemeentecode) rows in any order; :meth:`bouw` packs them.

    Rows are packed into one 64-bit integer each as they come (8 bytes per address); a sorted
    input (the CBS table is ordered by postcode and house number) is never re-sorted. The same
    address twice with the same code is kept once; with different codes it becomes a
    :class:`AmbiguousAddress` at look-up.
    """

    def __init__(
        self, naam: str, indeling: date, peildatum: date | None = None, bron: str = ""
    ) -> None:
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
        sleutels = array("I")
        starts = array("I")
        gemeente = array("H")
        nummers = array("I")
        afwijkend: dict[int, int] = {}
        dubbel: list[tuple[str, ...]] = []
        dubbel_index: dict[tuple[str, ...], int] = {}
        gem_masker = (1 << _GEM_BITS) - 1
        hn_masker = (1 << _HN_BITS) - 1
        vorige_adres = -1
        vorige_g = -1
        huidige_sleutel = -1
        p = -1
        codes = self._codes

        def maak_gemengd(p: int) -> None:
            # The postcode spans municipalities: its addresses so far move to ``afwijkend``.
            huidig = gemeente[p]
            if huidig == GEMENGD:
                return
            for positie in range(starts[p], len(nummers)):
                afwijkend.setdefault(positie, huidig)
            gemeente[p] = GEMENGD

        for waarde in rijen:
            g = waarde & gem_masker
            adres_deel = waarde >> _GEM_BITS
            if adres_deel == vorige_adres:
                if g == vorige_g:
                    continue  # the same row twice
                # The same address under another municipality: dubious.
                plek = len(nummers) - 1  # the address was added just before
                maak_gemengd(p)
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
            if sleutel != huidige_sleutel:
                huidige_sleutel = sleutel
                p += 1
                sleutels.append(sleutel)
                starts.append(len(nummers))
                gemeente.append(g)
                nummers.append(hn)
                continue
            nummers.append(hn)
            huidig = gemeente[p]
            if huidig == g:
                continue
            maak_gemengd(p)
            afwijkend[len(nummers) - 1] = g
        starts.append(len(nummers))
        if not nummers or max(nummers) <= 0xFFFF:
            nummers = array("H", nummers)  # half the memory, and half the cache misses
        return Adresindex(
            self.info, tuple(codes), sleutels, starts, nummers, gemeente, afwijkend, tuple(dubbel)
        )
