"""Who may post, support, answer and moderate, and who reads which post: the predicates, and the pages that ask
them (a refused write changes nothing; a post a reader may not see is a 404, as if absent)."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from feedback import permissions
from feedback.choices import Status
from feedback.models import Answer, Moderation, Post, Support
from feedback.tests.factories import PostFactory, hidden_post
from registration.models import Participant
from registration.selectors import participant_of
from registration.tests.conftest import login

pytestmark = pytest.mark.django_db

POST = {"category": "licensing", "title": "Pelatihan halal", "body": "Mohon pelatihan sertifikasi halal gratis."}


@pytest.fixture
def post(siti: Participant) -> Post:
    """Siti's post about Tebet."""
    return PostFactory(author=siti)


def who(request: pytest.FixtureRequest, name: str) -> User:
    user = request.getfixturevalue(name)
    return user if isinstance(user, User) else user.user


# --- posting ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("siti", ""),
        ("waiting", "not_verified"),
        ("other_entrepreneur", "not_verified"),  # an account that has not registered as a participant
        ("mentor_tebet", "not_participant"),
        ("secretariat_tebet", "not_participant"),
        ("agency_staff", "not_participant"),
        ("partner_user", "not_member"),
    ],
)
def test_only_a_verified_participant_posts(request: pytest.FixtureRequest, name: str, code: str) -> None:
    user = who(request, name)
    decision = permissions.can_post(user, participant_of(user))
    assert (decision.ok, decision.code) == (not code, code)


def test_a_waiting_participant_reads_and_is_told_why_they_cannot_post(client: Client, waiting: Participant) -> None:
    login(client, waiting.user)
    listed = client.get(reverse("feedback:list"))
    assert listed.status_code == 200
    html = listed.content.decode()
    assert 'id="not-verified"' in html and 'id="new-post"' not in html
    page = client.get(reverse("feedback:new"))
    assert page.status_code == 200 and 'id="post-form"' not in page.content.decode()
    assert client.post(reverse("feedback:new"), {**POST, "kecamatan": waiting.kecamatan_id}).status_code == 403
    assert not Post.objects.exists()


@pytest.mark.parametrize("name", ["mentor_tebet", "secretariat_tebet", "agency_staff"])
def test_staff_do_not_post(client: Client, request: pytest.FixtureRequest, name: str, siti: Participant) -> None:
    login(client, who(request, name))
    assert client.get(reverse("feedback:new")).status_code == 403
    assert client.post(reverse("feedback:new"), {**POST, "kecamatan": siti.kecamatan_id}).status_code == 403
    assert not Post.objects.exists()


def test_the_forum_is_not_public_nor_for_partners(client: Client, partner_user: User, post: Post) -> None:
    for url in (reverse("feedback:list"), reverse("feedback:detail", args=[post.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    login(client, partner_user)
    assert client.get(reverse("feedback:list")).status_code == 403
    assert client.get(reverse("feedback:detail", args=[post.pk])).status_code == 403


# --- support ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("budi", ""),
        ("siti", "own_post"),
        ("waiting", "not_verified"),
        ("mentor_tebet", "not_participant"),
        ("agency_staff", "not_participant"),
    ],
)
def test_who_supports_a_post(request: pytest.FixtureRequest, post: Post, name: str, code: str) -> None:
    user = who(request, name)
    decision = permissions.can_support(user, participant_of(user), post)
    assert (decision.ok, decision.code) == (not code, code)


def test_a_hidden_or_done_post_is_not_supported(budi: Participant, agency_staff: User) -> None:
    hidden = hidden_post(agency_staff)
    done = PostFactory(status=Status.DONE, answered_at=hidden.created_at)
    person = participant_of(budi.user)
    assert permissions.can_support(budi.user, person, hidden).code == "hidden"
    assert permissions.can_support(budi.user, person, done).code == "done"


def test_the_author_cannot_support_their_own_post_on_the_page(client: Client, siti: Participant, post: Post) -> None:
    login(client, siti.user)
    html = client.get(reverse("feedback:detail", args=[post.pk])).content.decode()
    assert 'id="support-button"' not in html and 'id="support-reason"' in html
    assert client.post(reverse("feedback:support", args=[post.pk])).status_code == 403
    assert not Support.objects.exists()


def test_staff_cannot_support(client: Client, secretariat_tebet: User, post: Post) -> None:
    login(client, secretariat_tebet)
    assert client.post(reverse("feedback:support", args=[post.pk])).status_code == 403
    assert not Support.objects.exists()


# --- answering and moderating ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("agency_staff", ""),
        ("secretariat_tebet", ""),
        ("secretariat_gambir", "not_allowed"),  # another kecamatan's secretariat
        ("mentor_tebet", "mentor"),  # mentors read; the office answers
        ("budi", "not_allowed"),
        ("siti", "not_allowed"),  # the author neither
    ],
)
def test_who_answers_and_moderates_a_post(request: pytest.FixtureRequest, post: Post, name: str, code: str) -> None:
    user = who(request, name)
    for decision in (permissions.can_answer(user, post), permissions.can_moderate(user, post)):
        assert (decision.ok, decision.code) == (not code, code)


