"""A post names its author by first name and kecamatan only, everywhere: the list, the post, the staff's answer
and moderation pages, the author's messages and the admin. Never the full name, the NIK or a contact."""

import pytest
from django.db.models import Value
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from feedback import services
from feedback.models import FirstName, Post
from feedback.tests.factories import PostFactory
from mentoring.tests.factories import verified_participant
from notifications.models import Message
from notifications.rendering import render_message
from registration.models import Participant
from registration.tests.conftest import login

pytestmark = pytest.mark.django_db

NIK = "3174015708900077"


@pytest.fixture
def author() -> Participant:
    """A participant whose name is written as on the KTP, in capitals, with a phone and an email."""
    user = UserFactory(full_name="SITI RAHAYU KUSUMAWATI", email="siti.k@example.id", phone="+6281299900077")
    return verified_participant("Tebet", user=user, nik=NIK, phone="+6281299900077", email="siti.k@example.id")


@pytest.fixture
def post(author: Participant) -> Post:
    return PostFactory(author=author, title="Butuh tempat jualan di Tebet")


def assert_first_name_only(html: str) -> None:
    assert ">Siti<" in html
    for secret in ("rahayu", "kusumawati", NIK, "8129990007", "siti.k@"):
        assert secret not in html.lower(), secret


@pytest.mark.parametrize(
    ("full_name", "shown"),
    [
        ("SITI RAHAYU", "Siti"),
        ("  dewi   lestari ", "Dewi"),
        ("Sukarno", "Sukarno"),
        ("nur'aini putri", "Nur'Aini"),
        ("M. Rizky Pratama", "M."),
        ("", ""),
    ],
)
def test_the_first_name_is_the_first_word_written_as_a_name(full_name: str, shown: str) -> None:
    UserFactory()
    assert User.objects.annotate(name=FirstName(Value(full_name))).values_list("name", flat=True).first() == shown


def test_readers_see_the_first_name_and_the_kecamatan_only(
    client: Client, post: Post, budi: Participant, mentor_gambir: User
) -> None:
    for reader in (budi.user, mentor_gambir):
        login(client, reader)
        for url in (reverse("feedback:list"), reverse("feedback:detail", args=[post.pk])):
            html = client.get(url).content.decode()
            assert_first_name_only(html)
            assert "Tebet" in html


def test_staff_pages_show_the_first_name_only(
    client: Client, post: Post, secretariat_tebet: User, agency_staff: User
) -> None:
    login(client, secretariat_tebet)
    for view in ("feedback:detail", "feedback:answer", "feedback:moderate"):
        assert_first_name_only(client.get(reverse(view, args=[post.pk])).content.decode())
    client.post(reverse("feedback:moderate", args=[post.pk]), {"reason": "Iklan."})
    login(client, agency_staff)
    assert_first_name_only(client.get(reverse("feedback:list"), {"shown": "hidden"}).content.decode())
    assert_first_name_only(client.get(reverse("admin:feedback_post_changelist")).content.decode())
    assert_first_name_only(client.get(reverse("admin:feedback_post_change", args=[post.pk])).content.decode())


def test_the_authors_messages_greet_them_by_first_name(post: Post, agency_staff: User) -> None:
    services.post_answer(post=post, body="Kami catat.", status="answered", acting_user=agency_staff)
    services.post_hide(post=post, reason="Iklan.", acting_user=agency_staff)
    services.post_unhide(post=post, reason="Salah hapus.", acting_user=agency_staff)
    sent = list(Message.objects.filter(template__startswith="feedback_"))
    assert {m.template for m in sent} == {"feedback_answered", "feedback_hidden", "feedback_shown"}
    services.post_answer(post=post, body="Selesai.", status="done", acting_user=agency_staff)
    sent = list(Message.objects.filter(template__startswith="feedback_"))
    for message in sent:
        assert message.context["first_name"] == "Siti"
        for language in ("id", "en"):
            message.language = language
            rendered = render_message(message)
            text = f"{rendered.subject} {rendered.body}".lower()
            assert "siti" in text and "rahayu" not in text and NIK not in text


def test_a_post_page_never_loads_the_authors_row(client: Client, post: Post, budi: Participant) -> None:
    """The first name comes from the database: the post's query selects no column of the author but that."""
    login(client, budi.user)
    response = client.get(reverse("feedback:detail", args=[post.pk]))
    shown = response.context["post"]
    assert shown.author_name == "Siti"
    assert "author" not in shown._state.fields_cache
