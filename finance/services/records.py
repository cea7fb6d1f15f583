"""Writes of the monthly report: entered directly (participant, mentor, staff) or computed from the books
(`refresh_months`), closed and reopened; and the change of business class it may bring."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core import audit
from core.dates import first_of_month
from core.money import MAX_RUPIAH
from registration.models import Participant

from .. import permissions
from ..models import MonthlyRecord, Source

# The largest figure the portal takes: beyond it a number is surely mistyped (and stays far below BIGINT).
MAX_WORKERS = 100_000


def check_month(month: datetime.date) -> datetime.date:
    """The first day of `month`; a month still to come, or before the program's first year, is refused."""
    decision = permissions.check_month_decision(month)
    if not decision:
        raise ValidationError(decision.reason, code=decision.code)
    return first_of_month(month)


def _check_figures(*, turnover: int, workers: int, assets: int) -> None:
    errors = {}
    for name, value, limit in (
        ("turnover", turnover, MAX_RUPIAH),
        ("assets", assets, MAX_RUPIAH),
        ("workers", workers, MAX_WORKERS),
    ):
        if value < 0:
            errors[name] = ValidationError(_("Enter zero or more."), code="negative")
        elif value > limit:
            errors[name] = ValidationError(_("This number is too large; check it."), code="too_large")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
@audit.audited
def monthly_record_save(
    *,
    participant: Participant,
    month: datetime.date,
    turnover: int,
    workers: int,
    assets: int,
    acting_user: User,
) -> tuple[MonthlyRecord, bool]:
    """Create the participant's record of `month`, or update it when there is one; returns (record, created).

    The source is the participant when they act themselves, else a mentor (or staff) on their behalf. The
    unique (participant, month) constraint settles two concurrent first saves: the second one updates."""
    month = check_month(month)
    permissions.can_record_month(acting_user, participant, month).enforce()
    _check_figures(turnover=turnover, workers=workers, assets=assets)
    source = Source.PARTICIPANT if participant.user_id == acting_user.pk else Source.MENTOR
    record, created = MonthlyRecord.objects.update_or_create(
        participant=participant,
        month=month,
        defaults={
            "turnover": turnover,
            "workers": workers,
            "assets": assets,
            "source": source,
            "recorded_by": acting_user,
            "recorded_at": timezone.now(),
        },
    )
    return record, created


@transaction.atomic
@audit.audited
def monthly_record_delete(*, record: MonthlyRecord, acting_user: User) -> None:
    """Remove a mistaken record (administrators only, in the admin)."""
    if not acting_user.is_superuser:
        raise ValidationError(_("Only administrators delete a monthly record."), code="not_allowed")
    record.delete()


@audit.audited
def refresh_months(*, participant: Participant, from_month: datetime.date, acting_user: User) -> None:
    """Recompute, from the cash book, the report of every month from `from_month` to the current one that has
    entries (its turnover, expenses, profit and assets at the month's end; workers kept), remove a computed
    report whose month has no entries left, and note a change of class. Called by the book services in their
    transaction after every change of an entry or a debt."""
    raise NotImplementedError  # the records helper writes this
