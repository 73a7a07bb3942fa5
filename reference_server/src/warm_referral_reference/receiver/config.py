"""The receiver's settings: who may call it (the participants register), in which role, for which
municipalities, and how long it keeps a closed referral's personal data.

A JSON file (``--config``) names the participants register (``deelnemersregister``, a path relative
to the config file): every caller is an entry there, and every Verwijzing is held to that entry's
registration (:mod:`warm_referral.afsprakenstelsel`). The register is read and validated when the
receiver starts; any problem stops it with the file, the entry, the member and why. In development
mode a bearer token names an entry (``tokens``: token to register id); in production mode the caller's
identity is the OIN in its client certificate (Digikoppeling), and tokens are ignored. Without a
config file, or without ``deelnemersregister`` in development mode, the receiver uses the shipped
development register and tokens (:mod:`warm_referral_reference.deelnemers`), the parties of the
spec's examples, so the examples can be sent once re-dated (``warm-referral voorbeeld NAME``).
NVVK (role ``nvvk``: monitoring aggregates only) keeps the register but is no entry in it: the
``nvvk`` list names it (``naam``, ``oin`` or ``kvkNummer``, ``token``); development mode without a
register file adds the development NVVK.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warm_referral.afsprakenstelsel import Deelnemersregister, InvalidRegister
from warm_referral.identifiers import gemeentecode as _gemeentecode
from warm_referral.identifiers import kvk as _kvk
from warm_referral.identifiers import oin as _oin

from ..deelnemers import (
    DEV_NVVK,
    DEV_TOKENS,
    Deelnemer,
    Rol,
    deelnemers_uit_register,
    dev_deelnemers,
    dev_register,
)
from .errors import ConfigError

if TYPE_CHECKING:
    from .domain.bediening import Bediening
    from .domain.handtekening import Ondertekeningsprofiel
    from .knooppuntconfig import Knooppuntinstellingen

__all__ = ["MINIMUM_MONITORINGDREMPEL", "HttpLimieten", "Instellingen", "Modus", "laad_register"]

#: The receiver publishes no monitoring figure that rests on fewer referrals (WD-MON-01); the
#: configuration may raise the threshold (``monitoringDrempel``), never lower it.
MINIMUM_MONITORINGDREMPEL = 5

_SLEUTELS = frozenset(
    {
        "gemeentecodes",
        "deelnemersregister",
        "tokens",
        "nvvk",
        "auditSleutel",
        "bewaartermijnDagen",
        "http",
        "monitoringDrempel",
        "adresboek",
        "ondertekening",
        "knooppunt",
    }
)


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
    register: Deelnemersregister = field(default_factory=dev_register)
    """The participants register: who may call, and what each creditor is registered for."""
    deelnemers: tuple[Deelnemer, ...] = field(default_factory=dev_deelnemers)
    """The callers, derived from :attr:`register` (with development tokens)."""
    gemeentecodes: frozenset[str] | None = None
    """The municipalities this receiver serves; None accepts any (development only)."""
    bediening: Bediening | None = None
    """Its organisation in NVVK's address book: then a Verwijzing must be for a municipality the
    book gives it on the verwijsdatum (WD-ADR-07), and a Doorzending names the organisation the
    book gives (WD-ADR-08). None: no address-book checks (development)."""
    ondertekening: Ondertekeningsprofiel | None = None
    """The signing profile: trust anchors, and whether every message must be signed (WD-OND).
    None: signatures are not checked (mutual TLS alone authenticates the sender)."""
    knooppunt: Knooppuntinstellingen | None = None
    """The route through a knooppunt (:mod:`.knooppuntroute`); None: direct only."""
    audit_sleutel: bytes = b"development-only-audit-key"
    """Key of the keyed hash that pseudonymises data subjects in the processing log."""
    bewaartermijn_dagen: int | None = None
    """Days after closing before a referral's personal data are erased; None: the agreement
    profile's term (``bewaartermijn_dagen``), or none if the profile sets none."""
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
        if "deelnemers" in data or "afsprakenprofiel" in data:
            raise ConfigError(
                f"{bron}: 'deelnemers' and 'afsprakenprofiel' are replaced by the participants "
                "register: name it in 'deelnemersregister' (each creditor's agreement there names "
                "its afsprakenprofiel), and map development tokens to its ids in 'tokens'"
            )
        onbekend = set(data) - _SLEUTELS
        if onbekend:
            raise ConfigError(
                f"{bron}: unknown keys {', '.join(sorted(onbekend))}; known: "
                f"{', '.join(sorted(_SLEUTELS))}"
            )
        bediening = None
        if "adresboek" in data:
            from .domain.bediening import Bediening

            bediening = Bediening.uit_config(bron, data["adresboek"], path.parent)
        ondertekening = None
        if "ondertekening" in data:
            from .domain.handtekening import Ondertekeningsprofiel

            ondertekening = Ondertekeningsprofiel.uit_config(
                bron, data["ondertekening"], path.parent
            )
        knooppunt = None
        if "knooppunt" in data:
            from .knooppuntconfig import Knooppuntinstellingen

            if ondertekening is None or bediening is None:
                raise ConfigError(
                    f"{bron}: 'knooppunt' needs 'ondertekening' (the trust anchors of the "
                    "senders' signatures) and 'adresboek' (the creditors' encryption keys)"
                )
            knooppunt = Knooppuntinstellingen.uit_config(bron, data["knooppunt"], path.parent)
        register, deelnemers = _deelnemers(bron, path, data, modus, bediening)
        codes = data.get("gemeentecodes")
        if modus is Modus.PRODUCTIE and codes is None and bediening is None:
            raise ConfigError(
                f"{bron}: production mode needs 'adresboek' or 'gemeentecodes' (the ones served)"
            )
        if codes is not None and not isinstance(codes, list):
            raise ConfigError(f"{bron}: 'gemeentecodes' must be a list of 4-digit codes")
        sleutel = data.get("auditSleutel")
        if modus is Modus.PRODUCTIE and not sleutel:
            raise ConfigError(f"{bron}: production mode needs 'auditSleutel' (a secret)")
        drempel = data.get("monitoringDrempel", MINIMUM_MONITORINGDREMPEL)
        if not _is_drempel(drempel):
            raise ConfigError(f"{bron}: {_DREMPEL_FOUT}, got {drempel!r}")
        termijn = data.get("bewaartermijnDagen")
        if termijn is not None and (
            not isinstance(termijn, int) or isinstance(termijn, bool) or termijn < 1
        ):
            raise ConfigError(f"{bron}: 'bewaartermijnDagen' must be a whole number of days >= 1")
        return cls(
            modus=modus,
            register=register,
            deelnemers=deelnemers,
            gemeentecodes=None
            if codes is None
            else frozenset(_code(bron, "gemeentecodes", c) for c in codes),
            bediening=bediening,
            ondertekening=ondertekening,
            knooppunt=knooppunt,
            audit_sleutel=(sleutel or "development-only-audit-key").encode(),
            http=HttpLimieten.uit_config(bron, data.get("http", {})),
            monitoring_drempel=drempel,
            bewaartermijn_dagen=termijn,
        )


