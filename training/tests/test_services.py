"""Enrolment, waitlist, cancellation and session changes through the services."""

import dataclasses
import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.models import Message
from notifications.rendering import render_message
from registration.choices import Status
from registration.models import Participant
from registration.tests.factories import ParticipantFactory, RegistrationFactory
from training import services
from training.choices import EnrolmentStatus, SessionStatus
from training.models import EARLIEST_DATETIME, END_OF_DATETIMES, Enrolment, Session
from training.services import SessionDetails
from training.tests.factories import EnrolmentFactory, SessionFactory, in_days, verified_participant

pytestmark = pytest.mark.django_db


def changed(session: Session, **changes: Any) -> SessionDetails:
    """The session's details with some changed (the values session_update takes)."""
    return dataclasses.replace(SessionDetails.of(session), **changes)


def enrol(session: Session, participant: Participant, **kwargs: Any) -> Enrolment:
    return services.enrolment_enrol(session=session, participant=participant, acting_user=participant.user, **kwargs)


def messages_to(participant: Participant, template: str) -> list[Message]:
    return list(Message.objects.filter(recipient=participant.user, template=template))


def test_a_verified_participant_takes_a_seat_and_is_told(participant: Participant) -> None:
    session = SessionFactory(capacity=2)
    enrolment = enrol(session, participant)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    session.refresh_from_db()
    assert session.enrolled_count == 1
    message = messages_to(participant, "training_enrolled")[0]
    assert message.context["course"] == session.course.title
    assert message.context["place"] == "PPKD Jakarta Selatan, Jl. Jagakarsa, Jakarta Selatan"
    assert "WIB" in message.context["starts_at"]
    # the message links to the session's page, at the portal's public address
    link = f"http://testserver{reverse('training:session', args=[session.pk])}"
    assert message.context["link"] == link
    assert render_message(message).body.endswith(link)


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.NEEDS_FIX, Status.REJECTED])
def test_an_unverified_participant_cannot_enrol(entrepreneur: User, status: str) -> None:
    participant = RegistrationFactory(participant=ParticipantFactory(user=entrepreneur), status=status).participant
    session = SessionFactory()
    with pytest.raises(ValidationError) as exc:
        enrol(session, participant)
    assert exc.value.code == "not_verified"
    assert not Enrolment.objects.exists()
    session.refresh_from_db()
    assert session.enrolled_count == 0


def test_a_full_session_refuses_a_seat_but_offers_the_waitlist(participant: Participant) -> None:
    session = SessionFactory(capacity=1)
    EnrolmentFactory(session=session)
    with pytest.raises(ValidationError) as exc:
        enrol(session, participant)
    assert exc.value.code == "full"
    waiting = enrol(session, participant, join_waitlist=True)
    assert waiting.status == EnrolmentStatus.WAITLISTED
    session.refresh_from_db()
    assert session.enrolled_count == 1
    assert messages_to(participant, "training_waitlisted")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"status": SessionStatus.DRAFT}, "not_open"),
        ({"status": SessionStatus.CANCELLED}, "not_open"),
        ({"registration_deadline": timezone.now() - datetime.timedelta(minutes=1)}, "deadline_passed"),
    ],
)
def test_enrolment_only_in_an_announced_session_before_its_deadline(
    participant: Participant, changes: dict[str, Any], code: str
) -> None:
    session = SessionFactory(**changes)
    with pytest.raises(ValidationError) as exc:
        enrol(session, participant)
    assert exc.value.code == code
    assert not Enrolment.objects.exists()


def test_enrolling_twice_is_refused_but_after_cancelling_is_allowed(participant: Participant) -> None:
    session = SessionFactory()
    first = enrol(session, participant)
    with pytest.raises(ValidationError) as exc:
        enrol(session, participant)
    assert exc.value.code == "already_enrolled"
    services.enrolment_cancel(enrolment=first, acting_user=participant.user)
    again = enrol(session, participant)
    assert again.pk == first.pk
    assert again.status == EnrolmentStatus.ENROLLED
    session.refresh_from_db()
    assert session.enrolled_count == 1


