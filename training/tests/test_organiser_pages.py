"""Organisers' pages: agency staff run every course, a partner's users their own organisation's; nobody else."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from geography.models import Wilayah
from partners.models import PartnerOrganisation
from registration.tests.conftest import login
from training.choices import Agency, EnrolmentStatus, SessionStatus
from training.models import Attendance, Certificate, Course, Enrolment, Session
from training.tests.factories import CourseFactory, EnrolmentFactory, PartnerCourseFactory, SessionFactory, in_days

pytestmark = pytest.mark.django_db


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def course_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Pemasaran Digital untuk UMKM",
        "skill_type": "soft",
        "topic": "digital_marketing",
        "sector": "",
        "track_fit": "both",
        "description": "Berjualan di marketplace.",
        "completion_threshold": "80",
    }
    data.update(overrides)
    return data


def session_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "is_online": "False",
        "wilayah": Wilayah.objects.get(name="Jakarta Timur").pk,
        "venue": "Gedung PPKUKM, Jl. Perintis Kemerdekaan",
        "meeting_url": "",
        "starts_at": local(in_days(10, 9)),
        "ends_at": local(in_days(11, 15)),
        "registration_deadline": local(in_days(8, 17)),
        "capacity": "25",
    }
    data.update(overrides)
    return data


# --- courses ----------------------------------------------------------------------------------------------------


def test_agency_staff_create_a_course_for_an_agency_or_a_partner(
    client: Client, agency_staff: User, partner_org: PartnerOrganisation
) -> None:
    login(client, agency_staff)
    response = client.post(reverse("training:course_create"), course_data(organiser_agency="ppkukm"))
    course = Course.objects.get()
    assert response.status_code == 302 and response.url == reverse("training:course", args=[course.pk])
    assert (course.organiser_agency, course.organiser_partner, course.created_by) == (
        Agency.PPKUKM,
        None,
        agency_staff,
    )
    client.post(reverse("training:course_create"), course_data(title="Kelas Ekspor", organiser_partner=partner_org.pk))
    assert Course.objects.get(title="Kelas Ekspor").organiser_partner == partner_org


@pytest.mark.parametrize(
    "organiser", [{}, {"organiser_agency": "ppkukm", "organiser_partner": "PARTNER"}, {"organiser_agency": "dinas-x"}]
)
def test_a_course_has_exactly_one_organiser(
    client: Client, agency_staff: User, partner_org: PartnerOrganisation, organiser: dict[str, Any]
) -> None:
    if organiser.get("organiser_partner") == "PARTNER":
        organiser["organiser_partner"] = partner_org.pk
    login(client, agency_staff)
    response = client.post(reverse("training:course_create"), course_data(**organiser))
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Course.objects.exists()


def test_a_partner_user_creates_courses_of_its_own_organisation_only(
    client: Client, partner_user: User, partner_org: PartnerOrganisation
) -> None:
    other = PartnerCourseFactory().organiser_partner
    login(client, partner_user)
    form = client.get(reverse("training:course_create")).context["form"]
    assert "organiser_partner" not in form.fields and "organiser_agency" not in form.fields
    # trying to slip in another organiser changes nothing
    client.post(reverse("training:course_create"), course_data(organiser_partner=other.pk, organiser_agency="ppkukm"))
    course = Course.objects.get(title="Pemasaran Digital untuk UMKM")
    assert (course.organiser_partner, course.organiser_agency) == (partner_org, "")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"completion_threshold": "0"}, "completion_threshold"),
        ({"completion_threshold": "101"}, "completion_threshold"),
        ({"topic": "soap_making", "skill_type": "soft"}, "topic"),
        ({"skill_type": "medium"}, "skill_type"),
    ],
)
def test_bad_course_input_is_refused(
    client: Client, agency_staff: User, overrides: dict[str, str], field: str
) -> None:
    login(client, agency_staff)
    response = client.post(reverse("training:course_create"), course_data(organiser_agency="ppkukm", **overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Course.objects.exists()


def test_edit_a_course(client: Client, partner_user: User, partner_org: PartnerOrganisation) -> None:
    course = PartnerCourseFactory(organiser_partner=partner_org)
    login(client, partner_user)
    response = client.post(reverse("training:course_edit", args=[course.pk]), course_data(title="Judul Baru"))
    assert response.status_code == 302
    course.refresh_from_db()
    assert (course.title, course.organiser_partner) == ("Judul Baru", partner_org)


# --- sessions ---------------------------------------------------------------------------------------------------


def test_create_then_announce_a_session(client: Client, agency_staff: User) -> None:
    course = CourseFactory()
    login(client, agency_staff)
    response = client.post(reverse("training:session_create", args=[course.pk]), session_data())
    session = Session.objects.get()
    assert response.url == reverse("training:organiser_session", args=[session.pk])
    assert session.status == SessionStatus.DRAFT
    assert timezone.localtime(session.starts_at).hour == 9  # entered as Jakarta time
    assert len(session.days) == 2
    client.post(reverse("training:session_announce", args=[session.pk]))
    session.refresh_from_db()
    assert session.status == SessionStatus.ANNOUNCED


def test_an_online_session_needs_its_link_not_a_venue(client: Client, agency_staff: User) -> None:
    course = CourseFactory()
    login(client, agency_staff)
    response = client.post(
        reverse("training:session_create", args=[course.pk]),
        session_data(is_online="True", wilayah="", venue="", meeting_url=""),
    )
    assert response.status_code == 400 and "meeting_url" in response.context["form"].errors
    client.post(
        reverse("training:session_create", args=[course.pk]),
        session_data(is_online="True", wilayah="", venue="", meeting_url="https://zoom.example.id/j/123"),
    )
    session = Session.objects.get()
    assert session.is_online and session.wilayah is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": local(in_days(10, 8))}, "ends_at"),  # ends before it starts
        ({"ends_at": local(in_days(10, 9))}, "ends_at"),  # ends as it starts
        ({"ends_at": local(in_days(60, 9))}, "ends_at"),  # more than 31 days
        ({"capacity": "0"}, "capacity"),
        ({"capacity": "-5"}, "capacity"),
        ({"capacity": "lots"}, "capacity"),
        ({"capacity": "100000"}, "capacity"),
        ({"registration_deadline": local(in_days(10, 10))}, "registration_deadline"),  # after the start
        ({"starts_at": local(in_days(-1, 9)), "ends_at": local(in_days(-1, 12)),
          "registration_deadline": local(in_days(-2, 9))}, "starts_at"),  # in the past
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"wilayah": ""}, "wilayah"),
        ({"venue": "  "}, "venue"),
        ({"is_online": "True", "meeting_url": "javascript:alert(1)"}, "meeting_url"),
    ],
)  # fmt: skip
def test_bad_session_input_is_refused(
    client: Client, agency_staff: User, overrides: dict[str, str], field: str
) -> None:
    course = CourseFactory()
    login(client, agency_staff)
    response = client.post(reverse("training:session_create", args=[course.pk]), session_data(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors, response.context["form"].errors
    assert not Session.objects.exists()


@pytest.mark.parametrize("field", ["starts_at", "ends_at", "registration_deadline"])
@pytest.mark.parametrize("value", ["0001-01-01T00:00", "2017-12-31T23:59", "2101-01-01T00:00", "9999-12-31T23:59"])
def test_dates_outside_2018_to_2100_are_refused(client: Client, agency_staff: User, field: str, value: str) -> None:
    course = CourseFactory()
    login(client, agency_staff)
    response = client.post(reverse("training:session_create", args=[course.pk]), session_data(**{field: value}))
    assert response.status_code == 400
    assert field in response.context["form"].errors, response.context["form"].errors
    assert not Session.objects.exists()


def test_a_deadline_in_year_one_is_refused_on_edit_and_the_lists_keep_working(
    client: Client, partner_user: User, partner_org: PartnerOrganisation, agency_staff: User
) -> None:
    """The reviewer's case: a partner saved a deadline of 0001-01-01, and every list showing it broke."""
    session = SessionFactory(course=PartnerCourseFactory(organiser_partner=partner_org))
    before = (session.starts_at, session.ends_at, session.registration_deadline)
    login(client, partner_user)
    data = session_data(
        starts_at=local(session.starts_at), ends_at=local(session.ends_at), registration_deadline="0001-01-01T00:00"
    )
    response = client.post(reverse("training:session_edit", args=[session.pk]), data)
    assert response.status_code == 400
    assert [e.code for e in response.context["form"].errors.as_data()["registration_deadline"]] == ["out_of_range"]
    session.refresh_from_db()
    assert (session.starts_at, session.ends_at, session.registration_deadline) == before
    assert client.get(reverse("training:organiser")).status_code == 200
    login(client, agency_staff)
    assert client.get(reverse("training:organiser")).status_code == 200
    assert client.get(reverse("training:organiser_session", args=[session.pk])).status_code == 200


