"""The protocol's enumerations.

Where DDAS vroegsignalering v1.2 already has a list (signal partners, contact kinds, day parts,
signal statuses), we use its values unchanged so that a warm referral can be reported to CBS without
translation; ``tests/library/test_ddas_mapping.py`` reads the official schema and fails if they drift.
Values are the strings on the wire; member names are their upper-case Python spelling.
"""

from __future__ import annotations

from enum import Enum

from .._version import SPEC_VERSIES

__all__ = [
    "Advies",
    "Contactsoort",
    "Crisissoort",
    "Dagdeel",
    "Eindresultaat",
    "Grondslag",
    "Incassostopwijzigingsreden",
    "IngrijpendeMaatregel",
    "Intrekkingsreden",
    "Mijlpaal",
    "NietOpgepaktReden",
    "SoortIncassostopwijziging",
    "SoortVerwijzer",
    "SpecVersie",
    "Toestemmingskanaal",
    "Toestemmingsreikwijdte",
]


class SpecVersie(str, Enum):
    """The protocol versions (``specVersie``): a minor version only adds (docs/versiebeheer.md)."""

    V1_0 = "1.0"
    V1_1 = "1.1"


assert tuple(v.value for v in SpecVersie) == SPEC_VERSIES, "keep _version.SPEC_VERSIES in step"


class SoortVerwijzer(str, Enum):
    """Kind of referrer: DDAS EnumSignaalpartner plus the bailiff (KBvG pilot Ketensignalering) and,
    from specVersie 1.1, UWV and SVB (the project plan's later signallers). DDAS has no value for
    the last three; its export reports them as "Overige" (``monitoring.ddas_export``)."""

    BELASTINGDIENST = "Belastingdienst"
    CAK_EIGEN_BIJDRAGE = "CAK Eigen bijdrage"
    CAK_ZORGVERZEKERINGEN = "CAK Zorgverzekeringen"
    DIENST_TOESLAGEN = "Dienst Toeslagen"
    DUO = "DUO"
    ENERGIE = "Energie"
    HUUR = "Huur"
    HYPOTHEEK = "Hypotheek"
    OVERIGE = "Overige"
    WATER = "Water"
    ZORG = "Zorg"
    GERECHTSDEURWAARDER = "Gerechtsdeurwaarder"
    #: Uitvoeringsinstituut Werknemersverzekeringen (specVersie 1.1).
    UWV = "UWV"
    #: Sociale Verzekeringsbank (specVersie 1.1).
    SVB = "SVB"


class Grondslag(str, Enum):
    """Legal ground on which the referrer shares the help-seeker's data."""

    #: Besluit gemeentelijke schuldhulpverlening (the fixed-charge partners; art. 2: landlords).
    BESLUIT_SCHULDHULPVERLENING = "BesluitGemeentelijkeSchuldhulpverlening"
    #: The disconnection regulations (afsluitregelingen) of energy and drinking water, and for
    #: health insurers (from specVersie 1.1) the rules the project plan names beside them.
    AFSLUITREGELING = "Afsluitregeling"
    #: The help-seeker's explicit, recorded consent (the only ground for other creditors).
    TOESTEMMING = "Toestemming"


class Toestemmingskanaal(str, Enum):
    """How the help-seeker gave consent."""

    TELEFOON = "Telefoon"
    PERSOONLIJK = "Persoonlijk"
    BRIEF = "Brief"
    MAIL = "Mail"
    WEBSITE = "Website"
    APP = "App"
    CHAT = "Chat"


class Toestemmingsreikwijdte(str, Enum):
    """What the consent covers."""

    CONTACTGEGEVENS = "Contactgegevens"
    BETALINGSACHTERSTAND = "Betalingsachterstand"
    #: The municipality may tell the referrer how the referral went (creditor-safe milestones).
    STATUSTERUGMELDING = "Statusterugmelding"


