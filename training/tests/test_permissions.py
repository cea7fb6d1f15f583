"""Who may open what. A partner sees only its own courses' sessions and enrolments (others answer 404, as if
absent); participants and office staff organise nothing (403); anonymous people are sent to log in."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from partners.models import PartnerOrganisation
from registration.tests.conftest import login
from training.choices import SessionStatus
from training.models import Attendance, Course, Enrolment, Session
from training.tests.factories import EnrolmentFactory, PartnerCourseFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_session(partner_org: PartnerOrganisation) -> Session:
    return SessionFactory(course=PartnerCourseFactory(organiser_partner=partner_org))


@pytest.fixture
def foreign_session(other_partner_user: User) -> Session:
    organisation = other_partner_user.partner_membership.organisation
    return SessionFactory(course=PartnerCourseFactory(organiser_partner=organisation))


def organiser_urls(session: Session) -> list[str]:
    course = session.course
    today = timezone.localtime(session.starts_at).date().isoformat()
    return [
        reverse("training:course", args=[course.pk]),
        reverse("training:course_edit", args=[course.pk]),
        reverse("training:session_create", args=[course.pk]),
        reverse("training:organiser_session", args=[session.pk]),
        reverse("training:session_edit", args=[session.pk]),
        reverse("training:attendance", args=[session.pk, today]),
    ]


def test_a_partner_opens_its_own_courses_and_sessions(
    client: Client, partner_user: User, own_session: Session
) -> None:
    login(client, partner_user)
    for url in organiser_urls(own_session):
        assert client.get(url).status_code == 200, url


def test_a_partner_gets_404_for_another_partners_courses_sessions_and_enrolments(
    client: Client, partner_user: User, partner_org: PartnerOrganisation, foreign_session: Session
) -> None:
    enrolment = EnrolmentFactory(session=foreign_session)
    login(client, partner_user)
    for url in organiser_urls(foreign_session):
        assert client.get(url).status_code == 404, url
    for name in ("session_announce", "session_cancel"):
        assert client.post(reverse(f"training:{name}", args=[foreign_session.pk])).status_code == 404
    day = timezone.localtime(foreign_session.starts_at).date().isoformat()
    assert (
        client.post(
            reverse("training:attendance", args=[foreign_session.pk, day]), {"present": [enrolment.pk]}
        ).status_code
        == 404
    )
    foreign_session.refresh_from_db()
    assert foreign_session.status == "announced"
    assert not Attendance.objects.exists()


def test_a_partner_lists_only_its_own(
    client: Client, partner_user: User, own_session: Session, foreign_session: Session
) -> None:
    agency_session = SessionFactory()
    login(client, partner_user)
    listed = {s.pk for s in client.get(reverse("training:organiser")).context["page"].items}
    assert listed == {own_session.pk}
    assert agency_session.pk not in listed
    assert {c.pk for c in client.get(reverse("training:courses")).context["page"].items} == {own_session.course_id}


def test_agency_staff_see_every_course(
    client: Client, agency_staff: User, own_session: Session, foreign_session: Session
) -> None:
    agency_session = SessionFactory()
    login(client, agency_staff)
    listed = {s.pk for s in client.get(reverse("training:organiser")).context["page"].items}
    assert listed == {own_session.pk, foreign_session.pk, agency_session.pk}
    for session in (own_session, foreign_session, agency_session):
        for url in organiser_urls(session):
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["entrepreneur", "mentor_tebet", "secretariat_tebet", "partner_user"])
def test_participants_and_office_staff_organise_nothing(
    client: Client, request: pytest.FixtureRequest, who: str, own_session: Session
) -> None:
    """Participants cannot take attendance, nor open any organiser page (403). `partner_user` here has no
    organisation (the `own_session` organisation belongs to the fixture's partner only when partner_org is
    used), so it is refused like anyone else; the organiser home, which the menu offers a partner account, tells
    it why instead of a bare refusal."""
    user = request.getfixturevalue(who)
    if who == "partner_user":
        user.partner_membership.delete()
    login(client, user)
    home = client.get(reverse("training:organiser"))
    if who == "partner_user":
        assert home.status_code == 200
        assert 'id="organiser-unlinked"' in home.content.decode()
        assert "page" not in (home.context or {})
    else:
        assert home.status_code == 403
    for name in ("courses", "course_create", "ratings"):
        assert client.get(reverse(f"training:{name}")).status_code == 403, name
    for url in organiser_urls(own_session):
        assert client.get(url).status_code == 403, url
    enrolment = EnrolmentFactory(session=own_session)
    day = timezone.localtime(own_session.starts_at).date().isoformat()
    response = client.post(reverse("training:attendance", args=[own_session.pk, day]), {"present": [enrolment.pk]})
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_an_inactive_partner_organises_nothing(client: Client, partner_user: User, own_session: Session) -> None:
    PartnerOrganisation.objects.update(active=False)
    login(client, partner_user)
    home = client.get(reverse("training:organiser"))
    assert home.status_code == 200
    assert own_session.course.title not in home.content.decode()
    assert 'id="organiser-unlinked"' in home.content.decode()
    assert client.get(reverse("training:courses")).status_code == 403


def test_anonymous_is_sent_to_log_in(client: Client) -> None:
    session = SessionFactory()
    enrolment = EnrolmentFactory(session=session)
    urls = [
        reverse("training:sessions"),
        reverse("training:session", args=[session.pk]),
        reverse("training:mine"),
        reverse("training:rate", args=[enrolment.pk]),
        reverse("training:certificate_pdf", args=["JPC-AAAAA-AAAAA"]),
        reverse("training:organiser"),
        reverse("training:courses"),
        reverse("training:course_create"),
        reverse("training:ratings"),
        *organiser_urls(session),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login")), url
    for url in (reverse("training:enrol", args=[session.pk]), reverse("training:cancel", args=[enrolment.pk])):
        assert client.post(url).status_code == 302
    assert Course.objects.count() == 1


def test_the_verification_page_is_public(client: Client) -> None:
    assert client.get(reverse("training:certificate_verify", args=["JPC-AAAAA-AAAAA"])).status_code == 404


def test_changes_need_post(client: Client, agency_staff: User, participant: object) -> None:
    session = SessionFactory()
    login(client, agency_staff)
    for name in ("session_announce", "session_cancel", "enrol"):
        assert client.get(reverse(f"training:{name}", args=[session.pk])).status_code == 405
    session.refresh_from_db()
    assert session.status == SessionStatus.ANNOUNCED
    assert not Enrolment.objects.exists()
