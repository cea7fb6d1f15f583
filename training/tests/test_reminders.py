"""The day-before reminder: everyone enrolled in a session that starts tomorrow (Jakarta time), once."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from notifications.models import Message
from training import services, tasks
from training.choices import EnrolmentStatus, SessionStatus
from training.models import Enrolment
from training.tests.factories import EnrolmentFactory, SessionFactory, in_days

pytestmark = pytest.mark.django_db


def reminders() -> list[Message]:
    return list(Message.objects.filter(template="training_session_reminder"))


def test_the_day_before_everyone_enrolled_is_reminded_once() -> None:
    tomorrow = SessionFactory(starts_at=in_days(1, 9), registration_deadline=in_days(0, 0))
    enrolled = EnrolmentFactory.create_batch(3, session=tomorrow)

    assert tasks.send_session_reminders() == 3

    assert {m.recipient_id for m in reminders()} == {e.participant.user_id for e in enrolled}
    assert all(m.context["course"] == tomorrow.course.title for m in reminders())
    assert Enrolment.objects.filter(reminder_sent_at__isnull=True).count() == 0
    count = len(reminders())
    # beat runs again (or twice the same morning): nobody is reminded a second time
    assert tasks.send_session_reminders() == 0
    assert services.session_reminders_send() == 0
    assert len(reminders()) == count


@pytest.mark.parametrize(
    "kwargs",
    [
        {"status": EnrolmentStatus.WAITLISTED},
        {"status": EnrolmentStatus.CANCELLED},
    ],
)
def test_only_those_holding_a_seat_are_reminded(kwargs: dict[str, Any]) -> None:
    session = SessionFactory(starts_at=in_days(1, 9), registration_deadline=in_days(0, 0))
    EnrolmentFactory(session=session, **kwargs)
    assert services.session_reminders_send() == 0
    assert reminders() == []


def test_sessions_not_tomorrow_or_cancelled_get_no_reminder() -> None:
    for days in (0, 2, 7):
        EnrolmentFactory(
            session=SessionFactory(
                starts_at=in_days(days, 9) + datetime.timedelta(hours=3 * days),
                registration_deadline=in_days(days, 9) - datetime.timedelta(days=1),
            )
        )
    EnrolmentFactory(
        session=SessionFactory(
            starts_at=in_days(1, 10), registration_deadline=in_days(0, 0), status=SessionStatus.CANCELLED
        )
    )
    assert services.session_reminders_send() == 0


def test_tomorrow_is_the_jakarta_day() -> None:
    """At 23:30 Jakarta time (16:30 UTC), a session at 08:00 the next Jakarta morning is tomorrow's."""
    now = timezone.make_aware(datetime.datetime(2030, 3, 4, 23, 30))
    session = SessionFactory(
        starts_at=timezone.make_aware(datetime.datetime(2030, 3, 5, 8, 0)),
        registration_deadline=timezone.make_aware(datetime.datetime(2030, 3, 4, 12, 0)),
    )
    EnrolmentFactory(session=session)
    assert services.session_reminders_send(now=now) == 1
    later = SessionFactory(
        starts_at=timezone.make_aware(datetime.datetime(2030, 3, 6, 0, 30)),
        registration_deadline=timezone.make_aware(datetime.datetime(2030, 3, 4, 12, 0)),
    )
    EnrolmentFactory(session=later)
    assert services.session_reminders_send(now=now) == 0


def test_the_beat_schedule_runs_the_task(settings: Any) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["training-session-reminders"]
    assert entry["task"] == tasks.send_session_reminders.name
