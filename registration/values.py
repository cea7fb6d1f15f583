"""The values P1's services take: what a person, a business or a contact change is, whatever channel it comes
through (a web form, the office form, the admin, later the API or an import). Frozen: a service reads them,
never changes them. A renamed field is a type error, not a runtime one."""

import datetime
from dataclasses import dataclass

from geography.models import Kecamatan, Kelurahan


@dataclass(frozen=True)
class PersonData:
    """The person: identity, contact, domicile, KTP origin and track."""

    full_name: str
    nik: str
    birth_date: datetime.date
    sex: str
    phone: str  # as typed or already +62…; the validator normalises it
    email: str
    address: str
    kecamatan: Kecamatan
    track: str
    jakarta_ktp: bool
    non_jakarta_basis: str = ""
    domicile_since: datetime.date | None = None
    partner_activity: str = ""
    kelurahan: Kelurahan | None = None  # of `kecamatan`


@dataclass(frozen=True)
class BusinessData:
    """The business: running (naik kelas) with its baseline figures, or planned (pemula) with its planned start
    month and capital. The validator keeps only the figures of the participant's track."""

    name: str
    sector: str
    address: str
    kecamatan: Kecamatan
    started_on: datetime.date | None = None
    workers: int = 0
    assets: int = 0
    monthly_turnover: int = 0
    planned_start: datetime.date | None = None  # the first day of the month
    planned_capital: int | None = None


@dataclass(frozen=True)
class IdentityData:
    """Who a participant is, as their KTP says, and the kecamatan they live in: what they may not change
    themselves once verified, and staff correct on their request after checking the KTP."""

    full_name: str
    nik: str
    birth_date: datetime.date
    sex: str
    kecamatan: Kecamatan


@dataclass(frozen=True)
class ContactData:
    """How to reach a participant and where they live within their kecamatan (what staff may correct)."""

    phone: str
    email: str
    address: str
    kelurahan: Kelurahan | None = None
