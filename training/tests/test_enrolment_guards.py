"""Refused before enrolment, with the reason: a session of a course for the other track, or of a course the
participant completed already (refused, not warned). The session page says why instead of offering the button;
the service refuses the same with the same code. A session card shows one badge for one state; the filters are
usable on a phone."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from registration.choices import Track
from registration.models import Participant
from registration.tests.conftest import login
from training import permissions, selectors, services
from training.choices import EnrolmentStatus, TrackFit
from training.models import Enrolment
from training.tests.factories import CourseFactory, EnrolmentFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_the_other_track_is_refused_with_the_reason(participant: Participant, entrepreneur: User) -> None:
    assert participant.track == Track.PEMULA
    session = SessionFactory(course=CourseFactory(track_fit=TrackFit.NAIK_KELAS))
    decision = permissions.can_enrol(entrepreneur, session, participant=participant)
    assert not decision and decision.code == "other_track"
    assert "Wirausaha Naik Kelas" in str(decision.reason) and "Wirausaha Pemula" in str(decision.reason)
    with pytest.raises(ValidationError) as refused:
        services.enrolment_enrol(session=session, participant=participant, acting_user=entrepreneur)
    assert refused.value.code == "other_track"
    assert not Enrolment.objects.filter(session=session).exists()


@pytest.mark.parametrize("fit", [TrackFit.PEMULA, TrackFit.BOTH])
def test_a_course_for_the_track_is_allowed(participant: Participant, entrepreneur: User, fit: str) -> None:
    session = SessionFactory(course=CourseFactory(track_fit=fit))
    assert permissions.can_enrol(entrepreneur, session, participant=participant)


def test_a_completed_course_is_refused_in_another_session(participant: Participant, entrepreneur: User) -> None:
    course = CourseFactory(title="Membuat Sabun Cair Dasar")
    EnrolmentFactory(session=SessionFactory(course=course), participant=participant, status=EnrolmentStatus.COMPLETED)
    again = SessionFactory(course=course)
    decision = permissions.can_enrol(entrepreneur, again, participant=participant)
    assert not decision and decision.code == "already_completed"
    assert "Membuat Sabun Cair Dasar" in str(decision.reason)
    # the page's annotated session answers the same, without a query of its own
    loaded = selectors.visible_sessions(participant=participant).get(pk=again.pk)
    assert permissions.can_enrol(entrepreneur, loaded, participant=participant).code == "already_completed"
    with pytest.raises(ValidationError) as refused:
        services.enrolment_enrol(session=again, participant=participant, acting_user=entrepreneur)
    assert refused.value.code == "already_completed"
    # a cancelled or unfinished enrolment in the course is no reason
    other = SessionFactory()
    EnrolmentFactory(session=SessionFactory(course=other.course), participant=participant)
    assert permissions.can_enrol(entrepreneur, other, participant=participant)


@pytest.mark.parametrize("case", ["other_track", "already_completed"])
def test_the_session_page_says_why_instead_of_the_button(
    client: Client, participant: Participant, entrepreneur: User, case: str
) -> None:
    if case == "other_track":
        session = SessionFactory(course=CourseFactory(track_fit=TrackFit.NAIK_KELAS))
    else:
        session = SessionFactory()
        done = SessionFactory(course=session.course)
        EnrolmentFactory(session=done, participant=participant, status=EnrolmentStatus.COMPLETED)
    login(client, entrepreneur)
    html = client.get(reverse("training:session", args=[session.pk])).content.decode()
    assert f'id="enrol-refused" data-code="{case}"' in html
    assert 'id="enrol-form"' not in html and 'id="waitlist-form"' not in html
    response = client.post(reverse("training:enrol", args=[session.pk]), follow=True)
    assert not Enrolment.objects.filter(session=session, participant=participant).exists()
    assert (
        str(permissions.can_enrol(entrepreneur, session, participant=participant).reason) in response.content.decode()
    )


def test_a_full_session_i_wait_for_shows_one_badge(
    client: Client, participant: Participant, entrepreneur: User
) -> None:
    session = SessionFactory(capacity=1)
    EnrolmentFactory(session=session)
    EnrolmentFactory(session=session, participant=participant, status=EnrolmentStatus.WAITLISTED)
    login(client, entrepreneur)
    html = client.get(reverse("training:sessions")).content.decode()
    card = html[html.index(f'data-session="{session.pk}"') :]
    card = card[: card.index("</div></div></div>")]
    assert card.count('data-status="waitlisted"') == 1
    assert "data-seats" not in card  # not "Full: waitlist open" beside "On the waitlist"


def test_the_filters_fold_away_on_a_phone_and_have_big_targets(client: Client, participant: Participant) -> None:
    login(client, participant.user)
    html = client.get(reverse("training:sessions")).content.decode()
    assert 'id="filter-toggle"' in html and 'data-bs-target="#filter-form"' in html
    assert 'class="collapse d-md-block card' in html  # folded on a phone, always open from md up
    assert "form-select-lg" in html and "form-control-lg" in html
    assert "col-12 col-sm-6" in html  # stacked on a phone
    # a filter in use keeps the form open, and the toggle says how many
    html = client.get(reverse("training:sessions"), {"skill": "soft"}).content.decode()
    assert 'class="collapse d-md-block show card' in html and 'aria-expanded="true"' in html
