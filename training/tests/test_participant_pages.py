"""The participant's pages: browse with filters, a session, enrol or wait, cancel, my trainings, rating."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from geography.models import Wilayah
from registration.choices import Sector, Status
from registration.models import Participant
from registration.tests.conftest import login
from registration.tests.factories import ParticipantFactory, RegistrationFactory
from training import services
from training.choices import EnrolmentStatus, SessionStatus, SkillType, Topic
from training.models import Enrolment, Rating, Session
from training.tests.factories import CourseFactory, EnrolmentFactory, SessionFactory, in_days

pytestmark = pytest.mark.django_db


def listed(client: Client, **params: Any) -> set[int]:
    response = client.get(reverse("training:sessions"), params)
    assert response.status_code == 200, response.content.decode()[:500]
    return {s.pk for s in response.context["page"].items}


def test_browse_shows_open_announced_sessions_only(client: Client, participant: Participant) -> None:
    open_one = SessionFactory()
    SessionFactory(status=SessionStatus.DRAFT)
    SessionFactory(status=SessionStatus.CANCELLED)
    SessionFactory(registration_deadline=timezone.now() - datetime.timedelta(minutes=1))
    login(client, participant.user)
    assert listed(client) == {open_one.pk}


def test_browse_filters(client: Client, participant: Participant) -> None:
    selatan = Wilayah.objects.get(name="Jakarta Selatan")
    timur = Wilayah.objects.get(name="Jakarta Timur")
    soap = SessionFactory(wilayah=selatan)
    marketing = SessionFactory(
        course=CourseFactory(skill_type=SkillType.SOFT, topic=Topic.DIGITAL_MARKETING, sector=""),
        is_online=True,
        wilayah=None,
        venue="",
        meeting_url="https://meet.example.id/umkm",
        starts_at=in_days(14),
        registration_deadline=in_days(12),
    )
    culinary = SessionFactory(
        course=CourseFactory(topic=Topic.CULINARY, sector=Sector.CULINARY),
        wilayah=timur,
        starts_at=in_days(3),
        registration_deadline=in_days(2),
    )
    login(client, participant.user)
    assert listed(client, skill="hard") == {soap.pk, culinary.pk}
    assert listed(client, skill="soft") == {marketing.pk}
    # a course for every sector shows under each sector
    assert listed(client, sector="culinary") == {culinary.pk, marketing.pk}
    assert listed(client, sector="crafts") == {soap.pk, marketing.pk}
    assert listed(client, wilayah=timur.pk) == {culinary.pk}
    assert listed(client, mode="online") == {marketing.pk}
    assert listed(client, mode="offline") == {soap.pk, culinary.pk}
    third = in_days(3).date()
    assert listed(client, date_from=third.isoformat(), date_to=third.isoformat()) == {culinary.pk}
    assert listed(client, date_from=in_days(10).date().isoformat()) == {marketing.pk}
    assert listed(client, skill="hard", wilayah=selatan.pk, mode="offline") == {soap.pk}


@pytest.mark.parametrize(
    "params",
    [
        {"skill": "juggling"},
        {"wilayah": "abc"},
        {"wilayah": "999999"},
        {"mode": "teleport"},
        {"date_from": "17-08-2045x"},
        {"date_from": "2030-05-10", "date_to": "2030-05-01"},
        {"date_to": "9999-12-31"},  # used to overflow: a 500
        {"date_from": "0001-01-01"},
        {"date_from": "2017-12-31"},
        {"date_to": "2101-01-01"},
    ],
)
def test_bad_filters_are_refused_with_a_message(
    client: Client, participant: Participant, params: dict[str, str]
) -> None:
    SessionFactory()
    login(client, participant.user)
    response = client.get(reverse("training:sessions"), params)
    assert response.status_code == 400
    assert response.context["filter"].form.errors
    assert response.context["page"].items == []


def test_filter_dates_from_2018_to_2100_are_taken(client: Client, participant: Participant) -> None:
    session = SessionFactory()
    login(client, participant.user)
    assert listed(client, date_from="2018-01-01", date_to="2100-12-31") == {session.pk}


def test_a_verified_participant_enrols_from_the_session_page(client: Client, participant: Participant) -> None:
    session = SessionFactory(capacity=3)
    login(client, participant.user)
    page = client.get(reverse("training:session", args=[session.pk]))
    assert 'id="enrol-form"' in page.content.decode()
    response = client.post(reverse("training:enrol", args=[session.pk]))
    assert response.status_code == 302
    enrolment = Enrolment.objects.get()
    assert (enrolment.participant, enrolment.status) == (participant, EnrolmentStatus.ENROLLED)
    page = client.get(reverse("training:session", args=[session.pk]))
    html = page.content.decode()
    assert 'data-status="enrolled"' in html and 'id="cancel-form"' in html


def test_a_full_session_offers_the_waitlist(client: Client, participant: Participant) -> None:
    session = SessionFactory(capacity=1)
    EnrolmentFactory(session=session)
    login(client, participant.user)
    html = client.get(reverse("training:session", args=[session.pk])).content.decode()
    assert 'id="waitlist-form"' in html and 'id="enrol-form"' not in html
    # a plain enrol on a full session is refused with the reason, and nothing changes
    response = client.post(reverse("training:enrol", args=[session.pk]), follow=True)
    assert not Enrolment.objects.filter(participant=participant).exists()
    assert any("full" in str(m) or "penuh" in str(m) for m in response.context["messages"])
    client.post(reverse("training:enrol", args=[session.pk]), {"join_waitlist": "1"})
    assert Enrolment.objects.get(participant=participant).status == EnrolmentStatus.WAITLISTED


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.NEEDS_FIX, Status.REJECTED, None])
def test_an_unverified_person_cannot_enrol(client: Client, entrepreneur: User, status: str | None) -> None:
    if status is not None:
        RegistrationFactory(participant=ParticipantFactory(user=entrepreneur), status=status)
    session = SessionFactory()
    login(client, entrepreneur)
    html = client.get(reverse("training:session", args=[session.pk])).content.decode()
    assert 'id="enrol-form"' not in html
    response = client.post(reverse("training:enrol", args=[session.pk]))
    assert response.status_code == 302
    assert not Enrolment.objects.exists()
    session.refresh_from_db()
    assert session.enrolled_count == 0


def test_a_draft_session_is_not_found_by_participants(client: Client, participant: Participant) -> None:
    draft = SessionFactory(status=SessionStatus.DRAFT)
    login(client, participant.user)
    assert client.get(reverse("training:session", args=[draft.pk])).status_code == 404
    assert client.post(reverse("training:enrol", args=[draft.pk])).status_code == 404
    assert not Enrolment.objects.exists()


def test_the_meeting_link_is_shown_only_to_those_enrolled(client: Client, participant: Participant) -> None:
    session = SessionFactory(is_online=True, wilayah=None, venue="", meeting_url="https://meet.example.id/rahasia")
    login(client, participant.user)
    assert "meet.example.id/rahasia" not in client.get(reverse("training:session", args=[session.pk])).content.decode()
    client.post(reverse("training:enrol", args=[session.pk]))
    assert "meet.example.id/rahasia" in client.get(reverse("training:session", args=[session.pk])).content.decode()


def test_cancel_from_my_trainings(client: Client, participant: Participant) -> None:
    enrolment = EnrolmentFactory(participant=participant)
    login(client, participant.user)
    assert client.get(reverse("training:mine")).context["rows"][0]["can_cancel"]
    client.post(reverse("training:cancel", args=[enrolment.pk]))
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CANCELLED


def test_nobody_cancels_someone_elses_enrolment(
    client: Client, participant: Participant, other_entrepreneur: User
) -> None:
    enrolment = EnrolmentFactory(participant=participant)
    login(client, other_entrepreneur)
    assert client.post(reverse("training:cancel", args=[enrolment.pk])).status_code == 404
    assert client.get(reverse("training:rate", args=[enrolment.pk])).status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENROLLED


def test_my_trainings_lists_only_mine(client: Client, participant: Participant) -> None:
    mine = EnrolmentFactory(participant=participant)
    EnrolmentFactory()
    login(client, participant.user)
    response = client.get(reverse("training:mine"))
    assert [r["enrolment"].pk for r in response.context["rows"]] == [mine.pk]


def ended(enrolment: Enrolment) -> None:
    start = timezone.now() - datetime.timedelta(days=2)
    Session.objects.filter(pk=enrolment.session_id).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=6), registration_deadline=start
    )
    enrolment.session.refresh_from_db()


def attended(enrolment: Enrolment, *, present: bool = True) -> None:
    """The organiser marks the enrolment present (or absent) on the session's first day."""
    services.attendance_record(
        session=enrolment.session,
        day=enrolment.session.days[0],
        present=[enrolment.pk] if present else [],
        acting_user=UserFactory(role=Role.AGENCY),
    )