def test_a_cancellation_moves_the_first_waitlisted_person_up_and_tells_them(participant: Participant) -> None:
    session = SessionFactory(capacity=1)
    enrol(session, participant)
    first_waiting = verified_participant()
    second_waiting = verified_participant()
    enrol(session, first_waiting, join_waitlist=True)
    enrol(session, second_waiting, join_waitlist=True)
    own = Enrolment.objects.get(participant=participant)

    services.enrolment_cancel(enrolment=own, acting_user=participant.user)

    statuses = dict(Enrolment.objects.values_list("participant_id", "status"))
    assert statuses == {
        participant.pk: EnrolmentStatus.CANCELLED,
        first_waiting.pk: EnrolmentStatus.ENROLLED,
        second_waiting.pk: EnrolmentStatus.WAITLISTED,
    }
    session.refresh_from_db()
    assert session.enrolled_count == 1
    promoted = messages_to(first_waiting, "training_waitlist_promoted")
    assert promoted and promoted[0].context["course"] == session.course.title
    assert not messages_to(second_waiting, "training_waitlist_promoted")


def test_leaving_the_waitlist_frees_no_seat(participant: Participant) -> None:
    session = SessionFactory(capacity=1)
    EnrolmentFactory(session=session)
    waiting = enrol(session, participant, join_waitlist=True)
    services.enrolment_cancel(enrolment=waiting, acting_user=participant.user)
    session.refresh_from_db()
    assert session.enrolled_count == 1
    assert Enrolment.objects.filter(status=EnrolmentStatus.ENROLLED).count() == 1


def test_no_cancellation_once_the_session_started(participant: Participant) -> None:
    session = SessionFactory()
    enrolment = enrol(session, participant)
    Session.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
        registration_deadline=timezone.now() - datetime.timedelta(hours=1),
    )
    with pytest.raises(ValidationError) as exc:
        services.enrolment_cancel(enrolment=enrolment, acting_user=participant.user)
    assert exc.value.code == "started"
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENROLLED


def test_more_seats_move_the_waitlist_up(agency_staff: User, participant: Participant) -> None:
    session = SessionFactory(capacity=1)
    EnrolmentFactory(session=session)
    enrol(session, participant, join_waitlist=True)
    services.session_update(session=session, details=changed(session, capacity=2), acting_user=agency_staff)
    assert Enrolment.objects.get(participant=participant).status == EnrolmentStatus.ENROLLED
    assert messages_to(participant, "training_waitlist_promoted")


def test_capacity_cannot_drop_below_those_enrolled(agency_staff: User) -> None:
    session = SessionFactory(capacity=3)
    EnrolmentFactory.create_batch(2, session=session)
    with pytest.raises(ValidationError) as exc:
        services.session_update(session=session, details=changed(session, capacity=1), acting_user=agency_staff)
    assert "capacity" in exc.value.error_dict
    session.refresh_from_db()
    assert session.capacity == 3


def test_cancelling_a_session_tells_everyone_enrolled_or_waiting(agency_staff: User, participant: Participant) -> None:
    session = SessionFactory(capacity=1)
    seated = EnrolmentFactory(session=session)
    enrol(session, participant, join_waitlist=True)
    services.session_cancel(session=session, acting_user=agency_staff)
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert session.enrolled_count == 0
    assert set(Enrolment.objects.values_list("status", flat=True)) == {EnrolmentStatus.CANCELLED}
    told = set(Message.objects.filter(template="training_session_cancelled").values_list("recipient_id", flat=True))
    assert told == {seated.participant.user_id, participant.user_id}


