"""Read the CBS table "Buurt, wijk en gemeente <jaar> voor postcode huisnummer" into an index.

The CBS publishes this table every year (reference date 1 August; the buurt, wijk and gemeente
codes are those of the classification of 1 January of that year). The published files differ
from year to year, so the reader accepts every form seen so far and documents what it assumes:

- the file is ``pc6hnr<jaar>0801_gwb.csv`` inside the downloaded zip; UTF-8, with or without BOM;
- the separator is ``;`` (2019, 2022) or ``,`` (2024); it is taken from the header line (tab works
  too); fields may be quoted;
- the header names the columns ``PC6``, ``Huisnummer``, ``Buurt<jaar>``, ``Wijk<jaar>`` and
  ``Gemeente<jaar>`` (case-insensitive; the year suffix may be absent). Only PC6, Huisnummer and
  Gemeente are used; the year comes from the suffix, the file name, or the ``jaar`` argument;
- a gemeentecode is written plainly with its leading zeros (``0718``), without them (``718``, as
  spreadsheet programs save it) or with the CBS prefix (``GM0718``): all three are read;
- a postcode is ``4381AB`` (``4381 AB`` is read too); a house number is a whole number 1..99999.

Any other line is an error naming the file and the line: a half-read table must never become an
index that quietly misses addresses.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TextIO

from .adres import HUISNUMMER_MAX, postcode_sleutel, zoekadres
from .errors import InvalidAddress, InvalidSourceData
from .index import _PAREN, _PC4, Adresindex, IndexBouwer

__all__ = ["CbsKop", "index_uit_cbs", "lees_cbs_kop", "lees_cbs_rijen"]

_KOLOM = re.compile(r"^(pc6|huisnummer|buurt|wijk|gemeente)(\d{4})?$", re.IGNORECASE)
_BESTANDSJAAR = re.compile(r"pc6hnr(\d{4})0801", re.IGNORECASE)
_GEMEENTE = re.compile(r"^(?:GM)?(\d{1,4})$", re.IGNORECASE)


class CbsKop:
    """The header of a CBS table: the separator, where the columns are, and the year."""

    def __init__(self, scheiding: str, kolommen: dict[str, int], jaar: int | None) -> None:
        self.scheiding = scheiding
        self.kolommen = kolommen
        self.jaar = jaar


def lees_cbs_kop(kopregel: str, bron: str = "CBS table") -> CbsKop:
    """Find the separator, the column positions and the year suffix in the header line."""
    kopregel = kopregel.lstrip("\ufeff").rstrip("\r\n")
    tellingen = {s: kopregel.count(s) for s in (";", ",", "\t")}
    scheiding = max(tellingen, key=lambda s: tellingen[s])
    if tellingen[scheiding] == 0:
        raise InvalidSourceData(bron, 1, "the header has no ';', ',' or tab between columns")
    namen = next(csv.reader([kopregel], delimiter=scheiding))
    kolommen: dict[str, int] = {}
    jaren: set[int] = set()
    for positie, naam in enumerate(namen):
        match = _KOLOM.match(naam.strip().strip('"'))
        if match is None:
            continue
        kolommen[match[1].lower()] = positie
        if match[2]:
            jaren.add(int(match[2]))
    ontbrekend = [k for k in ("pc6", "huisnummer", "gemeente") if k not in kolommen]
    if ontbrekend:
        raise InvalidSourceData(
            bron,
            1,
            f"no column {', '.join(ontbrekend)} in the header {kopregel[:120]!r} "
            "(expected PC6, Huisnummer, Buurt<year>, Wijk<year>, Gemeente<year>)",
        )
    if len(jaren) > 1:
        raise InvalidSourceData(bron, 1, f"the columns name different years: {sorted(jaren)}")
    return CbsKop(scheiding, kolommen, jaren.pop() if jaren else None)


def lees_cbs_rijen(
    regels: Iterable[str], kop: CbsKop, bron: str = "CBS table", eerste_regel: int = 2
) -> Iterator[tuple[str, int, str]]:
    """Every (postcode, huisnummer, gemeentecode) of the data lines, checked (slow path API)."""
    for nummer, rij in _rijen(regels, kop, bron, eerste_regel):
        postcode, huisnummer, gemeente = rij
        yield _controleer(postcode, huisnummer, gemeente, bron, nummer)


def _rijen(
    regels: Iterable[str], kop: CbsKop, bron: str, eerste_regel: int
) -> Iterator[tuple[int, tuple[str, str, str]]]:
    pc, hn, gm = kop.kolommen["pc6"], kop.kolommen["huisnummer"], kop.kolommen["gemeente"]
    nodig = max(pc, hn, gm) + 1
    lezer = csv.reader(regels, delimiter=kop.scheiding)
    for nummer, rij in enumerate(lezer, start=eerste_regel):
        if len(rij) < nodig:
            if not rij or (len(rij) == 1 and not rij[0].strip()):
                continue  # an empty line (the last one, often)
            raise InvalidSourceData(bron, nummer, f"expected at least {nodig} fields: {rij!r}")
        yield nummer, (rij[pc], rij[hn], rij[gm])


def _controleer(
    postcode: str, huisnummer: str, gemeente: str, bron: str, nummer: int
) -> tuple[str, int, str]:
    tekst = huisnummer.strip()
    if not (tekst.isdigit() and tekst.isascii()):
        raise InvalidSourceData(bron, nummer, f"house number {huisnummer!r} is not a number")
    getal = int(tekst)
    try:
        adres = zoekadres(postcode.strip(), getal)
    except InvalidAddress as exc:
        raise InvalidSourceData(bron, nummer, str(exc)) from None
    match = _GEMEENTE.match(gemeente.strip())
    if match is None:
        raise InvalidSourceData(bron, nummer, f"gemeentecode {gemeente!r}")
    return adres.postcode, adres.huisnummer, match[1].zfill(4)


def index_uit_cbs(
    bestand: str | Path | TextIO,
    *,
    jaar: int | None = None,
    naam: str | None = None,
) -> Adresindex:
    """Build an :class:`Adresindex` from a CBS table (a path or an open text file).

    The index answers in the classification of 1 January of the table's year; its ``peildatum``
    (the addresses' reference date) is 1 August of that year.
    """
    if isinstance(bestand, (str, Path)):
        pad = Path(bestand)
        bron = str(pad)
        try:
            tekst: TextIO = open(pad, encoding="utf-8-sig", newline="")  # noqa: SIM115
        except OSError as exc:
            raise InvalidSourceData(bron, None, f"cannot open: {exc.strerror or exc}") from None
        bestandsjaar = _BESTANDSJAAR.search(pad.name)
    else:
        tekst = bestand
        bron = getattr(bestand, "name", "CBS table")
        bestandsjaar = _BESTANDSJAAR.search(str(bron))
        if not isinstance(bron, str):
            bron = "CBS table"
    with tekst if isinstance(bestand, (str, Path)) else _niet_sluiten(tekst):
        try:
            kopregel = tekst.readline()
            kop = lees_cbs_kop(kopregel, bron)
            jaren = {
                j
                for j in (
                    jaar,
                    kop.jaar,
                    int(bestandsjaar[1]) if bestandsjaar else None,
                )
                if j is not None
            }
            if not jaren:
                raise InvalidSourceData(
                    bron,
                    1,
                    "cannot tell the table's year (no year in the column names or the file "
                    "name); pass jaar=",
                )
            if jaar is None and len(jaren) > 1:
                raise InvalidSourceData(
                    bron, 1, f"the file name and the columns name different years: {sorted(jaren)}"
                )
            gekozen = jaar if jaar is not None else jaren.pop()
            bouwer = IndexBouwer(
                naam or f"CBS {gekozen}",
                indeling=date(gekozen, 1, 1),
                peildatum=date(gekozen, 8, 1),
                bron=bron,
            )
            _vul(bouwer, tekst, kop, bron)
        except UnicodeDecodeError as exc:
            raise InvalidSourceData(bron, None, f"not UTF-8 text: {exc}") from None
    return bouwer.bouw()


class _niet_sluiten:
    """A context manager that leaves a caller's file open."""

    def __init__(self, f: TextIO) -> None:
        self.f = f

    def __enter__(self) -> TextIO:
        return self.f

    def __exit__(self, *_: object) -> None:
        return None


def _vul(bouwer: IndexBouwer, regels: Iterable[str], kop: CbsKop, bron: str) -> None:
    """The loader's hot loop: dict look-ups for the common spellings, the checked path for the rest."""
    codes: dict[str, int] = {}
    voeg_toe = bouwer.voeg_toe_sleutel
    for nummer, (postcode, huisnummer, gemeente) in _rijen(regels, kop, bron, 2):
        try:
            sleutel = _PC4[postcode[:4]] + _PAREN[postcode[4:]]
            if not (huisnummer.isdigit() and huisnummer.isascii()):
                raise ValueError  # int() would also read " 12", "1_2" and non-ASCII digits
            hn = int(huisnummer)
            if not 0 < hn <= HUISNUMMER_MAX:
                raise ValueError
            g = codes[gemeente]
        except (KeyError, ValueError):
            pc, hn, code = _controleer(postcode, huisnummer, gemeente, bron, nummer)
            sleutel = postcode_sleutel(pc)
            if gemeente not in codes:
                codes[gemeente] = bouwer.code_index(code)
            g = codes[gemeente]
        voeg_toe(sleutel, hn, g)


def cbs_tekst(rijen: Iterable[tuple[str, int, str]], jaar: int, scheiding: str = ";") -> str:
    """A table in the CBS form (used to write samples and the benchmark's synthetic country)."""
    uit = io.StringIO()
    uit.write(
        scheiding.join(("PC6", "Huisnummer", f"Buurt{jaar}", f"Wijk{jaar}", f"Gemeente{jaar}"))
    )
    uit.write("\n")
    for postcode, huisnummer, gemeente in rijen:
        uit.write(
            f"{postcode}{scheiding}{huisnummer}{scheiding}{gemeente}0000{scheiding}"
            f"{gemeente}00{scheiding}{gemeente}\n"
        )
    return uit.getvalue()
