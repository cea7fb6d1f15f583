"""The forum's writes: what they store, what they refuse (changing nothing), the messages they queue to the
author, and the trail they leave."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from accounts.models import User
from core import audit
from core.decisions import Refused
from feedback import services, validators
from feedback.choices import ModerationAction, Status
from feedback.models import Answer, Moderation, Post, Support
from feedback.tests.factories import PostFactory
from geography.models import Kecamatan
from mentoring.tests.factories import verified_participant
from notifications.models import Message
from notifications.rendering import render_message
from registration.models import Participant

pytestmark = pytest.mark.django_db

TITLE = "Pelatihan sertifikasi halal"
BODY = "Mohon diadakan pelatihan sertifikasi halal gratis untuk usaha makanan rumahan."


def create(user: User, **overrides: object) -> Post:
    values: dict[str, object] = {
        "category": "licensing",
        "kecamatan": Kecamatan.objects.get(name="Tebet"),
        "title": TITLE,
        "body": BODY,
        **overrides,
    }
    return services.post_create(**values, acting_user=user)  # type: ignore[arg-type]


def messages_to(user: User, template: str) -> list[Message]:
    """The emails of a template to a user (each message goes by SMS too when the user has a phone)."""
    return list(Message.objects.filter(recipient=user, template=template, channel="email").order_by("pk"))


# --- posting ---------------------------------------------------------------------------------------------------


def test_a_post_is_stored_open_with_its_text_cleaned(siti: Participant) -> None:
    post = create(siti.user, title=f"  \u202e{TITLE} ", body=f"{BODY}\u2066\n")
    assert (post.author, post.kecamatan.name, post.status, post.supporters, post.hidden) == (
        siti,
        "Tebet",
        Status.OPEN,
        0,
        False,
    )
    assert (post.title, post.body) == (TITLE, BODY)


def test_a_post_may_be_about_another_kecamatan(siti: Participant) -> None:
    assert create(siti.user, kecamatan=Kecamatan.objects.get(name="Gambir")).kecamatan.name == "Gambir"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "Oke"}, "title"),  # too short
        ({"title": "x" * 121}, "title"),
        ({"body": "Terlalu pendek."}, "body"),
        ({"body": "y" * 3001}, "body"),
        ({"body": "   \u202e  "}, "body"),
        ({"category": "gossip"}, "category"),
        ({"title": "Judul\x00dengan NUL"}, "title"),
    ],
)
def test_bad_input_is_refused_by_field_and_stores_nothing(
    siti: Participant, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        create(siti.user, **overrides)
    assert field in caught.value.error_dict
    assert not Post.objects.exists()


def test_an_unverified_participant_is_refused(waiting: Participant) -> None:
    with pytest.raises(Refused) as caught:
        create(waiting.user)
    assert caught.value.code == "not_verified"
    assert not Post.objects.exists()


def test_a_participant_posts_at_most_five_times_a_day(siti: Participant) -> None:
    PostFactory(author=siti, created_at=timezone.now() - datetime.timedelta(days=1, minutes=1))  # yesterday's
    for _n in range(validators.POSTS_PER_DAY):
        create(siti.user)
    with pytest.raises(ValidationError) as caught:
        create(siti.user)
    assert caught.value.code == "too_many_posts"
    assert Post.objects.filter(author=siti).count() == validators.POSTS_PER_DAY + 1


# --- support ---------------------------------------------------------------------------------------------------


def test_support_counts_once_per_person_and_can_be_withdrawn(siti: Participant, budi: Participant) -> None:
    post = PostFactory(author=siti)
    third = verified_participant("Tebet", nik="3174015708900009")
    services.post_support(post=post, acting_user=budi.user)
    services.post_support(post=post, acting_user=budi.user)  # again: nothing changes
    services.post_support(post=post, acting_user=third.user)
    post.refresh_from_db()
    assert post.supporters == 2 and Support.objects.filter(post=post).count() == 2
    services.post_withdraw_support(post=post, acting_user=budi.user)
    services.post_withdraw_support(post=post, acting_user=budi.user)  # nothing left to withdraw
    post.refresh_from_db()
    assert post.supporters == 1
    assert list(Support.objects.values_list("user", flat=True)) == [third.user_id]


def test_the_database_keeps_one_support_per_person(siti: Participant, budi: Participant) -> None:
    post = PostFactory(author=siti)
    Support.objects.create(post=post, user=budi.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.create(post=post, user=budi.user)


def test_the_author_cannot_support_their_own_post(siti: Participant) -> None:
    post = PostFactory(author=siti)
    with pytest.raises(Refused) as caught:
        services.post_support(post=post, acting_user=siti.user)
    assert caught.value.code == "own_post"
    assert not Support.objects.exists()


def test_a_withdrawal_is_allowed_whatever_became_of_the_post(
    siti: Participant, budi: Participant, agency_staff: User
) -> None:
    post = PostFactory(author=siti)
    services.post_support(post=post, acting_user=budi.user)
    services.post_answer(post=post, body="Selesai.", status=Status.DONE, acting_user=agency_staff)
    services.post_withdraw_support(post=post, acting_user=budi.user)
    post.refresh_from_db()
    assert post.supporters == 0


# --- answers ---------------------------------------------------------------------------------------------------


def test_each_answer_records_the_status_it_set_and_tells_the_author(
    siti: Participant, secretariat_tebet: User, agency_staff: User
) -> None:
    post = PostFactory(author=siti)
    first = services.post_answer(
        post=post, body="Kami usulkan ke Dinas.", status=Status.ANSWERED, acting_user=secretariat_tebet
    )
    second = services.post_answer(
        post=post, body="Dijadwalkan bulan depan.", status=Status.PLANNED, acting_user=agency_staff
    )
    third = services.post_answer(post=post, body="Tanggalnya 12 Mei.", status=Status.PLANNED, acting_user=agency_staff)
    post.refresh_from_db()
    assert post.status == Status.PLANNED and post.answered_at == third.created_at
    assert [(a.previous_status, a.status, a.changed_status) for a in Answer.objects.order_by("pk")] == [
        (Status.OPEN, Status.ANSWERED, True),
        (Status.ANSWERED, Status.PLANNED, True),
        (Status.PLANNED, Status.PLANNED, False),
    ]
    assert (first.office, second.office) == (secretariat_tebet.office, None)  # signed by the office, or the agency
    sent = list(
        Message.objects.filter(recipient=siti.user, template__startswith="feedback_", channel="email").order_by("pk")
    )
    assert [m.template for m in sent] == ["feedback_answered", "feedback_planned", "feedback_planned"]
    assert sent[0].context["first_name"] == "Siti"
    sent[1].language = "en"  # the message speaks its recipient's language; read it in English here
    rendered = render_message(sent[1])
    assert "Hello Siti," in rendered.body and "it is planned" in rendered.body
    assert f"/forum/{post.pk}/" in rendered.body
    assert "Rahayu" not in rendered.body + rendered.subject


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [("Sudah kami catat.", "open", "status"), ("Sudah kami catat.", "maybe", "status"), ("  \u202e ", "done", "body")],
)
def test_a_bad_answer_changes_nothing(
    siti: Participant, agency_staff: User, body: str, status: str, field: str
) -> None:
    post = PostFactory(author=siti)
    with pytest.raises(ValidationError) as caught:
        services.post_answer(post=post, body=body, status=status, acting_user=agency_staff)
    assert field in caught.value.error_dict
    post.refresh_from_db()
    assert post.status == Status.OPEN and not Answer.objects.exists() and not Message.objects.exists()


def test_another_kecamatans_secretariat_is_refused(siti: Participant, secretariat_gambir: User) -> None:
    post = PostFactory(author=siti)
    with pytest.raises(Refused):
        services.post_answer(post=post, body="Bukan wilayah kami.", status="answered", acting_user=secretariat_gambir)
    with pytest.raises(Refused):
        services.post_hide(post=post, reason="Bukan wilayah kami.", acting_user=secretariat_gambir)
    assert not Answer.objects.exists() and not Moderation.objects.exists()


# --- moderation ------------------------------------------------------------------------------------------------


def test_hiding_keeps_the_post_and_the_reason_and_tells_the_author(siti: Participant, secretariat_tebet: User) -> None:
    post = PostFactory(author=siti)
    services.post_hide(post=post, reason="  Berisi nomor telepon pribadi. ", acting_user=secretariat_tebet)
    post.refresh_from_db()
    assert (post.hidden, post.hidden_by, post.hidden_reason) == (
        True,
        secretariat_tebet,
        "Berisi nomor telepon pribadi.",
    )
    assert post.hidden_at is not None
    [hidden] = messages_to(siti.user, "feedback_hidden")
    assert hidden.context["reason"] == "Berisi nomor telepon pribadi."
    hidden.language = "en"
    assert "The reason: Berisi nomor telepon pribadi." in render_message(hidden).body

    services.post_unhide(post=post, reason="Nomor sudah dihapus penulis.", acting_user=secretariat_tebet)
    post.refresh_from_db()
    assert (post.hidden, post.hidden_at, post.hidden_by, post.hidden_reason) == (False, None, None, "")
    assert [(m.action, m.reason) for m in Moderation.objects.order_by("pk")] == [
        (ModerationAction.HIDE, "Berisi nomor telepon pribadi."),
        (ModerationAction.UNHIDE, "Nomor sudah dihapus penulis."),
    ]
    assert len(messages_to(siti.user, "feedback_shown")) == 1


@pytest.mark.parametrize("reason", ["", "   ", "\u202e\u202c"])
def test_a_reason_is_required_to_hide(siti: Participant, agency_staff: User, reason: str) -> None:
    post = PostFactory(author=siti)
    with pytest.raises(ValidationError) as caught:
        services.post_hide(post=post, reason=reason, acting_user=agency_staff)
    assert "reason" in caught.value.error_dict
    post.refresh_from_db()
    assert not post.hidden and not Moderation.objects.exists() and not Message.objects.exists()


def test_hiding_twice_or_showing_a_shown_post_is_refused(siti: Participant, agency_staff: User) -> None:
    post = PostFactory(author=siti)
    with pytest.raises(ValidationError) as caught:
        services.post_unhide(post=post, reason="Tidak perlu.", acting_user=agency_staff)
    assert caught.value.code == "not_hidden"
    services.post_hide(post=post, reason="Iklan.", acting_user=agency_staff)
    with pytest.raises(ValidationError) as caught:
        services.post_hide(post=post, reason="Iklan lagi.", acting_user=agency_staff)
    assert caught.value.code == "already_hidden"
    assert Moderation.objects.count() == 1


# --- the trail -------------------------------------------------------------------------------------------------


def test_every_write_leaves_its_row_with_who_did_it(siti: Participant, budi: Participant, agency_staff: User) -> None:
    with audit.channel(audit.Channel.WEB):
        post = create(siti.user)
        services.post_support(post=post, acting_user=budi.user)
        services.post_withdraw_support(post=post, acting_user=budi.user)
        services.post_answer(post=post, body="Terima kasih.", status="answered", acting_user=agency_staff)
        services.post_hide(post=post, reason="Iklan.", acting_user=agency_staff)
    with translation.override("en"):
        about = audit.history_about(post)
    kinds = [(entry.what, entry.kind, entry.actor) for entry in reversed(about)]
    assert ("forum post", "created", str(siti.user)) in kinds
    assert ("support", "created", str(budi.user)) in kinds and ("support", "deleted", str(budi.user)) in kinds
    assert ("answer", "created", str(agency_staff)) in kinds and ("moderation", "created", str(agency_staff)) in kinds
    updates = [entry for entry in about if entry.what == "forum post" and entry.kind == "updated"]
    # the answer's status and the hiding; support changes only the count, which its own rows record
    assert len(updates) == 2 and all(entry.channel == "web" for entry in about)


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_message_fits_an_sms_at_its_longest(siti: Participant, agency_staff: User, language: str) -> None:
    """The longest first name, title and reason a message carries, behind a post id of six digits."""
    Participant.objects.filter(pk=siti.pk).update(full_name=f"{'A' * 60} Rahayu")
    post = PostFactory(pk=999_999, author=siti, title="T" * 120)
    siti.user.language = language
    siti.user.save(update_fields=["language"])
    for status in ("answered", "planned", "done"):
        services.post_answer(post=post, body="Kami catat.", status=status, acting_user=agency_staff)
    services.post_hide(post=post, reason="R" * 500, acting_user=agency_staff)
    services.post_unhide(post=post, reason="S" * 500, acting_user=agency_staff)
    sent = Message.objects.filter(template__startswith="feedback_", channel="sms")
    assert sent.count() == 5
    for message in sent:
        rendered = render_message(message)
        assert len(rendered.body) <= 320, (message.template, len(rendered.body))
