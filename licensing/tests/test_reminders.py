"""Reminders before a licence expires (Celery beat, daily): to the holder and their current mentor, within the
type's reminder days, each expiry date once; none for a licence that does not expire."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from core import audit
from licensing import services, tasks
from licensing.models import Licence
from licensing.tests.factories import LicenceFactory, days_ago, licence_type
from mentoring.tests.factories import verified_participant
from notifications.models import Channel, Message
from registration.models import Participant

pytestmark = pytest.mark.django_db

HOLDER, MENTOR = "licensing_expiry_reminder", "licensing_expiry_reminder_mentor"


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def sent(template: str) -> list[int]:
    emails = Message.objects.filter(template=template, channel=Channel.EMAIL).order_by("pk")
    return list(emails.values_list("recipient_id", flat=True))


def expiring(participant: Participant, code: str, expires_on: datetime.date) -> Licence:
    licence: Licence = LicenceFactory(
        participant=participant, licence_type=licence_type(code), issued_on=days_ago(1000), expires_on=expires_on
    )
    return licence


def test_the_holder_and_their_mentor_are_reminded_once_per_expiry_date(
    siti: Participant, entrepreneur: User, mentor_tebet: User
) -> None:
    licence = expiring(siti, "pirt", in_days(170))  # P-IRT: 180 days ahead
    assert tasks.send_expiry_reminders() == 1
    assert sent(HOLDER) == [entrepreneur.pk] and sent(MENTOR) == [mentor_tebet.pk]
    holder = Message.objects.get(template=HOLDER, channel=Channel.EMAIL)
    assert holder.context["expires_on"] == in_days(170).strftime("%d-%m-%Y") and holder.context["licence"].startswith(
        "P-IRT"
    )
    mentor = Message.objects.get(template=MENTOR, channel=Channel.EMAIL)
    assert mentor.context["participant_name"] == siti.full_name and mentor.context["link"].endswith(
        f"/petugas/perizinan/peserta/{siti.pk}/"
    )
    licence.refresh_from_db()
    assert licence.reminded_for == licence.expires_on
    assert tasks.send_expiry_reminders() == 0  # safe to run twice
    assert len(sent(HOLDER)) == 1 and len(sent(MENTOR)) == 1


def test_a_new_expiry_date_is_reminded_again(siti: Participant, agency_staff: User, entrepreneur: User) -> None:
    licence = expiring(siti, "bpom", in_days(30))
    services.expiry_reminders_send()
    renewed = services.licence_correct(
        licence=licence,
        data=services.LicenceData(number=licence.number, issued_on=licence.issued_on, expires_on=in_days(60)),
        acting_user=agency_staff,
    )
    assert services.expiry_reminders_send() == 1
    assert sent(HOLDER) == [entrepreneur.pk, entrepreneur.pk]
    renewed.refresh_from_db()
    assert renewed.reminded_for == in_days(60)


def test_only_within_each_types_reminder_days_and_not_once_expired(siti: Participant) -> None:
    expiring(siti, "pirt", in_days(181))  # beyond the 180 days of P-IRT
    expiring(siti, "bpom", in_days(91))  # beyond the 90 days of BPOM
    expiring(siti, "desain-industri", days_ago(1))  # expired already
    assert services.expiry_reminders_send() == 0
    expiring(siti, "merek", in_days(0))  # expires today: still ahead
    assert services.expiry_reminders_send() == 1


def test_a_licence_that_does_not_expire_is_never_reminded(siti: Participant) -> None:
    LicenceFactory(participant=siti)  # an NIB
    LicenceFactory(participant=siti, licence_type=licence_type("halal"), number="ID31110000123")
    assert Licence.objects.filter(expires_on__isnull=True).count() == 2
    assert services.expiry_reminders_send(today=in_days(20000)) == 0
    assert not Message.objects.exists()


def test_without_a_current_mentor_only_the_holder_is_told(entrepreneur: User, mentor_tebet: User) -> None:
    alone = verified_participant("Tebet", user=entrepreneur)
    expiring(alone, "merek", in_days(10))
    assert services.expiry_reminders_send() == 1
    assert sent(HOLDER) == [entrepreneur.pk] and sent(MENTOR) == []


def test_a_mentor_who_left_is_not_told(siti: Participant, mentor_tebet: User) -> None:
    User.objects.filter(pk=mentor_tebet.pk).update(is_active=False)
    expiring(siti, "merek", in_days(10))
    assert services.expiry_reminders_send() == 1
    assert sent(MENTOR) == []


def test_the_reminders_read_in_a_fixed_number_of_queries_and_are_recorded_as_a_task() -> None:
    from mentoring.tests.factories import AssignmentFactory, MentorFactory

    mentor = MentorFactory()
    for _ in range(30):
        participant = verified_participant("Tebet")
        AssignmentFactory(participant=participant, mentor=mentor)
        expiring(participant, "merek", in_days(15))
    with CaptureQueriesContext(connection) as queries:
        assert tasks.send_expiry_reminders() == 30
    # one message row per recipient and channel; besides them: the batch, its mentors, the marks, the empty batch
    reads = [q["sql"] for q in queries if '"licensing_licence"' in q["sql"] or 'FROM "accounts_user"' in q["sql"]]
    assert len(reads) == 4, reads
    licence = Licence.objects.first()
    assert licence is not None
    [change] = [e for e in audit.history_of(licence) if e.kind == "updated"]
    assert change.channel == str(audit.Channel.TASK.label)
