from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from feedback.choices import Status
from feedback.models import Answer, Moderation, Post, Support

pytestmark = pytest.mark.django_db


def test_the_demo_forum_has_supported_answered_and_hidden_posts(settings: Any) -> None:
    settings.DEBUG = True
    with pytest.raises(CommandError):
        call_command("seed_feedback_demo", stdout=StringIO())  # seed_demo first
    call_command("seed_demo", participants=60, stdout=StringIO())
    call_command("seed_feedback_demo", stdout=StringIO())
    assert Post.objects.filter(author__user__email="peserta@demo.jakpreneur.id").count() == 2
    assert set(Post.objects.values_list("status", flat=True)) == set(Status.values)
    assert Post.objects.filter(supporters__gt=0).count() >= 5
    assert all(p.supporters == Support.objects.filter(post=p).count() for p in Post.objects.all())
    [hidden] = Post.objects.filter(hidden=True)
    assert hidden.hidden_reason and Moderation.objects.get().post == hidden
    tebet = Answer.objects.get(post__author__user__email="peserta@demo.jakpreneur.id")
    assert tebet.author.email == "sekretariat.tebet@demo.jakpreneur.id" and tebet.status == Status.PLANNED
    before = (Post.objects.count(), Support.objects.count(), Answer.objects.count())
    call_command("seed_feedback_demo", stdout=StringIO())  # a second run changes nothing
    assert (Post.objects.count(), Support.objects.count(), Answer.objects.count()) == before


def test_the_demo_forum_needs_debug(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_feedback_demo", stdout=StringIO())
