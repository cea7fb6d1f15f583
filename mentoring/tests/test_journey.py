"""P3 in the participant's journey: no mentor yet, or in progress with the next shared follow-up."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from mentoring.journey import MentoringStep, mentoring_link
from mentoring.tests.factories import FollowUpFactory, VisitFactory, verified_participant
from registration.journey import State
from registration.models import Participant
from registration.selectors import participant_detail
from registration.tests.conftest import login
from registration.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def p3(client: Client) -> Any:
    return next(s for s in client.get(reverse("home")).context["steps"] if s.code == "P3")


def test_no_mentor_yet_is_not_started(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    assert p3(client).status.state == State.NOT_STARTED
    verified_participant("Tebet", user=entrepreneur)
    step = p3(client)
    assert step.status.state == State.NOT_STARTED and not step.status.url


def test_a_mentor_and_the_next_shared_follow_up(
    client: Client, entrepreneur: User, mentor_tebet: User, siti: Participant
) -> None:
    login(client, entrepreneur)
    step = p3(client)
    assert step.status.state == State.IN_PROGRESS
    assert mentor_tebet.full_name in str(step.status.summary)
    assert step.status.url == reverse("mentoring:my_mentor")

    soon = timezone.localdate() + datetime.timedelta(days=2)
    FollowUpFactory(visit=VisitFactory(participant=siti, shared=False), what="Rahasia", due_date=soon)
    FollowUpFactory(visit=VisitFactory(participant=siti, shared=True), what="Foto produk", due_date=soon)
    FollowUpFactory(
        visit=VisitFactory(participant=siti, shared=True), what="Nanti", due_date=soon.replace(year=soon.year + 1)
    )
    summary = str(p3(client).status.summary)
    assert "Foto produk" in summary and "Rahasia" not in summary and "Nanti" not in summary


def test_the_step_runs_one_query(entrepreneur: User, siti: Participant, django_assert_num_queries: Any) -> None:
    FollowUpFactory.create_batch(5, visit=VisitFactory(participant=siti, shared=True))
    with django_assert_num_queries(1):
        MentoringStep().status(entrepreneur)


def test_the_participant_home_stays_within_its_query_budget(
    client: Client, entrepreneur: User, siti: Participant, django_assert_max_num_queries: Any
) -> None:
    FollowUpFactory.create_batch(3, visit=VisitFactory(participant=siti, shared=True))
    login(client, entrepreneur)
    with django_assert_max_num_queries(10):  # the licence wallet, P5, the cash card, P6 and P7 one each
        assert client.get(reverse("home")).status_code == 200


def test_my_mentor_page_runs_a_fixed_number_of_queries(
    client: Client, entrepreneur: User, siti: Participant, django_assert_max_num_queries: Any
) -> None:
    for _ in range(12):
        FollowUpFactory.create_batch(2, visit=VisitFactory(participant=siti, shared=True))
    login(client, entrepreneur)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("mentoring:my_mentor"))
    assert len(response.context["page"].items) == 10


# --- the link on the participant's registration page ------------------------------------------------------------


def test_the_mentoring_link_shows_only_once_the_participant_is_verified(
    client: Client, mentor_tebet: User, django_assert_num_queries: Any
) -> None:
    submitted = RegistrationFactory().participant
    verified = verified_participant("Tebet")
    login(client, mentor_tebet)
    for participant, shown in ((submitted, False), (verified, True)):
        mentoring_url = reverse("mentoring:participant", args=[participant.pk])
        html = client.get(reverse("registration:participant", args=[participant.pk])).content.decode()
        assert (mentoring_url in html) is shown
        assert client.get(mentoring_url).status_code == (200 if shown else 404)
        loaded = participant_detail(mentor_tebet).get(pk=participant.pk)
        with django_assert_num_queries(0):
            assert (mentoring_link(mentor_tebet, loaded) is not None) is shown
