"""Every list page runs a fixed number of queries, whatever the number of rows: each is measured with several
rows of everything it shows (course, organiser, wilayah, certificate, rating, attendance), so an N+1 fails."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from partners.models import PartnerOrganisation
from registration.models import Participant
from registration.tests.conftest import login
from training import services
from training.choices import EnrolmentStatus
from training.models import Rating, Session
from training.tests.factories import EnrolmentFactory, PartnerCourseFactory, SessionFactory

pytestmark = pytest.mark.django_db

ROWS = 6


def measure(client: Client, url: str, assert_max: Callable[..., Any], limit: int, grow: Callable[[], None]) -> None:
    """The page answers within `limit` queries with some rows, and still after more rows are added."""
    assert client.get(url).status_code == 200
    grow()
    with assert_max(limit):
        response = client.get(url)
    assert response.status_code == 200


def partner_sessions(organisation: PartnerOrganisation, n: int = ROWS) -> list[Session]:
    return [SessionFactory(course=PartnerCourseFactory(organiser_partner=organisation)) for _ in range(n)]


def test_browse(client: Client, participant: Participant, django_assert_max_num_queries: Any) -> None:
    def grow() -> None:
        for session in SessionFactory.create_batch(ROWS):
            EnrolmentFactory(session=session, participant=participant)
        PartnerCourseFactory()
        SessionFactory.create_batch(ROWS, course=PartnerCourseFactory())

    SessionFactory()
    login(client, participant.user)
    # session, user, participant, wilayah choices, the page
    measure(client, reverse("training:sessions") + "?skill=hard", django_assert_max_num_queries, 5, grow)


def test_my_trainings(
    client: Client, participant: Participant, agency_staff: User, django_assert_max_num_queries: Any
) -> None:
    def grow() -> None:
        for _ in range(ROWS):
            enrolment = EnrolmentFactory(
                participant=participant, session=SessionFactory(course=PartnerCourseFactory())
            )
            start = timezone.now() - datetime.timedelta(hours=2)
            Session.objects.filter(pk=enrolment.session_id).update(
                starts_at=start, ends_at=start + datetime.timedelta(hours=1), registration_deadline=start
            )
            enrolment.session.refresh_from_db()
            services.attendance_record(
                session=enrolment.session, day=enrolment.session.days[0], present=[enrolment.pk],
                acting_user=agency_staff,
            )  # fmt: skip
            Rating.objects.create(enrolment=enrolment, score=4)
        EnrolmentFactory.create_batch(ROWS, participant=participant, status=EnrolmentStatus.WAITLISTED)

    EnrolmentFactory(participant=participant)
    login(client, participant.user)
    # session, user, the page, participant (verified or not)
    measure(client, reverse("training:mine"), django_assert_max_num_queries, 4, grow)


@pytest.mark.parametrize("when", ["upcoming", "past"])
def test_organiser_sessions(
    client: Client, partner_user: User, partner_org: PartnerOrganisation, when: str, django_assert_max_num_queries: Any
) -> None:
    def grow() -> None:
        for session in partner_sessions(partner_org):
            EnrolmentFactory.create_batch(2, session=session)
            if when == "past":
                Session.objects.filter(pk=session.pk).update(
                    starts_at=F("starts_at") - datetime.timedelta(days=30),
                    ends_at=F("ends_at") - datetime.timedelta(days=30),
                    registration_deadline=F("registration_deadline") - datetime.timedelta(days=30),
                )

    partner_sessions(partner_org, 1)
    login(client, partner_user)
    # session, user, organisation, the page
    measure(client, reverse("training:organiser") + f"?when={when}", django_assert_max_num_queries, 4, grow)


def test_organiser_sessions_for_agency_staff(
    client: Client, agency_staff: User, django_assert_max_num_queries: Any
) -> None:
    SessionFactory()
    login(client, agency_staff)
    measure(
        client, reverse("training:organiser"), django_assert_max_num_queries, 3,
        lambda: [SessionFactory(course=PartnerCourseFactory()) for _ in range(ROWS)],
    )  # fmt: skip


def test_courses(
    client: Client, partner_user: User, partner_org: PartnerOrganisation, django_assert_max_num_queries: Any
) -> None:
    partner_sessions(partner_org, 1)
    login(client, partner_user)
    measure(
        client, reverse("training:courses"), django_assert_max_num_queries, 4, lambda: partner_sessions(partner_org)
    )


def test_course_detail_with_its_sessions(
    client: Client, partner_user: User, partner_org: PartnerOrganisation, django_assert_max_num_queries: Any
) -> None:
    course = PartnerCourseFactory(organiser_partner=partner_org)

    def grow() -> None:
        for session in SessionFactory.create_batch(ROWS, course=course):
            Rating.objects.create(enrolment=EnrolmentFactory(session=session), score=3)
            EnrolmentFactory(session=session, status=EnrolmentStatus.WAITLISTED)

    SessionFactory(course=course)
    login(client, partner_user)
    # session, user, organisation, course, sessions page, rating summary
    measure(client, reverse("training:course", args=[course.pk]), django_assert_max_num_queries, 6, grow)


def test_session_enrolments(
    client: Client, partner_user: User, partner_org: PartnerOrganisation, django_assert_max_num_queries: Any
) -> None:
    [session] = partner_sessions(partner_org, 1)
    Session.objects.filter(pk=session.pk).update(capacity=50)

    def grow() -> None:
        EnrolmentFactory.create_batch(ROWS, session=session)
        EnrolmentFactory.create_batch(ROWS, session=session, status=EnrolmentStatus.WAITLISTED)

    EnrolmentFactory(session=session)
    login(client, partner_user)
    # session, user, organisation, the session, the enrolments page
    measure(client, reverse("training:organiser_session", args=[session.pk]), django_assert_max_num_queries, 5, grow)


def test_attendance_sheet(
    client: Client, partner_user: User, partner_org: PartnerOrganisation, agency_staff: User,
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    [session] = partner_sessions(partner_org, 1)
    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(0, 5)))
    Session.objects.filter(pk=session.pk).update(
        capacity=50, starts_at=start, ends_at=start + datetime.timedelta(hours=23), registration_deadline=start
    )
    session.refresh_from_db()

    def grow() -> None:
        enrolments = EnrolmentFactory.create_batch(ROWS, session=session)
        services.attendance_record(
            session=session, day=session.days[0], present=[e.pk for e in enrolments[:3]], acting_user=agency_staff
        )

    EnrolmentFactory(session=session)
    login(client, partner_user)
    url = reverse("training:attendance", args=[session.pk, session.days[0].isoformat()])
    # session, user, organisation, the session, the sheet
    measure(client, url, django_assert_max_num_queries, 5, grow)


def test_ratings(
    client: Client, partner_user: User, partner_org: PartnerOrganisation, django_assert_max_num_queries: Any
) -> None:
    def grow() -> None:
        for session in partner_sessions(partner_org):
            Rating.objects.create(enrolment=EnrolmentFactory(session=session), score=5, comment="Bagus")

    grow()
    login(client, partner_user)
    measure(client, reverse("training:ratings"), django_assert_max_num_queries, 4, grow)


def test_session_page(client: Client, participant: Participant, django_assert_max_num_queries: Any) -> None:
    session = SessionFactory()
    login(client, participant.user)
    measure(
        client, reverse("training:session", args=[session.pk]), django_assert_max_num_queries, 4,
        lambda: EnrolmentFactory.create_batch(ROWS, session=session),
    )  # fmt: skip


def test_journey_step_is_one_query(participant: Participant, django_assert_num_queries: Any) -> None:
    from training.journey import TrainingStep

    EnrolmentFactory.create_batch(3, participant=participant)
    with django_assert_num_queries(1):
        TrainingStep().status(participant.user)