def _deelnemers(
    bron: str, path: Path, data: dict[str, Any], modus: Modus, bediening: Bediening | None
) -> tuple[Deelnemersregister, tuple[Deelnemer, ...]]:
    """The participants register the configuration names, and the callers it gives. With an
    address book, organisations the register lists without gemeentecodes serve what the book
    gives them (one truth)."""
    register_pad = data.get("deelnemersregister")
    if register_pad is None:
        if modus is Modus.PRODUCTIE:
            raise ConfigError(
                f"{bron}: production mode needs 'deelnemersregister' (the participants "
                "register's file)"
            )
        register = dev_register()
    elif not isinstance(register_pad, str):
        raise ConfigError(f"{bron}: 'deelnemersregister' must be a file path")
    else:
        register = laad_register(path.parent / register_pad)
    if bediening is not None:
        register = register.met_bediening(bediening.boek)
    tokens = _tokens(bron, data.get("tokens", DEV_TOKENS if register_pad is None else {}))
    try:
        deelnemers = deelnemers_uit_register(
            register, tokens if modus is Modus.ONTWIKKELING else {}, op=date.today()
        )
    except KeyError as exc:
        raise ConfigError(f"{bron}: tokens: {exc.args[0]}") from None
    if "nvvk" in data:
        deelnemers += _nvvk(bron, data["nvvk"], modus)
    elif register_pad is None and modus is Modus.ONTWIKKELING:
        deelnemers += (DEV_NVVK,)
    if not deelnemers:
        raise ConfigError(f"{bron}: the participants register lists nobody, so nobody could call")
    return register, deelnemers


def laad_register(path: Path) -> Deelnemersregister:
    """Read and validate a participants register file; :class:`ConfigError` says which entry
    and member is wrong, and why."""
    from warm_referral.afsprakenstelsel import lees_deelnemersregister

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot read the participants register: {exc.strerror or exc}"
        ) from None
    try:
        return lees_deelnemersregister(data, bron=str(path))
    except InvalidRegister as exc:
        raise ConfigError(str(exc)) from None


def _tokens(bron: str, waarde: Any) -> dict[str, str]:
    if not isinstance(waarde, dict) or not all(
        isinstance(k, str) and k and isinstance(v, str) for k, v in waarde.items()
    ):
        raise ConfigError(f"{bron}: 'tokens' must map each token to a register id")
    return dict(waarde)


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


def _nvvk(bron: str, waarde: Any, modus: Modus) -> tuple[Deelnemer, ...]:
    """The NVVK callers (monitoring aggregates only): not register entries, so named here."""
    if not isinstance(waarde, list):
        raise ConfigError(f"{bron}: 'nvvk' must be a list of objects")
    uit = []
    for i, item in enumerate(waarde):
        waar = f"{bron}: nvvk[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("naam"), str):
            raise ConfigError(f"{waar}: needs 'naam', and an 'oin' or a 'kvkNummer'")
        onbekend = set(item) - {"naam", "oin", "kvkNummer", "token"}
        if onbekend:
            raise ConfigError(f"{waar}: unknown keys {', '.join(sorted(onbekend))}")
        oin, kvk = item.get("oin"), item.get("kvkNummer")
        if oin is not None and not _oin.is_valid(oin):
            raise ConfigError(f"{waar}: oin {oin!r} is not 20 digits")
        if kvk is not None and not _kvk.is_valid(kvk):
            raise ConfigError(f"{waar}: kvkNummer {kvk!r} is not 8 digits")
        if oin is None and kvk is None:
            raise ConfigError(f"{waar}: needs an oin or a kvkNummer")
        token = item.get("token") if modus is Modus.ONTWIKKELING else None
        uit.append(Deelnemer(item["naam"], Rol.NVVK, oin, kvk, token=token))
    return tuple(uit)


def _code(bron: str, waar: str, waarde: Any) -> str:
    if not isinstance(waarde, str) or not _gemeentecode.is_valid(waarde):
        raise ConfigError(f"{bron}: {waar}: {waarde!r} is not a 4-digit gemeentecode")
    return _gemeentecode.compact(waarde)
