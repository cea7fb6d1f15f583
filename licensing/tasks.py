"""Celery tasks of P4 licensing: safe to run more than once."""

from celery import shared_task

from .services import expiry_reminders_send


@shared_task(acks_late=True, ignore_result=True)
def send_expiry_reminders() -> int:
    """Remind holders and their mentors of licences expiring soon (beat: daily 07:15 Asia/Jakarta); each expiry
    date once."""
    return expiry_reminders_send()
