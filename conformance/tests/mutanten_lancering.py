"""Start the reference receiver with ONE rule of the library broken: ``python
mutanten_lancering.py MUTANT serve receiver ...``.

Only public library names are patched (``warm_referral.deadlines.*``,
``warm_referral.monitoring.publiceerbaar``, the feedback policy of
``warm_referral.afspraken.Afspraken``, the look-ups of ``warm_referral.adresboek.Adresboek``, the
signature check ``warm_referral.ondertekening.verifieer`` and ``Ondertekenaar.bevestig_afzender``),
before the receiver imports anything, so the mutant does not depend on the reference's internal
module names. The receiver reads them through the module (``deadlines.contact_deadline(...)``), as
any user would.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import warm_referral.adresboek.boek as adresboek
import warm_referral.afspraken as afspraken
import warm_referral.deadlines as deadlines
import warm_referral.monitoring as monitoring
import warm_referral.ondertekening as ondertekening
from warm_referral import amsterdamse_datum
from warm_referral.cli import main

_echt_contact = deadlines.contact_deadline
_echt_incassostop = deadlines.incassostop
_echt_publiceerbaar = monitoring.publiceerbaar
_echt_verifieer = ondertekening.verifieer


def _pasen(jaar: int) -> date:
    a, b, c = jaar % 19, jaar // 100, jaar % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    maand, dag = divmod(h + ell - 7 * m + 114, 31)
    return date(jaar, maand, dag + 1)


def _einde(dag: date) -> datetime:
    return datetime.combine(dag, time(23, 59, 59), tzinfo=deadlines.AMSTERDAM)


def _profiel(profiel: Any) -> Any:
    if isinstance(profiel, deadlines.Afsprakenprofiel):
        return profiel
    return (
        deadlines.afsprakenprofielen()[profiel]
        if profiel
        else deadlines.standaard_afsprakenprofiel()
    )


def goede_vrijdag_vergeten(ontvangen_op: datetime, profiel: Any = None) -> datetime:
    """Counts Good Friday as a werkdag (as the Dutch public-holiday calendar does not list it)."""
    p = _profiel(profiel)
    dag, geteld = amsterdamse_datum(ontvangen_op), 0
    while geteld < p.contacttermijn_werkdagen:
        dag += timedelta(days=1)
        if p.kalender.is_werkdag(dag) or dag == _pasen(dag.year) - timedelta(days=2):
            geteld += 1
    return _einde(dag)


def kalenderdagen(ontvangen_op: datetime, profiel: Any = None) -> datetime:
    """Counts calendar days instead of werkdagen."""
    p = _profiel(profiel)
    return _einde(amsterdamse_datum(ontvangen_op) + timedelta(days=p.contacttermijn_werkdagen))


def utc_datum(ontvangen_op: datetime, profiel: Any = None) -> datetime:
    """Takes the UTC date of receipt, not the Dutch one."""
    dag = ontvangen_op.astimezone(timezone.utc).date()
    return _echt_contact(datetime.combine(dag, time(12), tzinfo=deadlines.AMSTERDAM), profiel)


def incassostop_atw(verwijsdatum: date, profiel: Any = None) -> tuple[date, date]:
    """Moves an incassostop ending on a non-werkdag to the next werkdag (Atw art. 1)."""
    p = _profiel(profiel)
    begin, einde = _echt_incassostop(verwijsdatum, p)
    return begin, p.kalender.werkdag_vanaf(einde)


def incassostop_29(verwijsdatum: date, profiel: Any = None) -> tuple[date, date]:
    """An incassostop one day short."""
    begin, einde = _echt_incassostop(verwijsdatum, profiel)
    return begin, einde - timedelta(days=1)


def drempel_een(uitkomsten: Any, drempel: int = 5) -> Any:
    """Publishes every count from 1 up: the threshold of 5 is ignored, small counts leak."""
    return _echt_publiceerbaar(uitkomsten, 1)


def bediend_zonder_data(self: Any, oin: str, *, op: date) -> frozenset[str]:
    """Reads the address book without its dates: every municipality the organisation ever served."""
    org = self._per_oin.get(oin)
    return frozenset(v.gemeentecode for v in self._per_organisatie[org.id]) if org else frozenset()


def zoek_zonder_datum(self: Any, gemeentecode: str, *, op: date) -> Any:
    """Takes a municipality's first entry in the address book, whatever its dates."""
    vermeldingen = self._per_code.get(gemeentecode, ())
    if not vermeldingen:
        return _echt_zoek(self, gemeentecode, op=op)
    eerste = vermeldingen[0]
    return adresboek.Vermelding(eerste, self._organisaties[eerste.organisatie], op)


