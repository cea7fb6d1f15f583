"""Who may open what, over every URL of the site: each role against an object of its own, of a peer (same role,
same kecamatan, someone else's) and of another kecamatan, from the case tables in tests/url_matrix/. The tables
are checked against the URL configuration itself, so a new URL without a case (or a case of a URL that is gone)
fails here, saying which name to add. Objects a user may not see answer 404, as if absent; a role refused a page
that writes is refused its POST too, and the POST changes nothing in any table.

The API is in tests/url_matrix/tables/api.py (each kind of key against its organisation's consenting
participants, those who did not consent and another organisation's); the Django admin is one family
(tests/url_matrix/admin.py): every admin URL wants a staff account, so its rule goes by prefix.

The program is made once for the module in a transaction rolled back at its end; each test runs in a savepoint
inside it, with the role's session made once too."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpResponseBase
from django.test import Client, override_settings
from django.urls import Resolver404, resolve, reverse

from partners.api_access import KeyRateThrottle
from tests.url_matrix.admin import ADMIN_LOGIN, AGENCY_REFUSED, NOT_STAFF, OPEN, admin_url, changelists
from tests.url_matrix.cases import ROLES, Case, Outcome
from tests.url_matrix.tables import api, every_case
from tests.url_matrix.urls import patterns
from tests.url_matrix.world import World, build

pytestmark = pytest.mark.django_db

CASES = every_case()
API = api.CASES
# What any request may write: its session, the login throttle's records, the audit trail's context of a view.
UNCOUNTED = ("django_session", "axes_")


class Matrix:
    def __init__(self, world: World) -> None:
        self.world = world
        self.sessions: dict[str, str] = {}
        for role, user in world.users.items():
            client = Client()
            client.force_login(user)
            self.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value

    def client(self, role: str) -> Client:
        """A client of the role, on the session made for it (a test that ended it is rolled back, not the
        cookie)."""
        client = Client()
        if role != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return client


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("matrix-private")


def _storages(root: Path) -> dict[str, Any]:
    return {
        **settings.STORAGES,
        "default": {"BACKEND": "core.storage.PrivateStorage", "OPTIONS": {"location": str(root)}},
    }


@pytest.fixture(scope="module")
def matrix(django_db_setup: None, django_db_blocker: Any, storage: Path) -> Iterator[Matrix]:
    with django_db_blocker.unblock(), override_settings(STORAGES=_storages(storage)), transaction.atomic():
        yield Matrix(build())
        transaction.set_rollback(True)


@pytest.fixture
def private_storage(storage: Path, settings: Any) -> Path:
    """The files the module's program stored (documents, photos, scans) stay where it stored them."""
    settings.STORAGES = _storages(storage)
    return storage


def url_of(name: str, case: Case, world: World, subject: str) -> str:
    args = list(case.args(world, subject)) if case.args else []
    if name.startswith("route:"):
        route = name.removeprefix("route:")
        path = "/" + re.sub(r"<[^>]+>", lambda _m: str(args.pop(0)), route)
    else:
        path = reverse(name, args=args)
    return path + (f"?{case.query(world, subject)}" if case.query else "")


def outcome(response: HttpResponseBase) -> Outcome:
    """The status, or "->" and the URL name a redirect leads to."""
    if response.status_code in (301, 302, 303):
        location = urlsplit(response["Location"]).path
        try:
            return f"->{resolve(location).view_name}"
        except Resolver404:
            return f"->{location}"
    return response.status_code


