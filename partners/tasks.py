"""Celery tasks of partners: safe to run more than once (core.tasks.AuditedTask, the app's task class, records
their changes through the "task" channel)."""

from celery import shared_task

from .services import agreements_remind_expiring


@shared_task(acks_late=True, ignore_result=True)
def send_agreement_expiry_reminders() -> int:
    """Tell agency staff and the partner's users of an agreement ending within 30 days (beat: daily 07:30
    Asia/Jakarta); each agreement once."""
    return agreements_remind_expiring()
