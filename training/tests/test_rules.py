"""The state rules (model methods) and the permission predicates of P2, asked directly: each answer, and the code
and reason of each refusal. The services enforce the same predicates (test_services checks their codes)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from core.decisions import Decision, Refused
from partners.models import PartnerOrganisation
from registration.choices import Status
from registration.models import Participant
from registration.tests.factories import ParticipantFactory, RegistrationFactory
from training import permissions, services
from training.choices import EnrolmentStatus, SessionStatus
from training.models import Attendance, Enrolment, Rating, Session
from training.tests.factories import (
    CourseFactory,
    EnrolmentFactory,
    PartnerCourseFactory,
    SessionFactory,
    in_days,
    verified_participant,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now


def refused(decision: Decision, code: str) -> None:
    assert not decision, decision
    assert decision.code == code
    assert str(decision.reason)


# --- state rules on the models ---------------------------------------------------------------------------------


def test_open_for_enrolment_until_the_deadline_and_only_when_announced() -> None:
    session = SessionFactory()
    deadline = session.registration_deadline
    assert session.is_open_for_enrolment(deadline)
    assert not session.is_open_for_enrolment(deadline + datetime.timedelta(seconds=1))
    for status in (SessionStatus.DRAFT, SessionStatus.CANCELLED):
        session.status = status
        assert not session.is_open_for_enrolment(deadline - datetime.timedelta(days=1))


def test_the_query_of_open_sessions_matches_the_method() -> None:
    now = timezone.now()
    sessions = [
        SessionFactory(),
        SessionFactory(status=SessionStatus.DRAFT),
        SessionFactory(status=SessionStatus.CANCELLED),
        SessionFactory(registration_deadline=now - datetime.timedelta(minutes=1)),
    ]
    assert set(Session.objects.open_for_enrolment(now)) == {s for s in sessions if s.is_open_for_enrolment(now)}
    assert set(Session.objects.open_for_enrolment(now)) == {sessions[0]}


def test_an_enrolment_can_be_cancelled_while_active_and_before_the_start() -> None:
    enrolment = EnrolmentFactory()
    start = enrolment.session.starts_at
    assert enrolment.can_cancel(start - datetime.timedelta(seconds=1))
    assert not enrolment.can_cancel(start)
    enrolment.status = EnrolmentStatus.WAITLISTED
    assert enrolment.can_cancel(start - datetime.timedelta(seconds=1))
    for status in (EnrolmentStatus.CANCELLED, EnrolmentStatus.COMPLETED):
        enrolment.status = status
        assert not enrolment.can_cancel(start - datetime.timedelta(days=1))


def test_attendance_is_taken_on_the_days_of_an_announced_session_from_the_day_itself() -> None:
    session = SessionFactory(starts_at=in_days(0, 9), ends_at=in_days(1, 15), registration_deadline=in_days(0, 0))
    today, tomorrow = session.days
    assert session.can_take_attendance(today, today)
    assert not session.can_take_attendance(tomorrow, today)
    assert session.can_take_attendance(tomorrow, tomorrow)
    assert not session.can_take_attendance(today - datetime.timedelta(days=1), today)
    session.status = SessionStatus.DRAFT
    assert not session.can_take_attendance(today, today)


def test_seats_and_the_completion_threshold() -> None:
    session = SessionFactory(
        capacity=2, course=CourseFactory(completion_threshold=80), starts_at=in_days(3, 9), ends_at=in_days(7, 15)
    )
    assert (session.seats_left, session.required_days) == (2, 4)  # 80% of 5 days
    EnrolmentFactory.create_batch(2, session=session)
    session.refresh_from_db()
    assert session.seats_left == 0


def test_a_session_changes_until_it_starts_unless_cancelled() -> None:
    session = SessionFactory()
    assert session.can_change(session.starts_at - datetime.timedelta(seconds=1))
    assert not session.can_change(session.starts_at)
    session.status = SessionStatus.CANCELLED
    assert not session.can_change(session.starts_at - datetime.timedelta(days=1))


# --- organisers ------------------------------------------------------------------------------------------------


@pytest.fixture
def own(partner_org: PartnerOrganisation) -> Session:
    return SessionFactory(course=PartnerCourseFactory(organiser_partner=partner_org))


@pytest.mark.parametrize("who", ["entrepreneur", "mentor_tebet", "secretariat_tebet", "partner_user"])
def test_who_is_no_organiser_is_refused_with_not_organiser(request: pytest.FixtureRequest, who: str) -> None:
    user = request.getfixturevalue(who)  # partner_user without partner_org: no organisation
    session = SessionFactory()
    refused(permissions.can_organise(user), "not_organiser")
    refused(permissions.can_edit_session(user, session), "not_organiser")
    refused(permissions.can_announce(user, session), "not_organiser")
    refused(permissions.can_take_attendance(user, session, session.days[0]), "not_organiser")
    refused(permissions.can_create_course(user, partner=None), "not_organiser")


def test_a_partner_organises_only_its_own_courses(partner_user: User, own: Session, other_partner_user: User) -> None:
    agency_session = SessionFactory()
    assert permissions.can_edit_session(partner_user, own)
    assert permissions.can_edit_course(partner_user, own.course)
    refused(permissions.can_edit_session(partner_user, agency_session), "not_their_course")
    refused(permissions.can_edit_session(other_partner_user, own), "not_their_course")
    refused(permissions.can_create_course(partner_user, partner=None), "not_their_course")
    assert permissions.can_create_course(partner_user, partner=own.course.organiser_partner)


def test_agency_staff_organise_every_course(agency_staff: User, own: Session) -> None:
    assert permissions.can_edit_session(agency_staff, own)
    assert permissions.can_create_course(agency_staff, partner=own.course.organiser_partner)
    assert permissions.can_create_course(agency_staff, partner=None)


def test_a_started_or_cancelled_session_cannot_change(agency_staff: User) -> None:
    session = SessionFactory()
    refused(permissions.can_edit_session(agency_staff, session, now=session.starts_at), "started")
    refused(permissions.can_cancel_session(agency_staff, session, now=session.starts_at), "started")
    session.status = SessionStatus.CANCELLED
    refused(permissions.can_edit_session(agency_staff, session), "cancelled")


def test_announce_a_draft_before_its_deadline(agency_staff: User) -> None:
    session = SessionFactory(status=SessionStatus.DRAFT)
    assert permissions.can_announce(agency_staff, session)
    refused(
        permissions.can_announce(agency_staff, session, now=session.registration_deadline + datetime.timedelta(1)),
        "deadline_passed",
    )
    session.status = SessionStatus.ANNOUNCED
    refused(permissions.can_announce(agency_staff, session), "not_draft")


def test_attendance_refusals(agency_staff: User) -> None:
    session = SessionFactory(starts_at=in_days(0, 9), ends_at=in_days(1, 15), registration_deadline=in_days(0, 0))
    today, tomorrow = session.days
    assert permissions.can_take_attendance(agency_staff, session, today, today=today)
    refused(permissions.can_take_attendance(agency_staff, session, tomorrow, today=today), "future_day")
    refused(
        permissions.can_take_attendance(agency_staff, session, today - datetime.timedelta(days=1), today=today),
        "not_session_day",
    )
    session.status = SessionStatus.DRAFT
    refused(permissions.can_take_attendance(agency_staff, session, today, today=today), "not_announced")


def test_the_attendance_service_refuses_another_partner(other_partner_user: User, own: Session) -> None:
    enrolment = EnrolmentFactory(session=own)
    with pytest.raises(Refused) as exc:
        services.attendance_record(
            session=own, day=own.days[0], present=[enrolment.pk], acting_user=other_partner_user
        )
    assert exc.value.code == "not_their_course"
    assert not Attendance.objects.exists()


def test_delete_only_a_draft_nobody_enrolled_in(agency_staff: User) -> None:
    draft = SessionFactory(status=SessionStatus.DRAFT)
    assert permissions.can_delete_session(agency_staff, draft)
    refused(permissions.can_delete_course(agency_staff, draft.course), "has_sessions")
    EnrolmentFactory(session=draft, status=EnrolmentStatus.CANCELLED)
    refused(permissions.can_delete_session(agency_staff, draft), "not_deletable")
    refused(permissions.can_delete_session(agency_staff, SessionFactory()), "not_deletable")
    course = CourseFactory()
    services.course_delete(course=course, acting_user=agency_staff)
    with pytest.raises(Refused):
        services.course_delete(course=draft.course, acting_user=agency_staff)


# --- participants ----------------------------------------------------------------------------------------------


def test_a_verified_participant_may_enrol_in_an_open_session(participant: Participant) -> None:
    assert permissions.can_enrol(participant.user, SessionFactory(), participant=participant)


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.NEEDS_FIX, Status.REJECTED])
def test_an_unverified_participant_is_refused_first(entrepreneur: User, status: str) -> None:
    participant = RegistrationFactory(participant=ParticipantFactory(user=entrepreneur), status=status).participant
    closed = SessionFactory(status=SessionStatus.DRAFT)
    refused(permissions.can_enrol(entrepreneur, closed, participant=participant), "not_verified")
    refused(permissions.can_enrol(entrepreneur, closed, participant=None), "not_verified")


def test_enrolment_refusals_of_the_session(participant: Participant) -> None:
    user = participant.user
    refused(
        permissions.can_enrol(user, SessionFactory(status=SessionStatus.DRAFT), participant=participant), "not_open"
    )
    late = SessionFactory(registration_deadline=timezone.now() - datetime.timedelta(minutes=1))
    refused(permissions.can_enrol(user, late, participant=participant), "deadline_passed")


def test_nobody_enrols_someone_else_but_agency_staff(participant: Participant, agency_staff: User) -> None:
    someone = UserFactory(role=Role.ENTREPRENEUR)
    session = SessionFactory()
    refused(permissions.can_enrol(someone, session, participant=participant), "not_own")
    assert permissions.can_enrol(agency_staff, session, participant=participant)
    with pytest.raises(ValidationError) as exc:
        services.enrolment_enrol(session=session, participant=participant, acting_user=someone)
    assert exc.value.code == "not_own"
    assert not Enrolment.objects.exists()


def test_cancel_refusals(participant: Participant) -> None:
    enrolment = EnrolmentFactory(participant=participant)
    user = participant.user
    assert permissions.can_cancel(user, enrolment)
    refused(permissions.can_cancel(UserFactory(role=Role.ENTREPRENEUR), enrolment), "not_own")
    refused(permissions.can_cancel(user, enrolment, now=enrolment.session.starts_at), "started")
    enrolment.status = EnrolmentStatus.CANCELLED
    refused(permissions.can_cancel(user, enrolment), "not_active")


def test_rate_refusals(participant: Participant) -> None:
    enrolment = EnrolmentFactory(participant=participant, status=EnrolmentStatus.COMPLETED)
    user = participant.user
    assert permissions.can_rate(user, enrolment)
    refused(permissions.can_rate(UserFactory(role=Role.AGENCY), enrolment), "not_own")
    waiting = EnrolmentFactory(participant=verified_participant(), status=EnrolmentStatus.WAITLISTED)
    refused(
        permissions.can_rate(waiting.participant.user, waiting, now=timezone.now() + datetime.timedelta(30)),
        "cannot_rate",
    )
    Rating.objects.create(enrolment=enrolment, score=4)
    enrolment = Enrolment.objects.get(pk=enrolment.pk)
    refused(permissions.can_rate(user, enrolment), "already_rated")
    with pytest.raises(Refused) as exc:
        services.rating_submit(enrolment=enrolment, score=5, comment="", acting_user=user)
    assert exc.value.code == "already_rated"
