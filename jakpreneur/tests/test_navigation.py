"""The top layer asks every app what to offer (core.navigation): the navigation bar and the staff home page."""

import ast
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core import navigation

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[1]
STAGE_APPS = {
    "registration",
    "training",
    "mentoring",
    "licensing",
    "marketing",
    "finance",
    "capital",
    "partners",
    "feedback",
    "targets",
    "exports",
}


def nav_of(client: Client, user: User) -> list[str]:
    client.force_login(user)
    return [link.url_name for link in client.get(reverse("home")).context["nav_links"]]


@pytest.mark.parametrize(
    ("who", "links"),
    [
        (
            "entrepreneur",
            [
                "training:sessions",
                "training:mine",
                "mentoring:my_mentor",
                "licensing:mine",
                "marketing:mine",
                "marketing:spaces",
                "finance:book",
                "capital:readiness",
                "feedback:list",
                "partners:data",
                "marketing:catalogue",
            ],
        ),
        (
            "mentor_tebet",
            [
                "targets:dashboard",
                "mentoring:caseload",
                "licensing:participants",
                "marketing:check_queue",
                "mentoring:help_list",
                "capital:queue",
                "registration:assisted",
                "registration:import_upload",
                "feedback:list",
                "registration:participants",
                "marketing:catalogue",
            ],
        ),
        (
            "secretariat_tebet",
            [
                "targets:dashboard",
                "marketing:validation_queue",
                "registration:queue",
                "licensing:queue",
                "registration:assisted",
                "registration:import_upload",
                "feedback:list",
                "registration:participants",
                "mentoring:mentors",
                "privacy:correction_queue",
                "marketing:catalogue",
            ],
        ),
        (
            "agency_staff",
            [
                "targets:dashboard",
                "training:organiser",
                "marketing:validation_queue",
                "registration:queue",
                "marketing:grading_queue",
                "licensing:queue",
                "capital:queue",
                "feedback:list",
                "registration:participants",
                "mentoring:mentors",
                "marketing:staff_calls",
                "marketing:spaces_staff",
                "finance:program",
                "capital:figures",
                "partners:staff_reads",
                "privacy:breach",
                "privacy:deletion_queue",
                "privacy:correction_queue",
                "marketing:catalogue",
                "admin:index",
            ],
        ),
        (
            "partner_user",
            [
                "partners:partner_home",
                "targets:dashboard",
                "training:organiser",
                "marketing:grading_queue",
                "marketing:catalogue",
            ],
        ),
    ],
)
def test_each_role_gets_the_links_its_apps_offer_in_order(
    client: Client, request: pytest.FixtureRequest, who: str, links: list[str]
) -> None:
    assert nav_of(client, request.getfixturevalue(who)) == links


def test_the_navigation_bar_renders_the_links(client: Client, mentor_tebet: User) -> None:
    client.force_login(mentor_tebet)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("home")).content.decode()
    for href, label in [(reverse("home"), "Home"), (reverse("mentoring:caseload"), "Caseload")]:
        assert f'<li class="nav-item"><a class="nav-link" href="{href}">{label}</a></li>' in html
    assert reverse("admin:index") not in html


def test_logged_out_visitors_get_the_public_pages_alone(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    assert [link.url_name for link in response.context["nav_links"]] == ["marketing:catalogue"]
    assert f'href="{reverse("marketing:catalogue")}"' in response.content.decode()


def test_the_staff_home_shows_the_panels_of_every_app_in_order(client: Client, secretariat_tebet: User) -> None:
    client.force_login(secretariat_tebet)
    response = client.get(reverse("home"))
    html = response.content.decode()
    hrefs = [
        reverse("mentoring:mentors"),
        reverse("registration:queue"),
        reverse("registration:assisted"),
        reverse("registration:participants"),
    ]
    positions = [
        html.index(f'class="btn btn-{kind}" href="{href}"')
        for kind, href in zip(["outline-primary", "primary", "primary", "outline-primary"], hrefs, strict=True)
    ]
    assert positions == sorted(positions)
    assert reverse("training:organiser") not in html
    assert 'id="mentor-caseload"' not in html


def test_an_app_can_offer_a_panel_with_its_own_context(
    client: Client, agency_staff: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(navigation, "_panels", dict(navigation._panels))
    seen: list[Any] = []

    def provider(user: User) -> dict[str, Any]:
        seen.append(user)
        person = SimpleNamespace(full_name="only-for-the-test")
        row = SimpleNamespace(
            participant_id=1, participant=person, reference="JP-0", kecamatan=SimpleNamespace(name="X")
        )
        return {"waiting": [row]}

    navigation.panel(template="registration/panels/verification.html", context=provider, order=1, key="test")
    client.force_login(agency_staff)
    response = client.get(reverse("home"))
    assert seen == [agency_staff]
    assert "only-for-the-test" in response.content.decode()


def test_a_panel_whose_provider_gives_nothing_is_left_out(monkeypatch: pytest.MonkeyPatch, agency_staff: User) -> None:
    monkeypatch.setattr(navigation, "_panels", {})
    navigation.panel(template="training/panels/organise.html", context=lambda user: None)
    navigation.panel(template="registration/panels/participants.html", when=lambda user: False)
    assert navigation.panels_for(agency_staff) == []


def test_agency_home_runs_a_fixed_number_of_queries(
    client: Client, agency_staff: User, django_assert_max_num_queries: Any
) -> None:
    from registration.tests.factories import RegistrationFactory

    RegistrationFactory.create_batch(7)
    client.force_login(agency_staff)
    with django_assert_max_num_queries(5):  # session, user, (no office), the registration and licence queues
        assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("module", ["views.py", "context_processors.py"])
def test_the_top_layer_imports_no_stage_app_but_the_journey_registry(module: str) -> None:
    imported: set[str] = set()
    for node in ast.walk(ast.parse((PROJECT / module).read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    stage = {name for name in imported if name.split(".")[0] in STAGE_APPS and name != "registration.journey"}
    assert not stage, f"jakpreneur/{module} imports {stage}"