def test_announce_only_a_draft_before_its_deadline(agency_staff: User) -> None:
    session = SessionFactory(status=SessionStatus.DRAFT)
    services.session_announce(session=session, acting_user=agency_staff)
    session.refresh_from_db()
    assert session.status == SessionStatus.ANNOUNCED
    with pytest.raises(ValidationError):
        services.session_announce(session=session, acting_user=agency_staff)
    late = SessionFactory(
        status=SessionStatus.DRAFT, registration_deadline=timezone.now() - datetime.timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as exc:
        services.session_announce(session=late, acting_user=agency_staff)
    assert exc.value.code == "deadline_passed"


def reminded(enrolment: Enrolment) -> None:
    Enrolment.objects.filter(pk=enrolment.pk).update(reminder_sent_at=timezone.now())


def test_enrolling_again_after_cancelling_means_a_new_reminder(participant: Participant) -> None:
    session = SessionFactory()
    first = enrol(session, participant)
    reminded(first)
    services.enrolment_cancel(enrolment=first, acting_user=participant.user)
    again = enrol(session, participant)
    assert again.pk == first.pk
    again.refresh_from_db()
    assert again.reminder_sent_at is None


def test_a_promotion_from_the_waitlist_means_a_new_reminder(participant: Participant) -> None:
    session = SessionFactory(capacity=1)
    seated = EnrolmentFactory(session=session)
    waiting = enrol(session, participant, join_waitlist=True)
    reminded(waiting)  # e.g. reminded while it held a seat earlier
    services.enrolment_cancel(enrolment=seated, acting_user=seated.participant.user)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.reminder_sent_at) == (EnrolmentStatus.ENROLLED, None)


def test_a_session_moved_to_a_new_start_is_reminded_again(agency_staff: User) -> None:
    session = SessionFactory(starts_at=in_days(1, 9), registration_deadline=in_days(0, 0))
    enrolment = EnrolmentFactory(session=session)
    assert services.session_reminders_send() == 1
    # another change leaves the reminder sent
    services.session_update(
        session=session, details=changed(session, capacity=30, venue="Aula PPKD"), acting_user=agency_staff
    )
    assert Enrolment.objects.get(pk=enrolment.pk).reminder_sent_at is not None

    services.session_update(
        session=session, details=changed(session, starts_at=in_days(3, 9), ends_at=in_days(3, 15)),
        acting_user=agency_staff,
    )  # fmt: skip

    assert Enrolment.objects.get(pk=enrolment.pk).reminder_sent_at is None
    assert services.session_reminders_send() == 0  # not tomorrow any more
    assert services.session_reminders_send(now=timezone.now() + datetime.timedelta(days=2)) == 1
    messages = messages_to(enrolment.participant, "training_session_reminder")
    assert [m.context["starts_at"][:10] for m in messages] == [
        timezone.localtime(in_days(1, 9)).strftime("%d-%m-%Y"),
        timezone.localtime(in_days(3, 9)).strftime("%d-%m-%Y"),
    ]


def test_a_session_cannot_be_moved_to_a_start_that_has_passed(agency_staff: User) -> None:
    session = SessionFactory()
    before = session.starts_at
    with pytest.raises(ValidationError) as exc:
        services.session_update(
            session=session,
            details=changed(
                session,
                starts_at=timezone.now() - datetime.timedelta(minutes=1),
                registration_deadline=timezone.now() - datetime.timedelta(days=1),
            ),
            acting_user=agency_staff,
        )
    assert [e.code for e in exc.value.error_dict["starts_at"]] == ["past"]
    session.refresh_from_db()
    assert session.starts_at == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("registration_deadline", datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)),
        ("registration_deadline", EARLIEST_DATETIME - datetime.timedelta(minutes=1)),
        ("ends_at", END_OF_DATETIMES),
        ("ends_at", datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)),
    ],
)
def test_the_database_refuses_session_dates_outside_2018_to_2100(field: str, value: datetime.datetime) -> None:
    session = SessionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(**{field: value})


def test_the_database_takes_the_first_and_last_moments_of_the_range() -> None:
    session = SessionFactory()
    Session.objects.filter(pk=session.pk).update(
        registration_deadline=EARLIEST_DATETIME, ends_at=END_OF_DATETIMES - datetime.timedelta(minutes=1)
    )
    session.refresh_from_db()
    assert session.registration_deadline == EARLIEST_DATETIME
