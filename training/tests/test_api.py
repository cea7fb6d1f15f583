"""The training partner's API: its own courses and sessions (while its agreement covers P2), creating a session,
the enrolments of consented participants only (each read logged), and attendance through the same services and
predicates as the organiser's page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pghistory.models import Events

from core import audit
from partners import services as partner_services
from partners.choices import Purpose, Step
from partners.models import AccessLog, Agreement, Consent
from partners.tests.api_support import Partner, consented_participant, make_partner
from registration.tests.factories import RegistrationFactory
from training.choices import EnrolmentStatus, SessionStatus
from training.models import Attendance, Session
from training.tests.factories import CourseFactory, EnrolmentFactory, PartnerCourseFactory, SessionFactory, in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def unj(agency_staff) -> Partner:
    return make_partner(agency_staff, steps=[Step.P2], name="Universitas Negeri Jakarta")


@pytest.fixture
def other(agency_staff) -> Partner:
    return make_partner(agency_staff, steps=[Step.P2], name="Pasar Daring")


@pytest.fixture
def course(unj):
    return PartnerCourseFactory(organiser_partner=unj.organisation, title="Sabun Cair UNJ")


@pytest.fixture
def running(course):
    """An announced session of UNJ's course that ran yesterday (attendance may be taken for that day)."""
    return SessionFactory(
        course=course, starts_at=in_days(-1, 9), ends_at=in_days(-1, 16), registration_deadline=in_days(-3, 9)
    )


def new_session(course_id: int, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "course": course_id,
        "is_online": False,
        "wilayah": "31.74",
        "venue": "Kampus UNJ Rawamangun",
        "starts_at": in_days(10, 9).isoformat(),
        "ends_at": in_days(11, 16).isoformat(),
        "registration_deadline": in_days(8, 9).isoformat(),
        "capacity": 25,
    }
    body.update(changes)
    return body


# --- courses ----------------------------------------------------------------------------------------------------


def test_a_partner_sees_its_own_courses_only(unj, other, course):
    theirs = PartnerCourseFactory(organiser_partner=other.organisation)
    agency = CourseFactory()
    listed = unj.client.get("/api/v1/training/courses/")
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()["results"]] == [course.pk]
    assert unj.client.get(f"/api/v1/training/courses/{course.pk}/").json()["title"] == "Sabun Cair UNJ"
    assert unj.client.get(f"/api/v1/training/courses/{theirs.pk}/").status_code == 404
    assert unj.client.get(f"/api/v1/training/courses/{agency.pk}/").status_code == 404


def test_an_agreement_not_covering_p2_shows_no_course(agency_staff):
    mentor_only = make_partner(agency_staff, steps=[Step.P3], name="Komunitas Mentor")
    own = PartnerCourseFactory(organiser_partner=mentor_only.organisation)
    assert mentor_only.client.get("/api/v1/training/courses/").json()["results"] == []
    assert mentor_only.client.get(f"/api/v1/training/courses/{own.pk}/").status_code == 404


def test_an_expired_or_ended_agreement_shows_nothing(unj, course, running, agency_staff):
    assert unj.client.get(f"/api/v1/training/sessions/{running.pk}/").status_code == 200
    Agreement.objects.filter(pk=unj.agreement.pk).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    assert unj.client.get("/api/v1/training/courses/").json()["results"] == []
    assert unj.client.get(f"/api/v1/training/sessions/{running.pk}/").status_code == 404
    Agreement.objects.filter(pk=unj.agreement.pk).update(ends_on=timezone.localdate() + datetime.timedelta(days=90))
    assert unj.client.get(f"/api/v1/training/courses/{course.pk}/").status_code == 200
    partner_services.agreement_end(
        agreement=unj.agreement, on=timezone.localdate(), reason="Program selesai", acting_user=agency_staff
    )
    assert unj.client.get(f"/api/v1/training/courses/{course.pk}/").status_code == 404
    assert unj.client.get("/api/v1/training/sessions/").json()["results"] == []


