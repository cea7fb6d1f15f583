"""The import services: nothing written from a file with errors unless the good rows are chosen, every row saved
through the book's checks in one transaction (a month closed since saves nothing), the monthly reports computed
again, and only the participant, once verified, imports into their book."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from core import audit
from finance import services
from finance.choices import Category, Direction, EntrySource, ImportStatus
from finance.models import Entry, ImportBatch, MonthlyRecord, Source
from finance.tests.factories import MonthlyRecordFactory
from mentoring.tests.factories import verified_participant
from registration.models import Participant
from registration.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

GOOD_AND_BAD = (
    b"tanggal;jenis;jumlah;kategori;catatan\r\n"
    b"10/03/2025;masuk;1.500.000;sales;Katering\r\n"
    b"12/03/2025;keluar;400.000;raw_materials;Beras\r\n"
    b"13/03/2025;keluar;lima ratus;rent;\r\n"
    b"03/04/2025;masuk;200.000;sales;\r\n"
)
ALL_GOOD = (
    b"tanggal;jenis;jumlah;kategori\r\n10/03/2025;masuk;1.500.000;sales\r\n12/03/2025;keluar;400.000;raw_materials\r\n"
)


@pytest.fixture
def siti(entrepreneur: User) -> Participant:
    return verified_participant("Tebet", user=entrepreneur)


def check(participant: Participant, content: bytes, user: User | None = None) -> ImportBatch:
    return services.import_check(
        participant=participant, file_name="kas.csv", content=content, acting_user=user or participant.user
    )


def code_of(caught: pytest.ExceptionInfo[ValidationError]) -> str:
    return str(caught.value.code)


def test_checking_a_file_writes_nothing_in_the_book(siti: Participant) -> None:
    batch = check(siti, GOOD_AND_BAD)
    assert batch.status == ImportStatus.CHECKED
    assert [row["row"] for row in batch.rows] == [2, 3, 5]
    assert [(e["row"], e["field"]) for e in batch.errors] == [(4, "amount")]
    assert batch.rows[0] == {
        "row": 2,
        "day": "2025-03-10",
        "direction": Direction.IN,
        "amount": 1_500_000,
        "category": Category.SALES,
        "note": "Katering",
        "key": batch.rows[0]["key"],
        "repeated": False,
    }
    assert not Entry.objects.exists()
    assert not MonthlyRecord.objects.exists()


def test_a_file_with_errors_is_not_saved_unless_the_good_rows_are_chosen(siti: Participant) -> None:
    batch = check(siti, GOOD_AND_BAD)
    with pytest.raises(ValidationError) as caught:
        services.import_save(batch=batch, only_good_rows=False, acting_user=siti.user)
    assert code_of(caught) == "has_errors"
    assert not Entry.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED
    saved = services.import_save(batch=batch, only_good_rows=True, acting_user=siti.user)
    assert (saved.status, saved.saved_count, saved.repeated_count) == (ImportStatus.SAVED, 3, 0)
    assert saved.decided_at is not None
    entries = list(Entry.objects.filter(participant=siti).order_by("day"))
    assert [(e.day, e.amount, e.source) for e in entries] == [
        (datetime.date(2025, 3, 10), 1_500_000, EntrySource.IMPORTED),
        (datetime.date(2025, 3, 12), 400_000, EntrySource.IMPORTED),
        (datetime.date(2025, 4, 3), 200_000, EntrySource.IMPORTED),
    ]
    assert all(len(e.entry_key) == 64 and e.recorded_by == siti.user for e in entries)


def test_saving_computes_the_monthly_reports_from_the_earliest_month(siti: Participant) -> None:
    services.import_save(batch=check(siti, GOOD_AND_BAD), only_good_rows=True, acting_user=siti.user)
    march, april = MonthlyRecord.objects.filter(participant=siti).order_by("month")
    assert (march.month, march.source, march.turnover, march.expenses) == (
        datetime.date(2025, 3, 1),
        Source.BOOKS,
        1_500_000,
        400_000,
    )
    assert (april.month, april.turnover) == (datetime.date(2025, 4, 1), 200_000)


def test_a_file_without_errors_is_saved_whole(siti: Participant) -> None:
    saved = services.import_save(batch=check(siti, ALL_GOOD), only_good_rows=False, acting_user=siti.user)
    assert saved.saved_count == 2
    assert Entry.objects.filter(participant=siti).count() == 2


def test_the_imported_entries_are_in_the_audit_trail_as_the_persons(siti: Participant, entrepreneur: User) -> None:
    services.import_save(batch=check(siti, ALL_GOOD), only_good_rows=False, acting_user=siti.user)
    [created] = audit.history_of(Entry.objects.filter(participant=siti).first())
    assert created.kind == "created" and created.actor == str(entrepreneur)


def test_a_month_closed_since_the_check_saves_nothing(siti: Participant, entrepreneur: User) -> None:
    batch = check(siti, GOOD_AND_BAD)
    MonthlyRecordFactory(
        participant=siti, month=datetime.date(2025, 3, 1), closed_at=timezone.now(), closed_by=entrepreneur
    )
    with pytest.raises(ValidationError) as caught:
        services.import_save(batch=batch, only_good_rows=True, acting_user=siti.user)
    assert code_of(caught) == "row_refused"
    assert "2025-03" in caught.value.messages[0]
    assert not Entry.objects.exists()  # not even April's row
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED


def test_rows_of_a_closed_month_are_errors_when_checked(siti: Participant, entrepreneur: User) -> None:
    MonthlyRecordFactory(
        participant=siti, month=datetime.date(2025, 3, 1), closed_at=timezone.now(), closed_by=entrepreneur
    )
    batch = check(siti, GOOD_AND_BAD)
    assert [(e["row"], e["field"]) for e in batch.errors] == [(2, "day"), (3, "day"), (4, "amount")]
    assert [row["row"] for row in batch.rows] == [5]


def test_a_batch_is_decided_once(siti: Participant) -> None:
    batch = check(siti, ALL_GOOD)
    services.import_save(batch=batch, only_good_rows=False, acting_user=siti.user)
    for again in (
        lambda: services.import_save(batch=batch, only_good_rows=False, acting_user=siti.user),
        lambda: services.import_discard(batch=batch, acting_user=siti.user),
    ):
        with pytest.raises(ValidationError) as caught:
            again()
        assert code_of(caught) == "decided"
    assert Entry.objects.count() == 2


def test_discarding_writes_nothing(siti: Participant) -> None:
    batch = check(siti, ALL_GOOD)
    discarded = services.import_discard(batch=batch, acting_user=siti.user)
    assert discarded.status == ImportStatus.DISCARDED
    assert not Entry.objects.exists()
    with pytest.raises(ValidationError):
        services.import_save(batch=batch, only_good_rows=False, acting_user=siti.user)


def test_a_file_with_no_good_row_has_nothing_to_save(siti: Participant) -> None:
    batch = check(siti, b"tanggal;jenis;jumlah;kategori\r\nxx;masuk;1000;sales\r\n")
    with pytest.raises(ValidationError) as caught:
        services.import_save(batch=batch, only_good_rows=True, acting_user=siti.user)
    assert code_of(caught) == "nothing_good"


def test_saving_locks_the_participants_row_first(siti: Participant) -> None:
    batch = check(siti, ALL_GOOD)
    with CaptureQueriesContext(connection) as queries:
        services.import_save(batch=batch, only_good_rows=False, acting_user=siti.user)
    first = next(q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SAVEPOINT"))
    assert 'FROM "registration_participant"' in first and "FOR UPDATE" in first


@pytest.mark.parametrize("who", ["other_entrepreneur", "mentor_tebet", "agency_staff"])
def test_only_the_participant_imports_into_their_book(
    request: pytest.FixtureRequest, siti: Participant, who: str
) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(ValidationError) as caught:
        check(siti, ALL_GOOD, user)
    assert code_of(caught) == "not_allowed"
    batch = check(siti, ALL_GOOD)
    for attempt in (
        lambda: services.import_save(batch=batch, only_good_rows=False, acting_user=user),
        lambda: services.import_discard(batch=batch, acting_user=user),
    ):
        with pytest.raises(ValidationError) as caught:
            attempt()
        assert code_of(caught) == "not_allowed"
    assert not Entry.objects.exists()
    assert ImportBatch.objects.get().status == ImportStatus.CHECKED


def test_a_participant_not_verified_yet_imports_nothing(entrepreneur: User) -> None:
    waiting = RegistrationFactory(participant__user=entrepreneur).participant
    with pytest.raises(ValidationError) as caught:
        check(waiting, ALL_GOOD)
    assert code_of(caught) == "not_verified"
    assert not ImportBatch.objects.exists()
