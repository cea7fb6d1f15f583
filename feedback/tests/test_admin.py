"""The forum in the admin: agency staff read every post (the hidden too) and hide or show one through the
services, with the reason the author is told; nothing is added or deleted there."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from feedback.models import Moderation, Post
from feedback.tests.factories import AnswerFactory, PostFactory, hidden_post
from notifications.models import Message
from registration.models import Participant

pytestmark = pytest.mark.django_db


def change(client: Client, post: Post, **data: Any) -> Any:
    return client.post(reverse("admin:feedback_post_change", args=[post.pk]), {**data, **INLINES})


INLINES = {
    "answers-TOTAL_FORMS": "0",
    "answers-INITIAL_FORMS": "0",
    "moderations-TOTAL_FORMS": "0",
    "moderations-INITIAL_FORMS": "0",
}


def test_agency_staff_hide_a_post_with_a_reason(client: Client, agency_staff: User, siti: Participant) -> None:
    post = PostFactory(author=siti)
    AnswerFactory(post=post, author=agency_staff)
    client.force_login(agency_staff)
    assert client.get(reverse("admin:feedback_post_changelist")).status_code == 200
    assert client.get(reverse("admin:feedback_post_change", args=[post.pk])).status_code == 200

    refused = change(client, post, hidden="on", reason="  ")
    assert refused.status_code == 200 and "reason" in refused.context["adminform"].form.errors
    post.refresh_from_db()
    assert not post.hidden and not Moderation.objects.exists()

    assert change(client, post, hidden="on", reason="Berisi nomor telepon.").status_code == 302
    post.refresh_from_db()
    assert (post.hidden, post.hidden_by, post.hidden_reason) == (True, agency_staff, "Berisi nomor telepon.")
    assert Message.objects.filter(recipient=siti.user, template="feedback_hidden").exists()

    assert change(client, post, reason="Sudah diperbaiki.").status_code == 302  # hidden unticked: shown again
    post.refresh_from_db()
    assert not post.hidden and Moderation.objects.count() == 2


def test_saving_without_a_change_records_nothing(client: Client, agency_staff: User, siti: Participant) -> None:
    post = hidden_post(agency_staff, author=siti)
    client.force_login(agency_staff)
    assert change(client, post, hidden="on").status_code == 302
    assert Moderation.objects.count() == 1 and not Message.objects.exists()


def test_nothing_is_added_or_deleted_in_the_admin(client: Client, agency_staff: User, siti: Participant) -> None:
    post = PostFactory(author=siti)
    client.force_login(agency_staff)
    assert client.get(reverse("admin:feedback_post_add")).status_code == 403
    assert client.post(reverse("admin:feedback_post_delete", args=[post.pk]), {"post": "yes"}).status_code == 403
    assert Post.objects.filter(pk=post.pk).exists()


def test_the_secretariat_works_on_the_forum_not_in_the_admin(
    client: Client, secretariat_tebet: User, siti: Participant
) -> None:
    post = PostFactory(author=siti)
    client.force_login(secretariat_tebet)
    response = client.get(reverse("admin:feedback_post_change", args=[post.pk]))
    assert response.status_code == 302 and reverse("admin:login") in response.url


def test_the_admin_list_runs_a_fixed_number_of_queries(
    client: Client, agency_staff: User, siti: Participant, django_assert_num_queries: Any
) -> None:
    PostFactory.create_batch(60, author=siti)
    client.force_login(agency_staff)
    # session, user, the table's size estimate and the count, the user's and their groups' permissions, the page
    with django_assert_num_queries(7):
        response = client.get(reverse("admin:feedback_post_changelist"))
    assert response.status_code == 200
