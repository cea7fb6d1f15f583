"""Links a user may not follow are not shown: every role walks its own pages from its home page, following every
internal link it is shown (GET only), and none answers 403 (nor 404 or 500). The navigation bar is built from
predicates (core.navigation); this also covers the links inside pages and panels."""

import re
from collections import deque

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from conftest import PASSWORD
from mentoring.tests.factories import (
    AssignmentFactory,
    FollowUpFactory,
    HelpMessageFactory,
    HelpRequestFactory,
    TargetFactory,
    VisitFactory,
    verified_participant,
)
from partners.tests.factories import PartnerMemberFactory
from training.tests.factories import SessionFactory

HREF = re.compile(r'<a\b[^>]*\bhref="(/[^"#]*)', re.IGNORECASE)
# Not pages: the admin (its own permission pages), files and exports, the language switch and log-out (POST).
SKIPPED = re.compile(r"^/(admin/|static/|api/|i18n/|akun/keluar)|\.(csv|xlsx|pdf)(\?|$)|/(foto|berkas|unduh)/")
MAX_PAGES = 60


def walk(client: Client, start: str) -> dict[str, list[str]]:
    """Every page reachable from start through the links shown; returns {page: [links on it]} and fails on a
    link that answers 403, 404 or a server error."""
    seen: dict[str, list[str]] = {}
    queue = deque([(start, "(start)")])
    while queue and len(seen) < MAX_PAGES:
        url, found_on = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code not in (403, 404), f"{url} (shown on {found_on}) answers {response.status_code}"
        assert response.status_code < 500, f"{url} (shown on {found_on}) answers {response.status_code}"
        if response.status_code in (301, 302) or not response.get("Content-Type", "").startswith("text/html"):
            seen[url] = []  # a redirect, or a file (a statement's PDF, an import's template): no links to follow
            continue
        links = [link.replace("&amp;", "&") for link in HREF.findall(response.content.decode())]
        seen[url] = links
        queue.extend((link, url) for link in links if link not in seen and not SKIPPED.search(link))
    return seen


@pytest.fixture
def program(mentor_tebet: User, entrepreneur: User, secretariat_tebet: User) -> None:
    """Enough of a program that every staff page has rows with links: a participant of Tebet with a mentor, a
    visit with a follow-up, a question, a target and a training session."""
    siti = verified_participant("Tebet", user=entrepreneur)
    AssignmentFactory(participant=siti, mentor=mentor_tebet)
    visit = VisitFactory(participant=siti, mentor=mentor_tebet, shared=True)
    FollowUpFactory(visit=visit, participant=siti)
    HelpMessageFactory(request=HelpRequestFactory(participant=siti, mentor=mentor_tebet))
    TargetFactory(mentor=mentor_tebet, set_by=secretariat_tebet)
    verified_participant("Tebet", full_name="Budi Tanpa Mentor")
    SessionFactory()


ROLES = [
    "entrepreneur",
    "mentor_tebet",
    "secretariat_tebet",
    "agency_staff",
    "partner_user",
    "administrator",
    "partner_without_organisation",
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_a_link_its_viewer_may_not_follow(
    role: str, program: None, request: pytest.FixtureRequest
) -> None:
    if role == "administrator":
        user = UserFactory(email="admin@example.id", role=Role.ADMINISTRATOR, is_staff=True, office=None)
    elif role == "partner_without_organisation":
        user = request.getfixturevalue("partner_user")
    else:
        user = request.getfixturevalue(role)
    if role == "partner_user":
        PartnerMemberFactory(user=user)
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    pages = walk(client, reverse("home"))
    assert len(pages) > 1, pages


@pytest.mark.django_db
def test_the_walk_finds_a_forbidden_link(client: Client, mentor_tebet: User, monkeypatch: pytest.MonkeyPatch) -> None:
    """The walk itself: a page showing a mentor the incentive report would fail it."""
    from core import navigation
    from mentoring import permissions

    monkeypatch.setitem(
        navigation._links,
        "mentoring:incentive_report",
        navigation.NavLink(label="x", url_name="mentoring:incentive_report", when=permissions.is_mentor, order=1),
    )
    client.login(username=mentor_tebet.email, password=PASSWORD)
    with pytest.raises(AssertionError, match=r"laporan-insentif/ .* answers 403"):
        walk(client, reverse("home"))
