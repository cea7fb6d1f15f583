"""Follow-ups falling due remind the mentor once, through the outbox."""

import datetime
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import User
from mentoring import services
from mentoring.tasks import send_follow_up_reminders
from mentoring.tests.factories import AssignmentFactory, FollowUpFactory, MentorFactory, VisitFactory
from notifications.models import Message
from registration.models import Participant

pytestmark = pytest.mark.django_db


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def test_due_and_overdue_follow_ups_remind_the_mentor_once(
    siti: Participant, mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    visit = VisitFactory(participant=siti, mentor=mentor_tebet)
    today = FollowUpFactory(visit=visit, what="Kirim foto produk", due_date=day(0))
    late = FollowUpFactory(visit=visit, what="Daftar NIB", due_date=day(-3))
    later = FollowUpFactory(visit=visit, what="Belum waktunya", due_date=day(1))
    done = FollowUpFactory(
        visit=visit, what="Sudah beres", due_date=day(-1), done_at=timezone.now(), done_by=mentor_tebet
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert send_follow_up_reminders.delay().get() == 2

    (message,) = Message.objects.filter(template="mentoring_follow_ups_due")
    assert message.recipient == mentor_tebet
    assert message.context["count"] == 2
    assert message.context["items"].index("Daftar NIB") < message.context["items"].index("Kirim foto produk")
    assert "Belum waktunya" not in message.context["items"] and "Sudah beres" not in message.context["items"]
    (email,) = [m for m in mail.outbox if m.to == [mentor_tebet.email]]
    assert "Daftar NIB" in email.body and siti.full_name in email.body
    for follow_up in (today, late):
        follow_up.refresh_from_db()
        assert follow_up.reminded_at is not None
    for follow_up in (later, done):
        follow_up.refresh_from_db()
        assert follow_up.reminded_at is None

    # the next morning, nothing new is due: nothing is sent again
    assert services.follow_ups_remind_due() == 0
    assert Message.objects.filter(template="mentoring_follow_ups_due").count() == 1
    # a day later the next one falls due, alone
    assert services.follow_ups_remind_due(today=day(1)) == 1
    assert Message.objects.filter(template="mentoring_follow_ups_due").count() == 2


def test_the_reminder_goes_to_the_current_mentor_one_message_each(
    siti: Participant, mentor_tebet: User, secretariat_tebet: User
) -> None:
    old_visit = VisitFactory(participant=siti, mentor=mentor_tebet)
    FollowUpFactory(visit=old_visit, due_date=day(0))
    newcomer = MentorFactory()
    services.assignment_change(participant=siti, mentor=newcomer, acting_user=secretariat_tebet)
    other = AssignmentFactory(mentor=mentor_tebet)
    FollowUpFactory.create_batch(
        2, visit=VisitFactory(participant=other.participant, mentor=mentor_tebet), due_date=day(-1)
    )

    assert services.follow_ups_remind_due() == 3

    counts = dict(
        Message.objects.filter(template="mentoring_follow_ups_due", channel="email").values_list(
            "recipient", "context__count"
        )
    )
    assert counts == {newcomer.pk: 1, mentor_tebet.pk: 2}


def test_a_participant_without_a_mentor_reminds_the_one_who_logged_the_visit(mentor_tebet: User) -> None:
    follow_up = FollowUpFactory(visit=VisitFactory(mentor=mentor_tebet), due_date=day(0))
    assert services.follow_ups_remind_due() == 1
    assert Message.objects.get(template="mentoring_follow_ups_due", channel="email").recipient == mentor_tebet
    follow_up.refresh_from_db()
    assert follow_up.reminded_at is not None


def test_reminders_work_through_large_batches(mentor_tebet: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "REMINDER_BATCH", 2)
    FollowUpFactory.create_batch(5, visit=VisitFactory(mentor=mentor_tebet), due_date=day(0))
    assert services.follow_ups_remind_due() == 5
    assert services.follow_ups_remind_due() == 0


def test_a_long_list_stays_short_and_counts_the_rest(mentor_tebet: User) -> None:
    FollowUpFactory.create_batch(5, visit=VisitFactory(mentor=mentor_tebet), due_date=day(0))
    services.follow_ups_remind_due()
    message = Message.objects.get(template="mentoring_follow_ups_due", channel="email")
    assert message.context["count"] == 5
    assert message.context["items"].count("\n- ") == 3
    assert message.context["items"].endswith("(+2)")
