"""Celery tasks of P2 training: safe to run more than once."""

from celery import shared_task

from .services import session_reminders_send


@shared_task(acks_late=True, ignore_result=True)
def send_session_reminders() -> int:
    """Remind participants of their session tomorrow (beat: daily 08:00 Asia/Jakarta); never twice."""
    return session_reminders_send()
