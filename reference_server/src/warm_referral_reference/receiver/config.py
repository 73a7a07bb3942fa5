"""The receiver's settings: who may call it, in which role, and for which municipalities.

A JSON file (``--config``) lists the participants. In development mode each has a bearer token; in
production mode the caller's identity is the OIN in its client certificate (Digikoppeling), and
tokens are ignored. Without a config file, development mode uses
:data:`~warm_referral_reference.deelnemers.DEV_DEELNEMERS`, the parties of the spec's examples,
so the examples can be sent once re-dated (``warm-referral voorbeeld NAME``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warm_referral.identifiers import gemeentecode as _gemeentecode
from warm_referral.identifiers import kvk as _kvk
from warm_referral.identifiers import oin as _oin

from ..deelnemers import DEV_DEELNEMERS, Deelnemer, Rol
from .errors import ConfigError

if TYPE_CHECKING:
    from .domain.bediening import Bediening

__all__ = ["MINIMUM_MONITORINGDREMPEL", "HttpLimieten", "Instellingen", "Modus"]

#: The receiver publishes no monitoring figure that rests on fewer referrals (WD-MON-01); the
#: configuration may raise the threshold (``monitoringDrempel``), never lower it.
MINIMUM_MONITORINGDREMPEL = 5


class Modus(str, Enum):
    ONTWIKKELING = "ontwikkeling"
    PRODUCTIE = "productie"


@dataclass(frozen=True)
class HttpLimieten:
    """What one HTTP connection may cost the receiver before it is refused or closed (the
    protocol layer, :mod:`.protocol`, enforces them before the app sees the request). Safe for a
    receiver on a network; the configuration file's ``http`` object may change each (camelCase
    names, e.g. ``{"http": {"kopTimeout": 5}}``); ``docs/referentie-ontvanger.md`` lists them."""

    max_verzoekregel: int = 8 * 1024
    """Bytes in the request line (method, target, version): longer is 414."""
    max_kop: int = 16 * 1024
    """Bytes in the whole head (request line and header fields): more is 431."""
    max_headers: int = 100
    """Header fields in one request: more is 431."""
    kop_timeout: float = 10.0
    """Seconds from a request's first byte until its head is complete: slower is 408."""
    inhoud_timeout: float = 30.0
    """Seconds from the end of the head until the body is complete: slower is 408."""
    stil_timeout: float = 5.0
    """Seconds a connection may stay open without a request (after connecting, and between
    requests on a kept-alive connection): then it is closed without an answer."""

    def __post_init__(self) -> None:
        for naam, waarde in vars(self).items():
            if not isinstance(waarde, (int, float)) or isinstance(waarde, bool) or waarde <= 0:
                raise ConfigError(f"http.{naam}: {waarde!r} is not a positive number")
        if self.max_verzoekregel > self.max_kop:
            raise ConfigError("http: maxVerzoekregel cannot be larger than maxKop")

    @classmethod
    def uit_config(cls, bron: str, data: Any) -> HttpLimieten:
        if not isinstance(data, dict):
            raise ConfigError(f"{bron}: 'http' must be an object")
        namen = {_camel(n): n for n in cls.__dataclass_fields__}
        onbekend = sorted(set(data) - set(namen))
        if onbekend:
            raise ConfigError(
                f"{bron}: http: unknown setting(s) {onbekend}; known: {sorted(namen)}"
            )
        try:
            return cls(**{namen[k]: v for k, v in data.items()})
        except ConfigError as exc:
            raise ConfigError(f"{bron}: {exc}") from None


def _camel(naam: str) -> str:
    eerste, *rest = naam.split("_")
    return eerste + "".join(d.capitalize() for d in rest)