# --- sessions ---------------------------------------------------------------------------------------------------


def test_sessions_of_own_courses_with_filters(unj, other, course, running):
    later = SessionFactory(course=course, starts_at=in_days(20), status=SessionStatus.DRAFT)
    second = PartnerCourseFactory(organiser_partner=unj.organisation)
    of_second = SessionFactory(course=second, starts_at=in_days(30))
    theirs = SessionFactory(course=PartnerCourseFactory(organiser_partner=other.organisation))
    ids = lambda response: [s["id"] for s in response.json()["results"]]  # noqa: E731
    assert ids(unj.client.get("/api/v1/training/sessions/")) == [of_second.pk, later.pk, running.pk]
    assert ids(unj.client.get(f"/api/v1/training/sessions/?course={course.pk}")) == [later.pk, running.pk]
    assert ids(unj.client.get("/api/v1/training/sessions/?status=draft")) == [later.pk]
    after = in_days(15).isoformat()
    assert ids(unj.client.get("/api/v1/training/sessions/", {"starts_after": after})) == [of_second.pk, later.pk]
    assert unj.client.get(f"/api/v1/training/sessions/{theirs.pk}/").status_code == 404
    detail = unj.client.get(f"/api/v1/training/sessions/{running.pk}/").json()
    assert detail["course"] == course.pk and detail["wilayah"] == "31.74" and detail["seats_left"] == 20


def test_sessions_page_stably_when_they_start_at_the_same_time(unj, course):
    same = in_days(12)
    made = [SessionFactory(course=course, starts_at=same) for _ in range(7)]
    seen: list[int] = []
    url: str | None = "/api/v1/training/sessions/?page_size=3"
    while url:
        body = unj.client.get(url).json()
        seen += [s["id"] for s in body["results"]]
        url = body["next"]
    assert seen == sorted((s.pk for s in made), reverse=True)


