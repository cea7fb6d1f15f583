"""What the portal computes from the rows, once they are loaded and indexed (triggers back on): the catalogue's
search vectors, the targets' `Progress` rows and summary tables, and the year's targets.

- Search vectors: `marketing.search.reindex_all` (two UPDATEs).
- Progress: one row per participant, the day of each measure as the step apps register it, computed set-based
  (a grouped scan of each step's table: the apps' expressions, one subquery per participant, take minutes at a
  million), then a sample checked against the apps' own expressions (`registration.measures.reached_on`,
  `mentor_of`), so a changed rule stops the load instead of loading different numbers.
- Summaries: the counting half of the nightly rebuild (`targets.summary`'s own queries over Progress), each
  table in one INSERT ... SELECT.
- Program reports: this year's and last year's before and after (`finance.tasks.build_program_reports`, the
  nightly task itself), so the program page has what the night would have left it.
- Agreement match counts: every agreement's matching and consenting participants (`partners.tasks
  .count_agreement_matches`, the nightly task), so the partner's pages have their figures.
- Agreement outcomes: every listed agreement's participants served and their outcomes, for agency staff and for the
  partner (`targets.tasks.count_agreement_outcomes`, the nightly task), so partner performance reads its figures.
- Keys' reads by day: made from the access log (`partners.scope.recount_read_days`), as `record_reads` keeps them.
- Targets: for this year, every measure at the program, each wilayah, kecamatan and mentor: what the area reached
  so far this year (the summary counts), carried to the whole year, times 0.9 to 1.3 (some areas ahead of their
  target, most behind), set by agency staff."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.db import connection

if TYPE_CHECKING:
    from .program import Program


def load(program: Program) -> None:
    program.execute("SET jit = off")
    statistics(program)
    search_vectors(program)
    progress(program)
    summaries(program)
    program_reports(program)
    agreement_matches(program)
    agreement_outcomes(program)
    key_read_days(program)
    targets(program)


def _timed(program: Program, name: str, rows: int, started: float) -> None:
    program.progress.done(name, rows, started)


def statistics(program: Program) -> None:
    """The planner's statistics of the loaded tables, before the queries below read them (the measures' joins
    plan badly on tables it has never analysed)."""
    started = time.monotonic()
    for table in program.tables:
        program.execute(f"ANALYZE {table}")
    _timed(program, "statistics of the loaded tables", len(program.tables), started)


def search_vectors(program: Program) -> None:
    from marketing import search
    from marketing.models import Listing, Product

    started = time.monotonic()
    with _without_triggers():  # the vectors are left out of the listings' and products' history
        search.reindex_all()
    _timed(program, "catalogue search vectors", Listing.objects.count() + Product.objects.count(), started)


@contextmanager
def _without_triggers() -> Iterator[None]:
    """Bulk writes of rows no trigger is wanted for (no history is kept of them, and their keys come from rows the
    load checked): the load's replica mode again for the block."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")


