"""A DDAS v1.2 delivery of warm referrals: how a municipality reports them to CBS.

Each warm referral becomes a *Vroegsignaal* with ``warmeOverdracht`` true (its partner type, its
signal status) and a *Vroegsignaalzaak* (its final result, the date it was taken up, its contact
attempts), exactly as :func:`warm_referral.lifecycle.vroegsignaalzaak` reads them from a record.

DDAS requires every signal to identify its client (a BSN, or postcode and house number) so that
CBS can match it. The history holds no personal data, so the municipality's system supplies the
client of each referral (``clienten``); this is the one output of this package that carries
personal data, and it goes to CBS under the Wgs, not to publication.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timezone
from typing import Any

from ..lifecycle import DdasSignaalstatus, Toestand
from ..lifecycle.ddas import SIGNAALSTATUS
from ..models.enums import Mijlpaal, SoortVerwijzer
from .historie import Verwijzingshistorie
from .vergelijking import valideer_ddas

__all__ = [
    "NIET_IN_DDAS",
    "SIGNAALPARTNER",
    "ddas_levering",
    "signaalstatus",
    "vroegsignaal",
    "vroegsignaalzaak",
]

#: The kinds of referrer DDAS v1.2 does not list (EnumSignaalpartner): the bailiff (KBvG pilot
#: Ketensignalering), and UWV and SVB (specVersie 1.1). Their signals count as "Overige", the DDAS
#: value for every other signal partner; docs/afspraken.md documents the mapping.
NIET_IN_DDAS: frozenset[SoortVerwijzer] = frozenset(
    {SoortVerwijzer.GERECHTSDEURWAARDER, SoortVerwijzer.UWV, SoortVerwijzer.SVB}
)

#: DDAS EnumSignaalpartner for each kind of referrer: the same words, except those of
#: :data:`NIET_IN_DDAS`: "Overige".
SIGNAALPARTNER: dict[SoortVerwijzer, str] = {
    s: "Overige" if s in NIET_IN_DDAS else s.value for s in SoortVerwijzer
}


def signaalstatus(h: Verwijzingshistorie) -> DdasSignaalstatus:
    """The DDAS signal status (as :func:`warm_referral.lifecycle.ddas_signaalstatus` gives it
    for the record the history came from)."""
    if h.toestand is Toestand.NIET_OPGEPAKT and h.niet_opgepakt is not None:
        return DdasSignaalstatus(h.niet_opgepakt.reden.value)
    if h.toestand is Toestand.INGETROKKEN and Mijlpaal.OPGEPAKT in h.mijlpalen:
        return DdasSignaalstatus.OPGEPAKT
    return SIGNAALSTATUS[h.toestand]


def vroegsignaal(h: Verwijzingshistorie, client: Mapping[str, Any]) -> dict[str, Any]:
    """The referral as a DDAS Vroegsignaal; ``client`` is the DDAS client object."""
    return {
        "ID": h.verwijzing_id,
        "crisissignaal": h.crisis,
        "warmeOverdracht": True,
        "signaaldatum": h.verwijsdatum.isoformat(),
        "status": signaalstatus(h).value,
        "signaalpartner": {"type": SIGNAALPARTNER[h.soort_verwijzer]},
        "client": dict(client),
    }


def vroegsignaalzaak(h: Verwijzingshistorie) -> dict[str, Any]:
    """The referral as a DDAS Vroegsignaalzaak (equal to the lifecycle's for its record)."""
    zaak: dict[str, Any] = {"vroegsignalen": [{"ID": h.verwijzing_id}]}
    if h.eindresultaat is not None:
        zaak["resultaat"] = h.eindresultaat.resultaat.value
    opgepakt = h.mijlpalen.get(Mijlpaal.OPGEPAKT)
    if opgepakt is not None:
        zaak["datumOpgepakt"] = opgepakt.isoformat()
    if h.contactpogingen:
        zaak["contactpogingen"] = [
            {
                "soort": p.soort.value,
                "bereikt": p.bereikt,
                "datum": p.datum.isoformat(),
                "dagdeel": p.dagdeel.value,
            }
            for p in h.contactpogingen
        ]
    return zaak


def ddas_levering(
    historien: Iterable[Verwijzingshistorie],
    *,
    gemeentecode: str,
    van: date,
    tot: date,
    clienten: Mapping[str, Mapping[str, Any]],
    aanleverende_organisatie: Mapping[str, Any],
    code_gegevensleverancier: str,
    aangeleverd_op: datetime,
    valideer: bool = True,
) -> dict[str, Any]:
    """One municipality's warm referrals with a verwijsdatum in ``[van, tot]`` as a DDAS v1.2
    delivery (validated against the official schema unless ``valideer`` is False).

    ``clienten`` maps each verwijzingId to its DDAS client object (``{"burgerservicenummer": ...}``
    or postcode and huisnummer); a referral without one is an error (KeyError naming it).
    """
    if aangeleverd_op.utcoffset() is None:
        raise ValueError("aangeleverd_op must be an aware datetime")
    signalen: list[dict[str, Any]] = []
    zaken: list[dict[str, Any]] = []
    for h in historien:
        if h.gemeentecode != gemeentecode or not van <= h.verwijsdatum <= tot:
            continue
        try:
            client = clienten[h.verwijzing_id]
        except KeyError:
            raise KeyError(
                f"no DDAS client for referral {h.verwijzing_id!r}: the municipality's system must "
                "supply the BSN or postcode and house number of every referral it reports"
            ) from None
        signalen.append(vroegsignaal(h, client))
        zaken.append(vroegsignaalzaak(h))
    deel: dict[str, Any] = {
        "teller": 1,
        "gemeentecode": gemeentecode,
        "aanleverendeOrganisatie": dict(aanleverende_organisatie),
    }
    if signalen:
        deel["vroegsignalen"] = signalen
        deel["vroegsignaalzaken"] = zaken
    levering = {
        "startdatumLevering": van.isoformat(),
        "einddatumLevering": tot.isoformat(),
        "aanleverdatumEnTijd": aangeleverd_op.astimezone(timezone.utc)
        .replace(microsecond=0, tzinfo=None)
        .isoformat()
        + "Z",
        "codeGegevensleverancier": code_gegevensleverancier,
        "leveringen": [deel],
    }
    if valideer:
        valideer_ddas(levering)
    return levering