class Contactsoort(str, Enum):
    """DDAS EnumContactsoort, unchanged."""

    ADMINISTRATIEF = "Administratief"
    AFSPRAAK_OP_LOCATIE = "Afspraak op locatie"
    BRIEF = "Brief"
    HUISBEZOEK = "Huisbezoek"
    KAARTJE = "Kaartje"
    MAIL = "Mail"
    ONBEKEND = "Onbekend"
    OVERIGE = "Overige"
    SMS_WHATSAPP = "SMS/Whatsapp"
    TELEFOON = "Telefoon"


class Dagdeel(str, Enum):
    """DDAS EnumDagdeel, unchanged."""

    OCHTEND = "Ochtend"
    MIDDAG = "Middag"
    AVOND = "Avond"


class Crisissoort(str, Enum):
    """The threatening situations of Wgs art. 4 that make a referral a crisis."""

    HUISUITZETTING = "Huisuitzetting"
    AFSLUITING_ENERGIE = "Afsluiting energie"
    AFSLUITING_WATER = "Afsluiting water"
    EINDE_ZORGVERZEKERING = "Einde zorgverzekering"


class NietOpgepaktReden(str, Enum):
    """Why the municipality does not take a referral up: the creditor-safe DDAS signal statuses.

    "Niet opgepakt: andere reden" never carries the underlying reason.
    """

    HERHAALDE_MELDING = "Niet opgepakt: herhaalde melding"
    ONTERECHT_SIGNAAL = "Niet opgepakt: onterecht signaal"
    OVERLEDEN = "Inwoner is overleden"
    GEEN_INWONER = "Persoon is geen inwoner (meer) in de gemeente"
    ANDERE_REDEN = "Niet opgepakt: andere reden"


class Mijlpaal(str, Enum):
    """Milestones the municipality reports to the referrer."""

    OPGEPAKT = "Opgepakt"
    BEREIKT = "Bereikt"
    HULP_AANGEBODEN = "Hulp aangeboden"
    HULP_AANVAARD = "Hulp aanvaard"
    HULP_AFGEWEZEN = "Hulp afgewezen"
    AFGESLOTEN = "Afgesloten"


class Eindresultaat(str, Enum):
    """Creditor-safe final result: coarse enough to reveal no content of the help.

    The municipality's own record keeps the DDAS EnumEindresultaat; the lifecycle maps it here.
    """

    ONDERSTEUNING_GESTART = "Ondersteuning gestart"
    REGELT_HET_ZELF = "Inwoner regelt het zelf"
    AL_IN_BEGELEIDING = "Al in begeleiding"
    GEEN_CONTACT = "Geen contact"
    OVERLEDEN = "Inwoner is overleden"
    GEEN_INWONER = "Geen inwoner van de gemeente"
    OVERIG = "Overig"


class Advies(str, Enum):
    """The municipality's advice about the incassostop."""

    VERLENGEN = "Verlengen"
    OPHEFFEN = "Opheffen"


class Intrekkingsreden(str, Enum):
    """Why the referrer withdraws a referral."""

    BETAALD = "Achterstand betaald"
    TEN_ONRECHTE_VERZONDEN = "Ten onrechte verzonden"
    TOESTEMMING_INGETROKKEN = "Toestemming ingetrokken"


class SoortIncassostopwijziging(str, Enum):
    VERLENGEN = "Verlengen"
    OPHEFFEN = "Opheffen"


class Incassostopwijzigingsreden(str, Enum):
    ADVIES_GEMEENTE = "Advies gemeente"
    HULPTRAJECT_GESTART = "Hulptraject gestart"
    BETALINGSREGELING_GETROFFEN = "Betalingsregeling getroffen"
    ACHTERSTAND_VOLDAAN = "Achterstand voldaan"
    OVERIG = "Overig"


class IngrijpendeMaatregel(str, Enum):
    """A drastic collection measure (*ingrijpende incassomaatregel*) the evaluation asks about
    (specVersie 1.1): the project plan asks whether warm referral prevents them."""

    AFSLUITING = "Afsluiting"
    ONTRUIMING = "Ontruiming"
    BESLAG = "Beslag"
    INSCHAKELING_DEURWAARDER = "Inschakeling deurwaarder"