_echt_zoek = adresboek.Adresboek.zoek


def te_laat_vergeten(*_: Any, **__: Any) -> None:
    """Every referral arrives in time, however old."""
    return None


def bewaren_vergeten(*_: Any, **__: Any) -> None:
    """No retention term: personal data are kept for ever."""
    return None


def alles_terugmelden(self: Any, grondslag: Any, statusterugmelding: Any) -> Any:
    """Every milestone to every creditor, whatever the ground (the rule before 1.1, and beyond)."""
    return afspraken.ALLES if statusterugmelding is not False else afspraken.NIETS


def handtekening_genegeerd(
    payload: bytes, handtekening: Any, digest: Any, vertrouwd: Any, nu: datetime, **opties: Any
) -> Any:
    """Only looks whether a signature is there and whose certificate it names: a tampered body,
    a forged signature, an expired or untrusted certificate all pass."""
    import base64
    import json

    from cryptography import x509

    try:
        return _echt_verifieer(payload, handtekening, digest, vertrouwd, nu, **opties)
    except ondertekening.MissingSignature:
        raise
    except ondertekening.SignatureError:
        waarde = handtekening[0] if isinstance(handtekening, list) else handtekening
        kop = waarde.split(".")[0]
        data = json.loads(base64.urlsafe_b64decode(kop + "=" * (-len(kop) % 4)))
        certificaat = x509.load_der_x509_certificate(base64.b64decode(data["x5c"][0]))
        return ondertekening.Ondertekenaar.uit_certificaat(certificaat, nu)


def ondertekenaar_niet_gecontroleerd(self: Any, oin: str | None) -> None:
    """Any organisation's valid signature will do, whoever the message says sent it."""
    return None


PATCHES: dict[str, tuple[Any, str, Callable[..., Any]]] = {
    "goede-vrijdag-vergeten": (deadlines, "contact_deadline", goede_vrijdag_vergeten),
    "kalenderdagen": (deadlines, "contact_deadline", kalenderdagen),
    "utc-datum": (deadlines, "contact_deadline", utc_datum),
    "incassostop-atw": (deadlines, "incassostop", incassostop_atw),
    "incassostop-29": (deadlines, "incassostop", incassostop_29),
    "drempel-een": (monitoring, "publiceerbaar", drempel_een),
    "adresboek-zonder-data": (adresboek.Adresboek, "bediend_door", bediend_zonder_data),
    "doorzending-zonder-datum": (adresboek.Adresboek, "zoek", zoek_zonder_datum),
    "te-laat-vergeten": (deadlines, "toets_tijdigheid", te_laat_vergeten),
    "bewaren-vergeten": (deadlines, "bewaren_tot", bewaren_vergeten),
    "alles-terugmelden": (afspraken.Afspraken, "terugmelding", alles_terugmelden),
    "handtekening-genegeerd": (ondertekening, "verifieer", handtekening_genegeerd),
    "ondertekenaar-niet-afzender": (
        ondertekening.Ondertekenaar,
        "bevestig_afzender",
        ondertekenaar_niet_gecontroleerd,
    ),
}

if __name__ == "__main__":
    doel, naam, functie = PATCHES[sys.argv[1]]
    setattr(doel, naam, functie)
    sys.exit(main(sys.argv[2:]))