@contextmanager
def _indexes_after(table: str) -> Iterator[None]:
    """The table's secondary indexes dropped while the block writes it, and made again after it."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(i.oid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
            """,
            [table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            # inside a transaction (the suite's test) the deferred foreign-key checks of the rows just written
            # are pending, and PostgreSQL makes no index on a table with pending checks: run them now
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for _name, definition in indexes:
                cursor.execute(definition)


def _portal_rows() -> Any:
    """The participants' rows as `targets.summary` computes them, with the step apps' own expressions (a values()
    queryset: pk, kecamatan, mentor and each measure's day)."""
    from django.db.models import DateField
    from django.db.models.functions import Coalesce, TruncDate

    from registration.measures import Measure, mentor_of, reached_on
    from registration.models import Participant

    registered = Coalesce(reached_on(Measure.REGISTERED), TruncDate("created_at"), output_field=DateField())
    others = {m: reached_on(m) for m in Measure if m != Measure.REGISTERED}
    return Participant.objects.annotate(
        registered_day=registered,
        mentor=mentor_of(),
        **{f"{m.value}_day": expression for m, expression in others.items()},
    ).values("pk", "kecamatan_id", "mentor", "registered_day", *(f"{m.value}_day" for m in others))


def _measures_sql() -> str:
    """Each participant's Progress row in one set-based query: every measure of `registration.measures` as the
    step app registers it (the first day of its rows, Asia/Jakarta), each a grouped scan of its table instead of a
    subquery per participant. `progress` checks a sample of rows against the apps' own expressions."""
    from capital.models import LoanReferral, ReferralMove
    from finance.models import CLASS_RANK, ClassChange, MonthlyRecord
    from licensing.models import Licence, LicenceType
    from marketing.models import BoothAllocation, OnlineStore, Product, Submission
    from mentoring.models import MentorAssignment, Visit
    from registration.models import Business, Participant, Registration
    from training.models import Enrolment

    def day(column: str) -> str:
        return f"({column} AT TIME ZONE 'Asia/Jakarta')::date"

    # `finance.measures.MOVED_UP`: every pair of classes whose new one ranks higher
    up = " OR ".join(
        f"(previous_class = '{before}' AND new_class = '{after}')"
        for before, low in CLASS_RANK.items()
        for after, high in CLASS_RANK.items()
        if high > low
    )
    t = {
        model.__name__: model._meta.db_table
        for model in (
            LoanReferral,
            ReferralMove,
            ClassChange,
            MonthlyRecord,
            Licence,
            LicenceType,
            BoothAllocation,
            OnlineStore,
            Product,
            Submission,
            MentorAssignment,
            Visit,
            Business,
            Participant,
            Registration,
            Enrolment,
        )
    }
    return f"""
        WITH trained AS (
            SELECT participant_id AS id, min({day("coalesce(completed_at, queued_at)")}) AS d
            FROM {t["Enrolment"]} WHERE status = 'completed' GROUP BY 1
        ), mentored AS (
            SELECT v.participant_id AS id, min(v.date) AS d FROM {t["Visit"]} v
            WHERE EXISTS (SELECT 1 FROM {t["MentorAssignment"]} a
                          WHERE a.participant_id = v.participant_id AND a.mentor_id = v.mentor_id)
            GROUP BY 1
        ), mentor AS (
            SELECT DISTINCT ON (participant_id) participant_id AS id, mentor_id
            FROM {t["MentorAssignment"]} WHERE active ORDER BY participant_id, id
        ), licensed AS (
            SELECT participant_id AS id, min(issued_on) AS d FROM {t["Licence"]} GROUP BY 1
        ), formal AS (
            SELECT l.participant_id AS id, min(l.issued_on) AS d
            FROM {t["Licence"]} l JOIN {t["LicenceType"]} k ON k.id = l.licence_type_id AND k.is_business_number
            WHERE l.issued_on <= %(today)s AND (l.expires_on IS NULL OR l.expires_on >= %(today)s) GROUP BY 1
        ), graded AS (
            SELECT b.participant_id AS id, min({day("coalesce(s.graded_at, s.submitted_at)")}) AS d
            FROM {t["Submission"]} s JOIN {t["Product"]} p ON p.id = s.product_id
            JOIN {t["Business"]} b ON b.id = p.business_id
            WHERE s.status = 'graded' GROUP BY 1
        ), booths AS (
            SELECT b.participant_id AS id, min({day("a.allocated_at")}) AS d
            FROM {t["BoothAllocation"]} a JOIN {t["Business"]} b ON b.id = a.business_id
            WHERE a.cancelled_at IS NULL GROUP BY 1
        ), stores AS (
            SELECT b.participant_id AS id, min({day("o.checked_at")}) AS d
            FROM {t["OnlineStore"]} o JOIN {t["Business"]} b ON b.id = o.business_id
            WHERE o.checked_at IS NOT NULL GROUP BY 1
        ), reporting AS (
            SELECT x.id, min({day("x.third")}) AS d FROM (
                SELECT participant_id AS id, month_number,
                       lead(month_number, 1) OVER w AS n1, lead(month_number, 2) OVER w AS n2,
                       greatest(first_recorded_at, lead(first_recorded_at, 1) OVER w,
                                lead(first_recorded_at, 2) OVER w) AS third
                FROM {t["MonthlyRecord"]} WINDOW w AS (PARTITION BY participant_id ORDER BY month_number)
            ) x
            WHERE x.n1 = x.month_number + 1 AND x.n2 = x.month_number + 2 GROUP BY 1
        ), capitalised AS (
            SELECT r.participant_id AS id, min({day("coalesce(m.first_at, r.moved_at)")}) AS d
            FROM {t["LoanReferral"]} r
            LEFT JOIN (SELECT referral_id, min(moved_at) AS first_at FROM {t["ReferralMove"]}
                       WHERE to_status = 'disbursed' GROUP BY 1) m ON m.referral_id = r.id
            WHERE r.status = 'disbursed' GROUP BY 1
        ), moved_up AS (
            SELECT participant_id AS id, min({day("changed_at")}) AS d FROM {t["ClassChange"]}
            WHERE {up} GROUP BY 1
        )
        SELECT p.id, p.kecamatan_id, mentor.mentor_id, extract(year FROM {day("p.created_at")})::int,
               {day("p.created_at")},
               CASE WHEN g.status = 'approved' THEN {day("g.decided_at")} END,
               trained.d, mentored.d, licensed.d, least(graded.d, booths.d, stores.d), reporting.d, capitalised.d,
               formal.d, moved_up.d
        FROM {t["Participant"]} p
        LEFT JOIN {t["Registration"]} g ON g.participant_id = p.id
        LEFT JOIN mentor ON mentor.id = p.id LEFT JOIN trained ON trained.id = p.id
        LEFT JOIN mentored ON mentored.id = p.id LEFT JOIN licensed ON licensed.id = p.id
        LEFT JOIN formal ON formal.id = p.id LEFT JOIN graded ON graded.id = p.id
        LEFT JOIN booths ON booths.id = p.id LEFT JOIN stores ON stores.id = p.id
        LEFT JOIN reporting ON reporting.id = p.id LEFT JOIN capitalised ON capitalised.id = p.id
        LEFT JOIN moved_up ON moved_up.id = p.id
    """


MEASURE_COLUMNS = (
    "verified",
    "trained",
    "mentored",
    "licensed",
    "marketed",
    "reporting",
    "capitalised",
    "formal",
    "moved_up",
)
SAMPLE = 400


def progress(program: Program) -> None:
    """Every participant's Progress row (its indexes made again after it), then a sample of them checked against
    the step apps' own expressions: a measure whose rule changed stops the load with the participants it
    disagrees on (the generator's test runs this too)."""
    from registration.measures import Measure
    from targets.models import Progress

    p = program
    known = {m.value for m in Measure} - {"registered"}
    if known != set(MEASURE_COLUMNS):
        raise RuntimeError(
            f"the measures changed: {sorted(known ^ set(MEASURE_COLUMNS))}; update bench/program/derived"
        )
    names = ["participant_id", "kecamatan_id", "mentor_id", "cohort", "registered_on"]
    names += [f"{name}_on" for name in MEASURE_COLUMNS]
    started = time.monotonic()
    p.execute("SET work_mem = '512MB'")
    with _without_triggers(), _indexes_after(Progress._meta.db_table):
        written = p.execute(
            f"INSERT INTO {Progress._meta.db_table} ({', '.join(names)}) {_measures_sql()}", {"today": p.today}
        )
    p.execute("RESET work_mem")
    _timed(p, "targets: progress rows", written, started)
    started = time.monotonic()
    ids = [
        row[0]
        for row in _fetch(
            f"SELECT participant_id FROM {Progress._meta.db_table} ORDER BY bench_u(participant_id, %s) LIMIT %s",
            [p.salt("progress sample"), SAMPLE],
        )
    ]
    stored = {
        row["participant"]: row
        for row in Progress.objects.filter(pk__in=ids).values("participant", "kecamatan", "mentor", *names[3:])
    }
    wrong = []
    for row in _portal_rows().filter(pk__in=ids):
        have = stored[row["pk"]]
        want = {
            "kecamatan": row["kecamatan_id"],
            "mentor": row["mentor"],
            "cohort": row["registered_day"].year,
            "registered_on": row["registered_day"],
            **{f"{name}_on": row[f"{name}_day"] for name in MEASURE_COLUMNS},
        }
        differs = {key: (have[key], value) for key, value in want.items() if have[key] != value}
        if differs:
            wrong.append((row["pk"], differs))
    if wrong:
        raise RuntimeError(f"Progress rows differ from the measures' own expressions: {wrong[:5]}")
    _timed(p, "targets: progress checked", len(ids), started)


def _fetch(sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def summaries(program: Program) -> None:
    """The summary tables counted from Progress with `targets.summary`'s own queries (the measures' months, the
    funnel's gaps), each run as one INSERT ... SELECT: `summary.recount()` writes its counts through the ORM, some
    minutes at a million."""
    from django.db.models import Count, DateField, Value
    from django.db.models.functions import TruncMonth

    from targets.models import GapCount, MeasureCount, Progress
    from targets.summary import DATE_FIELDS, GAPS, days_between

    started = time.monotonic()
    progress = Progress.objects.order_by()
    reached = [
        progress.filter(**{f"{field}__isnull": False})
        .values("kecamatan_id", "mentor_id", "cohort", month=TruncMonth(field, output_field=DateField()))
        .annotate(measure=Value(measure.value), n=Count("pk"))
        for measure, field in DATE_FIELDS.items()
    ]
    steps = [
        progress.filter(**{f"{DATE_FIELDS[measure]}__isnull": False, f"{DATE_FIELDS[before]}__isnull": False})
        .annotate(days=days_between(DATE_FIELDS[measure], DATE_FIELDS[before]))
        .values("kecamatan_id", "cohort", "days")
        .annotate(measure=Value(measure.value), n=Count("pk"))
        for measure, before in GAPS
    ]
    rows = 0
    for model, union, columns in (
        (MeasureCount, reached[0].union(*reached[1:], all=True), ("kecamatan_id", "mentor_id", "cohort", "month")),
        (GapCount, steps[0].union(*steps[1:], all=True), ("kecamatan_id", "cohort", "days")),
    ):
        select, params = union.query.sql_with_params()
        names = ", ".join((*columns, "measure", "n"))
        with _without_triggers(), _indexes_after(model._meta.db_table):
            rows += program.execute(
                f"INSERT INTO {model._meta.db_table} ({names}) SELECT {names} FROM ({select}) AS counted", params
            )
        program.execute(f"ANALYZE {model._meta.db_table}")
    from targets.models import AreaCount
    from targets.summary import area_counts

    select, params = area_counts().query.sql_with_params()  # from the measure counts, as the refresh makes them
    names = "kecamatan_id, measure, month, cohort, n"
    with _without_triggers(), _indexes_after(AreaCount._meta.db_table):
        rows += program.execute(
            f"INSERT INTO {AreaCount._meta.db_table} ({names}) SELECT {names} FROM ({select}) AS counted", params
        )
    program.execute(f"ANALYZE {AreaCount._meta.db_table}")
    _timed(program, "targets: summary counts", rows, started)


def program_reports(program: Program) -> None:
    from finance.models import ProgramReport
    from finance.tasks import build_program_reports

    started = time.monotonic()
    build_program_reports()
    _timed(program, "finance: the program's reports (nightly)", ProgramReport.objects.count(), started)


def agreement_matches(program: Program) -> None:
    from partners.models import AgreementMatch
    from partners.tasks import count_agreement_matches

    started = time.monotonic()
    count_agreement_matches()
    _timed(program, "partners: agreement match counts (nightly)", AgreementMatch.objects.count(), started)


def agreement_outcomes(program: Program) -> None:
    from targets.models import AgreementOutcome
    from targets.tasks import count_agreement_outcomes

    started = time.monotonic()
    count_agreement_outcomes()
    _timed(program, "targets: agreement outcomes (nightly)", AgreementOutcome.objects.count(), started)


def key_read_days(program: Program) -> None:
    from partners.scope import recount_read_days

    started = time.monotonic()
    _timed(program, "partners: keys' reads by day", recount_read_days(), started)


def targets(program: Program) -> None:
    """This year's targets at every level, from what each area reached so far (MeasureCount), carried to the
    year and scaled by a draw of its own."""
    from registration.measures import Measure
    from targets.models import Target

    p = program
    year = p.today.year
    day_of_year = p.today.timetuple().tm_yday
    staff = p.user_block("agency")
    started = time.monotonic()
    measures = [m.value for m in Measure]
    draw = f"(0.9 + 0.4 * bench_u(hashtext(a.level || ':' || a.area || ':' || a.measure), {p.salt('target')}))"
    value = f"greatest(1, ceil(coalesce(c.n, 0) * 365.0 / %(day)s * {draw}))::int"
    # every area of each level, and what it reached this year (summed once per level)
    areas = """
        SELECT 'program' AS level, 0::bigint AS area, NULL::bigint AS wilayah_id, NULL::bigint AS kecamatan_id,
               NULL::bigint AS mentor_id
        UNION ALL SELECT 'wilayah', id, id, NULL, NULL FROM geography_wilayah
        UNION ALL SELECT 'kecamatan', id, NULL, id, NULL FROM geography_kecamatan
        UNION ALL SELECT 'mentor', id, NULL, NULL, id FROM accounts_user WHERE role = 'mentor'
    """
    reached = """
        SELECT 'program' AS level, 0::bigint AS area, c.measure, sum(c.n) AS n
        FROM targets_measurecount c WHERE c.month >= %(start)s GROUP BY c.measure
        UNION ALL SELECT 'wilayah', k.wilayah_id, c.measure, sum(c.n)
        FROM targets_measurecount c JOIN geography_kecamatan k ON k.id = c.kecamatan_id
        WHERE c.month >= %(start)s GROUP BY k.wilayah_id, c.measure
        UNION ALL SELECT 'kecamatan', c.kecamatan_id, c.measure, sum(c.n)
        FROM targets_measurecount c WHERE c.month >= %(start)s GROUP BY c.kecamatan_id, c.measure
        UNION ALL SELECT 'mentor', c.mentor_id, c.measure, sum(c.n)
        FROM targets_measurecount c WHERE c.month >= %(start)s AND c.mentor_id IS NOT NULL
        GROUP BY c.mentor_id, c.measure
    """
    params = {
        "year": year,
        "day": day_of_year,
        "staff": staff,
        "measures": measures,
        "start": p.today.replace(month=1, day=1),
        "set_at": p.today.replace(month=1, day=15),
    }
    p.execute("DROP TABLE IF EXISTS bench_reached")
    p.execute(f"CREATE TEMP TABLE bench_reached AS {reached}", params)
    p.execute("ANALYZE bench_reached")
    rows = p.execute(
        f"""
        INSERT INTO {Target._meta.db_table} (year, measure, level, wilayah_id, kecamatan_id, mentor_id, value,
                                             updated_by_id, updated_at)
        SELECT %(year)s, a.measure, a.level, a.wilayah_id, a.kecamatan_id, a.mentor_id, {value}, %(staff)s,
               %(set_at)s
        FROM (SELECT x.*, m.measure FROM ({areas}) x CROSS JOIN unnest(%(measures)s::text[]) AS m(measure)) a
        LEFT JOIN bench_reached c ON c.level = a.level AND c.area = a.area AND c.measure = a.measure
        """,
        params,
    )
    p.execute("DROP TABLE bench_reached")
    _timed(p, "targets of the year", rows, started)