def test_rating_after_the_session_once(client: Client, participant: Participant) -> None:
    # two days, all needed: present on one, the participant did not complete but took part
    enrolment = EnrolmentFactory(participant=participant, session__course__completion_threshold=100)
    login(client, participant.user)
    # not before the session
    response = client.post(reverse("training:rate", args=[enrolment.pk]), {"score": "5"})
    assert response.status_code == 302 and not Rating.objects.exists()
    start = timezone.now() - datetime.timedelta(days=3)
    Session.objects.filter(pk=enrolment.session_id).update(
        starts_at=start, ends_at=start + datetime.timedelta(days=1), registration_deadline=start
    )
    enrolment.session.refresh_from_db()
    attended(enrolment)
    assert Enrolment.objects.get(pk=enrolment.pk).status == EnrolmentStatus.ENROLLED
    assert client.get(reverse("training:mine")).context["rows"][0]["can_rate"]
    response = client.post(
        reverse("training:rate", args=[enrolment.pk]), {"score": "4", "comment": "  Sangat berguna  "}
    )
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.enrolment_id, rating.score, rating.comment) == (enrolment.pk, 4, "Sangat berguna")
    client.post(reverse("training:rate", args=[enrolment.pk]), {"score": "1"})
    assert Rating.objects.get().score == 4


