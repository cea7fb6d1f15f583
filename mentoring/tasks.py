"""Celery tasks of P3 mentoring. Safe to run more than once."""

from celery import shared_task

from .services import follow_ups_remind_due


@shared_task(acks_late=True, ignore_result=True)
def send_follow_up_reminders() -> int:
    """Remind mentors of follow-ups falling due (beat: every morning, Jakarta time). Each is reminded once."""
    return follow_ups_remind_due()
