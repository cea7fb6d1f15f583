"""The cash book's pages cost a fixed number of queries whatever the number of entries and money owed: pinned
after writing more than a hundred of each (an N+1 fails them)."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from finance.choices import Category, DebtKind, Direction
from finance.models import Entry
from finance.navigation import balance_card
from finance.tests.books_support import keeper
from finance.tests.factories import DebtFactory, EntryFactory
from jakpreneur.contacts import contacts_of
from registration.models import Participant
from registration.tests.conftest import login

pytestmark = pytest.mark.django_db

MANY = 120


@pytest.fixture
def siti(entrepreneur: User, mentor_tebet: User) -> Participant:
    """A busy March: 120 entries (some of them settling money owed) and 120 debts, open and settled."""
    siti = keeper(entrepreneur, mentor=mentor_tebet)
    debts = DebtFactory.create_batch(
        MANY,
        participant=siti,
        incurred_on=datetime.date(2025, 3, 1),
        due_on=datetime.date(2025, 3, 31),
        kind=DebtKind.RECEIVABLE,
    )
    for n in range(MANY):
        EntryFactory(participant=siti, day=datetime.date(2025, 3, 1 + n % 28), amount=10_000 + n)
    for debt in debts[:20]:
        debt.settled_on = datetime.date(2025, 3, 28)
        debt.save()
        EntryFactory(
            participant=siti,
            day=debt.settled_on,
            direction=Direction.IN,
            category=Category.DEBT_COLLECTED,
            amount=debt.amount,
            settles=debt,
        )
    return siti


def test_the_book_of_a_busy_month_is_a_fixed_number_of_queries(
    client: Client, siti: Participant, django_assert_max_num_queries: Any
) -> None:
    login(client, siti.user)
    # session, user, the participant, the month's opening balance, its entries with what they settle, the
    # latest closed month, the balance now
    with django_assert_max_num_queries(7):
        response = client.get(reverse("finance:book"), {"month": "2025-03"})
    assert len(response.context["page"].lines) == MANY + 20


def test_adding_to_a_busy_book_is_a_fixed_number_of_queries(
    client: Client, siti: Participant, django_assert_max_num_queries: Any
) -> None:
    login(client, siti.user)
    data = {"direction": "in", "amount": "50.000", "category": "sales", "day": "2025-03-15", "note": ""}
    with django_assert_max_num_queries(23):  # the service (7) and the computed reports of the book (records: 13)
        assert client.post(reverse("finance:book"), data).status_code == 302
    assert Entry.objects.filter(participant=siti).count() == MANY + 21


def test_the_money_owed_of_a_busy_business_is_a_fixed_number_of_queries(
    client: Client, siti: Participant, django_assert_max_num_queries: Any
) -> None:
    login(client, siti.user)
    # session, user, the participant, the open debts, the latest settled, the latest closed month
    with django_assert_max_num_queries(6):
        response = client.get(reverse("finance:debts"))
    assert len(response.context["debts"].open) == MANY - 20 and len(response.context["debts"].settled) == 20


def test_the_mentors_reading_is_a_fixed_number_of_queries(
    client: Client, siti: Participant, mentor_tebet: User, django_assert_max_num_queries: Any
) -> None:
    login(client, mentor_tebet)
    url = reverse("finance:participant_books", args=[siti.pk])
    # session, user, the participant page, the book (3), the balance, the money owed (3)
    with django_assert_max_num_queries(10):
        response = client.get(url, {"month": "2025-03"})
    assert response.status_code == 200 and len(response.context["page"].lines) == MANY + 20


def test_the_home_cards_balance_is_one_query(siti: Participant, django_assert_num_queries: Any) -> None:
    assert contacts_of(siti.user) is not None  # what the home page loads first
    with django_assert_num_queries(1):
        card = balance_card(siti.user)
    assert card is not None and card["balance"] == sum(e.signed_amount for e in Entry.objects.filter(participant=siti))
