"""The demo books: the demo participant keeps hers for months (enough for reports, statements, charts and the
capital readiness), twenty others keep a few months; loaded once, through the services."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.dates import month_number
from finance import ledger, selectors
from finance.choices import Category
from finance.models import Debt, Entry, MonthlyRecord, Source
from finance.selectors.books import OPENING_MARKS
from registration.management.commands.seed_demo import DEMO_PASSWORD, demo_email
from registration.models import Participant

pytestmark = pytest.mark.django_db


def test_demo_books_load_once_after_the_demo_people(client: Client, settings: Any) -> None:
    settings.DEBUG = True
    with pytest.raises(CommandError):
        call_command("seed_finance_demo", stdout=StringIO())  # the demo people first
    call_command("seed_demo", participants=60, stdout=StringIO())
    call_command("seed_finance_demo", stdout=StringIO())
    siti = Participant.objects.get(user__email=demo_email("peserta"))
    entries = Entry.objects.filter(participant=siti)
    categories = set(entries.values_list("category", flat=True))
    assert {Category.SALES, Category.RAW_MATERIALS, Category.WAGES, Category.RENT, Category.EQUIPMENT} <= categories
    assert entries.filter(entry_key__in=OPENING_MARKS).count() == 3  # her cash and her equipment
    # at least four consecutive past months of entries, each with its report computed from the book
    current = month_number(timezone.localdate())
    reported = set(
        MonthlyRecord.objects.filter(participant=siti, source=Source.BOOKS).values_list("month_number", flat=True)
    )
    assert {current - 4, current - 3, current - 2, current - 1} <= reported
    book = selectors.debt_book(siti)
    assert len(book.open) == 2 and book.overdue_count == 1 and len(book.settled) == 1
    assert selectors.cash_balance(siti) > 0
    position = ledger.position(siti.pk, timezone.localdate())
    assert position.total_assets == position.total_liabilities + position.total_equity
    others = Entry.objects.exclude(participant=siti).values("participant").distinct().count()
    assert others == 20
    counts = (Entry.objects.count(), Debt.objects.count(), MonthlyRecord.objects.count())
    call_command("seed_finance_demo", stdout=StringIO())  # a second run adds nothing
    assert (Entry.objects.count(), Debt.objects.count(), MonthlyRecord.objects.count()) == counts
    # the demo login sees her book and its balance
    assert client.login(username=demo_email("peserta"), password=DEMO_PASSWORD)
    response = client.get(reverse("finance:book"), {"month": f"{timezone.localdate().replace(day=1):%Y-%m}"})
    assert response.status_code == 200 and response.context["balance"] == selectors.cash_balance(siti)


def test_demo_books_refuse_to_load_without_debug(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", participants=5, stdout=StringIO())
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_finance_demo", stdout=StringIO())
    assert not Entry.objects.exists()
