"""The admin for agency staff: fixed queries on every training list, filters and search work, scoped access."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core import audit
from partners.tests.factories import PartnerMemberFactory
from registration.tests.conftest import login
from training.choices import EnrolmentStatus, SessionStatus
from training.models import Attendance, Certificate, Course, Rating, Session
from training.tests.factories import EnrolmentFactory, PartnerCourseFactory, SessionFactory

pytestmark = pytest.mark.django_db

DATETIMES = ("starts_at", "ends_at", "registration_deadline")

CHANGELISTS = [
    "admin:training_course_changelist",
    "admin:training_session_changelist",
    "admin:training_enrolment_changelist",
    "admin:training_certificate_changelist",
    "admin:training_rating_changelist",
    "admin:partners_partnerorganisation_changelist",
    "admin:partners_partnermember_changelist",
]


def rows(n: int) -> None:
    for _ in range(n):
        session = SessionFactory(course=PartnerCourseFactory())
        enrolment = EnrolmentFactory(session=session, status=EnrolmentStatus.COMPLETED)
        Certificate.objects.create(
            enrolment=enrolment, code=f"JPC-T{enrolment.pk:04d}", full_name="X", course_title="Y",
            completed_on=timezone.localdate(session.starts_at),
        )  # fmt: skip
        Rating.objects.create(enrolment=enrolment, score=4)


@pytest.mark.parametrize("url_name", CHANGELISTS)
def test_changelists_run_a_fixed_number_of_queries(
    client: Client, agency_staff: User, url_name: str, django_assert_max_num_queries: Any
) -> None:
    rows(2)
    PartnerMemberFactory()
    login(client, agency_staff)
    client.get(reverse(url_name))
    rows(10)
    PartnerMemberFactory.create_batch(5)
    with django_assert_max_num_queries(12):
        response = client.get(reverse(url_name))
    assert response.status_code == 200


@pytest.mark.parametrize("url_name", CHANGELISTS)
def test_search_and_filters_answer(client: Client, agency_staff: User, url_name: str) -> None:
    rows(1)
    login(client, agency_staff)
    assert client.get(reverse(url_name), {"q": "x"}).status_code == 200


def test_change_pages_open(client: Client, agency_staff: User) -> None:
    rows(1)
    enrolment = EnrolmentFactory()
    Attendance.objects.create(
        enrolment=enrolment, day=enrolment.session.days[0], present=True, recorded_by=agency_staff
    )
    login(client, agency_staff)
    for name, pk in [
        ("training_course", enrolment.session.course_id),
        ("training_session", enrolment.session_id),
        ("training_enrolment", enrolment.pk),
    ]:
        assert client.get(reverse(f"admin:{name}_change", args=[pk])).status_code == 200, name


@pytest.mark.parametrize("who", ["partner_user", "mentor_tebet", "entrepreneur"])
def test_only_agency_staff_use_the_admin(client: Client, request: pytest.FixtureRequest, who: str) -> None:
    user = request.getfixturevalue(who)
    user.is_staff = True
    user.save()
    login(client, user)
    assert client.get(reverse("admin:training_session_changelist")).status_code == 403


def test_more_seats_in_the_admin_move_the_waitlist_up(client: Client, agency_staff: User) -> None:
    session = SessionFactory(capacity=1)
    EnrolmentFactory(session=session)
    waiting = EnrolmentFactory(session=session, status=EnrolmentStatus.WAITLISTED)
    login(client, agency_staff)
    url = reverse("admin:training_session_change", args=[session.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in DATETIMES}
    data.update(course=session.course_id, wilayah=session.wilayah_id, capacity=2, is_online="")
    for field in DATETIMES:  # the admin splits a date-time into a date and a time
        value = timezone.localtime(getattr(session, field))
        data[f"{field}_0"] = value.strftime("%Y-%m-%d")
        data[f"{field}_1"] = value.strftime("%H:%M:%S")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.ENROLLED
    assert Session.objects.get(pk=session.pk).enrolled_count == 2


def test_admin_actions_announce_and_cancel_through_the_services(client: Client, agency_staff: User) -> None:
    from notifications.models import Message
    from training.choices import SessionStatus

    draft = SessionFactory(status=SessionStatus.DRAFT)
    running = SessionFactory()
    enrolment = EnrolmentFactory(session=running)
    login(client, agency_staff)
    url = reverse("admin:training_session_changelist")
    client.post(url, {"action": "announce", "_selected_action": [draft.pk, running.pk]})
    draft.refresh_from_db()
    assert draft.status == SessionStatus.ANNOUNCED
    client.post(url, {"action": "cancel", "_selected_action": [running.pk]})
    running.refresh_from_db()
    enrolment.refresh_from_db()
    assert (running.status, running.enrolled_count, enrolment.status) == (SessionStatus.CANCELLED, 0, "cancelled")
    assert Message.objects.filter(template="training_session_cancelled", recipient=enrolment.participant.user).exists()


def session_admin_data(session: Session, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "course": session.course_id, "is_online": "", "wilayah": session.wilayah_id, "venue": session.venue,
        "meeting_url": "", "capacity": session.capacity,
    }  # fmt: skip
    data.update(changes)
    for field in DATETIMES:
        value = timezone.localtime(data.pop(field, getattr(session, field)))
        data[f"{field}_0"] = value.strftime("%Y-%m-%d")
        data[f"{field}_1"] = value.strftime("%H:%M:%S")
    return data


def test_a_session_added_in_the_admin_is_a_draft_made_by_the_service(client: Client, agency_staff: User) -> None:
    template = SessionFactory.build(course=PartnerCourseFactory())
    login(client, agency_staff)
    response = client.post(reverse("admin:training_session_add"), session_admin_data(template))
    assert response.status_code == 302, response.context["adminform"].form.errors
    session = Session.objects.get()
    assert (session.status, session.created_by, session.enrolled_count) == (SessionStatus.DRAFT, agency_staff, 0)
    assert response.url == reverse("admin:training_session_changelist")
    [created] = audit.history_of(session)
    assert created.actor == str(agency_staff)


def test_the_admin_refuses_a_new_session_in_the_past_on_the_form(client: Client, agency_staff: User) -> None:
    template = SessionFactory.build(course=PartnerCourseFactory())
    start = timezone.now() - datetime.timedelta(days=1)
    login(client, agency_staff)
    response = client.post(
        reverse("admin:training_session_add"),
        session_admin_data(
            template, starts_at=start, ends_at=start + datetime.timedelta(hours=2), registration_deadline=start
        ),
    )
    assert response.status_code == 200
    assert "starts_at" in response.context["adminform"].form.errors
    assert not Session.objects.exists()


def test_a_course_edited_in_the_admin_goes_through_the_service(client: Client, agency_staff: User) -> None:
    course = PartnerCourseFactory()
    login(client, agency_staff)
    url = reverse("admin:training_course_change", args=[course.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(title="Kelas Baru", organiser_partner=course.organiser_partner_id, organiser_agency="")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Course.objects.get(pk=course.pk).title == "Kelas Baru"
    change = audit.history_of(course)[0]
    assert (change.kind, change.actor) == ("updated", str(agency_staff))


def test_enrolments_certificates_and_ratings_are_read_only_in_the_admin(client: Client, agency_staff: User) -> None:
    rows(1)
    enrolment = EnrolmentFactory()
    login(client, agency_staff)
    url = reverse("admin:training_enrolment_change", args=[enrolment.pk])
    assert client.get(url).status_code == 200
    client.post(url, {})
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENROLLED
    assert (
        client.post(reverse("admin:training_enrolment_delete", args=[enrolment.pk]), {"post": "yes"}).status_code
        == 403
    )
