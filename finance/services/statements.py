"""Writes of the financial statements: issuing them for a period, with the code a bank checks on the public page.
What they say is `finance.statements` (from the ledger); a statement keeps its figures as issued."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core import audit
from core.dates import first_of_month, months_between
from core.decisions import Refused
from registration.models import Business, Participant
from registration.selectors import is_verified
from registration.services import REFERENCE_ALPHABET

from .. import permissions
from ..choices import Source, StatementLanguage
from ..models import MonthlyRecord, Statement
from ..statements import statement_figures

CODE_LENGTH = 12
CODE_ATTEMPTS = 5
MAX_MONTHS = 24

START_AFTER_END = _("The first month must not come after the last one.")
TOO_LONG = _("A statement covers at most %(months)s months.")
FUTURE_MONTH = _("This month has not come yet.")
NOT_REPORTED = _("These months have no monthly report yet: %(months)s. Record them first, or choose other months.")
MIXED = _(
    "Some of these months come from the cash book and others were entered directly: choose months of one kind "
    "(%(months)s come from the cash book)."
)
NO_BUSINESS = _("The statements need a registered business.")
UNKNOWN_LANGUAGE = _("Choose Bahasa Indonesia or English.")


def _check_period(start: datetime.date, end: datetime.date, today: datetime.date) -> list[datetime.date]:
    """The months of the period, once it is a period that may be issued; errors by field otherwise."""
    if end > first_of_month(today):
        raise ValidationError({"period_end": ValidationError(FUTURE_MONTH, code="future_month")})
    if start > end:
        raise ValidationError({"period_start": ValidationError(START_AFTER_END, code="start_after_end")})
    months = months_between(start, end)
    if len(months) > MAX_MONTHS:
        raise ValidationError({"period_start": ValidationError(TOO_LONG % {"months": MAX_MONTHS}, code="too_long")})
    return months


def _period_records(participant: Participant, months: list[datetime.date]) -> list[MonthlyRecord]:
    """The monthly report of every month of the period, oldest first, all of one kind; else refused."""
    records = list(
        MonthlyRecord.objects.filter(participant=participant, month__gte=months[0], month__lte=months[-1]).order_by(
            "month"
        )
    )
    reported = {record.month for record in records}
    missing = [month for month in months if month not in reported]
    if missing:
        listed = ", ".join(f"{month:%Y-%m}" for month in missing)
        refusal = ValidationError(NOT_REPORTED % {"months": listed}, code="not_reported")
        raise ValidationError({"period_start": refusal})
    from_books = [record.month for record in records if record.source == Source.BOOKS]
    if from_books and len(from_books) != len(records):
        listed = ", ".join(f"{month:%Y-%m}" for month in from_books)
        refusal = ValidationError(MIXED % {"months": listed}, code="mixed_sources")
        raise ValidationError({"period_start": refusal})
    return records


def _new_code() -> str:
    """A code of CODE_LENGTH letters and digits without look-alikes (no 0/O, 1/I), not given before."""
    for _attempt in range(CODE_ATTEMPTS):
        code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Statement.objects.filter(code=code).exists():
            return code
    raise RuntimeError("No free statement code after several attempts.")  # 32^12 codes: never in practice


@transaction.atomic
@audit.audited
def statement_issue(
    *,
    participant: Participant,
    period_start: datetime.date,
    period_end: datetime.date,
    language: str,
    acting_user: User,
) -> Statement:
    """Issue the SAK EMKM statements of the participant's business from month `period_start` to month
    `period_end` (each month reported, at most MAX_MONTHS, none still to come), in `language`, with a new
    verification code; the identity and every figure are kept as issued. The participant themself, once
    verified (`permissions.can_keep_books`)."""
    participant = Participant.objects.select_related("registration", "kecamatan").get(pk=participant.pk)
    permissions.can_keep_books(acting_user, participant, verified=is_verified(participant)).enforce()
    if language not in StatementLanguage.values:
        raise ValidationError({"language": ValidationError(UNKNOWN_LANGUAGE, code="invalid")})
    business = Business.objects.filter(participant=participant).first()
    if business is None:
        raise Refused(NO_BUSINESS, code="no_business")
    today = timezone.localdate()
    months = _check_period(first_of_month(period_start), first_of_month(period_end), today)
    records = _period_records(participant, months)
    figures = statement_figures(participant, business, records, start=months[0], end=months[-1], today=today)
    return Statement.objects.create(
        code=_new_code(),
        participant=participant,
        period_start=months[0],
        period_end=months[-1],
        language=language,
        business_name=business.name,
        owner_name=participant.full_name,
        kecamatan_name=participant.kecamatan.name,
        figures=figures,
        issued_by=acting_user,
        issued_at=timezone.now(),
    )
