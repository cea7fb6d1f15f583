"""The cash book's services: entries, money owed and its settling, the opening balance. Each checks the values,
refuses a closed month, locks the book, is recorded in the audit trail and computes the monthly reports again."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from core import audit
from core.money import MAX_RUPIAH
from finance import ledger, selectors, services
from finance.choices import Category, DebtKind, Direction, EntrySource
from finance.models import Debt, Entry, MonthlyRecord, Source
from finance.selectors.books import OpeningBalance
from finance.tests.books_support import APRIL, MARCH, add, close, keeper, owe
from registration.models import Participant

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 3, 10)


@pytest.fixture
def siti(entrepreneur: User) -> Participant:
    return keeper(entrepreneur)


def error_codes(caught: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return {field: [e.code or "" for e in errors] for field, errors in caught.value.error_dict.items()}


def entry_values(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "day": DAY,
        "direction": Direction.IN,
        "category": Category.SALES,
        "amount": 150_000,
        "note": "",
    }
    return {**values, **overrides}


# --- entries ----------------------------------------------------------------------------------------------------


def test_an_entry_is_written_and_the_months_report_computed_from_the_book(
    siti: Participant, entrepreneur: User
) -> None:
    entry = services.entry_add(participant=siti, **entry_values(note="  20 porsi  "), acting_user=entrepreneur)  # type: ignore[arg-type]
    assert (entry.day, entry.direction, entry.category, entry.amount, entry.note, entry.source) == (
        DAY,
        Direction.IN,
        Category.SALES,
        150_000,
        "20 porsi",
        EntrySource.TYPED,
    )
    assert entry.recorded_by == entrepreneur
    record = MonthlyRecord.objects.get(participant=siti, month=MARCH)
    assert (record.source, record.turnover, record.expenses) == (Source.BOOKS, 150_000, 0)
    [created] = audit.history_of(entry)
    assert created.kind == "created" and created.actor == str(entrepreneur)


def test_every_write_locks_the_participants_row_first(siti: Participant, entrepreneur: User) -> None:
    with CaptureQueriesContext(connection) as queries:
        add(siti)
    first = next(q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SAVEPOINT"))
    assert 'FROM "registration_participant"' in first and "FOR UPDATE" in first


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"category": Category.DEBT_COLLECTED}, "category", "not_manual"),
        ({"direction": Direction.OUT, "category": Category.DEBT_PAID}, "category", "not_manual"),
        ({"direction": Direction.OUT, "category": Category.SALES}, "category", "wrong_direction"),
        ({"direction": Direction.IN, "category": Category.RENT}, "category", "wrong_direction"),
        ({"category": "gift"}, "category", "invalid"),
        ({"direction": "sideways"}, "direction", "invalid"),
        ({"amount": 0}, "amount", "not_positive"),
        ({"amount": -5}, "amount", "not_positive"),
        ({"amount": MAX_RUPIAH + 1}, "amount", "too_large"),
        ({"note": "x" * 201}, "note", "too_long"),
        ({"day": datetime.date(2017, 12, 31)}, "day", "day_too_early"),
    ],
)
def test_bad_values_are_refused_by_field_and_nothing_is_saved(
    siti: Participant, entrepreneur: User, overrides: dict[str, object], field: str, code: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.entry_add(participant=siti, **entry_values(**overrides), acting_user=entrepreneur)  # type: ignore[arg-type]
    assert error_codes(caught) == {field: [code]}
    assert not Entry.objects.exists() and not MonthlyRecord.objects.exists()


def test_a_day_still_to_come_is_refused(siti: Participant, entrepreneur: User) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        services.entry_add(participant=siti, **entry_values(day=tomorrow), acting_user=entrepreneur)  # type: ignore[arg-type]
    assert error_codes(caught) == {"day": ["future_day"]}
    assert services.entry_add(participant=siti, **entry_values(day=timezone.localdate()), acting_user=entrepreneur)  # type: ignore[arg-type]


def test_the_largest_amount_and_the_longest_note_are_taken(siti: Participant) -> None:
    entry = add(siti, amount=MAX_RUPIAH, note="x" * 200)
    assert (entry.amount, len(entry.note)) == (MAX_RUPIAH, 200)


@pytest.mark.parametrize("who", ["other_entrepreneur", "mentor_tebet", "agency_staff", "partner_user"])
def test_only_the_participant_keeps_their_book(siti: Participant, request: pytest.FixtureRequest, who: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.entry_add(participant=siti, **entry_values(), acting_user=request.getfixturevalue(who))  # type: ignore[arg-type]
    assert caught.value.code == "not_allowed"
    assert not Entry.objects.exists()


def test_a_participant_not_verified_yet_keeps_no_book(entrepreneur: User) -> None:
    from registration.tests.factories import ParticipantFactory, RegistrationFactory

    waiting = RegistrationFactory(participant=ParticipantFactory(user=entrepreneur)).participant
    with pytest.raises(ValidationError) as caught:
        services.entry_add(participant=waiting, **entry_values(), acting_user=entrepreneur)  # type: ignore[arg-type]
    assert caught.value.code == "not_verified"


def test_a_closed_month_and_the_months_before_it_refuse_entries(siti: Participant) -> None:
    close(siti, MARCH)
    for day in (DAY, datetime.date(2025, 2, 27)):
        with pytest.raises(ValidationError) as caught:
            add(siti, day=day)
        assert caught.value.code == "month_closed"
    assert not Entry.objects.exists()
    assert add(siti, day=datetime.date(2025, 4, 1)).day == APRIL


def test_a_correction_checks_the_old_day_and_the_new(siti: Participant) -> None:
    march, april = add(siti, day=DAY), add(siti, day=datetime.date(2025, 4, 2))
    close(siti, MARCH)
    for entry, day in ((march, datetime.date(2025, 4, 9)), (april, datetime.date(2025, 3, 30))):
        with pytest.raises(ValidationError) as caught:
            services.entry_update(entry=entry, **entry_values(day=day), acting_user=siti.user)  # type: ignore[arg-type]
        assert caught.value.code == "month_closed"
    assert sorted(Entry.objects.values_list("day", flat=True)) == [DAY, datetime.date(2025, 4, 2)]


def test_a_correction_moves_the_entry_and_both_months_reports_follow(siti: Participant) -> None:
    entry = add(siti, day=DAY, amount=100_000)
    add(siti, day=datetime.date(2025, 4, 2), amount=500_000)
    services.entry_update(
        entry=entry,
        **entry_values(day=datetime.date(2025, 4, 20), direction=Direction.OUT, category=Category.RENT, amount=70_000),  # type: ignore[arg-type]
        acting_user=siti.user,
    )
    entry.refresh_from_db()
    assert (entry.day, entry.direction, entry.category, entry.amount) == (
        datetime.date(2025, 4, 20),
        Direction.OUT,
        Category.RENT,
        70_000,
    )
    assert not MonthlyRecord.objects.filter(participant=siti, month=MARCH).exists()  # nothing left in March
    april = MonthlyRecord.objects.get(participant=siti, month=APRIL)
    assert (april.turnover, april.expenses) == (500_000, 70_000)


def test_money_out_before_any_money_in_is_written(siti: Participant) -> None:
    """People start their book with what they spend as often as with what they sell: the balance goes below zero
    until the money in is written, and the month's report is still computed."""
    add(siti, category=Category.RAW_MATERIALS, amount=80_000)
    assert selectors.cash_balance(siti) == -80_000
    assert MonthlyRecord.objects.get(participant=siti, month=MARCH).expenses == 80_000


