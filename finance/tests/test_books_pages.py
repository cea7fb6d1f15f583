"""The cash book's pages as the participant uses them on a phone: the book of a month with the quick entry on
top, corrections and deletions (asked first), the opening balance, money owed and its settling; bad input comes
back filled with a 400 and saves nothing; every action says what happened. Who may open which page:
test_books_permissions.py."""

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import User
from finance import selectors, services
from finance.choices import Category, DebtKind, Direction
from finance.models import Debt, Entry
from finance.tests.books_support import MARCH, add, close, keeper, owe
from registration.models import Participant
from registration.tests.conftest import login
from registration.tests.factories import ParticipantFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

BOOK = "/keuangan/buku-kas/"


@pytest.fixture
def siti(entrepreneur: User, mentor_tebet: User) -> Participant:
    return keeper(entrepreneur, mentor=mentor_tebet)


@pytest.fixture
def client_en(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def as_siti(client_en: Client, siti: Participant) -> Client:
    return login(client_en, siti.user)


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def entry_data(**overrides: str) -> dict[str, str]:
    return {
        "direction": "in",
        "amount": "1.500.000",
        "category": "sales",
        "day": "2025-03-10",
        "note": "",
        **overrides,
    }


def debt_data(**overrides: str) -> dict[str, str]:
    return {
        "kind": "receivable",
        "counterparty": "Katering Pak Budi",
        "amount": "600 ribu",
        "incurred_on": "2025-03-08",
        "due_on": "2025-03-22",
        "note": "",
        **overrides,
    }


# --- the book ---------------------------------------------------------------------------------------------------


def test_the_addresses_are_the_ones_other_pages_link_to() -> None:
    assert reverse("finance:book") == BOOK
    assert reverse("finance:entry_edit", args=[7]) == "/keuangan/buku-kas/7/ubah/"
    assert reverse("finance:entry_delete", args=[7]) == "/keuangan/buku-kas/7/hapus/"
    assert reverse("finance:opening_balance") == "/keuangan/buku-kas/saldo-awal/"
    assert reverse("finance:debts") == "/keuangan/utang-piutang/"
    assert reverse("finance:debt_settle", args=[3]).startswith("/keuangan/utang-piutang/3/")
    assert reverse("finance:participant_books", args=[5]) == "/keuangan/peserta/5/buku-kas/"


def test_the_book_opens_on_the_current_month_with_the_quick_entry_on_top(as_siti: Client, siti: Participant) -> None:
    add(siti, day=timezone.localdate(), amount=250_000, note="nasi uduk")
    response = as_siti.get(BOOK)
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["page"].month == timezone.localdate().replace(day=1)
    assert html.index('id="entry-form"') < html.index('id="book-lines"')
    assert 'inputmode="numeric"' in html and "Money in" in html and "Money out" in html
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in html  # the day defaults to today
    assert 'value="sales"' in html and 'data-direction="out"' in html
    assert 'value="debt_collected"' not in html and 'value="debt_paid"' not in html  # settling writes those
    assert 'id="cash-balance">Rp 250.000<' in html and "nasi uduk" in html
    assert 'id="next-month"' not in html  # no month to come
    assert reverse("finance:debts") in html and reverse("finance:opening_balance") in html
    assert "js/cashbook.js" in html and "<script>" not in html and "style=" not in html


def test_the_book_links_to_the_import_and_the_reports_once_they_exist(as_siti: Client) -> None:
    html = as_siti.get(BOOK).content.decode()
    for name, marker in (("finance:import_upload", 'id="to-import"'), ("finance:reports", 'id="to-reports"')):
        try:
            url = reverse(name)
        except NoReverseMatch:
            assert marker not in html
        else:
            assert marker in html and url in html


def test_a_month_of_the_book_with_its_running_balance_and_the_months_around(
    as_siti: Client, siti: Participant
) -> None:
    add(siti, day=datetime.date(2025, 2, 20), amount=1_000_000)
    add(siti, day=datetime.date(2025, 3, 3), category=Category.RAW_MATERIALS, amount=400_000, note="cabai")
    add(siti, day=datetime.date(2025, 3, 12), amount=300_000)
    response = as_siti.get(BOOK, {"month": "2025-03"})
    html = response.content.decode()
    page = response.context["page"]
    assert (page.opening, page.total_in, page.total_out, page.closing) == (1_000_000, 300_000, 400_000, 900_000)
    assert [line.balance for line in page.lines] == [600_000, 900_000]
    assert 'id="total-in">Rp 300.000<' in html and 'id="closing-balance">Rp 900.000<' in html
    assert 'href="?month=2025-02"' in html and 'href="?month=2025-04"' in html
    assert html.count('data-entry="') == 2 and "cabai" in html


@pytest.mark.parametrize("month", ["2025-13", "maret", "2017-12", "2999-01"])
def test_a_month_that_is_not_one_of_the_book_is_said(as_siti: Client, month: str) -> None:
    response = as_siti.get(BOOK, {"month": month})
    assert response.status_code == 400
    assert response.context["page"].month == timezone.localdate().replace(day=1)
    assert any("2025-03" in m for m in messages_of(response))


def test_money_in_is_added_and_said(as_siti: Client, siti: Participant) -> None:
    response = as_siti.post(BOOK, entry_data(note="20 porsi"), follow=True)
    assert response.redirect_chain[-1][0] == f"{BOOK}?month=2025-03"
    entry = Entry.objects.get(participant=siti)
    assert (entry.direction, entry.category, entry.amount, entry.note) == ("in", "sales", 1_500_000, "20 porsi")
    assert any("Money in saved: Rp 1.500.000, Sales" in m for m in messages_of(response))


def test_money_out_typed_the_indonesian_way_is_added(as_siti: Client, siti: Participant) -> None:
    add(siti, amount=2_000_000)
    as_siti.post(BOOK, entry_data(direction="out", category="raw_materials", amount="Rp 1,5 juta"))
    assert Entry.objects.get(participant=siti, direction="out").amount == 1_500_000


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount": "lima ribu"}, "amount"),
        ({"amount": ""}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"direction": "out", "category": "sales"}, "category"),  # sent without the script that narrows the list
        ({"category": "debt_collected"}, "category"),
        ({"day": ""}, "day"),
        ({"day": "2999-01-01"}, "day"),
        ({"direction": ""}, "direction"),
        ({"note": "x" * 201}, "note"),
    ],
)
def test_bad_input_on_the_quick_entry_comes_back_filled(
    as_siti: Client, overrides: dict[str, str], field: str
) -> None:
    data = {**entry_data(note="nasi kuning"), **overrides}
    response = as_siti.post(f"{BOOK}?month=2025-03", data)
    assert response.status_code == 400
    assert not Entry.objects.exists()
    form = response.context["form"]
    assert list(form.errors) == [field]
    html = response.content.decode()
    assert "The entry was not saved" in html
    assert f'value="{data["note"]}"' in html or field == "note"
    assert response.context["page"].month == MARCH  # the month that was open


