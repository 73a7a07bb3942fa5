"""Many address look-ups at once, vectorised with numpy (the optional extra ``[snel]``).

One call of :meth:`~.index.Adresindex.gemeentecode` costs about two microseconds of Python; a
creditor that routes its whole customer base (or a bench of the whole country) wants more than
a million look-ups per second. :meth:`~.index.Adresindex.zoek_veel` does the common case for a
whole batch in numpy, over zero-copy views of the index's arrays plus about 6 MB of its own:

1. the postcodes, joined into one ASCII buffer, become their integer keys; a row that is not in
   the wire form ``1234AB`` (lower case, a space, a letter pair PostNL never issues, not text)
   is set aside;
2. a bitmap of the postcode keys with a rank per byte finds each postcode's position (faster
   than ``np.searchsorted`` over the sorted keys: two reads in 4 MB instead of 19 cache misses);
3. the house number is found in that postcode's bitmask, or by a vectorised binary search in its
   slice of the sorted house numbers;
4. the municipality is the postcode's.

Every row the fast path does not answer (an unknown or invalid address, another spelling, a
postcode spanning municipalities, an ambiguous address) goes through the scalar
:meth:`~.index.Adresindex.gemeentecode` alone, so each row's answer, and each error with its
type and message, is exactly the scalar one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ..identifiers import postcode as _postcode
from .adres import HUISNUMMER_MAX
from .errors import AdresError

if TYPE_CHECKING:
    from .index import Adresindex

__all__ = ["Batchresultaat", "Batchzoeker"]

#: Rows per step: the temporaries of a step stay a few MB and in cache, whatever the batch size.
STAP = 1 << 16
_GEMENGD = 0xFFFF  # index.GEMENGD (not imported: the index module must not need numpy)
_NOOIT = np.array(
    sorted((ord(p[0]) - 65) * 26 + ord(p[1]) - 65 for p in _postcode.NOOIT_UITGEGEVEN),
    dtype=np.int32,
)
_GEEN = -1  # in ``Batchresultaat.gemeente``: this row has an error
_SLEUTELS = 9000 * 676  # every postcode key (``adres.postcode_sleutel``) is below this
#: For each byte value and bit k, the number of set bits below bit k (the rank within a byte).
_ONDER = np.array(
    [[bin(b & ((1 << k) - 1)).count("1") for k in range(8)] for b in range(256)], dtype=np.uint8
).ravel()


@dataclass(frozen=True, slots=True, eq=False)  # arrays do not compare to one bool
class Batchresultaat:
    """The answers of a batch, row by row in input order.

    ``gemeente[i]`` is the position of row ``i``'s gemeentecode in ``codes``, or -1 when the row
    failed; ``fouten[i]`` is then the typed error the scalar look-up raises for that row
    (:class:`~.errors.UnknownPostcode`, :class:`~.errors.UnknownHouseNumber`,
    :class:`~.errors.AmbiguousAddress`, :class:`~.errors.InvalidAddress`).
    """

    codes: tuple[str, ...]
    gemeente: npt.NDArray[np.int32]
    fouten: dict[int, AdresError]

    def __len__(self) -> int:
        return len(self.gemeente)

    @property
    def gelukt(self) -> npt.NDArray[np.bool_]:
        """Per row: True when it has a gemeentecode."""
        gelukt: npt.NDArray[np.bool_] = self.gemeente != _GEEN
        return gelukt

    def uitkomst(self, rij: int) -> str | AdresError:
        """Row ``rij``'s gemeentecode, or its error."""
        g = int(self.gemeente[rij])
        return self.codes[g] if g != _GEEN else self.fouten[rij]

    def gemeentecode(self, rij: int) -> str:
        """Row ``rij``'s gemeentecode; raises its error, as the scalar look-up would."""
        g = int(self.gemeente[rij])
        if g == _GEEN:
            raise self.fouten[rij]
        return self.codes[g]

    def gemeentecodes(self) -> list[str | None]:
        """Per row its gemeentecode, or None where :attr:`fouten` has the error."""
        tabel = np.array([*self.codes, None], dtype=object)
        uit: list[str | None] = tabel[self.gemeente].tolist()  # -1 picks the None
        return uit

    def uitkomsten(self) -> list[str | AdresError]:
        """Per row its gemeentecode or its error (an exception object, not raised)."""
        tabel = np.array([*self.codes, None], dtype=object)
        uit: list[str | AdresError] = tabel[self.gemeente].tolist()
        for rij, fout in self.fouten.items():
            uit[rij] = fout
        return uit


