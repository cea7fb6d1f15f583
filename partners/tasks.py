"""Celery tasks of partners: safe to run more than once (core.tasks.AuditedTask, the app's task class, records
their changes through the "task" channel)."""

from celery import shared_task

from core.tasks import RETRIED_ON_DATABASE_ERRORS

from .services import agreement_matches_count, agreements_remind_expiring


@shared_task(acks_late=True, ignore_result=True)
def send_agreement_expiry_reminders() -> int:
    """Tell agency staff and the partner's users of an agreement ending within 30 days (beat: daily 07:30
    Asia/Jakarta); each agreement once."""
    return agreements_remind_expiring()


@shared_task(**RETRIED_ON_DATABASE_ERRORS, max_retries=3)
def count_agreement_matches(agreement_ids: list[int] | None = None) -> int:
    """Count how many participants the agreements match and how many of them consented (the listed ones, after
    their terms changed; every agreement nightly, beat 02:15 Asia/Jakarta, after the day's consents)."""
    return agreement_matches_count(agreement_ids)
