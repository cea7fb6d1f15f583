"""Who may join P1 and with which documents (the program's registration rules).

- Everyone: a KTP scan (it carries the NIK).
- Starting track (pemula): a signed statement of the business plan.
- Growing track (naik kelas): a signed statement of the development plan and proof of owning the business.
- Without a Jakarta KTP: a lurah letter showing at least two years of living and working in Jakarta, or a
  reference to the partner activity that brought the person in.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import first_of_month, is_plausible_past_date

from .choices import DocumentKind, NonJakartaBasis, Track

MIN_DOMICILE_YEARS = 2
MIN_AGE_YEARS = 17

IMPLAUSIBLE_DATE = _("Give a date from 1 January 1900 up to today.")
PLANNED_START_MISSING = _("Give the month you plan to start the business.")
PLANNED_START_PAST = _("The planned start is this month or a later one; a business already running is growing.")
PLANNED_CAPITAL_MISSING = _("Give the capital you plan to start with, in rupiah (0 if none yet).")


def check_past_date(field: str, day: datetime.date, *, today: datetime.date | None = None) -> None:
    """A date a person gives for something that happened (a birth, a move, a start): from 1900 up to today."""
    if not is_plausible_past_date(day, today=today):
        raise ValidationError({field: ValidationError(IMPLAUSIBLE_DATE, code="implausible_date")})


def required_documents(*, track: str, jakarta_ktp: bool, basis: str = "") -> list[str]:
    """The document kinds a registration must carry, in the order they are asked for."""
    kinds = [DocumentKind.KTP.value]
    if track == Track.PEMULA:
        kinds.append(DocumentKind.PLAN_STATEMENT.value)
    else:
        kinds += [DocumentKind.DEVELOPMENT_PLAN_STATEMENT.value, DocumentKind.OWNERSHIP_PROOF.value]
    if not jakarta_ktp and basis == NonJakartaBasis.LURAH_LETTER:
        kinds.append(DocumentKind.LURAH_LETTER.value)
    return kinds


def check_residence(
    *,
    jakarta_ktp: bool,
    basis: str,
    domicile_since: datetime.date | None,
    partner_activity: str,
    today: datetime.date | None = None,
) -> None:
    """Raise ValidationError (keyed by field) unless a person without a Jakarta KTP has a basis to join."""
    if jakarta_ktp:
        return
    today = today or timezone.localdate()
    if basis == NonJakartaBasis.LURAH_LETTER:
        if domicile_since is None:
            raise ValidationError(
                {"domicile_since": _("Give the date since when you live in Jakarta, as in the lurah letter.")}
            )
        check_past_date("domicile_since", domicile_since, today=today)
        if domicile_since > today - relativedelta(years=MIN_DOMICILE_YEARS):
            raise ValidationError(
                {
                    "domicile_since": _(
                        "Without a Jakarta KTP you must have lived and worked in Jakarta for at least two years."
                    )
                }
            )
    elif basis == NonJakartaBasis.PARTNER_ACTIVITY:
        if not partner_activity.strip():
            raise ValidationError({"partner_activity": _("Name the partner activity that brought you to JakPreneur.")})
    else:
        raise ValidationError(
            {
                "non_jakarta_basis": _(
                    "Without a Jakarta KTP, choose how you may join: a lurah letter or a partner activity."
                )
            }
        )


def check_age(*, birth_date: datetime.date, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    if birth_date > today:
        raise ValidationError({"birth_date": _("The birth date is in the future.")})
    check_past_date("birth_date", birth_date, today=today)
    if birth_date > today - relativedelta(years=MIN_AGE_YEARS):
        raise ValidationError({"birth_date": _("Participants are at least 17 years old (the age of a KTP).")})


def check_business(*, track: str, started_on: datetime.date | None, today: datetime.date | None = None) -> None:
    """A growing entrepreneur has a running business: it started on a date in the past."""
    today = today or timezone.localdate()
    if track == Track.NAIK_KELAS and started_on is None:
        raise ValidationError(
            {"started_on": _("A growing entrepreneur already runs a business: give the date it started.")}
        )
    if started_on is not None and started_on > today:
        raise ValidationError({"started_on": _("The start date of a running business cannot be in the future.")})
    if started_on is not None:
        check_past_date("started_on", started_on, today=today)


def check_plan(
    *,
    track: str,
    planned_start: datetime.date | None,
    planned_capital: int | None,
    today: datetime.date | None = None,
) -> None:
    """A starting entrepreneur has a planned business: the month it starts (this month or later) and the capital
    it starts with. Raise ValidationError keyed by field listing what is missing or refused."""
    if track != Track.PEMULA:
        return
    today = today or timezone.localdate()
    errors: dict[str, ValidationError] = {}
    if planned_start is None:
        errors["planned_start"] = ValidationError(PLANNED_START_MISSING, code="required")
    elif planned_start < first_of_month(today):
        errors["planned_start"] = ValidationError(PLANNED_START_PAST, code="planned_start_past")
    if planned_capital is None:
        errors["planned_capital"] = ValidationError(PLANNED_CAPITAL_MISSING, code="required")
    if errors:
        raise ValidationError(errors)