def writes() -> dict[str, int]:
    """The rows this transaction has inserted, updated or deleted so far, by table (PostgreSQL's own counters,
    which a rolled-back savepoint does not take back): a refused POST must add to none of them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
            " WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
        )
        return {table: count for table, count in cursor.fetchall() if not table.startswith(UNCOUNTED)}


def written(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return sorted(table for table, count in after.items() if count != before.get(table, 0))


def posted(client: Client, url: str) -> tuple[Outcome, list[str]]:
    """A POST (with no fields) in a savepoint rolled back after it: its outcome, "+" before it when it wrote,
    and the tables it wrote."""
    with transaction.atomic():
        before = writes()
        got = outcome(client.post(url, {}))
        tables = written(before, writes())
        transaction.set_rollback(True)
    return (f"+{got}" if tables else got), tables


# --- the tables against the URL configuration ------------------------------------------------------------------


@pytest.mark.parametrize(("family", "table", "where"), [("site", CASES, "its app's table"), ("api", API, "api.py")])
def test_every_url_has_a_case_and_every_case_a_url(family: str, table: dict[str, Case], where: str) -> None:
    found = {p.key: p.route for p in patterns() if p.family == family}
    missing = sorted(set(found) - set(table))
    gone = sorted(set(table) - set(found))
    assert not missing, f"URLs without a case: add each to {where} in tests/url_matrix/tables/: " + ", ".join(
        f"{name} (/{found[name]})" for name in missing
    )
    assert not gone, f"cases of URLs that no longer exist: remove them from tests/url_matrix/tables/: {gone}"


def test_every_case_names_each_role_or_caller() -> None:
    for table, who in ((CASES, ROLES), (API, api.CALLERS)):
        for name, case in table.items():
            assert set(case.expect) == set(who), name
            assert set(case.bugs) <= set(who), name
            assert case.post is None or set(case.post) == set(who), name


# --- the matrix ---------------------------------------------------------------------------------------------


def cells(table: dict[str, Case], who: tuple[str, ...]) -> list[Any]:
    return [
        pytest.param(role, name, marks=case.marks(role), id=f"{role}-{name}")
        for name, case in table.items()
        for role in who
    ]


@pytest.mark.parametrize(("role", "name"), cells(CASES, ROLES))
def test_url(matrix: Matrix, role: str, name: str) -> None:
    check(matrix.client(role), CASES[name], name, role, matrix.world)


@pytest.mark.parametrize(("caller", "name"), cells(API, api.CALLERS))
def test_api(matrix: Matrix, caller: str, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each caller of the API on each endpoint. The per-key rate is lifted: a key's every endpoint in a few
    seconds is more than a partner may, and throttling has tests of its own."""
    monkeypatch.setattr(KeyRateThrottle, "rate", "1000000/minute", raising=False)
    client = Client(
        headers={"Authorization": f"Api-Key {matrix.world.secrets[caller]}"} if caller in matrix.world.secrets else {}
    )
    check(client, API[name], name, caller, matrix.world)


def check(client: Client, case: Case, name: str, who: str, world: World) -> None:
    """Every subject's GET (and POST, for a page that writes) as the case expects; a URL the same for every
    subject (a program-wide object) is asked once."""
    wrong, asked = [], set()
    for subject, expected in case.outcomes(who).items():
        url = url_of(name, case, world, subject)
        if url in asked:
            continue
        asked.add(url)
        got = outcome(client.get(url))
        if got != expected:
            wrong.append(f"GET {url} ({subject}'s): expected {expected}, got {got}")
    asked.clear()
    for subject, expected in case.outcomes(who, posting=True).items():
        url = url_of(name, case, world, subject)
        if url in asked:
            continue
        asked.add(url)
        got, tables = posted(client, url)
        if got != expected:
            wrong.append(f"POST {url} ({subject}'s): expected {expected}, got {got} (wrote {tables or 'nothing'})")
    assert not wrong, f"{who} on {name}:\n  " + "\n  ".join(wrong)


# --- the admin, by prefix -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", NOT_STAFF)
def test_every_admin_url_sends_a_non_staff_role_to_the_admin_login(matrix: Matrix, role: str) -> None:
    client = matrix.client(role)
    wrong = []
    for pattern in patterns():
        if pattern.family == "admin":
            url = admin_url(pattern)
            if (got := outcome(client.get(url))) != OPEN.get(pattern.key, ADMIN_LOGIN):
                wrong.append(f"{pattern.key} ({url}): {got}")
    assert not wrong, f"{role} in the admin:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize("role", ["agency", "admin"])
def test_staff_open_the_changelists_their_permissions_give(matrix: Matrix, role: str) -> None:
    client = matrix.client(role)
    got = {name: outcome(client.get(reverse(name))) for name in changelists()}
    expected = {name: 403 if role == "agency" and name in AGENCY_REFUSED else 200 for name in got}
    assert {name: o for name, o in got.items() if o != expected[name]} == {}