class Batchzoeker:
    """numpy views of one index's arrays (no copies) and its postcode bitmap, made once per
    index (:meth:`~.index.Adresindex.batchzoeker`)."""

    __slots__ = (
        "_bits",
        "_gemeente",
        "_index",
        "_lang",
        "_masker_lengte",
        "_masker_starts",
        "_maskers",
        "_nummers",
        "_positie",
        "_rang",
        "_sleutels",
        "_starts",
    )

    def __init__(self, index: Adresindex) -> None:
        self._index = index
        self._positie = {code: i for i, code in enumerate(index._codes)}
        self._sleutels = np.frombuffer(index._sleutels, dtype=np.uint32)
        self._starts = np.frombuffer(index._starts, dtype=np.uint32)
        soort = np.uint16 if index._nummers.typecode == "H" else np.uint32
        self._nummers = np.frombuffer(index._nummers, dtype=soort)
        self._gemeente = np.frombuffer(index._gemeente, dtype=np.uint16)
        self._maskers = np.frombuffer(index._maskers, dtype=np.uint8)
        self._masker_starts = np.frombuffer(index._masker_starts, dtype=np.uint32)
        # Which postcode keys exist, one bit each (760 kB), and per byte how many exist before it
        # (3 MB): a postcode's position is then two reads in small arrays, where np.searchsorted
        # over the keys costs a cache miss per step.
        aanwezig = np.zeros(_SLEUTELS, dtype=np.bool_)
        aanwezig[self._sleutels] = True
        self._bits = np.packbits(aanwezig, bitorder="little")
        del aanwezig
        per_byte = _ONDER[self._bits.astype(np.intp) * 8 + 7] + (self._bits >> 7)
        self._rang = (np.cumsum(per_byte, dtype=np.uint32) - per_byte).astype(np.uint32)
        # The widest postcode bounds the rounds of the binary search (each halves the candidates).
        breedte = int(np.diff(self._starts).max()) if len(self._sleutels) else 0
        self._lang = breedte.bit_length()
        self._masker_lengte = np.diff(self._masker_starts).astype(np.int32)

    def zoek(self, postcodes: Sequence[object], huisnummers: Sequence[object]) -> Batchresultaat:
        if len(postcodes) != len(huisnummers):
            raise ValueError(
                f"{len(postcodes)} postcodes but {len(huisnummers)} house numbers: "
                "a batch needs one of each per address"
            )
        n = len(postcodes)
        gemeente = np.full(n, _GEEN, dtype=np.int32)
        fouten: dict[int, AdresError] = {}
        scalair = self._index.gemeentecode
        for begin in range(0, n, STAP):
            eind = min(n, begin + STAP)
            pc = postcodes[begin:eind]
            hn = huisnummers[begin:eind]
            deel = self._stap(pc, hn)
            gemeente[begin:eind] = deel
            for i in np.flatnonzero(deel == _GEEN).tolist():
                try:
                    code = scalair(pc[i], hn[i])
                except AdresError as fout:
                    fouten[begin + i] = fout
                else:
                    gemeente[begin + i] = self._positie[code]
        return Batchresultaat(self._index._codes, gemeente, fouten)

    def _stap(
        self, postcodes: Sequence[object], huisnummers: Sequence[object]
    ) -> npt.NDArray[np.int32]:
        """The fast path for one step: code positions, -1 for every row it does not answer."""
        n = len(postcodes)
        sleutel, geldig = _sleutels(postcodes)
        hn, hn_geldig = _huisnummers(huisnummers)
        geldig &= hn_geldig
        uit = np.full(n, _GEEN, dtype=np.int32)
        if not len(self._sleutels):
            return uit
        # 2. the postcode: its bit, and the number of keys below it is its position
        rijen = np.flatnonzero(geldig)
        sleutel = sleutel[rijen]
        byte = (sleutel >> 3).astype(np.intp)
        bit = (sleutel & 7).astype(np.intp)
        b = self._bits[byte]
        bestaat = ((b >> bit) & 1).astype(np.bool_)
        rijen, byte, bit, b = rijen[bestaat], byte[bestaat], bit[bestaat], b[bestaat]
        p = self._rang[byte].astype(np.intp) + _ONDER[b.astype(np.intp) * 8 + bit]
        hn = hn[rijen]
        g = self._gemeente[p]
        # A postcode spanning municipalities needs ``afwijkend``: the scalar path answers it.
        eenduidig = g != _GEMENGD
        rijen, p, hn, g = rijen[eenduidig], p[eenduidig], hn[eenduidig], g[eenduidig]
        # 3a. the bitmask: bit k is set when the postcode's lowest number + k exists
        lengte = self._masker_lengte[p]
        met_masker = lengte > 0
        mp = p[met_masker]
        k = hn[met_masker] - self._nummers[self._starts[mp]].astype(np.int64)
        byte = k >> 3
        binnen = (k >= 0) & (byte < lengte[met_masker])
        plek = self._masker_starts[mp].astype(np.int64) + np.where(binnen, byte, 0)
        bit = (self._maskers[plek] >> (k & 7).astype(np.uint8)) & 1
        gevonden = np.zeros(len(rijen), dtype=np.bool_)
        gevonden[met_masker] = binnen & (bit == 1)
        # 3b. the rest: a binary search in the postcode's slice of the house numbers
        zonder = np.flatnonzero(~met_masker)
        if len(zonder):
            gevonden[zonder] = self._bisect(p[zonder], hn[zonder])
        # 4. the municipality
        uit[rijen[gevonden]] = g[gevonden]
        return uit

    def _bisect(self, p: npt.NDArray[np.int64], hn: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Per row: is ``hn`` among the sorted house numbers of postcode ``p``?"""
        nummers = self._nummers
        laag = self._starts[p].astype(np.int64)
        eind = self._starts[p + 1].astype(np.int64)
        aantal = eind - laag
        for _ in range(self._lang):  # bisect_left, all rows in step
            half = aantal >> 1
            midden = laag + half
            kleiner = (aantal > 0) & (nummers[np.minimum(midden, len(nummers) - 1)] < hn)
            laag = np.where(kleiner, midden + 1, laag)
            aantal = np.where(kleiner, aantal - half - 1, half)
        gevonden: npt.NDArray[np.bool_] = (laag < eind) & (
            nummers[np.minimum(laag, len(nummers) - 1)] == hn
        )
        return gevonden


def _sleutels(
    postcodes: Sequence[object],
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_]]:
    """The postcode keys (``adres.postcode_sleutel``) and which rows are in the wire form."""
    n = len(postcodes)
    try:
        samen = "".join(postcodes)  # type: ignore[arg-type]  # TypeError: not all text
    except TypeError:
        samen = ""
    if len(samen) != 6 * n or not samen.isascii():
        # Some row is not six ASCII characters: find which (rare; the scalar path says why).
        zes = np.fromiter(
            (type(p) is str and len(p) == 6 and p.isascii() for p in postcodes),
            dtype=np.bool_,
            count=n,
        )
        samen = "".join(p if z else "000000" for p, z in zip(postcodes, zes, strict=True))  # type: ignore[misc]
    else:
        zes = np.ones(n, dtype=np.bool_)
    tekens = np.frombuffer(samen.encode("ascii"), dtype=np.uint8).reshape(n, 6)
    # Column by column (several times faster than reducing the rows); below "0" or "A" wraps
    # around in uint8, so one comparison checks each range.
    c = [tekens[:, i] - np.uint8(48) for i in range(4)]
    eerste, tweede = (tekens[:, i] - np.uint8(65) for i in (4, 5))
    geldig = zes & (c[0] - np.uint8(1) < 9)  # no leading zero
    for kolom in (c[1], c[2], c[3]):
        geldig &= kolom < 10
    geldig &= (eerste < 26) & (tweede < 26)
    paar = eerste.astype(np.int32) * 26 + tweede
    geldig &= ~np.isin(paar, _NOOIT)
    getal = ((c[0].astype(np.int32) * 10 + c[1]) * 10 + c[2]) * 10 + c[3]
    sleutel = (getal - 1000) * 676 + paar
    # A row not in the wire form gets key 0 (never found: ``geldig`` is False for it anyway).
    uit: npt.NDArray[np.uint32] = np.where(geldig, sleutel, 0).astype(np.uint32)
    return uit, geldig


def _huisnummers(
    huisnummers: Sequence[object],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """The house numbers and which rows hold a plain int from 1 to 99999 (not a bool, float or
    numpy scalar: the scalar path refuses those, so they go there)."""
    n = len(huisnummers)
    soorten = set(map(type, huisnummers))
    if soorten <= {int}:
        try:
            hn = np.fromiter(huisnummers, dtype=np.int64, count=n)
        except OverflowError:
            hn = None
        if hn is not None:
            return hn, (hn >= 1) & (hn <= HUISNUMMER_MAX)
    geldig = np.fromiter(
        (type(h) is int and 1 <= h <= HUISNUMMER_MAX for h in huisnummers),
        dtype=np.bool_,
        count=n,
    )
    hn = np.fromiter(
        (h if g else 0 for h, g in zip(huisnummers, geldig, strict=True)),
        dtype=np.int64,
        count=n,
    )
    return hn, geldig
