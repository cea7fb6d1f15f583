"""Every forum page runs a fixed number of queries, whatever the number of posts, supports and answers: pinned
after making sixty posts with their supports and answers (an N+1 fails these)."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from feedback.choices import Status
from feedback.models import Post
from feedback.tests.factories import AnswerFactory, ModerationFactory, PostFactory, SupportFactory
from mentoring.tests.factories import verified_participant
from registration.models import Participant
from registration.tests.conftest import login

pytestmark = pytest.mark.django_db

POSTS = 60


@pytest.fixture
def busy(siti: Participant, budi: Participant, agency_staff: User, secretariat_tebet: User) -> Post:
    """Sixty posts of twenty authors in two kecamatan, each with supports and two answers; Siti supports some.
    Returns one post with many of everything."""
    authors = [verified_participant("Tebet" if n % 2 else "Gambir", nik=f"31740157089{n:05d}") for n in range(20)]
    posts = [PostFactory(author=authors[n % 20], supporters=n % 7) for n in range(POSTS)]
    for n, post in enumerate(posts):
        SupportFactory(post=post, user=authors[(n + 1) % 20].user)
        if n % 3 == 0:
            SupportFactory(post=post, user=siti.user)
        AnswerFactory(post=post, author=agency_staff, status=Status.ANSWERED)
        AnswerFactory(post=post, author=secretariat_tebet, office=secretariat_tebet.office, status=Status.PLANNED)
    target = posts[-1]
    for _n in range(10):
        AnswerFactory(post=target, author=agency_staff)
        ModerationFactory(post=target, moderator=agency_staff)
    return target


@pytest.mark.parametrize("query", [{}, {"sort": "supported"}, {"category": "licensing", "status": "open"}])
def test_the_list_for_a_participant(
    client: Client, siti: Participant, busy: Post, query: dict[str, str], django_assert_num_queries: Any
) -> None:
    login(client, siti.user)
    # session, user, the participant (may they post?), the kecamatan of the filter, the page of posts
    with django_assert_num_queries(5):
        response = client.get(reverse("feedback:list"), query)
    assert response.status_code == 200


def test_the_list_for_staff(client: Client, agency_staff: User, busy: Post, django_assert_num_queries: Any) -> None:
    login(client, agency_staff)
    with django_assert_num_queries(4):  # session, user, the kecamatan of the filter, the page of posts
        response = client.get(reverse("feedback:list"))
    assert len(response.context["page"].items) == 20


def test_a_post_for_a_participant(
    client: Client, budi: Participant, busy: Post, django_assert_num_queries: Any
) -> None:
    login(client, budi.user)
    with django_assert_num_queries(5):  # session, user, the post, its answers, the participant (may they support?)
        response = client.get(reverse("feedback:detail", args=[busy.pk]))
    assert len(response.context["answers"]) == 12


def test_a_post_for_a_moderator(
    client: Client, agency_staff: User, busy: Post, django_assert_num_queries: Any
) -> None:
    login(client, agency_staff)
    with django_assert_num_queries(5):  # session, user, the post, its answers, its moderations
        response = client.get(reverse("feedback:detail", args=[busy.pk]))
    assert len(response.context["moderations"]) == 10


@pytest.mark.parametrize(("view", "queries"), [("feedback:answer", 4), ("feedback:moderate", 4)])
def test_the_staff_forms(
    client: Client, agency_staff: User, busy: Post, view: str, queries: int, django_assert_num_queries: Any
) -> None:
    login(client, agency_staff)
    with django_assert_num_queries(queries):  # session, user, the post, its answers or its moderations
        assert client.get(reverse(view, args=[busy.pk])).status_code == 200


def test_the_post_form(client: Client, siti: Participant, busy: Post, django_assert_num_queries: Any) -> None:
    login(client, siti.user)
    with django_assert_num_queries(4):  # session, user, the participant, the kecamatan
        assert client.get(reverse("feedback:new")).status_code == 200
