"""The summary tables (targets.summary): the funnel on a known program built through the step services, kept
current after each commit through Celery (eager here; a real worker in one test), equal to a rebuild from scratch
on generated data, exact under concurrent refreshes, and never failing a service when the broker is down."""

import contextlib
import dataclasses
import datetime
import functools
import io
import logging
import random
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.services import user_update_position
from accounts.tests.factories import UserFactory
from finance.models import MonthlyRecord
from finance.services import entry_add, monthly_record_delete
from geography.models import Kecamatan
from licensing import licence_types
from licensing import services as licensing_services
from licensing.models import Licence
from licensing.tests.factories import licence_type
from marketing.models import OnlineStore
from marketing.services import products as marketing_products
from marketing.tests.factories import graded_product
from mentoring import services as mentoring_services
from mentoring.models import Visit
from registration.choices import Status
from registration.measures import Measure
from registration.models import Participant, Registration
from targets import summary
from targets.models import AreaCount, GapCount, MeasureCount, Progress
from targets.tests.builders import Program, dated_participant, gap_counts, snapshot, totals
from tests.support.servers import celery_broker, celery_worker, current_database_url, throwaway_redis, wait_until
from training.tests.factories import SessionFactory

Capture = Callable[..., Any]


@pytest.mark.django_db
def test_the_funnel_of_a_known_program_built_through_the_services(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    program = Program(["Tebet"])
    first, second = program.mentors["Tebet"]
    with django_capture_on_commit_callbacks(execute=True):
        people = [program.register("Tebet") for _ in range(10)]
        for participant in people[:8]:
            program.verify(participant)  # each gets the least loaded mentor: the two in turn
        program.train(people[:6])
        for participant in people[:5]:
            program.visit(participant)
        for participant in people[:3]:
            program.license(participant)
        program.license(people[3], licence_types.PIRT)  # licensed, not formal
        for participant in people[:3]:
            program.market(participant)
        program.report(people[0], turnover=200_000_000)  # Rp 2.4 billion a year: a small business now
        program.report(people[1])
        program.capitalise(people[0])

    expected = {
        Measure.REGISTERED: 10,
        Measure.VERIFIED: 8,
        Measure.TRAINED: 6,
        Measure.MENTORED: 5,
        Measure.LICENSED: 4,
        Measure.MARKETED: 3,
        Measure.REPORTING: 2,
        Measure.CAPITALISED: 1,
        Measure.FORMAL: 3,
        Measure.MOVED_UP: 1,
    }
    assert totals() == expected
    this_month = timezone.localdate().replace(day=1)
    assert set(MeasureCount.objects.values_list("month", "cohort")) == {(this_month, this_month.year)}
    # by mentor: the first verified went to the first mentor, the next to the second, and so on
    assert totals(Q(mentor=first)) == {
        Measure.REGISTERED: 4,
        Measure.VERIFIED: 4,
        Measure.TRAINED: 3,
        Measure.MENTORED: 3,
        Measure.LICENSED: 2,
        Measure.MARKETED: 2,
        Measure.REPORTING: 1,
        Measure.CAPITALISED: 1,
        Measure.FORMAL: 2,
        Measure.MOVED_UP: 1,
    }
    assert totals(Q(mentor__isnull=True)) == {Measure.REGISTERED: 2}
    assert set(Progress.objects.filter(mentor=second).values_list("pk", flat=True)) == {p.pk for p in people[1:8:2]}
    # every step was reached today: each gap is 0 days, counted for those who reached both steps
    reached_both = {
        Measure.VERIFIED: 8,
        Measure.TRAINED: 6,
        Measure.MENTORED: 5,
        Measure.LICENSED: 4,
        Measure.MARKETED: 3,
        Measure.REPORTING: 2,
        Measure.CAPITALISED: 1,
    }
    tebet = people[0].kecamatan_id
    assert gap_counts() == sorted((measure.value, this_month.year, tebet, 0, n) for measure, n in reached_both.items())
    incremental = snapshot()
    assert summary.rebuild() == {
        "progress": 10,
        "measure_counts": len(incremental[1]),
        "area_counts": len(incremental[3]),
        "gap_counts": len(incremental[2]),
    }
    assert snapshot() == incremental


# --- each service that changes a measure refreshes the summary after its commit ---------------------------------


def progress_of(participant: Participant) -> Progress:
    return Progress.objects.get(pk=participant.pk)


@pytest.fixture
def program(db: None) -> Program:
    return Program(["Tebet"])


@pytest.fixture
def verified(program: Program, django_capture_on_commit_callbacks: Capture) -> Participant:
    """A participant of Tebet verified (so mentored by the first mentor), counted."""
    with django_capture_on_commit_callbacks(execute=True):
        participant = program.register("Tebet")
        program.verify(participant)
    return participant


def test_the_refresh_runs_after_the_commit_not_before(
    program: Program, verified: Participant, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        program.visit(verified)
    assert progress_of(verified).mentored_on is None  # the transaction has not committed
    assert totals().get(Measure.MENTORED) is None
    for callback in callbacks:
        callback()
    assert progress_of(verified).mentored_on == timezone.localdate()
    assert totals()[Measure.MENTORED] == 1


def test_mentoring_services_refresh_the_visit_day_and_the_mentor(
    program: Program, verified: Participant, django_capture_on_commit_callbacks: Capture
) -> None:
    first, second = program.mentors["Tebet"]
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        program.visit(verified)
    visit = Visit.objects.get(participant=verified)
    with django_capture_on_commit_callbacks(execute=True):
        mentoring_services.visit_update(
            visit=visit,
            date=today - datetime.timedelta(days=3),
            kind=visit.kind,
            steps=visit.steps,
            notes=visit.notes,
            shared=visit.shared,
            acting_user=program.agency,
        )
    assert progress_of(verified).mentored_on == today - datetime.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        mentoring_services.visit_delete(visit=visit, acting_user=UserFactory(is_superuser=True, is_staff=True))
    assert progress_of(verified).mentored_on is None

    assert progress_of(verified).mentor_id == first.pk
    with django_capture_on_commit_callbacks(execute=True):
        assert program.reassign(verified) == second
    assert progress_of(verified).mentor_id == second.pk
    assert totals(Q(mentor=first)) == {}  # the counts followed the participant to the new mentor
    assert totals(Q(mentor=second)) == {Measure.REGISTERED: 1, Measure.VERIFIED: 1}

    # the second mentor leaves the program: their participants wait without a mentor
    with django_capture_on_commit_callbacks(execute=True):
        user_update_position(
            user=second, role=second.role, office=second.office, is_active=False, acting_user=program.agency
        )
    assert progress_of(verified).mentor_id is None
    assert totals(Q(mentor__isnull=True)) == {Measure.REGISTERED: 1, Measure.VERIFIED: 1}


def test_training_completion_and_its_correction_refresh_trained(
    program: Program, verified: Participant, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        program.train([verified])
    assert progress_of(verified).trained_on == timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        program.untrain(verified)
    assert progress_of(verified).trained_on is None
    assert totals().get(Measure.TRAINED) is None


def test_licences_and_the_business_number_type_refresh_licensed_and_formal(
    program: Program, verified: Participant, django_capture_on_commit_callbacks: Capture
) -> None:
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        program.license(verified)
    assert (progress_of(verified).licensed_on, progress_of(verified).formal_on) == (today, today)
    licence = Licence.objects.get(participant=verified)
    with django_capture_on_commit_callbacks(execute=True):
        licensing_services.licence_correct(
            licence=licence,
            data=licensing_services.LicenceData(number=licence.number, issued_on=datetime.date(2024, 2, 1)),
            acting_user=program.agency,
        )
    assert progress_of(verified).licensed_on == datetime.date(2024, 2, 1)

    def save_nib(*, is_business_number: bool) -> None:
        nib = licence_type(licence_types.NIB)
        values = {f.name: getattr(nib, f.name) for f in dataclasses.fields(licensing_services.LicenceTypeData)}
        values.update(prerequisites=list(nib.prerequisites.all()), is_business_number=is_business_number)
        licensing_services.licence_type_save(
            licence_type=nib, data=licensing_services.LicenceTypeData(**values), acting_user=program.agency
        )

    with django_capture_on_commit_callbacks(execute=True):
        save_nib(is_business_number=False)  # the type no longer says who is formal
    assert progress_of(verified).formal_on is None
    with django_capture_on_commit_callbacks(execute=True):
        save_nib(is_business_number=True)
    assert progress_of(verified).formal_on == datetime.date(2024, 2, 1)


def test_marketing_services_refresh_marketed(
    program: Program, verified: Participant, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        program.market(verified)
    assert progress_of(verified).marketed_on == timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        marketing_products.store_delete(store=OnlineStore.objects.get(), acting_user=verified.user)
    assert progress_of(verified).marketed_on is None
    with django_capture_on_commit_callbacks(execute=True):
        graded_product("B", verified.business, curator=program.agency)  # through curation: graded
    assert progress_of(verified).marketed_on == timezone.localdate()


def test_monthly_records_and_the_cash_book_refresh_reporting_and_the_class(
    program: Program, verified: Participant, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        program.report(verified, months=3, turnover=200_000_000)
    row = progress_of(verified)
    assert (row.reporting_on, row.moved_up_on) == (timezone.localdate(), timezone.localdate())
    record = MonthlyRecord.objects.filter(participant=verified).order_by("month").first()
    assert record is not None
    with django_capture_on_commit_callbacks(execute=True):
        monthly_record_delete(record=record, acting_user=UserFactory(is_superuser=True, is_staff=True))
    assert progress_of(verified).reporting_on is None
    # the oldest month comes back from the cash book (refresh_months computes its report)
    with django_capture_on_commit_callbacks(execute=True):
        entry_add(
            participant=verified,
            day=record.month + datetime.timedelta(days=4),
            direction="in",
            category="sales",
            amount=150_000,
            acting_user=verified.user,
        )
    assert MonthlyRecord.objects.filter(participant=verified).count() == 3
    assert progress_of(verified).reporting_on == timezone.localdate()


def test_a_disbursement_refreshes_capitalised_and_a_deletion_takes_the_row_away(
    program: Program, verified: Participant, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        program.capitalise(verified)
    assert progress_of(verified).capitalised_on == timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        gone = program.register("Tebet")
        program.verify(gone)
    assert totals()[Measure.VERIFIED] == 2
    with django_capture_on_commit_callbacks(execute=True):
        program.delete(gone)
    assert not Progress.objects.filter(pk=gone.pk).exists()
    assert totals()[Measure.REGISTERED] == 1 and totals()[Measure.VERIFIED] == 1


# --- a rebuild from scratch gives exactly the incremental numbers -----------------------------------------------


REGISTERED_EACH = 35  # participants per kecamatan registered and taken through the steps by the services
DATED_EACH = 50  # participants per kecamatan with a history of their own (dated rows)


@pytest.mark.django_db
def test_a_rebuild_from_scratch_gives_exactly_the_incremental_numbers_on_generated_data(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    rng = random.Random(20261201)
    names = ["Tebet", "Gambir", "Cilandak"]
    program = Program(names)
    session = SessionFactory(capacity=1000)

    def committed(write: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """One write in its own transaction: its refresh runs after it, as after a commit."""
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    made = {name: [committed(program.register, name) for _ in range(REGISTERED_EACH)] for name in names}

    def dated_batch(name: str) -> list[Participant]:
        return [dated_participant(rng, name, mentors=program.mentors[name], session=session) for _ in range(10)]

    # participants with a history of their own, ten to a transaction (one refresh of ten)
    for name in names:
        for _ in range(DATED_EACH // 10):
            committed(dated_batch, name)
    # one registration sent back and fixed with another kecamatan, before it is verified there
    moving = made["Tebet"].pop()
    committed(program.move, moving, "Gambir")
    made["Gambir"].append(moving)
    # one participant deleted by an administrator after being counted
    committed(program.delete, made["Cilandak"].pop())
    steps: list[tuple[Callable[[Participant], Any], Participant]] = []
    for group in made.values():
        verified = [p for p in group if rng.random() < 0.8]
        for participant in verified:
            committed(program.verify, participant)
        trained = [p for p in verified if rng.random() < 0.6]
        committed(program.train, trained)
        for participant in trained[:2]:
            committed(program.untrain, participant)
        for participant in verified:
            for write, chance in [
                (program.reassign, 0.2),
                (program.visit, 0.5),
                (functools.partial(program.license, code=rng.choice([licence_types.NIB, licence_types.PIRT])), 0.3),
                (program.market, 0.3),
                (functools.partial(program.report, turnover=rng.choice([3_000_000, 200_000_000])), 0.15),
                (program.capitalise, 0.05),
            ]:
                if rng.random() < chance:
                    steps.append((write, participant))
    rng.shuffle(steps)  # the steps of different participants and kecamatans interleave
    for write, participant in steps:
        committed(write, participant)

    incremental = snapshot()
    rows, counts, gaps, _areas = incremental
    assert len(rows) == 3 * (REGISTERED_EACH + DATED_EACH) - 1
    assert {row[1] for row in rows} == {program.mentors[n][0].office_id for n in names}  # every kecamatan
    assert set(totals()) == set(Measure)  # every measure reached by someone
    assert len({(row[0], row[1]) for row in counts}) > 40  # many measures and months
    assert len({(row[0], row[1]) for row in gaps}) > 15  # many steps and cohorts
    assert len({row[3] for row in gaps}) > 30  # many lengths of gaps

    summary.rebuild()  # over the incremental tables
    assert snapshot() == incremental
    for table in (Progress, MeasureCount, AreaCount, GapCount):
        table.objects.all().delete()
    summary.rebuild()  # from empty tables
    assert snapshot() == incremental


def _dated_kecamatan(
    program: Program, rng: random.Random, how_many: int, committed: Callable[..., Any]
) -> list[Participant]:
    session = SessionFactory(capacity=1000)
    mentors = program.mentors["Tebet"]
    return [
        p
        for _ in range(how_many // 10)
        for p in committed(
            lambda: [dated_participant(rng, "Tebet", mentors=mentors, session=session) for _ in range(10)]
        )
    ]


@pytest.mark.django_db
def test_a_refresh_moves_only_the_counts_its_participant_changes_in_a_fixed_number_of_queries(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    """A change to one participant adds to the cells their row leaves and enters; it does not recount their
    kecamatan: the same queries with 20 participants in the kecamatan as with 60, and none reads other rows."""
    rng = random.Random(12)
    program = Program(["Tebet"])

    def committed(write: Callable[..., Any], *args: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args)

    def refresh_queries(participant: Participant) -> list[str]:
        program.visit(participant)  # outside a commit: only its refresh is captured below
        with CaptureQueriesContext(connection) as captured:
            summary.refresh([participant.pk])
        return [query["sql"] for query in captured.captured_queries]

    crowd = _dated_kecamatan(program, rng, 20, committed)
    first = committed(program.register, "Tebet")
    committed(program.verify, first)
    few = refresh_queries(first)
    crowd += _dated_kecamatan(program, rng, 40, committed)
    second = committed(program.register, "Tebet")
    committed(program.verify, second)
    many = refresh_queries(second)
    assert len(few) == len(many)
    assert not [sql for sql in many if "GROUP BY" in sql or "COUNT(" in sql]  # nothing recounted
    incremental = snapshot()
    assert len(incremental[0]) == 62 and len(crowd) == 60
    summary.rebuild()
    assert snapshot() == incremental


@pytest.mark.django_db
def test_counts_that_drifted_are_recounted_from_progress(
    django_capture_on_commit_callbacks: Capture, caplog: pytest.LogCaptureFixture
) -> None:
    """Where a count the change takes from is missing (a table edited by hand, a bug), the refresh recounts the
    cells it touches from Progress, so the tables come back to what a rebuild gives, and it says so. (A cell the
    change leaves as it was is not read: the nightly rebuild recounts everything.)"""
    program = Program(["Tebet"])
    with django_capture_on_commit_callbacks(execute=True):
        people = [program.register("Tebet") for _ in range(3)]
        program.verify(people[0])
    mentor = program.mentor_of(people[0])
    MeasureCount.objects.filter(mentor=mentor, measure=Measure.VERIFIED).delete()  # the drift
    AreaCount.objects.filter(measure=Measure.REGISTERED).update(n=7)
    with caplog.at_level(logging.WARNING, logger="targets.summary"), django_capture_on_commit_callbacks(execute=True):
        program.reassign(people[0])  # takes the participant's counts from the first mentor's cells
    assert "drifted" in caplog.text
    assert totals() == {Measure.REGISTERED: 3, Measure.VERIFIED: 1}
    recounted = snapshot()
    summary.rebuild()
    assert snapshot() == recounted


# --- concurrent refreshes of one kecamatan ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_of_one_kecamatan_give_exact_counts() -> None:
    rng = random.Random(7)
    program = Program(["Tebet"], mentors_each=3)
    session = SessionFactory(capacity=1000)
    people = [dated_participant(rng, "Tebet", mentors=program.mentors["Tebet"], session=session) for _ in range(48)]
    for table in (Progress, MeasureCount, AreaCount, GapCount):
        table.objects.all().delete()
    threads = 8
    barrier = threading.Barrier(threads, timeout=30)
    ids = [p.pk for p in people]

    def refresh(part: int) -> str:
        try:
            barrier.wait()
            # a share of its own, and every other participant again: the refreshes overlap
            summary.refresh(ids[part::threads] + ids[::5])
            return "ok"
        except Exception as exc:
            return f"error:{type(exc).__name__}:{exc}"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        outcomes = list(pool.map(refresh, range(threads)))

    assert outcomes == ["ok"] * threads
    concurrent = snapshot()
    assert len(concurrent[0]) == len(people)
    for table in (Progress, MeasureCount, AreaCount, GapCount):
        table.objects.all().delete()
    summary.rebuild()
    assert snapshot() == concurrent


# --- after the commit only: rollbacks and savepoints ------------------------------------------------------------


class Boom(Exception):
    pass


@transaction.atomic
def verify_then(program: Program, participant: Participant, *, fail: bool) -> None:
    """A transaction of its own (the same atomic block each call, as a service's decorator is)."""
    program.verify(participant)
    if fail:
        raise Boom


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_queues_nothing_not_even_with_the_next_one() -> None:
    program = Program(["Tebet"])
    first, second, third = (program.register("Tebet") for _ in range(3))
    Progress.objects.all().delete()  # a row appears again only for a participant whose change is told

    with pytest.raises(Boom), transaction.atomic():
        program.verify(first)
        raise Boom
    assert not Progress.objects.exists()
    with pytest.raises(Boom):
        verify_then(program, second, fail=True)
    verify_then(program, third, fail=False)  # the same block again, committed: only its own change is told

    assert list(Progress.objects.values_list("pk", "verified_on")) == [(third.pk, timezone.localdate())]


@pytest.mark.django_db
def test_a_savepoint_rolled_back_loses_none_of_the_changes_around_it(
    program: Program, django_capture_on_commit_callbacks: Capture
) -> None:
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        people = [program.register("Tebet") for _ in range(4)]
        for participant in people:
            program.verify(participant)
    with django_capture_on_commit_callbacks(execute=True):
        program.visit(people[0])  # before the savepoint
        with contextlib.suppress(Boom), transaction.atomic():
            program.license(people[1])
            raise Boom
        program.market(people[2])  # after it
    with django_capture_on_commit_callbacks(execute=True):
        with contextlib.suppress(Boom), transaction.atomic():  # the transaction's first change, rolled back
            program.license(people[1])
            raise Boom
        program.visit(people[3])

    assert progress_of(people[0]).mentored_on == today
    assert progress_of(people[2]).marketed_on == today
    assert progress_of(people[3]).mentored_on == today
    assert progress_of(people[1]).licensed_on is None
    assert not Licence.objects.exists()
    assert totals() == {
        Measure.REGISTERED: 4,
        Measure.VERIFIED: 4,
        Measure.MENTORED: 2,
        Measure.MARKETED: 1,
    }


# --- Celery: a real worker, and a broker down -------------------------------------------------------------------


@pytest.mark.fault
@pytest.mark.django_db(transaction=True)
def test_the_refresh_queued_after_the_commit_runs_in_a_real_worker() -> None:
    program = Program(["Tebet"])
    participant = program.register("Tebet")  # tasks are eager until the broker below
    assert totals() == {Measure.REGISTERED: 1}
    with (
        throwaway_redis() as redis_server,
        celery_broker(redis_server.url),
        celery_worker(broker_url=redis_server.url, database_url=current_database_url()) as worker,
    ):
        program.verify(participant)
        wait_until(
            lambda: Progress.objects.filter(pk=participant.pk, verified_on__isnull=False).exists(),
            timeout=30,
            interval=0.2,
            describe=worker.log,
        )
        log = worker.log()
    assert "targets.tasks.refresh_participants" in log and "succeeded" in log
    assert totals() == {Measure.REGISTERED: 1, Measure.VERIFIED: 1}
    assert progress_of(participant).mentor_id == program.mentors["Tebet"][0].pk


@pytest.mark.fault
@pytest.mark.django_db(transaction=True)
def test_a_broker_down_does_not_fail_the_service_and_the_rebuild_counts_the_change(
    caplog: pytest.LogCaptureFixture,
) -> None:
    program = Program(["Tebet"])
    participant = program.register("Tebet")
    with throwaway_redis() as redis_server, celery_broker(redis_server.url):
        redis_server.stop()
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="targets.summary"):
            program.verify(participant)
        seconds = time.monotonic() - started

    assert Registration.objects.get(participant=participant).status == Status.APPROVED  # committed
    assert seconds < 15, f"publishing to a dead broker held the service for {seconds:.1f}s"
    assert "Summary refresh not queued for 1 participants" in caplog.text
    assert progress_of(participant).verified_on is None  # not counted yet
    summary.rebuild()
    assert progress_of(participant).verified_on == timezone.localdate()
    assert totals() == {Measure.REGISTERED: 1, Measure.VERIFIED: 1}


# --- the management command -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_rebuilds_and_says_how_many_rows(
    program: Program, verified: Participant, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        program.register("Tebet")
    before = snapshot()
    for table in (Progress, MeasureCount, AreaCount, GapCount):
        table.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_summaries", stdout=out)
    assert snapshot() == before
    assert re.fullmatch(
        r"Summary tables rebuilt in \d+\.\d s: 2 participants, 3 measure counts, 1 gap counts\.\n", out.getvalue()
    )


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_aborted_in_a_deadlock_with_a_refresh_is_tried_again(caplog: pytest.LogCaptureFixture) -> None:
    """A participant moved to a kecamatan of a lower id, their row still in the old one (the refresh not run
    yet): the rebuild of the new kecamatan holds its lock and waits for the old one's, which a refresh holds while
    it waits for the new one's. PostgreSQL aborts the rebuild (it waited first); the rebuild tries again."""
    low, high = Kecamatan.objects.filter(name__in=["Gambir", "Tebet"]).order_by("pk")
    program = Program([high.name])
    moved = program.register(high.name)  # counted in the old kecamatan
    Participant.objects.filter(pk=moved.pk).update(kecamatan=low)  # moved, not refreshed
    rebuild_waits = threading.Event()

    def refresh_holding_the_old_kecamatan() -> str:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [summary._KECAMATAN_LOCK, high.pk])
                wait_until(lambda: _waits_for(cursor, high.pk), timeout=30)
                rebuild_waits.set()
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [summary._KECAMATAN_LOCK, low.pk])
            return "ok"
        except Exception as exc:
            return f"error:{type(exc).__name__}"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        holder = pool.submit(refresh_holding_the_old_kecamatan)
        wait_until(lambda: _held(high.pk), timeout=30)
        with caplog.at_level(logging.WARNING, logger="targets.summary"):
            summary.rebuild()
        assert holder.result(timeout=30) == "ok"
    assert rebuild_waits.is_set()
    assert f"The rebuild of kecamatan {low.pk} met a deadlock: trying again" in caplog.text
    assert list(Progress.objects.values_list("pk", "kecamatan_id")) == [(moved.pk, low.pk)]
    assert totals(Q(kecamatan=low)) == {Measure.REGISTERED: 1} and totals(Q(kecamatan=high)) == {}


def _held(kecamatan_id: int) -> bool:
    """Whether another connection holds the kecamatan's advisory lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s AND granted",
            [summary._KECAMATAN_LOCK, kecamatan_id],
        )
        return bool(cursor.fetchone()[0])


def _waits_for(cursor: Any, kecamatan_id: int) -> bool:
    """Whether another connection waits for the kecamatan's advisory lock."""
    cursor.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s AND NOT granted",
        [summary._KECAMATAN_LOCK, kecamatan_id],
    )
    return bool(cursor.fetchone()[0])
