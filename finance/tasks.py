"""Celery tasks of P6: the program's before and after, computed away from any page."""

from celery import shared_task
from django.utils import timezone

from accounts.models import User
from core.tasks import RETRIED_ON_DATABASE_ERRORS, AuditedTask

from . import services


@shared_task(**RETRIED_ON_DATABASE_ERRORS, max_retries=3)
def build_program_report(year: int, user_id: int | None = None) -> None:
    """Compute one year's program report (asked for by agency staff on its page)."""
    user = None if user_id is None else User.objects.get(pk=user_id)
    services.program_report_build(year=year, acting_user=user)


@shared_task(base=AuditedTask, acks_late=True, ignore_result=True)
def build_program_reports() -> None:
    """This year's and last year's program reports, from the day's reports (beat: nightly 01:45 Asia/Jakarta)."""
    year = timezone.localdate().year
    for each in (year, year - 1):
        services.program_report_build(year=each, acting_user=None)