def test_a_session_cannot_be_moved_into_the_past(client: Client, agency_staff: User) -> None:
    session = SessionFactory()
    before = session.starts_at
    login(client, agency_staff)
    data = session_data(
        starts_at=local(in_days(-1, 9)), ends_at=local(in_days(-1, 15)), registration_deadline=local(in_days(-2, 9))
    )
    response = client.post(reverse("training:session_edit", args=[session.pk]), data)
    assert response.status_code == 400
    assert "starts_at" in response.context["form"].errors
    session.refresh_from_db()
    assert session.starts_at == before


def test_capacity_cannot_go_below_those_enrolled(client: Client, agency_staff: User) -> None:
    session = SessionFactory(capacity=3)
    EnrolmentFactory.create_batch(2, session=session)
    login(client, agency_staff)
    data = session_data(
        starts_at=local(session.starts_at), ends_at=local(session.ends_at),
        registration_deadline=local(session.registration_deadline), capacity="1",
    )  # fmt: skip
    response = client.post(reverse("training:session_edit", args=[session.pk]), data)
    assert response.status_code == 400 and "capacity" in response.context["form"].errors
    session.refresh_from_db()
    assert session.capacity == 3


def test_the_organiser_sees_the_enrolments(
    client: Client, partner_user: User, partner_org: PartnerOrganisation
) -> None:
    session = SessionFactory(course=PartnerCourseFactory(organiser_partner=partner_org), capacity=1)
    seated = EnrolmentFactory(session=session)
    waiting = EnrolmentFactory(session=session, status=EnrolmentStatus.WAITLISTED)
    login(client, partner_user)
    response = client.get(reverse("training:organiser_session", args=[session.pk]))
    assert [e.pk for e in response.context["page"].items] == [seated.pk, waiting.pk]
    html = response.content.decode()
    assert seated.participant.full_name in html
    assert seated.participant.nik not in html and seated.participant.masked_nik not in html


