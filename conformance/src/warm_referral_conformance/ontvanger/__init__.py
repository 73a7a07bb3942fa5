"""Checks of role ontvanger: the municipality's receiver, driven over its HTTP API.

Importing this package registers every check (see :mod:`..register`)."""

from . import (  # noqa: F401
    adresboek,
    afspraken,
    api_regels,
    berichten,
    bevestiging,
    envelop,
    monitoring,
    ondertekening,
    termijnen,
    terugmelding,
    vijandig,
)