def test_a_session_is_created_through_the_service_and_audited_as_the_api_account(unj, course):
    response = unj.client.post("/api/v1/training/sessions/", new_session(course.pk), format="json")
    assert response.status_code == 201, response.content
    session = Session.objects.get(pk=response.json()["id"])
    assert session.status == SessionStatus.DRAFT and session.course == course
    assert session.created_by == unj.organisation.api_user
    [created] = audit.history_of(session)
    assert created.kind == "created" and created.channel == str(audit.Channel.API.label)
    assert created.actor == str(unj.organisation.api_user)
    event = Events.objects.tracks(session).get()
    assert event.pgh_context["key"] == unj.key.prefix and event.pgh_context["channel"] == "api"


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"capacity": "banyak"}, "capacity", "invalid"),
        ({"starts_at": None}, "starts_at", "null"),
        ({"wilayah": "99.99"}, "wilayah", "does_not_exist"),
        ({"course": 999_999}, "course", "does_not_exist"),
    ],
)
def test_bad_input_is_400_by_field_and_creates_nothing(unj, course, changes, field, code):
    response = unj.client.post("/api/v1/training/sessions/", new_session(course.pk, **changes), format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and body["errors"][field][0]["code"] == code
    assert not Session.objects.exists()


def test_the_services_rules_are_400_by_field(unj, course):
    past = new_session(course.pk, starts_at=in_days(-2).isoformat(), registration_deadline=in_days(-3).isoformat())
    response = unj.client.post("/api/v1/training/sessions/", past, format="json")
    assert response.status_code == 400 and response.json()["errors"]["starts_at"][0]["code"] == "past"
    online = new_session(course.pk, is_online=True, wilayah=None, venue="", meeting_url="")
    response = unj.client.post("/api/v1/training/sessions/", online, format="json")
    assert response.status_code == 400 and "meeting_url" in response.json()["errors"]
    assert not Session.objects.exists()


def test_another_partners_or_an_agency_course_cannot_get_a_session(unj, other):
    for course in (PartnerCourseFactory(organiser_partner=other.organisation), CourseFactory()):
        response = unj.client.post("/api/v1/training/sessions/", new_session(course.pk), format="json")
        assert response.status_code == 400 and response.json()["errors"]["course"][0]["code"] == "does_not_exist"
    assert not Session.objects.exists()


# --- enrolments -------------------------------------------------------------------------------------------------


def test_only_consented_participants_are_listed_with_name_and_contact(unj, other, running):
    siti = consented_participant(unj, Purpose.TRAINING)
    budi = RegistrationFactory().participant  # enrolled, never consented
    only_other = consented_participant(other, Purpose.TRAINING)  # consented to another partner
    for person in (siti, budi, only_other):
        EnrolmentFactory(session=running, participant=person)
    response = unj.client.get(f"/api/v1/training/sessions/{running.pk}/enrolments/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["participant"] == siti.pk and row["full_name"] == siti.full_name
    assert row["phone"] == siti.phone and row["email"] == siti.email and row["status"] == "enrolled"
    assert set(row) == {"id", "participant", "full_name", "phone", "email", "status", "completed_at", "days_present"}
    assert list(AccessLog.objects.values_list("participant_id", "key_id")) == [(siti.pk, unj.key.pk)]


def test_a_withdrawn_consent_takes_the_participant_off_the_list(unj, running):
    siti = consented_participant(unj, Purpose.TRAINING)
    EnrolmentFactory(session=running, participant=siti)
    partner_services.consent_withdraw(
        consent=Consent.objects.get(participant=siti), channel="web", acting_user=siti.user
    )
    assert unj.client.get(f"/api/v1/training/sessions/{running.pk}/enrolments/").json()["results"] == []


def test_another_partners_session_enrolments_are_404(unj, other):
    theirs = SessionFactory(course=PartnerCourseFactory(organiser_partner=other.organisation))
    EnrolmentFactory(session=theirs, participant=consented_participant(unj, Purpose.TRAINING))
    assert unj.client.get(f"/api/v1/training/sessions/{theirs.pk}/enrolments/").status_code == 404
    assert not AccessLog.objects.exists()


def test_a_page_of_enrolments_is_one_log_insert_and_a_pinned_number_of_queries(
    unj, running, django_assert_max_num_queries
):
    Session.objects.filter(pk=running.pk).update(capacity=200)
    running.refresh_from_db()
    for _ in range(60):
        EnrolmentFactory(session=running, participant=consented_participant(unj, Purpose.TRAINING))
    with django_assert_max_num_queries(5), CaptureQueriesContext(connection) as queries:
        response = unj.client.get(f"/api/v1/training/sessions/{running.pk}/enrolments/")
    assert response.status_code == 200 and len(response.json()["results"]) == 50
    # pghistory prefixes each write with its context (SELECT set_config(...); INSERT ...)
    inserts = [q["sql"] for q in queries if 'INSERT INTO "partners_accesslog"' in q["sql"]]
    assert len(inserts) == 1 and AccessLog.objects.count() == 50


# --- attendance -------------------------------------------------------------------------------------------------


def test_attendance_is_recorded_by_participant_id(unj, running):
    siti, budi = consented_participant(unj, Purpose.TRAINING), consented_participant(unj, Purpose.TRAINING)
    first = EnrolmentFactory(session=running, participant=siti)
    second = EnrolmentFactory(session=running, participant=budi)
    day = running.days[0]
    response = unj.client.post(
        f"/api/v1/training/sessions/{running.pk}/attendance/",
        {"day": day.isoformat(), "present": [siti.pk]},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["present"] == [siti.pk] and body["absent"] == [budi.pk] and body["completed"] == [siti.pk]
    assert Attendance.objects.get(enrolment=first, day=day).present
    assert not Attendance.objects.get(enrolment=second, day=day).present
    first.refresh_from_db()
    assert first.status == EnrolmentStatus.COMPLETED
    assert Attendance.objects.get(enrolment=first).recorded_by == unj.organisation.api_user


def test_a_participant_the_key_does_not_see_keeps_their_mark(unj, running, agency_staff):
    from training import services

    hidden = RegistrationFactory().participant
    hidden_enrolment = EnrolmentFactory(session=running, participant=hidden)
    siti = consented_participant(unj, Purpose.TRAINING)
    EnrolmentFactory(session=running, participant=siti)
    day = running.days[0]
    services.attendance_record(session=running, day=day, present=[hidden_enrolment.pk], acting_user=agency_staff)
    response = unj.client.post(
        f"/api/v1/training/sessions/{running.pk}/attendance/", {"day": day.isoformat(), "present": []}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["absent"] == [siti.pk]
    assert Attendance.objects.get(enrolment=hidden_enrolment, day=day).present


@pytest.mark.parametrize("who", ["not_enrolled", "not_consented", "waitlisted"])
def test_an_unknown_participant_is_400_and_nothing_is_recorded(unj, running, who):
    siti = consented_participant(unj, Purpose.TRAINING)
    EnrolmentFactory(session=running, participant=siti)
    if who == "not_enrolled":
        stranger = consented_participant(unj, Purpose.TRAINING)
    elif who == "not_consented":
        stranger = RegistrationFactory().participant
        EnrolmentFactory(session=running, participant=stranger)
    else:
        stranger = consented_participant(unj, Purpose.TRAINING)
        EnrolmentFactory(session=running, participant=stranger, status=EnrolmentStatus.WAITLISTED)
    response = unj.client.post(
        f"/api/v1/training/sessions/{running.pk}/attendance/",
        {"day": running.days[0].isoformat(), "present": [siti.pk, stranger.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["present"][0]["code"] == "not_enrolled"
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({"present": []}, "day"), ({"day": "kemarin", "present": []}, "day"), ({"day": "2026-01-01"}, "present")],
)
def test_malformed_attendance_is_400(unj, running, body, field):
    response = unj.client.post(f"/api/v1/training/sessions/{running.pk}/attendance/", body, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]
    assert not Attendance.objects.exists()


def test_a_bad_participant_id_is_reported_at_its_position(unj, running):
    response = unj.client.post(
        f"/api/v1/training/sessions/{running.pk}/attendance/",
        {"day": running.days[0].isoformat(), "present": [0]},
        format="json",
    )
    assert response.status_code == 400 and response.json()["errors"]["present.0"][0]["code"] == "min_value"


def test_the_predicates_refuse_a_day_with_409_and_its_code(unj, course, running):
    future = SessionFactory(course=course)  # a week ahead
    draft = SessionFactory(
        course=course, status=SessionStatus.DRAFT, starts_at=in_days(-1), registration_deadline=in_days(-3)
    )
    cases = [
        (future, future.days[0], "future_day"),
        (draft, draft.days[0], "not_announced"),
        (running, running.days[0] - datetime.timedelta(days=3), "not_session_day"),
    ]
    for session, day, code in cases:
        response = unj.client.post(
            f"/api/v1/training/sessions/{session.pk}/attendance/",
            {"day": day.isoformat(), "present": []},
            format="json",
        )
        assert response.status_code == 409, response.content
        assert response.json()["code"] == code
    assert not Attendance.objects.exists()


def test_another_partners_session_attendance_is_404(unj, other):
    theirs = SessionFactory(
        course=PartnerCourseFactory(organiser_partner=other.organisation),
        starts_at=in_days(-1),
        registration_deadline=in_days(-3),
    )
    response = unj.client.post(
        f"/api/v1/training/sessions/{theirs.pk}/attendance/",
        {"day": theirs.days[0].isoformat(), "present": []},
        format="json",
    )
    assert response.status_code == 404 and not Attendance.objects.exists()
