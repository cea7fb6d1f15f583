"""The forum is in the navigation bar of every member of the program, and of nobody else."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core import navigation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("entrepreneur", True),
        ("mentor_tebet", True),
        ("secretariat_tebet", True),
        ("agency_staff", True),
        ("partner_user", False),
    ],
)
def test_the_forum_link(request: pytest.FixtureRequest, name: str, shown: bool) -> None:
    user: User = request.getfixturevalue(name)
    assert ("feedback:list" in [link.url_name for link in navigation.links_for(user)]) is shown


def test_logged_out_visitors_are_not_shown_the_forum(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    assert "feedback:list" not in [link.url_name for link in response.context["nav_links"]]