# --- attendance -------------------------------------------------------------------------------------------------


def running_today(**kwargs: Any) -> Session:
    session = SessionFactory(**kwargs)
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time(0, 5)))
    Session.objects.filter(pk=session.pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=23), registration_deadline=start
    )
    session.refresh_from_db()
    return session


def test_take_attendance_and_complete(client: Client, partner_user: User, partner_org: PartnerOrganisation) -> None:
    session = running_today(course=PartnerCourseFactory(organiser_partner=partner_org))
    there, away = EnrolmentFactory.create_batch(2, session=session)
    login(client, partner_user)
    url = reverse("training:attendance", args=[session.pk, timezone.localdate().isoformat()])
    sheet = client.get(url)
    assert sheet.status_code == 200 and len(sheet.context["sheet"]) == 2
    response = client.post(url, {"present": [there.pk]})
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("enrolment_id", "present")) == {there.pk: True, away.pk: False}
    assert Certificate.objects.get().enrolment_id == there.pk
    assert Enrolment.objects.get(pk=there.pk).status == EnrolmentStatus.COMPLETED


def test_unticking_a_completed_participant_withdraws_the_certificate(
    client: Client, partner_user: User, partner_org: PartnerOrganisation
) -> None:
    session = running_today(course=PartnerCourseFactory(organiser_partner=partner_org))
    enrolment = EnrolmentFactory(session=session)
    login(client, partner_user)
    url = reverse("training:attendance", args=[session.pk, timezone.localdate().isoformat()])
    client.post(url, {"present": [enrolment.pk]}, follow=True)
    code = Certificate.objects.get(enrolment=enrolment).code

    response = client.post(url, {}, follow=True)  # nobody ticked: the form sends no field

    assert [m.level_tag for m in response.context["messages"]] == ["success", "warning"]
    assert Enrolment.objects.get(pk=enrolment.pk).status == EnrolmentStatus.ENROLLED
    assert not Certificate.objects.exists()
    assert client.get(reverse("training:certificate_verify", args=[code])).status_code == 404


@pytest.mark.parametrize("day", ["2020-01-01", "kemarin", "2020-13-45"])
def test_attendance_only_for_session_days(client: Client, agency_staff: User, day: str) -> None:
    session = running_today()
    login(client, agency_staff)
    assert client.get(reverse("training:attendance", args=[session.pk, day])).status_code == 404


def test_attendance_of_an_unknown_enrolment_saves_nothing(client: Client, agency_staff: User) -> None:
    session = running_today()
    EnrolmentFactory(session=session)
    stranger = EnrolmentFactory()
    login(client, agency_staff)
    url = reverse("training:attendance", args=[session.pk, timezone.localdate().isoformat()])
    client.post(url, {"present": [stranger.pk]})
    client.post(url, {"present": ["not-a-number"]})
    assert not Attendance.objects.exists()


def test_ratings_are_shown_to_the_organiser_without_names(
    client: Client, partner_user: User, partner_org: PartnerOrganisation, agency_staff: User
) -> None:
    from training.models import Rating

    own = EnrolmentFactory(session=SessionFactory(course=PartnerCourseFactory(organiser_partner=partner_org)))
    others = EnrolmentFactory()
    Rating.objects.create(enrolment=own, score=5, comment="Materinya jelas")
    Rating.objects.create(enrolment=others, score=2, comment="Terlalu singkat")
    login(client, partner_user)
    html = client.get(reverse("training:ratings")).content.decode()
    assert "Materinya jelas" in html and "Terlalu singkat" not in html
    assert own.participant.full_name not in html
    login(client, agency_staff)
    html = client.get(reverse("training:ratings")).content.decode()
    assert "Materinya jelas" in html and "Terlalu singkat" in html
    course_page = client.get(reverse("training:course", args=[own.session.course_id]))
    assert course_page.context["ratings"] == {"average": 5.0, "count": 1}