def test_a_closed_month_refuses_the_entry_next_to_the_date(as_siti: Client, siti: Participant) -> None:
    close(siti, MARCH)
    response = as_siti.post(BOOK, entry_data())
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["day"] and "closed up to 2025-03" in response.content.decode()
    assert not Entry.objects.exists()
    html = as_siti.get(BOOK, {"month": "2025-03"}).content.decode()
    assert 'id="book-closed"' in html


def test_a_closed_months_entries_offer_no_corrections(as_siti: Client, siti: Participant) -> None:
    entry = add(siti)
    close(siti, MARCH)
    html = as_siti.get(BOOK, {"month": "2025-03"}).content.decode()
    assert f'data-entry="{entry.pk}"' in html and reverse("finance:entry_edit", args=[entry.pk]) not in html


def test_a_participant_not_verified_yet_reads_why_and_what_to_do(client_en: Client, entrepreneur: User) -> None:
    RegistrationFactory(participant=ParticipantFactory(user=entrepreneur))
    login(client_en, entrepreneur)
    for url in (BOOK, reverse("finance:debts"), reverse("finance:opening_balance")):
        response = client_en.get(url)
        html = response.content.decode()
        assert response.status_code == 200 and 'id="book-not-open"' in html
        assert "Bookkeeping opens once your registration is verified." in html
        assert f'id="what-to-do" href="{reverse("registration:mine")}"' in html
    client_en.post(BOOK, entry_data())
    assert not Entry.objects.exists()