def test_an_entry_is_deleted_and_its_months_report_goes(siti: Participant) -> None:
    entry = add(siti)
    services.entry_delete(entry=entry, acting_user=siti.user)
    assert not Entry.objects.exists() and not MonthlyRecord.objects.exists()


def test_a_deleted_entry_refuses_a_late_correction(siti: Participant) -> None:
    entry = add(siti)
    Entry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(ValidationError) as caught:
        services.entry_update(entry=entry, **entry_values(), acting_user=siti.user)  # type: ignore[arg-type]
    assert caught.value.code == "gone"


def test_a_settlement_and_the_opening_balance_are_not_changed_as_entries(siti: Participant) -> None:
    settlement = services.debt_settle(debt=owe(siti), settled_on=DAY, acting_user=siti.user)
    services.opening_balance_set(participant=siti, day=MARCH, cash=500_000, equipment=0, acting_user=siti.user)
    opening = Entry.objects.get(participant=siti, category=Category.OWNER_CAPITAL)
    for entry, code in ((settlement, "settlement_entry"), (opening, "opening_entry")):
        with pytest.raises(ValidationError) as caught:
            services.entry_update(entry=entry, **entry_values(), acting_user=siti.user)  # type: ignore[arg-type]
        assert caught.value.code == code
        with pytest.raises(ValidationError) as caught:
            services.entry_delete(entry=entry, acting_user=siti.user)
        assert caught.value.code == code
    assert Entry.objects.count() == 2


# --- money owed -------------------------------------------------------------------------------------------------


