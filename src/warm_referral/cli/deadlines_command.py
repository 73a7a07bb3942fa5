"""``warm-referral deadlines``: the incassostop and the contact deadline, with the reasoning.

Users ask "why this date?", so besides the dates the command prints every day it skipped and why
(weekend, which feestdag, which decree). Invalid input gives one line on stderr naming the option,
never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from . import EXIT_INVALID, EXIT_OK, UsageError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..calendar import Reden
    from ..deadlines import Afsprakenprofiel, ContactDeadlineUitleg, Dagstap, IncassostopUitleg

__all__ = ["register"]

_DATUM = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIJDSTIP = re.compile(
    r"^(?P<datum>\d{4}-\d{2}-\d{2})[T ](?P<hm>\d{2}:\d{2})(:(?P<s>\d{2})(\.(?P<fractie>\d{1,6}))?)?"
    r"(?P<offset>Z|z|[+-]\d{2}:\d{2})?$"
)
_WEEKDAGEN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class _InvalidOption(Exception):
    """One option has an invalid value: exit code 1 with a one-line message."""

    def __init__(self, optie: str, reden: str) -> None:
        super().__init__(f"{optie}: {reden}")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "deadlines",
        help="compute the incassostop period and the contact deadline, with the reasoning",
        description=(
            "Compute the incassostop period from a verwijsdatum and the contact deadline from the "
            "moment a referral was received, and show which days were skipped and why. "
            "Werkdagen follow the Algemene termijnenwet (Atw)."
        ),
    )
    parser.add_argument(
        "--verwijsdatum", metavar="DATE", help="the date of the referral, YYYY-MM-DD"
    )
    parser.add_argument(
        "--ontvangen",
        metavar="TIMESTAMP",
        help="when the municipality received the referral, ISO 8601 with a UTC offset "
        "(e.g. 2026-04-02T10:15:00+02:00 or 2026-04-02T08:15:00Z)",
    )
    parser.add_argument(
        "--profiel", metavar="NAME", help="the afsprakenprofiel (default: the NVVK pilot)"
    )
    parser.add_argument(
        "--profielen",
        metavar="FILE",
        help="read afsprakenprofielen from this JSON file instead of the shipped ones",
    )
    parser.add_argument(
        "--extra-dagen",
        metavar="FILE",
        help="CSV of extra non-working days (a new decree, own closing days) added to the "
        "profile's calendar; same format as the shipped atw_gelijkgestelde_dagen.csv",
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    if args.verwijsdatum is None and args.ontvangen is None:
        raise UsageError("deadlines: give --verwijsdatum, --ontvangen or both")
    try:
        return _compute(args, sys.stdout)
    except _InvalidOption as exc:
        melding = " ".join(str(exc).split())  # always one line
        print(f"warm-referral deadlines: error: {melding}", file=sys.stderr)
        return EXIT_INVALID


def _compute(args: argparse.Namespace, out: TextIO) -> int:
    from ..calendar import CalendarDataError, CalendarInputError, lees_vrije_dagen
    from ..deadlines import (
        DeadlineInputError,
        ProfileDataError,
        UnknownProfileError,
        afsprakenprofielen,
        contact_deadline_uitleg,
        incassostop_uitleg,
        laad_afsprakenprofielen,
    )

    verwijsdatum = _parse_datum(args.verwijsdatum) if args.verwijsdatum is not None else None
    ontvangen = _parse_tijdstip(args.ontvangen) if args.ontvangen is not None else None
    try:
        profielen = (
            laad_afsprakenprofielen(args.profielen) if args.profielen else afsprakenprofielen()
        )
    except ProfileDataError as exc:
        raise _InvalidOption("--profielen", str(exc)) from None
    try:
        profiel = profielen[args.profiel] if args.profiel is not None else profielen.standaard
    except UnknownProfileError as exc:
        raise _InvalidOption("--profiel", str(exc)) from None
    if args.extra_dagen:
        try:
            extra = lees_vrije_dagen(args.extra_dagen)
            naam = f"{profiel.kalender.naam}+{Path(args.extra_dagen).name}"
            kalender = profiel.kalender.met_extra_dagen(extra, naam=naam)
        except (CalendarDataError, CalendarInputError) as exc:
            raise _InvalidOption("--extra-dagen", str(exc)) from None
        profiel = dataclasses.replace(profiel, kalender=kalender)

    try:
        stop = incassostop_uitleg(verwijsdatum, profiel) if verwijsdatum is not None else None
    except (CalendarInputError, DeadlineInputError, CalendarDataError) as exc:
        raise _InvalidOption("--verwijsdatum", str(exc)) from None
    try:
        contact = contact_deadline_uitleg(ontvangen, profiel) if ontvangen is not None else None
    except (CalendarInputError, DeadlineInputError, CalendarDataError) as exc:
        raise _InvalidOption("--ontvangen", str(exc)) from None

    if args.format == "json":
        json.dump(_as_json(profiel, stop, contact), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(_as_text(profiel, stop, contact))
    return EXIT_OK


def _parse_datum(tekst: str) -> date:
    if not _DATUM.match(tekst):
        raise _InvalidOption("--verwijsdatum", f"{tekst!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(tekst)
    except ValueError as exc:
        raise _InvalidOption("--verwijsdatum", f"{tekst!r} is not a valid date: {exc}") from None


def _parse_tijdstip(tekst: str) -> datetime:
    match = _TIJDSTIP.match(tekst.strip())
    if match is None:
        raise _InvalidOption(
            "--ontvangen",
            f"{tekst!r} is not an ISO 8601 timestamp like 2026-04-02T10:15:00+02:00",
        )
    if match["offset"] is None:
        raise _InvalidOption(
            "--ontvangen",
            f"{tekst!r} has no UTC offset, so the local date is ambiguous; add one, e.g. "
            f"{tekst.strip()}+02:00 (Amsterdam summer time) or {tekst.strip()}Z (UTC)",
        )
    offset = "+00:00" if match["offset"] in ("Z", "z") else match["offset"]
    # Python 3.10's fromisoformat takes only 3 or 6 fraction digits, and only after seconds.
    fractie = f".{match['fractie']:0<6}" if match["fractie"] else ""
    tijd = f"{match['hm']}:{match['s'] or '00'}{fractie}"
    try:
        return datetime.fromisoformat(f"{match['datum']}T{tijd}{offset}")
    except ValueError as exc:
        raise _InvalidOption("--ontvangen", f"{tekst!r} is not a valid timestamp: {exc}") from None


# --- output ---------------------------------------------------------------------------------------


def _dag(d: date) -> str:
    return f"{_WEEKDAGEN[d.weekday()]} {d.isoformat()}"


def _redenen(redenen: Iterable[Reden]) -> str:
    return "; ".join(str(r) for r in redenen)


def _regel(label: str, tekst: str) -> str:
    return f"  {label:<18}{tekst}"


def _as_text(
    profiel: Afsprakenprofiel,
    stop: IncassostopUitleg | None,
    contact: ContactDeadlineUitleg | None,
) -> str:
    regels = [
        f"Afsprakenprofiel {profiel.naam} {profiel.versie} (calendar: {profiel.kalender.naam})",
    ]
    if stop is not None:
        regels += [
            "",
            "Incassostop",
            _regel("verwijsdatum", _dag(stop.verwijsdatum)),
            _regel("ingangsdatum", f"{_dag(stop.ingangsdatum)}  (the verwijsdatum itself)"),
            _regel(
                f"+ {profiel.incassostop_dagen} days",
                f"{_dag(stop.kalender_einddatum)}  (calendar days, verwijsdatum not counted)",
            ),
        ]
        if stop.einddatum_redenen and not profiel.atw_verlenging_incassostop:
            regels += [
                _regel("", f"not a werkdag: {_redenen(stop.einddatum_redenen)};"),
                _regel("", f"profile {profiel.naam} does not apply the Atw extension"),
                _regel("", "(the incassostop is a covenant term, not a statutory one)"),
            ]
        for stap in stop.overgeslagen:
            regels.append(_regel(_dag(stap.datum), f"skipped: {_redenen(stap.redenen)}"))
        if stop.einddatum != stop.kalender_einddatum:
            regels.append(
                _regel(
                    "einddatum",
                    f"{_dag(stop.einddatum)}  (moved to the next werkdag: Atw art. 1, "
                    "applied by this profile)",
                )
            )
        else:
            regels.append(_regel("einddatum", _dag(stop.einddatum)))
        regels.append(_regel("collection from", f"{_dag(stop.hervatten_vanaf)}  (may resume)"))
    if contact is not None:
        lokaal = contact.ontvangen_lokaal
        regels += [
            "",
            f"Contact deadline ({profiel.contacttermijn_werkdagen} werkdagen)",
            _regel("ontvangen", contact.ontvangen_op.isoformat()),
            _regel(
                "",
                f"= {_dag(lokaal.date())} {lokaal:%H:%M:%S} {lokaal.tzname()} Europe/Amsterdam",
            ),
            _regel(_dag(contact.ontvangstdatum), "day of receipt, not counted"),
        ]
        for stap in contact.dagen:
            if stap.is_werkdag:
                regels.append(_regel(_dag(stap.datum), f"werkdag {stap.werkdagnummer}"))
            else:
                regels.append(_regel(_dag(stap.datum), f"skipped: {_redenen(stap.redenen)}"))
        deadline = contact.deadline
        utc = deadline.astimezone(timezone.utc)
        regels += [
            _regel(
                "deadline",
                f"{_dag(deadline.date())} {deadline:%H:%M:%S} {deadline.tzname()} Europe/Amsterdam",
            ),
            _regel("", f"= {deadline.isoformat()} = {utc:%Y-%m-%dT%H:%M:%SZ}"),
        ]
    return "\n".join(regels) + "\n"


def _reden_json(redenen: Iterable[Reden]) -> list[dict[str, str]]:
    return [
        {"soort": r.soort.value, "omschrijving": r.omschrijving, "grondslag": r.grondslag}
        for r in redenen
    ]


def _stap_json(stap: Dagstap) -> dict[str, Any]:
    uit: dict[str, Any] = {"datum": stap.datum.isoformat(), "werkdag": stap.is_werkdag}
    if stap.is_werkdag:
        uit["werkdagnummer"] = stap.werkdagnummer
    else:
        uit["redenen"] = _reden_json(stap.redenen)
    return uit


def _as_json(
    profiel: Afsprakenprofiel,
    stop: IncassostopUitleg | None,
    contact: ContactDeadlineUitleg | None,
) -> dict[str, Any]:
    uit: dict[str, Any] = {
        "afsprakenprofiel": {
            "naam": profiel.naam,
            "versie": profiel.versie,
            "incassostop_dagen": profiel.incassostop_dagen,
            "contacttermijn_werkdagen": profiel.contacttermijn_werkdagen,
            "atw_verlenging_incassostop": profiel.atw_verlenging_incassostop,
            "kalender": profiel.kalender.naam,
        }
    }
    if stop is not None:
        uit["incassostop"] = {
            "verwijsdatum": stop.verwijsdatum.isoformat(),
            "ingangsdatum": stop.ingangsdatum.isoformat(),
            "kalender_einddatum": stop.kalender_einddatum.isoformat(),
            "einddatum": stop.einddatum.isoformat(),
            "hervatten_vanaf": stop.hervatten_vanaf.isoformat(),
            "einddatum_redenen": _reden_json(stop.einddatum_redenen),
            "overgeslagen": [_stap_json(s) for s in stop.overgeslagen],
        }
    if contact is not None:
        deadline = contact.deadline
        uit["contact"] = {
            "ontvangen": contact.ontvangen_op.isoformat(),
            "ontvangen_lokaal": contact.ontvangen_lokaal.isoformat(),
            "ontvangstdatum": contact.ontvangstdatum.isoformat(),
            "werkdagen": profiel.contacttermijn_werkdagen,
            "dagen": [_stap_json(s) for s in contact.dagen],
            "deadline": deadline.isoformat(),
            "deadline_utc": deadline.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    return uit