def test_a_registration_sent_back_points_to_its_fix(client_en: Client, entrepreneur: User) -> None:
    RegistrationFactory(participant=ParticipantFactory(user=entrepreneur), status="needs_fix")
    login(client_en, entrepreneur)
    assert f'href="{reverse("registration:fix")}"' in client_en.get(BOOK).content.decode()


def test_someone_not_registered_is_asked_to_register_first(client_en: Client, entrepreneur: User) -> None:
    login(client_en, entrepreneur)
    html = client_en.get(BOOK).content.decode()
    assert 'id="book-not-open"' in html and f'href="{reverse("registration:wizard")}"' in html


# --- correcting and deleting an entry ---------------------------------------------------------------------------


def test_an_entry_is_corrected(as_siti: Client, siti: Participant) -> None:
    entry = add(siti, amount=100_000)
    url = reverse("finance:entry_edit", args=[entry.pk])
    html = as_siti.get(url).content.decode()
    assert 'value="100.000"' in html and 'value="2025-03-10"' in html
    response = as_siti.post(url, entry_data(amount="120.000", day="2025-04-02"), follow=True)
    assert response.redirect_chain[-1][0] == f"{BOOK}?month=2025-04"
    entry.refresh_from_db()
    assert (entry.amount, entry.day) == (120_000, datetime.date(2025, 4, 2))
    assert "The entry is corrected." in messages_of(response)


def test_a_bad_correction_comes_back_filled(as_siti: Client, siti: Participant) -> None:
    entry = add(siti, amount=100_000)
    response = as_siti.post(
        reverse("finance:entry_edit", args=[entry.pk]), entry_data(amount="5.0000", note="salah ketik")
    )
    assert response.status_code == 400 and list(response.context["form"].errors) == ["amount"]
    assert 'value="5.0000"' in response.content.decode() and 'value="salah ketik"' in response.content.decode()
    entry.refresh_from_db()
    assert entry.amount == 100_000


def test_an_entry_is_deleted_after_asking(as_siti: Client, siti: Participant) -> None:
    entry = add(siti, amount=100_000)
    url = reverse("finance:entry_delete", args=[entry.pk])
    response = as_siti.get(url)
    assert response.status_code == 200 and "Rp 100.000" in response.content.decode()
    assert Entry.objects.exists()
    response = as_siti.post(url, follow=True)
    assert not Entry.objects.exists() and "The entry is deleted." in messages_of(response)
    assert response.redirect_chain[-1][0] == f"{BOOK}?month=2025-03"


def test_deleting_in_a_closed_month_is_refused_and_said(as_siti: Client, siti: Participant) -> None:
    entry = add(siti)
    close(siti, MARCH)
    response = as_siti.post(reverse("finance:entry_delete", args=[entry.pk]))
    assert response.status_code == 400 and Entry.objects.exists()
    assert any("closed up to 2025-03" in m for m in messages_of(response))


def test_a_settlement_is_changed_on_the_money_owed_page(as_siti: Client, siti: Participant) -> None:
    entry = services.debt_settle(debt=owe(siti), settled_on=datetime.date(2025, 3, 20), acting_user=siti.user)
    for name in ("finance:entry_edit", "finance:entry_delete"):
        response = as_siti.post(reverse(name, args=[entry.pk]), entry_data())
        assert response.status_code == 302 and response.url == reverse("finance:debts")
    assert Entry.objects.filter(pk=entry.pk, amount=200_000).exists()


# --- the opening balance ----------------------------------------------------------------------------------------