def test_money_owed_is_recorded_and_counts_in_the_months_turnover(siti: Participant) -> None:
    debt = owe(siti, amount=300_000)
    assert (debt.kind, debt.counterparty, debt.amount, debt.settled_on) == (
        DebtKind.RECEIVABLE,
        "Warung Bu Ani",
        300_000,
        None,
    )
    assert MonthlyRecord.objects.get(participant=siti, month=MARCH).turnover == 300_000  # a sale on credit


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"kind": "gift"}, "kind", "invalid"),
        ({"counterparty": "   "}, "counterparty", "required"),
        ({"counterparty": "x" * 121}, "counterparty", "too_long"),
        ({"amount": 0}, "amount", "not_positive"),
        ({"amount": MAX_RUPIAH + 1}, "amount", "too_large"),
        ({"due_on": datetime.date(2025, 3, 4)}, "due_on", "due_before_incurred"),
        ({"note": "x" * 201}, "note", "too_long"),
        ({"incurred_on": datetime.date(2017, 1, 1), "due_on": None}, "incurred_on", "day_too_early"),
    ],
)
def test_bad_money_owed_is_refused_by_field(
    siti: Participant, overrides: dict[str, object], field: str, code: str
) -> None:
    values: dict[str, object] = {
        "kind": DebtKind.PAYABLE,
        "counterparty": "Toko Beras Makmur",
        "amount": 200_000,
        "incurred_on": datetime.date(2025, 3, 5),
        "due_on": datetime.date(2025, 4, 5),
        "note": "",
        **overrides,
    }
    with pytest.raises(ValidationError) as caught:
        services.debt_add(participant=siti, **values, acting_user=siti.user)  # type: ignore[arg-type]
    assert error_codes(caught) == {field: [code]}
    assert not Debt.objects.exists()


def test_money_owed_due_the_day_it_was_made_is_taken(siti: Participant) -> None:
    day = datetime.date(2025, 3, 5)
    assert owe(siti, incurred_on=day, due_on=day).due_on == day


def test_settling_writes_the_cash_it_moves_in_its_settlement_category(siti: Participant) -> None:
    sold, bought = owe(siti), owe(siti, kind=DebtKind.PAYABLE, amount=80_000, counterparty="Toko Beras")
    collected = services.debt_settle(debt=sold, settled_on=DAY, acting_user=siti.user)
    paid = services.debt_settle(debt=bought, settled_on=DAY, acting_user=siti.user)
    assert (collected.settles, collected.category, collected.direction, collected.day, collected.source) == (
        sold,
        Category.DEBT_COLLECTED,
        Direction.IN,
        DAY,
        EntrySource.SETTLEMENT,
    )
    assert (paid.category, paid.direction, paid.amount, paid.note) == (
        Category.DEBT_PAID,
        Direction.OUT,
        80_000,
        "Toko Beras",
    )
    sold.refresh_from_db()
    assert sold.settled_on == DAY
    assert selectors.cash_balance(siti) == 200_000 - 80_000
    record = MonthlyRecord.objects.get(participant=siti, month=MARCH)
    assert (record.turnover, record.expenses) == (200_000, 80_000)  # made on credit: settling adds no revenue


def test_settling_twice_or_before_the_money_was_owed_is_refused(siti: Participant) -> None:
    debt = owe(siti)
    with pytest.raises(ValidationError) as caught:
        services.debt_settle(debt=debt, settled_on=datetime.date(2025, 3, 4), acting_user=siti.user)
    assert error_codes(caught) == {"settled_on": ["settled_before_incurred"]}
    services.debt_settle(debt=debt, settled_on=DAY, acting_user=siti.user)
    with pytest.raises(ValidationError) as caught:
        services.debt_settle(debt=debt, settled_on=DAY, acting_user=siti.user)
    assert caught.value.code == "already_settled"
    assert Entry.objects.count() == 1


def test_settling_into_a_closed_month_is_refused(siti: Participant) -> None:
    debt = owe(siti)
    close(siti, MARCH)
    with pytest.raises(ValidationError) as caught:
        services.debt_settle(debt=debt, settled_on=DAY, acting_user=siti.user)
    assert caught.value.code == "month_closed"
    assert services.debt_settle(debt=debt, settled_on=datetime.date(2025, 4, 2), acting_user=siti.user)


def test_unsettling_removes_the_settlement_entry(siti: Participant) -> None:
    debt = owe(siti)
    services.debt_settle(debt=debt, settled_on=DAY, acting_user=siti.user)
    services.debt_unsettle(debt=debt, acting_user=siti.user)
    debt.refresh_from_db()
    assert debt.settled_on is None and not Entry.objects.exists()
    with pytest.raises(ValidationError) as caught:
        services.debt_unsettle(debt=debt, acting_user=siti.user)
    assert caught.value.code == "not_settled"


