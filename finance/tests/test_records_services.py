"""The monthly report's services: computed from the cash book (`refresh_months`, called by the book services),
entered directly, closed and reopened; and the change of class (PP 7/2021) a report brings, with its message."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from finance import services
from finance.choices import CATEGORY_RULES, Category, DebtKind, MonthAction
from finance.classes import class_now
from finance.models import ClassChange, Entry, MonthEvent, MonthlyRecord, Source
from finance.selectors import report_streak
from finance.tests.factories import EntryFactory, MonthlyRecordFactory, months_ago
from mentoring.tests.factories import verified_participant
from notifications.models import Channel, Message
from notifications.rendering import render_message
from registration.choices import BusinessClass
from registration.models import Participant, business_class

pytestmark = pytest.mark.django_db


@pytest.fixture
def siti(entrepreneur: User) -> Participant:
    """Verified, registered with 2 workers, Rp 5,000,000 of assets and Rp 3,000,000 a month: micro."""
    return verified_participant("Tebet", user=entrepreneur)


def add(participant: Participant, day: datetime.date, amount: int, category: str = Category.SALES) -> Entry:
    """An entry typed through the book service, which refreshes the months from the books."""
    return services.entry_add(
        participant=participant,
        day=day,
        direction=CATEGORY_RULES[category].direction,
        category=category,
        amount=amount,
        acting_user=participant.user,
    )


def records(participant: Participant) -> dict[datetime.date, MonthlyRecord]:
    return {record.month: record for record in MonthlyRecord.objects.filter(participant=participant)}


def codes(caught: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]] | list[str]:
    error = caught.value
    if hasattr(error, "error_dict"):
        return {name: [e.code or "" for e in errors] for name, errors in error.error_dict.items()}
    return [e.code or "" for e in error.error_list]


def enter(participant: Participant, month: datetime.date, user: User | None = None, **figures: Any) -> MonthlyRecord:
    values = {"turnover": 4_000_000, "expenses": 1_500_000, "workers": 3, "assets": 9_000_000, **figures}
    record, _created = services.monthly_record_save(
        participant=participant, month=month, acting_user=user or participant.user, **values
    )
    return record


# --- the months computed from the books ---------------------------------------------------------------------------


def test_each_month_with_entries_or_debts_is_reported_from_the_books(siti: Participant) -> None:
    two, one = months_ago(2), months_ago(1)
    add(siti, two.replace(day=3), 3_000_000)
    add(siti, two.replace(day=9), 400_000, Category.RAW_MATERIALS)
    add(siti, two.replace(day=20), 2_000_000, Category.EQUIPMENT)  # an asset bought: not an expense
    services.debt_add(
        participant=siti,
        kind=DebtKind.RECEIVABLE,
        counterparty="Warung Bu Ani",
        amount=300_000,
        incurred_on=one.replace(day=4),
        acting_user=siti.user,
    )
    found = records(siti)
    assert set(found) == {two, one}
    first, second = found[two], found[one]
    assert (first.source, first.turnover, first.expenses, first.profit, first.workers) == (
        Source.BOOKS,
        3_000_000,
        400_000,
        2_600_000,
        2,  # the registration's workers: no earlier month
    )
    # cash 600,000 + equipment 2,000,000 (the book's own arithmetic: ledger.position)
    assert first.assets == 2_600_000
    # a sale on credit is turnover when made, and a receivable among the assets
    assert (second.turnover, second.expenses, second.profit, second.assets) == (300_000, 0, 300_000, 2_900_000)


def test_cash_below_zero_is_not_counted_as_negative_assets(siti: Participant) -> None:
    month = months_ago(1)
    add(siti, month.replace(day=2), 300_000, Category.EQUIPMENT)  # paid before any money in was written
    record = records(siti)[month]
    assert (record.turnover, record.expenses, record.assets) == (0, 0, 300_000)  # the equipment, not -300,000 + it


def test_workers_are_kept_else_taken_from_the_month_before(siti: Participant) -> None:
    two, one = months_ago(2), months_ago(1)
    enter(siti, months_ago(3), workers=7)
    add(siti, two.replace(day=3), 1_000_000)
    assert records(siti)[two].workers == 7  # the latest earlier month's
    services.monthly_record_save(participant=siti, month=two, workers=9, acting_user=siti.user)
    add(siti, two.replace(day=4), 1_000)
    add(siti, one.replace(day=4), 1_000)
    assert (records(siti)[two].workers, records(siti)[one].workers) == (9, 9)


def test_a_month_entered_directly_becomes_the_books_once_it_has_entries(siti: Participant) -> None:
    month = months_ago(1)
    enter(siti, month, turnover=8_000_000, workers=4)
    add(siti, month.replace(day=5), 250_000)
    record = records(siti)[month]
    assert (record.source, record.turnover, record.expenses, record.workers) == (Source.BOOKS, 250_000, 0, 4)


def test_a_month_whose_entries_are_all_gone_loses_its_computed_report(siti: Participant) -> None:
    two, one = months_ago(2), months_ago(1)
    entered = enter(siti, months_ago(3))
    entry = add(siti, two.replace(day=5), 250_000)
    add(siti, one.replace(day=5), 100_000)
    services.entry_delete(entry=entry, acting_user=siti.user)
    found = records(siti)
    assert set(found) == {entered.month, one}  # the entered month stays as it was entered
    assert found[entered.month].turnover == 4_000_000
    assert found[one].assets == 100_000  # the later month's cash follows


def test_refreshing_into_a_closed_month_is_refused_and_changes_nothing(siti: Participant) -> None:
    month = months_ago(2)
    add(siti, month.replace(day=5), 250_000)
    services.month_close(participant=siti, month=month, acting_user=siti.user)
    EntryFactory(participant=siti, day=month.replace(day=6), amount=1)  # written around the services
    with pytest.raises(ValidationError) as caught:
        services.refresh_months(participant=siti, from_month=month, acting_user=siti.user)
    assert codes(caught) == ["month_closed"]
    assert records(siti)[month].turnover == 250_000
    with pytest.raises(ValidationError) as caught:
        add(siti, month.replace(day=7), 5)  # the book service refuses first
    assert records(siti)[month].turnover == 250_000


def test_refreshing_costs_a_fixed_number_of_reads_and_one_write_per_month_changed(
    siti: Participant, django_assert_max_num_queries: Any
) -> None:
    for back in range(1, 7):
        month = months_ago(back)
        EntryFactory.create_batch(5, participant=siti, day=month.replace(day=3), amount=1_000)
    start = months_ago(6)
    # the first time: 6 months written; reads: lock, records, figures (2), earlier workers, a position per
    # month (2 each), the class (business, class_now, last change)
    with django_assert_max_num_queries(9 + 6 * 2 + 6):
        services.refresh_months(participant=siti, from_month=start, acting_user=siti.user)
    EntryFactory(participant=siti, day=months_ago(1).replace(day=9), amount=1_000)
    # again: only the last month changed
    with django_assert_max_num_queries(9 + 6 * 2 + 1):
        services.refresh_months(participant=siti, from_month=start, acting_user=siti.user)
    assert records(siti)[months_ago(1)].turnover == 6_000


# --- a month entered directly -------------------------------------------------------------------------------------


def test_a_month_entered_directly_gets_its_profit_from_its_expenses(siti: Participant, mentor_tebet: User) -> None:
    record = enter(siti, months_ago(1), mentor_tebet)
    assert (record.turnover, record.expenses, record.profit, record.source) == (
        4_000_000,
        1_500_000,
        2_500_000,
        Source.MENTOR,
    )
    record = enter(siti, months_ago(1), expenses=None)
    assert (record.expenses, record.profit, record.source) == (None, None, Source.PARTICIPANT)


def test_a_month_entered_directly_needs_its_turnover_and_assets(siti: Participant) -> None:
    with pytest.raises(ValidationError) as caught:
        services.monthly_record_save(participant=siti, month=months_ago(1), workers=2, acting_user=siti.user)
    assert codes(caught) == {"turnover": ["required"], "assets": ["required"]}
    assert not MonthlyRecord.objects.exists()


def test_a_month_from_the_books_takes_only_its_workers(siti: Participant) -> None:
    month = months_ago(1)
    add(siti, month.replace(day=5), 250_000)
    with pytest.raises(ValidationError) as caught:
        enter(siti, month, turnover=9_000_000, expenses=5, assets=1)
    assert codes(caught) == {"turnover": ["from_books"], "expenses": ["from_books"], "assets": ["from_books"]}
    record = records(siti)[month]
    # the books' own figures given again are no change: a form that shows them may send them back
    services.monthly_record_save(
        participant=siti, month=month, workers=6, turnover=record.turnover, assets=record.assets, acting_user=siti.user
    )
    record = records(siti)[month]
    assert (record.source, record.turnover, record.workers) == (Source.BOOKS, 250_000, 6)


def test_a_closed_month_and_those_before_it_are_not_entered(siti: Participant) -> None:
    enter(siti, months_ago(2))
    services.month_close(participant=siti, month=months_ago(2), acting_user=siti.user)
    for month in (months_ago(2), months_ago(3)):
        with pytest.raises(ValidationError) as caught:
            enter(siti, month, turnover=1)
        assert codes(caught) == ["month_closed"]
    enter(siti, months_ago(1))  # a later month is open


# --- closing and reopening ----------------------------------------------------------------------------------------


def test_closing_a_month_closes_the_earlier_open_months_once_each(siti: Participant) -> None:
    for back in (5, 4, 2, 1):
        enter(siti, months_ago(back))
    services.month_close(participant=siti, month=months_ago(4), acting_user=siti.user)
    closed = services.month_close(participant=siti, month=months_ago(2), acting_user=siti.user)
    assert [record.month for record in closed] == [months_ago(2)]  # the fourth was closed already
    found = records(siti)
    assert [m for m, r in sorted(found.items()) if r.is_closed] == [months_ago(5), months_ago(4), months_ago(2)]
    assert found[months_ago(2)].closed_by == siti.user
    events = MonthEvent.objects.filter(action=MonthAction.CLOSE).order_by("month")
    assert [e.month for e in events] == [months_ago(5), months_ago(4), months_ago(2)]


@pytest.mark.parametrize(
    ("month_back", "code"),
    [(3, "not_reported"), (0, "month_not_over"), (2, "already_closed")],
)
def test_closing_needs_a_reported_month_that_is_over_and_open(siti: Participant, month_back: int, code: str) -> None:
    for back in (2, 0):
        enter(siti, months_ago(back))
    services.month_close(participant=siti, month=months_ago(2), acting_user=siti.user)
    with pytest.raises(ValidationError) as caught:
        services.month_close(participant=siti, month=months_ago(month_back), acting_user=siti.user)
    assert codes(caught) == [code]
    assert MonthEvent.objects.count() == 1


def test_reopening_a_month_reopens_the_later_closed_months_with_the_reason(siti: Participant) -> None:
    for back in (4, 3, 2):
        enter(siti, months_ago(back))
    services.month_close(participant=siti, month=months_ago(2), acting_user=siti.user)
    reopened = services.month_reopen(
        participant=siti, month=months_ago(3), reason="  A sale was\nleft out ", acting_user=siti.user
    )
    assert [record.month for record in reopened] == [months_ago(3), months_ago(2)]
    assert [m for m, r in sorted(records(siti).items()) if r.is_closed] == [months_ago(4)]
    events = MonthEvent.objects.filter(action=MonthAction.REOPEN)
    assert sorted((e.month, e.reason) for e in events) == [
        (months_ago(3), "A sale was left out"),
        (months_ago(2), "A sale was left out"),
    ]
    enter(siti, months_ago(3), turnover=1)  # open again


def test_reopening_needs_a_reason_and_a_closed_month(siti: Participant) -> None:
    enter(siti, months_ago(2))
    services.month_close(participant=siti, month=months_ago(2), acting_user=siti.user)
    with pytest.raises(ValidationError) as caught:
        services.month_reopen(participant=siti, month=months_ago(2), reason="  ", acting_user=siti.user)
    assert codes(caught) == {"reason": ["required"]}
    with pytest.raises(ValidationError) as caught:
        services.month_reopen(participant=siti, month=months_ago(2), reason="x" * 301, acting_user=siti.user)
    assert codes(caught) == {"reason": ["too_long"]}
    with pytest.raises(ValidationError) as caught:
        services.month_reopen(participant=siti, month=months_ago(1), reason="why", acting_user=siti.user)
    assert codes(caught) == ["not_closed"]
    assert records(siti)[months_ago(2)].is_closed


@pytest.mark.parametrize(
    ("who", "ok"),
    [
        ("entrepreneur", True),
        ("agency_staff", True),
        ("mentor_tebet", False),
        ("other_entrepreneur", False),
        ("partner_user", False),
    ],
)
def test_the_participant_and_agency_staff_close_and_reopen(
    request: pytest.FixtureRequest, siti: Participant, who: str, ok: bool
) -> None:
    user = request.getfixturevalue(who)
    enter(siti, months_ago(1))
    if not ok:
        with pytest.raises(ValidationError) as caught:
            services.month_close(participant=siti, month=months_ago(1), acting_user=user)
        assert codes(caught) == ["not_allowed"]
        services.month_close(participant=siti, month=months_ago(1), acting_user=siti.user)
        with pytest.raises(ValidationError) as caught:
            services.month_reopen(participant=siti, month=months_ago(1), reason="why", acting_user=user)
        assert codes(caught) == ["not_allowed"]
        assert records(siti)[months_ago(1)].is_closed
        return
    services.month_close(participant=siti, month=months_ago(1), acting_user=user)
    services.month_reopen(participant=siti, month=months_ago(1), reason="why", acting_user=user)
    assert not records(siti)[months_ago(1)].is_closed
    assert set(MonthEvent.objects.values_list("by", flat=True)) == {user.pk}


# --- the class: PP 7/2021's limits, each boundary ----------------------------------------------------------------

CAPITAL_LIMITS = [
    (1_000_000_000, BusinessClass.MICRO),
    (1_000_000_001, BusinessClass.SMALL),
    (5_000_000_000, BusinessClass.SMALL),
    (5_000_000_001, BusinessClass.MEDIUM),
    (10_000_000_000, BusinessClass.MEDIUM),
    (10_000_000_001, BusinessClass.LARGE),
]
SALES_LIMITS = [
    (2_000_000_000, BusinessClass.MICRO),
    (2_000_000_001, BusinessClass.SMALL),
    (15_000_000_000, BusinessClass.SMALL),
    (15_000_000_001, BusinessClass.MEDIUM),
    (50_000_000_000, BusinessClass.MEDIUM),
    (50_000_000_001, BusinessClass.LARGE),
]


@pytest.mark.parametrize(("capital", "expected"), CAPITAL_LIMITS)
def test_the_class_by_capital_at_each_limit(siti: Participant, capital: int, expected: str) -> None:
    assert business_class(capital=capital, yearly_sales=0) == expected
    MonthlyRecordFactory(participant=siti, month=months_ago(1), turnover=0, assets=capital)
    now = class_now(siti, siti.business, today=timezone.localdate())
    assert (now.baseline, now.current, now.capital) == (BusinessClass.MICRO, expected, capital)


@pytest.mark.parametrize(("sales", "expected"), SALES_LIMITS)
def test_the_class_by_twelve_months_of_sales_at_each_limit(siti: Participant, sales: int, expected: str) -> None:
    assert business_class(capital=0, yearly_sales=sales) == expected
    month = sales // 12
    for back in range(12):  # eleven equal months and the rest in the latest: the year's exact sum
        turnover = sales - 11 * month if back == 0 else month
        MonthlyRecordFactory(participant=siti, month=months_ago(back), turnover=turnover, assets=0)
    now = class_now(siti, siti.business, today=timezone.localdate())
    assert (now.current, now.yearly_sales, now.months) == (expected, sales, 12)


def test_with_fewer_months_reported_the_yearly_sales_are_scaled_to_twelve(siti: Participant) -> None:
    MonthlyRecordFactory(participant=siti, month=months_ago(1), turnover=100_000_000, assets=0)
    MonthlyRecordFactory(participant=siti, month=months_ago(4), turnover=100_000_001, assets=0)
    MonthlyRecordFactory(participant=siti, month=months_ago(12), turnover=999_000_000_000)  # not of the twelve
    now = class_now(siti, siti.business, today=timezone.localdate())
    assert (now.months, now.yearly_sales, now.average_monthly_turnover) == (2, 1_200_000_006, 100_000_001)
    assert now.current == BusinessClass.MICRO


# --- the change of class ------------------------------------------------------------------------------------------


def test_moving_up_a_class_is_recorded_once_and_told_to_the_participant(siti: Participant) -> None:
    enter(siti, months_ago(2), assets=2_000_000_000)
    change = ClassChange.objects.get()
    assert (change.previous_class, change.new_class, change.month, change.capital) == (
        BusinessClass.MICRO,
        BusinessClass.SMALL,
        months_ago(2),
        2_000_000_000,
    )
    assert change.yearly_sales == 48_000_000 and change.moved_up
    message = Message.objects.get(channel=Channel.EMAIL)
    assert (message.template, message.recipient_id) == ("finance_class_up", siti.user_id)
    assert message.context["business_class"] == BusinessClass.SMALL
    enter(siti, months_ago(1), assets=3_000_000_000)  # still small: nothing new
    assert (ClassChange.objects.count(), Message.objects.filter(channel=Channel.EMAIL).count()) == (1, 1)


def test_moving_down_is_recorded_without_a_message(siti: Participant) -> None:
    enter(siti, months_ago(2), assets=2_000_000_000)
    enter(siti, months_ago(1), assets=10_000_000)
    down = ClassChange.objects.order_by("-changed_at", "-pk").first()
    assert down is not None
    assert (down.previous_class, down.new_class, down.moved_up) == (BusinessClass.SMALL, BusinessClass.MICRO, False)
    assert Message.objects.filter(channel=Channel.EMAIL).count() == 1  # the move up only


def test_a_class_change_from_the_books_is_noted_too(siti: Participant) -> None:
    add(siti, months_ago(1).replace(day=2), 1_500_000_000, Category.OWNER_CAPITAL)
    change = ClassChange.objects.get()
    assert (change.new_class, change.capital) == (BusinessClass.SMALL, 1_500_000_000)


def test_the_class_up_message_fits_an_sms_in_both_languages(settings: Any) -> None:
    settings.SITE_URL = "https://jakpreneur.jakarta.go.id"
    longest = ("Raden Ajeng Siti Nurhaliza Kusumawardhani Putri " * 4)[:150]
    participant = verified_participant("Tebet", full_name=longest)
    enter(participant, months_ago(1), assets=50_000_000_000)
    message = Message.objects.get(template="finance_class_up")
    for language in ("en", "id"):
        message.language = language
        rendered = render_message(message)
        assert len(rendered.body) <= 320, (language, len(rendered.body), rendered.body)
        assert rendered.subject.startswith("JakPreneur: ")
        assert "https://jakpreneur.jakarta.go.id/keuangan/laporan/" in rendered.body


@pytest.mark.parametrize(
    ("business_class", "english", "indonesian"),
    [
        (BusinessClass.SMALL, "Small", "Kecil"),
        (BusinessClass.MEDIUM, "Medium", "Menengah"),
        (BusinessClass.LARGE, "Large", "Besar"),
    ],
)
def test_the_class_up_message_names_the_new_class_in_the_readers_language(
    business_class: str, english: str, indonesian: str
) -> None:
    siti = verified_participant("Tebet")
    message = Message.objects.create(
        recipient=siti.user,
        channel=Channel.EMAIL,
        address="siti@example.id",
        template="finance_class_up",
        language="en",
        context={"full_name": "Siti", "business_class": business_class, "link": "https://x.id/"},
    )
    assert f"class: {english} (PP 7/2021)" in render_message(message).body
    message.language = "id"
    assert f"{indonesian} (PP 7/2021)" in render_message(message).body


def test_a_month_the_cash_book_gives_is_not_deleted_by_hand(admin_user: User) -> None:
    siti = verified_participant("Tebet")
    services.entry_add(
        participant=siti,
        day=months_ago(1),
        direction="in",
        category=Category.SALES,
        amount=500_000,
        note="",
        acting_user=siti.user,
    )
    record = MonthlyRecord.objects.get(participant=siti, month=months_ago(1))
    assert record.source == Source.BOOKS
    with pytest.raises(ValidationError) as refused:
        services.monthly_record_delete(record=record, acting_user=admin_user)
    assert refused.value.code == "from_books" and MonthlyRecord.objects.filter(pk=record.pk).exists()


def _sale(participant: Participant, month: datetime.date, amount: int = 400_000) -> Any:
    return services.entry_add(
        participant=participant,
        day=month.replace(day=5),
        direction="in",
        category=Category.SALES,
        amount=amount,
        acting_user=participant.user,
    )


def test_a_quiet_month_between_two_months_of_the_book_is_reported_as_nothing_happened() -> None:
    """A book kept in March and May says April was quiet: April is reported from the book with nothing in it (so
    the streak and the statements run through it), and stops being so when May's entries go."""
    siti = verified_participant("Tebet")
    _sale(siti, months_ago(3))
    may = _sale(siti, months_ago(1), 900_000)
    april = MonthlyRecord.objects.get(participant=siti, month=months_ago(2))
    assert (april.source, april.turnover, april.expenses, april.profit) == (Source.BOOKS, 0, 0, 0)
    assert april.assets == 400_000  # the cash March left
    assert report_streak(siti, up_to=timezone.localdate()) == 3
    services.entry_delete(entry=may, acting_user=siti.user)
    assert not MonthlyRecord.objects.filter(participant=siti, month=months_ago(2)).exists()


def test_a_month_entered_by_hand_between_two_months_of_the_book_stays_as_entered(mentor_tebet: User) -> None:
    siti = verified_participant("Tebet")
    _sale(siti, months_ago(3))
    services.monthly_record_save(
        participant=siti, month=months_ago(2), workers=3, turnover=700_000, assets=1, acting_user=mentor_tebet
    )
    _sale(siti, months_ago(1))
    april = MonthlyRecord.objects.get(participant=siti, month=months_ago(2))
    assert (april.source, april.turnover) == (Source.MENTOR, 700_000)
