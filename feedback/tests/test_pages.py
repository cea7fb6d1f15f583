"""The forum's pages: a participant posts, another supports, the kecamatan answers; bad input is refused with
everything typed kept; the list's filters and order live in the URL."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from feedback.choices import Status
from feedback.models import Answer, Moderation, Post, Support
from feedback.tests.factories import PostFactory
from geography.models import Kecamatan
from notifications.models import Message
from registration.models import Participant
from registration.tests.conftest import login

pytestmark = pytest.mark.django_db

TITLE = "Pelatihan sertifikasi halal"
BODY = "Mohon diadakan pelatihan sertifikasi halal gratis untuk usaha makanan rumahan."


def kecamatan(name: str) -> int:
    return Kecamatan.objects.get(name=name).pk


def form_data(**overrides: object) -> dict[str, object]:
    return {"category": "licensing", "kecamatan": kecamatan("Tebet"), "title": TITLE, "body": BODY, **overrides}


def test_a_participant_posts_another_supports_and_the_kecamatan_answers(
    client: Client, siti: Participant, budi: Participant, secretariat_tebet: User
) -> None:
    # Siti posts: the form offers her own kecamatan first
    login(client, siti.user)
    page = client.get(reverse("feedback:new"))
    assert page.context["form"]["kecamatan"].value() == siti.kecamatan_id
    response = client.post(reverse("feedback:new"), form_data(title=f"\u202e{TITLE}"))
    post = Post.objects.get()
    assert response.url == reverse("feedback:detail", args=[post.pk])
    assert (post.title, post.author, post.status) == (TITLE, siti, Status.OPEN)  # bidi controls stripped

    # Budi, of Gambir, finds it and supports it, then thinks again, then supports it again
    login(client, budi.user)
    assert post.pk in [p.pk for p in client.get(reverse("feedback:list")).context["page"].items]
    detail = reverse("feedback:detail", args=[post.pk])
    assert 'id="support-button"' in client.get(detail).content.decode()
    assert client.post(reverse("feedback:support", args=[post.pk])).url == detail
    assert 'id="withdraw-button"' in client.get(detail).content.decode()
    client.post(reverse("feedback:withdraw_support", args=[post.pk]))
    client.post(reverse("feedback:support", args=[post.pk]))
    post.refresh_from_db()
    assert post.supporters == 1 and Support.objects.get().user == budi.user

    # the Tebet secretariat answers: planned
    login(client, secretariat_tebet)
    assert 'id="answer-link"' in client.get(detail).content.decode()
    assert client.get(reverse("feedback:answer", args=[post.pk])).status_code == 200
    response = client.post(
        reverse("feedback:answer", args=[post.pk]), {"status": "planned", "body": "Kami jadwalkan bulan Mei."}
    )
    assert response.url == detail
    post.refresh_from_db()
    assert post.status == Status.PLANNED
    assert Message.objects.filter(recipient=siti.user, template="feedback_planned").exists()

    # Siti reads the answer, signed by the office
    login(client, siti.user)
    html = client.get(detail).content.decode()
    assert "Kami jadwalkan bulan Mei." in html and 'data-status="planned"' in html
    assert "Tebet" in html and secretariat_tebet.full_name not in html


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "Oke"}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"body": "   "}, "body"),
        ({"body": "Pendek."}, "body"),
        ({"body": "y" * 3001}, "body"),
        ({"category": "gossip"}, "category"),
        ({"category": ""}, "category"),
        ({"kecamatan": "999999"}, "kecamatan"),
        ({"kecamatan": "Tebet"}, "kecamatan"),
        ({"title": "Judul\x00NUL"}, "title"),
    ],
)
def test_a_bad_post_is_refused_and_nothing_typed_is_lost(
    client: Client, siti: Participant, overrides: dict[str, object], field: str
) -> None:
    login(client, siti.user)
    data = form_data(**overrides)
    response = client.post(reverse("feedback:new"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    for name in {"title", "body"} - {field}:
        assert form[name].value() == data[name]
    assert not Post.objects.exists()


def test_the_sixth_post_of_a_day_is_refused_on_the_form(client: Client, siti: Participant) -> None:
    PostFactory.create_batch(5, author=siti)
    login(client, siti.user)
    response = client.post(reverse("feedback:new"), form_data())
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert response.context["form"]["body"].value() == BODY
    assert Post.objects.count() == 5


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": "", "body": "Sudah."}, "status"),
        ({"status": "open", "body": "Sudah."}, "status"),
        ({"status": "done", "body": "   "}, "body"),
        ({"status": "done", "body": "z" * 3001}, "body"),
    ],
)
def test_a_bad_answer_is_refused_and_kept(
    client: Client, siti: Participant, agency_staff: User, data: dict[str, str], field: str
) -> None:
    post = PostFactory(author=siti)
    login(client, agency_staff)
    response = client.post(reverse("feedback:answer", args=[post.pk]), data)
    assert response.status_code == 400 and field in response.context["form"].errors
    if field == "status":
        assert response.context["form"]["body"].value() == data["body"]
    post.refresh_from_db()
    assert post.status == Status.OPEN and not Answer.objects.exists()


def test_hiding_needs_a_reason_then_shows_the_post_to_its_readers_no_more(
    client: Client, siti: Participant, budi: Participant, secretariat_tebet: User
) -> None:
    post = PostFactory(author=siti)
    url = reverse("feedback:moderate", args=[post.pk])
    login(client, secretariat_tebet)
    assert client.post(url, {"reason": "  "}).status_code == 400
    assert client.post(url, {"reason": "r" * 501}).status_code == 400
    post.refresh_from_db()
    assert not post.hidden and not Moderation.objects.exists()
    assert client.post(url, {"reason": "Berisi nomor telepon."}).status_code == 302
    post.refresh_from_db()
    assert post.hidden
    assert 'id="hidden-notice"' in client.get(reverse("feedback:detail", args=[post.pk])).content.decode()
    login(client, budi.user)
    assert client.get(reverse("feedback:detail", args=[post.pk])).status_code == 404
    login(client, secretariat_tebet)
    client.post(url, {"reason": "Nomor sudah dihapus."})
    post.refresh_from_db()
    assert not post.hidden and Moderation.objects.count() == 2
    login(client, budi.user)
    assert client.get(reverse("feedback:detail", args=[post.pk])).status_code == 200


def test_an_unknown_post_is_not_found(client: Client, budi: Participant) -> None:
    login(client, budi.user)
    assert client.get(reverse("feedback:detail", args=[987654])).status_code == 404
    assert client.post(reverse("feedback:support", args=[987654])).status_code == 404


def test_support_and_moderation_take_posts_only(client: Client, budi: Participant, siti: Participant) -> None:
    post = PostFactory(author=siti)
    login(client, budi.user)
    assert client.get(reverse("feedback:support", args=[post.pk])).status_code == 405
    assert client.get(reverse("feedback:withdraw_support", args=[post.pk])).status_code == 405


# --- the list --------------------------------------------------------------------------------------------------


@pytest.fixture
def forum(siti: Participant, budi: Participant) -> dict[str, Post]:
    now = timezone.now()
    return {
        "old_tebet": PostFactory(author=siti, created_at=now - datetime.timedelta(days=3), supporters=5),
        "tebet_capital": PostFactory(
            author=siti, category="capital", created_at=now - datetime.timedelta(days=2), supporters=1
        ),
        "gambir_done": PostFactory(
            author=budi, status=Status.DONE, answered_at=now, created_at=now - datetime.timedelta(days=1)
        ),
        "new_gambir": PostFactory(author=budi, created_at=now, supporters=3),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["new_gambir", "gambir_done", "tebet_capital", "old_tebet"]),
        ({"sort": "supported"}, ["old_tebet", "new_gambir", "tebet_capital", "gambir_done"]),
        ({"category": "capital"}, ["tebet_capital"]),
        ({"kecamatan": "Gambir"}, ["new_gambir", "gambir_done"]),
        ({"status": "done"}, ["gambir_done"]),
        ({"status": "open", "kecamatan": "Tebet", "sort": "supported"}, ["old_tebet", "tebet_capital"]),
        ({"mine": "on"}, ["tebet_capital", "old_tebet"]),
    ],
)
def test_the_list_filters_and_orders_from_the_url(
    client: Client, siti: Participant, forum: dict[str, Post], query: dict[str, str], expected: list[str]
) -> None:
    if "kecamatan" in query:
        query = {**query, "kecamatan": str(kecamatan(query["kecamatan"]))}
    login(client, siti.user)
    response = client.get(reverse("feedback:list"), query)
    assert response.status_code == 200
    names = {post.pk: name for name, post in forum.items()}
    assert [names[post.pk] for post in response.context["page"].items] == expected


def test_the_list_filters_by_the_year_posted(client: Client, siti: Participant, forum: dict[str, Post]) -> None:
    """In Jakarta time, as the dashboard's themes count a year's posts: a post of the year before is left out."""
    this_year = timezone.localdate().year
    older = PostFactory(author=siti, created_at=timezone.now() - datetime.timedelta(days=400))
    login(client, siti.user)
    listed = client.get(reverse("feedback:list"), {"year": this_year})
    assert listed.status_code == 200
    shown = {post.pk for post in listed.context["page"].items}
    this_years = {p.pk for p in forum.values() if timezone.localtime(p.created_at).year == this_year}
    assert older.pk not in shown and this_years <= shown
    before = client.get(reverse("feedback:list"), {"year": timezone.localtime(older.created_at).year})
    assert older.pk in {post.pk for post in before.context["page"].items}
    assert before.context["filters_used"] == 1


@pytest.mark.parametrize(
    "query",
    [
        {"category": "gossip"},
        {"kecamatan": "x"},
        {"kecamatan": "999999"},
        {"status": "x"},
        {"sort": "x"},
        {"year": "abc"},
        {"year": "9" * 30},
        {"year": "1999"},
    ],
)
def test_bad_filters_list_nothing(
    client: Client, siti: Participant, forum: dict[str, Post], query: dict[str, str]
) -> None:
    login(client, siti.user)
    response = client.get(reverse("feedback:list"), query)
    assert response.status_code == 400
    assert response.context["page"] is None and 'id="filter-errors"' in response.content.decode()


def test_pages_keep_the_filters(client: Client, siti: Participant, budi: Participant) -> None:
    PostFactory.create_batch(25, author=budi, category="capital")
    login(client, siti.user)
    first = client.get(reverse("feedback:list"), {"category": "capital", "sort": "supported"})
    assert len(first.context["page"].items) == 20 and first.context["page"].has_next
    assert "?category=capital&amp;sort=supported&amp;page=a2." in first.content.decode()  # next by keyset
    second = client.get(
        reverse("feedback:list"), {"category": "capital", "sort": "supported", "page": first.context["page"].next_link}
    )
    assert len(second.context["page"].items) == 5
    beyond = client.get(reverse("feedback:list"), {"page": "50"})
    assert beyond.status_code == 200 and 'id="no-posts"' in beyond.content.decode()


def test_the_secretariat_finds_what_waits_in_its_kecamatan(
    client: Client, secretariat_tebet: User, forum: dict[str, Post]
) -> None:
    login(client, secretariat_tebet)
    html = client.get(reverse("feedback:list")).content.decode()
    assert f'href="?kecamatan={secretariat_tebet.office_id}&amp;status=open"' in html