def test_a_no_show_cannot_rate(client: Client, participant: Participant) -> None:
    """Enrolled but marked absent (or never marked): nothing to rate."""
    enrolment = EnrolmentFactory(participant=participant)
    ended(enrolment)
    attended(enrolment, present=False)
    login(client, participant.user)
    assert not client.get(reverse("training:mine")).context["rows"][0]["can_rate"]
    assert client.get(reverse("training:rate", args=[enrolment.pk])).status_code == 302
    response = client.post(reverse("training:rate", args=[enrolment.pk]), {"score": "5"})
    assert response.status_code == 302
    assert not Rating.objects.exists()
    with pytest.raises(ValidationError) as exc:
        services.rating_submit(enrolment=enrolment, score=5, comment="", acting_user=participant.user)
    assert exc.value.code == "cannot_rate"
    assert not Rating.objects.exists()


def test_a_completed_enrolment_can_be_rated_before_the_session_ends(client: Client, participant: Participant) -> None:
    enrolment = EnrolmentFactory(participant=participant)
    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(0, 5)))
    Session.objects.filter(pk=enrolment.session_id).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=23), registration_deadline=start
    )
    enrolment.session.refresh_from_db()
    attended(enrolment)
    assert Enrolment.objects.get(pk=enrolment.pk).status == EnrolmentStatus.COMPLETED
    login(client, participant.user)
    client.post(reverse("training:rate", args=[enrolment.pk]), {"score": "5"})
    assert Rating.objects.get().enrolment_id == enrolment.pk


@pytest.mark.parametrize("score", ["0", "6", "-1", "lima", ""])
def test_a_rating_is_one_to_five(client: Client, participant: Participant, score: str) -> None:
    enrolment = EnrolmentFactory(participant=participant)
    ended(enrolment)
    attended(enrolment)
    login(client, participant.user)
    response = client.post(reverse("training:rate", args=[enrolment.pk]), {"score": score})
    assert response.status_code == 400
    assert response.context["form"].errors["score"]
    assert not Rating.objects.exists()


def test_a_waitlisted_or_cancelled_enrolment_cannot_be_rated(client: Client, participant: Participant) -> None:
    enrolment = EnrolmentFactory(participant=participant, status=EnrolmentStatus.WAITLISTED)
    ended(enrolment)
    login(client, participant.user)
    client.post(reverse("training:rate", args=[enrolment.pk]), {"score": "5"})
    assert not Rating.objects.exists()


@pytest.mark.parametrize("who", ["agency_staff", "mentor_tebet", "partner_user"])
def test_staff_may_browse_but_not_enrol(client: Client, request: pytest.FixtureRequest, who: str) -> None:
    session = SessionFactory()
    login(client, request.getfixturevalue(who))
    assert listed(client) == {session.pk}
    html = client.get(reverse("training:session", args=[session.pk])).content.decode()
    assert 'id="enrol-form"' not in html
    client.post(reverse("training:enrol", args=[session.pk]))
    assert not Enrolment.objects.exists()
