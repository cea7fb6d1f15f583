"""Who opens which page of the cash book. The participant keeps their own; a peer's entries and money owed are not
found (404); a role that keeps no book is turned away (403). Their book is read by an active mentor of their
kecamatan and agency staff; a mentor of another kecamatan, a peer and a partner do not find it (404); the
kecamatan's secretariat, which opens the participant's page, may not read the books (403)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from finance import permissions
from finance.models import Debt, Entry
from finance.tests.books_support import add, keeper, owe
from registration.models import Participant
from registration.tests.conftest import login

pytestmark = pytest.mark.django_db

OTHERS = ["mentor_tebet", "mentor_gambir", "secretariat_tebet", "agency_staff", "partner_user"]


@pytest.fixture
def siti(entrepreneur: User, mentor_tebet: User) -> Participant:
    return keeper(entrepreneur, mentor=mentor_tebet)


@pytest.fixture
def budi(other_entrepreneur: User) -> Participant:
    """A verified peer of the same kecamatan, with a book of his own."""
    return keeper(other_entrepreneur, nik="3174015708900003")


@pytest.fixture
def entry(siti: Participant) -> Entry:
    return add(siti, amount=100_000)


@pytest.fixture
def debt(siti: Participant) -> Debt:
    return owe(siti)


def get_as(client: Client, request: pytest.FixtureRequest, who: str, url: str) -> int:
    login(client, request.getfixturevalue(who))
    return client.get(url).status_code


@pytest.mark.parametrize(
    "name", ["finance:book", "finance:debts", "finance:opening_balance"], ids=["book", "debts", "opening"]
)
@pytest.mark.parametrize("who", OTHERS)
def test_a_role_that_keeps_no_book_is_turned_away(
    client: Client, request: pytest.FixtureRequest, name: str, who: str
) -> None:
    assert get_as(client, request, who, reverse(name)) == 403


@pytest.mark.parametrize("name", ["finance:book", "finance:debts", "finance:opening_balance"])
def test_anonymous_is_sent_to_log_in(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["finance:entry_edit", "finance:entry_delete"])
@pytest.mark.parametrize("who", ["other_entrepreneur", *OTHERS])
def test_anothers_entry_is_not_found(
    client: Client, request: pytest.FixtureRequest, entry: Entry, budi: Participant, name: str, who: str
) -> None:
    url = reverse(name, args=[entry.pk])
    assert get_as(client, request, who, url) == 404
    assert (
        client.post(url, {"direction": "in", "amount": "1", "category": "sales", "day": "2025-03-10"}).status_code
        == 404
    )
    entry.refresh_from_db()
    assert entry.amount == 100_000


@pytest.mark.parametrize("name", ["finance:debt_edit", "finance:debt_settle", "finance:debt_delete"])
@pytest.mark.parametrize("who", ["other_entrepreneur", *OTHERS])
def test_anothers_money_owed_is_not_found(
    client: Client, request: pytest.FixtureRequest, debt: Debt, budi: Participant, name: str, who: str
) -> None:
    url = reverse(name, args=[debt.pk])
    assert get_as(client, request, who, url) == 404
    assert client.post(url, {"settled_on": "2025-03-20"}).status_code == 404
    assert Debt.objects.filter(pk=debt.pk, settled_on__isnull=True).exists()


def test_anothers_money_owed_is_not_marked_open_again(
    client: Client, siti: Participant, debt: Debt, other_entrepreneur: User, budi: Participant
) -> None:
    from finance import services

    services.debt_settle(debt=debt, settled_on=debt.incurred_on, acting_user=siti.user)
    login(client, other_entrepreneur)
    assert client.post(reverse("finance:debt_unsettle", args=[debt.pk])).status_code == 404
    assert Entry.objects.filter(settles=debt).exists()


@pytest.mark.parametrize("name", ["finance:entry_edit", "finance:entry_delete", "finance:debt_settle"])
def test_anonymous_reaches_no_entry(client: Client, entry: Entry, debt: Debt, name: str) -> None:
    pk = debt.pk if name.startswith("finance:debt") else entry.pk
    assert client.get(reverse(name, args=[pk])).status_code == 302


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("entrepreneur", 404),  # their own book is at finance:book
        ("other_entrepreneur", 404),
        ("mentor_tebet", 200),
        ("agency_staff", 200),
        ("mentor_gambir", 404),
        ("secretariat_tebet", 403),
        ("partner_user", 404),
    ],
)
def test_who_reads_a_participants_book(
    client: Client, request: pytest.FixtureRequest, siti: Participant, entry: Entry, who: str, status: int
) -> None:
    assert get_as(client, request, who, reverse("finance:participant_books", args=[siti.pk])) == status


def test_the_participants_book_is_read_only(client: Client, siti: Participant, mentor_tebet: User) -> None:
    login(client, mentor_tebet)
    url = reverse("finance:participant_books", args=[siti.pk])
    assert (
        client.post(url, {"direction": "in", "amount": "1", "category": "sales", "day": "2025-03-10"}).status_code
        == 405
    )
    assert not Entry.objects.exists()


def test_a_mentor_who_left_reads_the_book_no_more(client: Client, siti: Participant, mentor_tebet: User) -> None:
    assert permissions.can_view_books(mentor_tebet, siti)
    User.objects.filter(pk=mentor_tebet.pk).update(is_active=False)
    mentor_tebet.refresh_from_db()
    assert not permissions.can_view_books(mentor_tebet, siti)


def test_anonymous_reads_no_participants_book(client: Client, siti: Participant) -> None:
    response = client.get(reverse("finance:participant_books", args=[siti.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_the_kecamatan_secretariat_does_not_read_the_book_through_the_participants_trail(
    client: Client, siti: Participant, secretariat_tebet: User, agency_staff: User
) -> None:
    """The secretariat of the kecamatan reads the participant's registration trail, but not the book's events:
    the books are the participant's, their mentor's and agency staff's (finance's models are tracked as
    restricted). Agency staff read them there too."""
    add(siti, note="Pinjaman dari rentenir Pak Joko", category="loan_received", amount=2_000_000)
    owe(siti, counterparty="Koperasi Rahasia")
    page = reverse("registration:participant", args=[siti.pk])
    login(client, secretariat_tebet)
    html = client.get(page).content.decode()
    assert "Pak Joko" not in html and "Koperasi Rahasia" not in html
    assert client.get(reverse("finance:participant_books", args=[siti.pk])).status_code == 403
    login(client, agency_staff)
    html = client.get(page).content.decode()
    assert "Pak Joko" in html and "Koperasi Rahasia" in html


def test_the_mentoring_page_shows_the_monthly_figures_only_to_those_who_see_the_books(
    client: Client, siti: Participant, secretariat_tebet: User, mentor_tebet: User
) -> None:
    add(siti, day=datetime.date(2025, 3, 10), amount=7_654_321)
    page = reverse("mentoring:participant", args=[siti.pk])
    login(client, secretariat_tebet)
    response = client.get(page)
    assert response.status_code == 200 and "7.654.321" not in response.content.decode()
    login(client, mentor_tebet)
    assert "7.654.321" in client.get(page).content.decode()