def test_the_opening_balance_is_set_and_changed(as_siti: Client, siti: Participant) -> None:
    url = reverse("finance:opening_balance")
    response = as_siti.post(url, {"day": "2025-03-01", "cash": "2 juta", "equipment": "3.500.000"}, follow=True)
    assert response.redirect_chain[-1][0] == f"{BOOK}?month=2025-03"
    assert selectors.cash_balance(siti) == 2_000_000
    assert any("Rp 2.000.000 in cash and Rp 3.500.000 of equipment" in m for m in messages_of(response))
    html = as_siti.get(url).content.decode()
    assert 'value="2.000.000"' in html and 'value="3.500.000"' in html
    as_siti.post(url, {"day": "2025-03-01", "cash": "2.500.000", "equipment": ""})
    assert selectors.opening_balance(siti).cash == 2_500_000 and selectors.opening_balance(siti).equipment == 0
    html = as_siti.get(BOOK, {"month": "2025-03"}).content.decode()
    assert "Opening balance" in html and reverse("finance:opening_balance") in html


def test_a_bad_opening_balance_comes_back_filled(as_siti: Client) -> None:
    response = as_siti.post(
        reverse("finance:opening_balance"), {"day": "2025-03-01", "cash": "-5", "equipment": "1 juta"}
    )
    assert response.status_code == 400 and list(response.context["form"].errors) == ["cash"]
    assert 'value="1 juta"' in response.content.decode()
    assert not Entry.objects.exists()


# --- money owed -------------------------------------------------------------------------------------------------


def test_money_owed_is_added_and_listed_with_its_due_date(as_siti: Client, siti: Participant) -> None:
    response = as_siti.post(reverse("finance:debts"), debt_data(), follow=True)
    debt = Debt.objects.get(participant=siti)
    assert (debt.kind, debt.counterparty, debt.amount, debt.due_on) == (
        DebtKind.RECEIVABLE,
        "Katering Pak Budi",
        600_000,
        datetime.date(2025, 3, 22),
    )
    html = response.content.decode()
    assert any("Rp 600.000" in m for m in messages_of(response))
    assert f'data-debt="{debt.pk}" data-overdue="true"' in html  # due in March 2025: overdue now
    assert 'id="total-receivable">Rp 600.000<' in html


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"due_on": "2025-03-01"}, "due_on"),
        ({"counterparty": ""}, "counterparty"),
        ({"amount": "1.500.000 - 2.000.000"}, "amount"),
        ({"kind": "gift"}, "kind"),
        ({"incurred_on": "2999-01-01", "due_on": ""}, "incurred_on"),
    ],
)
def test_bad_money_owed_comes_back_filled(as_siti: Client, overrides: dict[str, str], field: str) -> None:
    data = debt_data(note="bayar akhir bulan", **overrides)
    response = as_siti.post(reverse("finance:debts"), data)
    assert response.status_code == 400 and list(response.context["form"].errors) == [field]
    assert 'value="bayar akhir bulan"' in response.content.decode()
    assert not Debt.objects.exists()


def test_money_owed_is_settled_on_a_day_and_its_cash_goes_into_the_book(as_siti: Client, siti: Participant) -> None:
    debt = owe(siti)
    url = reverse("finance:debt_settle", args=[debt.pk])
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in as_siti.get(url).content.decode()
    response = as_siti.post(url, {"settled_on": "2025-03-20"}, follow=True)
    entry = Entry.objects.get(settles=debt)
    assert (entry.day, entry.category, entry.direction) == (
        datetime.date(2025, 3, 20),
        Category.DEBT_COLLECTED,
        Direction.IN,
    )
    assert any("Rp 200.000 is written in the cash book" in m for m in messages_of(response))
    assert f'data-debt="{debt.pk}"' in response.content.decode().split('id="settled-debts"')[1]


def test_a_bad_settling_day_comes_back(as_siti: Client, siti: Participant) -> None:
    debt = owe(siti)
    response = as_siti.post(reverse("finance:debt_settle", args=[debt.pk]), {"settled_on": "2025-03-01"})
    assert response.status_code == 400 and list(response.context["form"].errors) == ["settled_on"]
    assert 'value="2025-03-01"' in response.content.decode()
    assert not Entry.objects.exists()


