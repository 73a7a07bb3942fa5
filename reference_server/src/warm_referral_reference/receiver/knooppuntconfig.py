"""The configuration of the route through a knooppunt (the receiver configuration's
``knooppunt`` object): where the knooppunt is, our credentials there, our keys on the route.
Kept apart from :mod:`.knooppuntroute` so that reading a configuration loads no HTTP client."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConfigError

if TYPE_CHECKING:
    from joserfc.jwk import ECKey, RSAKey

    from warm_referral.ondertekening import Certificaatsleutel

__all__ = ["Knooppuntinstellingen"]

_SLEUTELS = frozenset(
    {"url", "token", "cert", "key", "ca", "ontsleutelsleutels", "ondertekening", "interval"}
)


@dataclass(frozen=True)
class Knooppuntinstellingen:
    """Where the knooppunt is, how we authenticate there, and our keys on the route."""

    url: str
    ontsleutelsleutels: Mapping[str, ECKey | RSAKey]
    ondertekening: Certificaatsleutel
    token: str | None = None
    cert: Path | None = None
    key: Path | None = None
    ca: Path | None = None
    interval: float = 5.0

    @classmethod
    def uit_config(cls, bron: str, data: Any, basis: Path) -> Knooppuntinstellingen:
        from warm_referral.errors import WarmReferralError
        from warm_referral.knooppunt import laad_ontsleutelsleutels
        from warm_referral.ondertekening import laad_certificaatsleutel

        waar = f"{bron}: knooppunt"
        if not isinstance(data, dict):
            raise ConfigError(f"{waar}: must be an object")
        onbekend = set(data) - _SLEUTELS
        if onbekend:
            raise ConfigError(
                f"{waar}: unknown keys {', '.join(sorted(onbekend))}; known: "
                f"{', '.join(sorted(_SLEUTELS))}"
            )
        url = data.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ConfigError(f"{waar}: 'url' must be the knooppunt's base URL (http[s]://.../v1)")
        if ("cert" in data) != ("key" in data):
            raise ConfigError(f"{waar}: 'cert' and 'key' go together")
        if "token" not in data and "cert" not in data:
            raise ConfigError(f"{waar}: give 'token' (development) or 'cert' and 'key'")
        sleutels = data.get("ontsleutelsleutels")
        if not isinstance(sleutels, list) or not sleutels:
            raise ConfigError(f"{waar}: 'ontsleutelsleutels' must list our private JWK files")
        ondertekening = data.get("ondertekening")
        if not isinstance(ondertekening, dict) or set(ondertekening) != {"sleutel", "keten"}:
            raise ConfigError(
                f"{waar}: 'ondertekening' must be {{'sleutel': PEM, 'keten': PEM}} (our signing "
                "key and certificate chain)"
            )
        interval = data.get("interval", 5.0)
        if isinstance(interval, bool) or not isinstance(interval, (int, float)) or interval <= 0:
            raise ConfigError(f"{waar}: 'interval' must be a positive number of seconds")
        try:
            return cls(
                url=url.rstrip("/"),
                ontsleutelsleutels=laad_ontsleutelsleutels(*(basis / s for s in sleutels)),
                ondertekening=laad_certificaatsleutel(
                    basis / ondertekening["sleutel"], basis / ondertekening["keten"]
                ),
                token=data.get("token"),
                cert=basis / data["cert"] if "cert" in data else None,
                key=basis / data["key"] if "key" in data else None,
                ca=basis / data["ca"] if "ca" in data else None,
                interval=float(interval),
            )
        except (OSError, WarmReferralError) as exc:
            raise ConfigError(f"{waar}: {exc}") from None
