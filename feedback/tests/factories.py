"""Rows of the feedback forum for tests (written directly: the services' own tests go through the services)."""

import factory
from django.utils import timezone

from feedback.choices import Category, ModerationAction, Status
from feedback.models import Answer, Moderation, Post, Support
from mentoring.tests.factories import verified_participant


class PostFactory(factory.django.DjangoModelFactory[Post]):
    class Meta:
        model = Post

    author = factory.LazyFunction(verified_participant)
    category = Category.LICENSING
    kecamatan = factory.SelfAttribute("author.kecamatan")
    title = factory.Sequence(lambda n: f"Pelatihan sertifikasi halal {n}")
    body = "Mohon diadakan pelatihan sertifikasi halal gratis untuk usaha makanan rumahan di kecamatan kami."
    created_at = factory.LazyFunction(timezone.now)


class SupportFactory(factory.django.DjangoModelFactory[Support]):
    class Meta:
        model = Support

    post = factory.SubFactory(PostFactory)
    user = factory.LazyFunction(lambda: verified_participant().user)


class AnswerFactory(factory.django.DjangoModelFactory[Answer]):
    class Meta:
        model = Answer

    post = factory.SubFactory(PostFactory)
    author = factory.SubFactory("accounts.tests.factories.UserFactory", role="agency")
    body = "Terima kasih, kami jadwalkan bulan depan."
    status = Status.PLANNED
    previous_status = Status.OPEN


class ModerationFactory(factory.django.DjangoModelFactory[Moderation]):
    class Meta:
        model = Moderation

    post = factory.SubFactory(PostFactory)
    action = ModerationAction.HIDE
    reason = "Berisi nomor telepon pribadi."
    moderator = factory.SubFactory("accounts.tests.factories.UserFactory", role="agency")


def hidden_post(moderator: object, **fields: object) -> Post:
    """A post a moderator hid (its moderation row too)."""
    post = PostFactory(
        hidden=True, hidden_at=timezone.now(), hidden_by=moderator, hidden_reason="Berisi nomor telepon.", **fields
    )
    ModerationFactory(post=post, moderator=moderator, reason=post.hidden_reason)
    return post