def test_settled_by_mistake_is_opened_again(as_siti: Client, siti: Participant) -> None:
    debt = owe(siti)
    services.debt_settle(debt=debt, settled_on=datetime.date(2025, 3, 20), acting_user=siti.user)
    response = as_siti.post(reverse("finance:debt_unsettle", args=[debt.pk]), follow=True)
    debt.refresh_from_db()
    assert debt.settled_on is None and not Entry.objects.exists()
    assert any("Marked not settled" in m for m in messages_of(response))
    assert as_siti.get(reverse("finance:debt_unsettle", args=[debt.pk])).status_code == 405


def test_money_owed_is_corrected_and_a_bad_correction_comes_back(as_siti: Client, siti: Participant) -> None:
    debt = owe(siti)
    url = reverse("finance:debt_edit", args=[debt.pk])
    assert 'value="Warung Bu Ani"' in as_siti.get(url).content.decode()
    response = as_siti.post(url, debt_data(due_on="2025-03-01", counterparty="Bu Ani"))
    assert response.status_code == 400 and 'value="Bu Ani"' in response.content.decode()
    as_siti.post(url, debt_data(counterparty="Bu Ani"))
    debt.refresh_from_db()
    assert (debt.counterparty, debt.amount) == ("Bu Ani", 600_000)


def test_money_owed_is_deleted_after_asking_and_settled_money_is_not(as_siti: Client, siti: Participant) -> None:
    debt, settled = owe(siti), owe(siti, counterparty="Bu Tini")
    services.debt_settle(debt=settled, settled_on=datetime.date(2025, 3, 20), acting_user=siti.user)
    url = reverse("finance:debt_delete", args=[debt.pk])
    assert "Warung Bu Ani" in as_siti.get(url).content.decode() and Debt.objects.count() == 2
    as_siti.post(url)
    assert list(Debt.objects.values_list("counterparty", flat=True)) == ["Bu Tini"]
    response = as_siti.post(reverse("finance:debt_delete", args=[settled.pk]))
    assert response.status_code == 302 and Debt.objects.count() == 1


# --- a participant's book, read by their mentor -----------------------------------------------------------------


def test_the_mentor_reads_the_book_the_balance_and_the_money_owed(
    client_en: Client, siti: Participant, mentor_tebet: User
) -> None:
    entry = add(siti, amount=750_000, note="pesanan arisan")
    owe(siti, counterparty="Katering Pak Budi")
    login(client_en, mentor_tebet)
    response = client_en.get(reverse("finance:participant_books", args=[siti.pk]), {"month": "2025-03"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "pesanan arisan" in html and "Katering Pak Budi" in html and 'id="cash-balance">Rp 750.000<' in html
    assert 'id="entry-form"' not in html and reverse("finance:entry_edit", args=[entry.pk]) not in html
    assert reverse("finance:debt_settle", args=[Debt.objects.get().pk]) not in html
    assert 'href="?month=2025-02"' in html


# --- the navigation bar and the home page -----------------------------------------------------------------------


def test_the_home_page_shows_the_cash_balance_and_a_quick_way_to_add(as_siti: Client, siti: Participant) -> None:
    add(siti, amount=1_250_000)
    response = as_siti.get(reverse("home"))
    html = response.content.decode()
    assert 'id="home-cash-balance">Rp 1.250.000<' in html
    assert f'href="{BOOK}#entry-form"' in html
    assert "finance:book" in {link.url_name for link in response.context["nav_links"]}
    assert ">Finance<" in html


def test_a_participant_not_verified_yet_gets_no_balance_card_and_no_link_home(
    client_en: Client, entrepreneur: User
) -> None:
    RegistrationFactory(participant=ParticipantFactory(user=entrepreneur))
    login(client_en, entrepreneur)
    response = client_en.get(reverse("home"))
    assert 'id="cash-balance-card"' not in response.content.decode()
    assert "finance:book" not in {link.url_name for link in response.context["nav_links"]}


@pytest.mark.parametrize("who", ["mentor_tebet", "agency_staff", "partner_user"])
def test_staff_get_no_cash_book_link(client_en: Client, request: pytest.FixtureRequest, who: str) -> None:
    login(client_en, request.getfixturevalue(who))
    response = client_en.get(reverse("home"))
    assert "finance:book" not in {link.url_name for link in response.context["nav_links"]}
    assert 'id="cash-balance-card"' not in response.content.decode()
