"""The values partners' services take, whatever channel they come through."""

import datetime
from dataclasses import dataclass, field

from geography.models import Kecamatan


@dataclass(frozen=True)
class OrganisationData:
    name: str
    kind: str
    active: bool = True
    is_city_app: bool = False  # the JAKI app's organisation
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    website: str = ""


@dataclass(frozen=True)
class AgreementData:
    """An agreement's terms: what it is, who signs, what each side offers, the steps it covers and the
    participants the partner wants (empty criteria: any)."""

    kind: str
    title: str
    parties: str
    steps: list[str]
    partner_offers: str = ""
    program_offers: str = ""
    criteria_tracks: list[str] = field(default_factory=list)
    criteria_sectors: list[str] = field(default_factory=list)
    criteria_classes: list[str] = field(default_factory=list)
    criteria_steps_done: list[str] = field(default_factory=list)
    criteria_kecamatan: list[Kecamatan] = field(default_factory=list)


@dataclass(frozen=True)
class SigningData:
    number: str
    signed_on: datetime.date
    starts_on: datetime.date
    ends_on: datetime.date