def test_a_hidden_post_is_shown_again_before_it_is_answered(secretariat_tebet: User, siti: Participant) -> None:
    post = hidden_post(secretariat_tebet, author=siti)
    assert permissions.can_answer(secretariat_tebet, post).code == "hidden"
    assert permissions.can_moderate(secretariat_tebet, post)


@pytest.mark.parametrize("name", ["secretariat_gambir", "mentor_tebet", "budi"])
def test_others_cannot_answer_or_hide_on_the_pages(
    client: Client, request: pytest.FixtureRequest, post: Post, name: str
) -> None:
    login(client, who(request, name))
    for view, data in (
        ("feedback:answer", {"status": "done", "body": "Sudah."}),
        ("feedback:moderate", {"reason": "x"}),
    ):
        url = reverse(view, args=[post.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    post.refresh_from_db()
    assert (post.status, post.hidden) == (Status.OPEN, False)
    assert not Answer.objects.exists() and not Moderation.objects.exists()


def test_a_mentor_reads_a_post_and_is_told_who_answers(client: Client, mentor_tebet: User, post: Post) -> None:
    login(client, mentor_tebet)
    html = client.get(reverse("feedback:detail", args=[post.pk])).content.decode()
    assert 'id="mentor-note"' in html and 'id="answer-link"' not in html and 'id="moderate-link"' not in html


# --- who reads a hidden post -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "sees"),
    [
        ("siti", True),  # its author, with the reason
        ("agency_staff", True),
        ("secretariat_tebet", True),  # its kecamatan's moderators
        ("secretariat_gambir", False),
        ("mentor_tebet", False),
        ("budi", False),  # another participant
    ],
)
def test_who_opens_a_hidden_post(
    client: Client, request: pytest.FixtureRequest, siti: Participant, agency_staff: User, name: str, sees: bool
) -> None:
    post = hidden_post(agency_staff, author=siti)
    login(client, who(request, name))
    response = client.get(reverse("feedback:detail", args=[post.pk]))
    assert response.status_code == (200 if sees else 404)
    if sees:
        html = response.content.decode()
        assert post.hidden_reason in html
        assert ('id="ask-office"' in html) == (name == "siti")  # the author is told where to turn
    listed = client.get(reverse("feedback:list"))
    assert post.pk not in [p.pk for p in listed.context["page"].items]  # the forum lists shown posts


def test_a_participant_cannot_act_on_a_hidden_post(client: Client, budi: Participant, agency_staff: User) -> None:
    post = hidden_post(agency_staff)
    login(client, budi.user)
    assert client.post(reverse("feedback:support", args=[post.pk])).status_code == 404
    assert not Support.objects.exists()


def test_moderators_list_the_hidden_posts_they_moderate(
    client: Client, secretariat_tebet: User, secretariat_gambir: User, agency_staff: User, siti: Participant
) -> None:
    tebet = hidden_post(agency_staff, author=siti)
    elsewhere = hidden_post(agency_staff, kecamatan=secretariat_gambir.office, author=siti)

    def hidden_listed(user: User) -> set[int]:
        login(client, user)
        return {p.pk for p in client.get(reverse("feedback:list"), {"shown": "hidden"}).context["page"].items}

    assert hidden_listed(agency_staff) == {tebet.pk, elsewhere.pk}
    assert hidden_listed(secretariat_tebet) == {tebet.pk}
    assert hidden_listed(secretariat_gambir) == {elsewhere.pk}


def test_a_participant_has_no_hidden_filter_but_finds_their_own_hidden_posts(
    client: Client, siti: Participant, budi: Participant, agency_staff: User
) -> None:
    own = hidden_post(agency_staff, author=siti)
    hidden_post(agency_staff, author=budi)
    shown = PostFactory(author=siti)
    login(client, siti.user)
    response = client.get(reverse("feedback:list"), {"shown": "hidden"})  # not a field of theirs: ignored
    assert "shown" not in response.context["form"].fields
    assert [p.pk for p in response.context["page"].items] == [shown.pk]
    mine = client.get(reverse("feedback:list"), {"mine": "on"}).context["page"].items
    assert {p.pk for p in mine} == {own.pk, shown.pk}


def test_readers_of_every_role_open_a_shown_post(
    client: Client, request: pytest.FixtureRequest, post: Post, waiting: Participant
) -> None:
    names: list[Any] = ["budi", "mentor_gambir", "secretariat_gambir", "agency_staff", "other_entrepreneur"]
    for user in [*(who(request, name) for name in names), waiting.user]:
        login(client, user)
        assert client.get(reverse("feedback:detail", args=[post.pk])).status_code == 200