def test_settled_money_owed_is_not_corrected_or_deleted(siti: Participant) -> None:
    debt = owe(siti)
    services.debt_settle(debt=debt, settled_on=DAY, acting_user=siti.user)
    with pytest.raises(ValidationError) as caught:
        services.debt_delete(debt=debt, acting_user=siti.user)
    assert caught.value.code == "settled"
    with pytest.raises(ValidationError) as caught:
        services.debt_update(
            debt=debt,
            kind=DebtKind.RECEIVABLE,
            counterparty="Bu Ani",
            amount=1,
            incurred_on=DAY,
            acting_user=siti.user,
        )
    assert caught.value.code == "settled"


def test_open_money_owed_is_corrected_and_deleted(siti: Participant) -> None:
    debt = owe(siti)
    services.debt_update(
        debt=debt,
        kind=DebtKind.PAYABLE,
        counterparty=" Toko Beras ",
        amount=90_000,
        incurred_on=datetime.date(2025, 4, 1),
        due_on=None,
        note="beras 10 kg",
        acting_user=siti.user,
    )
    debt.refresh_from_db()
    assert (debt.kind, debt.counterparty, debt.amount, debt.incurred_on, debt.due_on, debt.note) == (
        DebtKind.PAYABLE,
        "Toko Beras",
        90_000,
        datetime.date(2025, 4, 1),
        None,
        "beras 10 kg",
    )
    assert not MonthlyRecord.objects.filter(month=MARCH).exists()
    assert MonthlyRecord.objects.get(month=APRIL).expenses == 90_000
    services.debt_delete(debt=debt, acting_user=siti.user)
    assert not Debt.objects.exists() and not MonthlyRecord.objects.exists()


def test_money_owed_in_a_closed_month_is_not_changed(siti: Participant) -> None:
    debt = owe(siti)
    close(siti, MARCH)
    with pytest.raises(ValidationError) as caught:
        services.debt_delete(debt=debt, acting_user=siti.user)
    assert caught.value.code == "month_closed"
    with pytest.raises(ValidationError) as caught:
        owe(siti)
    assert caught.value.code == "month_closed"
    assert Debt.objects.count() == 1


# --- the opening balance ----------------------------------------------------------------------------------------


def test_the_opening_balance_puts_in_the_cash_and_the_equipment_as_owners_capital(siti: Participant) -> None:
    services.opening_balance_set(
        participant=siti, day=MARCH, cash=2_000_000, equipment=3_500_000, acting_user=siti.user
    )
    assert selectors.cash_balance(siti) == 2_000_000  # the equipment came in and went out the same day
    position = ledger.position(siti.pk, MARCH)
    assert (position.cash, position.equipment, position.owner_capital) == (2_000_000, 3_500_000, 5_500_000)
    assert position.total_assets == position.total_liabilities + position.total_equity
    assert selectors.opening_balance(siti) == OpeningBalance(day=MARCH, cash=2_000_000, equipment=3_500_000)


def test_the_opening_balance_is_one_per_book_and_changes_in_place(siti: Participant) -> None:
    services.opening_balance_set(
        participant=siti, day=MARCH, cash=2_000_000, equipment=3_500_000, acting_user=siti.user
    )
    first = set(Entry.objects.values_list("pk", flat=True))
    services.opening_balance_set(
        participant=siti, day=datetime.date(2025, 2, 1), cash=1_000_000, equipment=3_500_000, acting_user=siti.user
    )
    assert set(Entry.objects.values_list("pk", flat=True)) == first
    assert selectors.cash_balance(siti) == 1_000_000
    assert set(Entry.objects.values_list("day", flat=True)) == {datetime.date(2025, 2, 1)}
    services.opening_balance_set(
        participant=siti, day=datetime.date(2025, 2, 1), cash=1_000_000, equipment=0, acting_user=siti.user
    )
    assert Entry.objects.count() == 1
    services.opening_balance_set(
        participant=siti, day=datetime.date(2025, 2, 1), cash=0, equipment=0, acting_user=siti.user
    )
    assert not Entry.objects.exists()
    assert selectors.opening_balance(siti).day is None


def test_the_opening_balance_refuses_negative_amounts_and_a_closed_month(siti: Participant) -> None:
    with pytest.raises(ValidationError) as caught:
        services.opening_balance_set(
            participant=siti, day=MARCH, cash=-1, equipment=MAX_RUPIAH + 1, acting_user=siti.user
        )
    assert error_codes(caught) == {"cash": ["not_positive"], "equipment": ["too_large"]}
    services.opening_balance_set(participant=siti, day=MARCH, cash=1_000, equipment=0, acting_user=siti.user)
    close(siti, MARCH)
    with pytest.raises(ValidationError) as caught:  # its old day is in a closed month
        services.opening_balance_set(participant=siti, day=APRIL, cash=2_000, equipment=0, acting_user=siti.user)
    assert caught.value.code == "month_closed"
    assert Entry.objects.get().day == MARCH