@dataclass(frozen=True)
class Instellingen:
    modus: Modus = Modus.ONTWIKKELING
    deelnemers: tuple[Deelnemer, ...] = DEV_DEELNEMERS
    gemeentecodes: frozenset[str] | None = None
    """The municipalities this receiver serves; None accepts any (development only)."""
    bediening: Bediening | None = None
    """Its organisation in NVVK's address book: then a Verwijzing must be for a municipality the
    book gives it on the verwijsdatum (WD-ADR-07), and a Doorzending names the organisation the
    book gives (WD-ADR-08). None: no address-book checks (development)."""
    afsprakenprofiel: str = "nvvk-pilot"
    audit_sleutel: bytes = b"development-only-audit-key"
    """Key of the keyed hash that pseudonymises data subjects in the processing log."""
    max_body_bytes: int = 256 * 1024
    http: HttpLimieten = field(default_factory=HttpLimieten)
    """Limits and timeouts of each HTTP connection."""
    testklok: bool = True
    """Whether PUT /v1/testklok may move the clock; always off in production mode."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    monitoring_drempel: int = MINIMUM_MONITORINGDREMPEL
    """The suppression threshold of ``GET /v1/monitoring``: at least the minimum."""

    def __post_init__(self) -> None:
        if self.modus is Modus.PRODUCTIE and self.testklok:
            object.__setattr__(self, "testklok", False)
        if not _is_drempel(self.monitoring_drempel):
            raise ConfigError(f"{_DREMPEL_FOUT}, got {self.monitoring_drempel!r}")

    def per_token(self) -> dict[str, Deelnemer]:
        return {d.token: d for d in self.deelnemers if d.token}

    def per_oin(self) -> dict[str, Deelnemer]:
        return {d.oin: d for d in self.deelnemers if d.oin}

    @classmethod
    def laad(cls, path: Path, modus: Modus) -> Instellingen:
        bron = str(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{bron}: cannot read: {exc.strerror or exc}") from None
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{bron}: not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{bron}: the top level must be an object")
        deelnemers = tuple(
            _deelnemer(bron, i, item) for i, item in enumerate(data.get("deelnemers", []))
        )
        if not deelnemers:
            raise ConfigError(f"{bron}: 'deelnemers' lists nobody, so nobody could call")
        codes = data.get("gemeentecodes")
        bediening = None
        if "adresboek" in data:
            from .domain.bediening import Bediening

            bediening = Bediening.uit_config(bron, data["adresboek"], path.parent)
        if modus is Modus.PRODUCTIE and codes is None and bediening is None:
            raise ConfigError(
                f"{bron}: production mode needs 'adresboek' or 'gemeentecodes' (the ones served)"
            )
        sleutel = data.get("auditSleutel")
        if modus is Modus.PRODUCTIE and not sleutel:
            raise ConfigError(f"{bron}: production mode needs 'auditSleutel' (a secret)")
        drempel = data.get("monitoringDrempel", MINIMUM_MONITORINGDREMPEL)
        if not _is_drempel(drempel):
            raise ConfigError(f"{bron}: {_DREMPEL_FOUT}, got {drempel!r}")
        return cls(
            modus=modus,
            deelnemers=deelnemers,
            gemeentecodes=None
            if codes is None
            else frozenset(_code(bron, "gemeentecodes", c) for c in codes),
            bediening=bediening,
            afsprakenprofiel=data.get("afsprakenprofiel", "nvvk-pilot"),
            audit_sleutel=(sleutel or "development-only-audit-key").encode(),
            http=HttpLimieten.uit_config(bron, data.get("http", {})),
            monitoring_drempel=drempel,
        )


_DREMPEL_FOUT = (
    f"monitoringDrempel must be a whole number of at least {MINIMUM_MONITORINGDREMPEL} "
    "(it may be raised, never lowered)"
)


def _is_drempel(waarde: Any) -> bool:
    return (
        isinstance(waarde, int)
        and not isinstance(waarde, bool)
        and waarde >= MINIMUM_MONITORINGDREMPEL
    )


def _code(bron: str, waar: str, waarde: Any) -> str:
    if not isinstance(waarde, str) or not _gemeentecode.is_valid(waarde):
        raise ConfigError(f"{bron}: {waar}: {waarde!r} is not a 4-digit gemeentecode")
    return _gemeentecode.compact(waarde)


def _deelnemer(bron: str, i: int, item: Any) -> Deelnemer:
    waar = f"deelnemers[{i}]"
    if not isinstance(item, dict) or not item.get("naam"):
        raise ConfigError(f"{bron}: {waar}: needs at least 'naam' and 'rol'")
    try:
        rol = Rol(item.get("rol"))
    except ValueError:
        raise ConfigError(
            f"{bron}: {waar}: rol must be one of {[r.value for r in Rol]}, got {item.get('rol')!r}"
        ) from None
    oin, kvk = item.get("oin"), item.get("kvkNummer")
    if oin is not None and not _oin.is_valid(oin):
        raise ConfigError(f"{bron}: {waar}: oin {oin!r} is not 20 digits")
    if kvk is not None and not _kvk.is_valid(kvk):
        raise ConfigError(f"{bron}: {waar}: kvkNummer {kvk!r} is not 8 digits")
    if oin is None and kvk is None:
        raise ConfigError(f"{bron}: {waar}: needs an oin or a kvkNummer")
    codes = frozenset(
        _code(bron, f"{waar}.gemeentecodes", c) for c in item.get("gemeentecodes", [])
    )
    if rol is Rol.OPERATOR and not codes:
        raise ConfigError(f"{bron}: {waar}: an operator needs the gemeentecodes it serves")
    return Deelnemer(item["naam"], rol, oin, kvk, codes, item.get("token"))
