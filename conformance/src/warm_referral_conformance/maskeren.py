"""Masking for reports: no BSN and no credential ever reaches a report file.

A report is mailed to NVVK, so a BSN is masked even in a test environment, where it should be a
test number anyway: any run of exactly nine digits that passes the 11-test becomes ``*********``.
Bearer tokens become ``<token>``.
"""

from __future__ import annotations

import re

from warm_referral.identifiers import bsn

__all__ = ["GEMASKEERD_BSN", "maskeer", "maskeer_header"]

GEMASKEERD_BSN = "*********"
_NEGEN_CIJFERS = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")
_GEHEIME_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})


def maskeer(tekst: str) -> str:
    """``tekst`` with every BSN-shaped number (nine digits passing the 11-test) masked.

    >>> maskeer('{"bsn": "999990019", "huisnummer": 12, "kvk": "123456789012"}')
    '{"bsn": "*********", "huisnummer": 12, "kvk": "123456789012"}'
    """
    return _NEGEN_CIJFERS.sub(
        lambda m: GEMASKEERD_BSN if bsn.is_valid(m.group(0)) else m.group(0), tekst
    )


def maskeer_header(naam: str, waarde: str) -> str:
    """A header value as a report may show it."""
    if naam.lower() in _GEHEIME_HEADERS:
        schema, _, _ = waarde.partition(" ")
        return f"{schema} <token>" if schema.lower() == "bearer" else "<verborgen>"
    return maskeer(waarde)
