"""What the portal computes from the rows, once they are loaded and indexed (triggers back on): the catalogue's
search vectors, the targets' `Progress` rows and summary tables, and the year's targets.

- Search vectors: `marketing.search.reindex_all` (two UPDATEs).
- Progress: one row per participant, computed in SQL with the step apps' own expressions
  (`registration.measures.reached_on`, `mentor_of`), exactly as `targets.summary` computes a row, in one INSERT
  ... SELECT per chunk of participants (its indexes made again after it, as the load makes them).
- Summaries: `targets.summary.recount()`, the counting half of the nightly rebuild, from Progress.
- Targets: for this year, every measure at the program, each wilayah, kecamatan and mentor: what the area reached
  so far this year (the summary counts), carried to the whole year, times 0.9 to 1.3 (some areas ahead of their
  target, most behind), set by agency staff."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.db import connection

if TYPE_CHECKING:
    from .program import Program

CHUNK = 100_000


def load(program: Program) -> None:
    program.execute("SET jit = off")
    statistics(program)
    search_vectors(program)
    progress(program)
    summaries(program)
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
    search.reindex_all()
    _timed(program, "catalogue search vectors", Listing.objects.count() + Product.objects.count(), started)


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


def progress(program: Program) -> None:
    """Every participant's Progress row, from the same expressions `targets.summary` computes one with."""
    from django.db.models import DateField
    from django.db.models.functions import Coalesce, TruncDate

    from registration.measures import Measure, mentor_of, reached_on
    from registration.models import Participant
    from targets.models import Progress
    from targets.summary import DATE_FIELDS

    p = program
    registered = Coalesce(reached_on(Measure.REGISTERED), TruncDate("created_at"), output_field=DateField())
    others = {DATE_FIELDS[m]: reached_on(m) for m in Measure if m != Measure.REGISTERED}
    rows = Participant.objects.annotate(
        progress_registered_on=registered,
        progress_mentor_id=mentor_of(),
        **{f"progress_{name}": expression for name, expression in others.items()},
    ).values("pk", "kecamatan_id", "progress_registered_on", "progress_mentor_id", *(f"progress_{n}" for n in others))
    select, params = rows.query.sql_with_params()
    names = ["participant_id", "kecamatan_id", "mentor_id", "cohort", "registered_on", *others]
    values = [
        "c.pk",
        "c.kecamatan_id",
        "c.progress_mentor_id",
        "extract(year FROM c.progress_registered_on)::int",
        "c.progress_registered_on",
        *(f"c.progress_{name}" for name in others),
    ]
    sql = (
        f"INSERT INTO {Progress._meta.db_table} ({', '.join(names)}) SELECT {', '.join(values)}"
        f" FROM ({select}) c WHERE c.pk BETWEEN %s AND %s"
    )
    last = p.value("SELECT coalesce(max(id), 0) FROM registration_participant")
    started = time.monotonic()
    written = 0
    with _indexes_after(Progress._meta.db_table):
        for start in range(1, last + 1, CHUNK):
            stop = min(last, start + CHUNK - 1)
            written += p.execute(sql, [*params, start, stop])
            p.progress.show("targets: progress rows", stop, last, started)
    _timed(p, "targets: progress rows", written, started)


def summaries(program: Program) -> None:
    from targets import summary
    from targets.models import GapCount, MeasureCount

    started = time.monotonic()
    program.execute("ANALYZE targets_progress")
    summary.recount()
    _timed(program, "targets: summary counts", MeasureCount.objects.count() + GapCount.objects.count(), started)


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
    value = f"greatest(1, ceil(coalesce(a.n, 0) * 365.0 / %(day)s * {draw}))::int"
    areas = """
        SELECT 'program' AS level, 0::bigint AS area, m.measure, NULL::bigint AS wilayah_id,
               NULL::bigint AS kecamatan_id, NULL::bigint AS mentor_id, (SELECT sum(c.n) FROM targets_measurecount c
                                           WHERE c.measure = m.measure AND c.month >= %(start)s) AS n
        FROM unnest(%(measures)s::text[]) AS m(measure)
        UNION ALL
        SELECT 'wilayah', w.id, m.measure, w.id, NULL, NULL,
               (SELECT sum(c.n) FROM targets_measurecount c JOIN geography_kecamatan k ON k.id = c.kecamatan_id
                WHERE k.wilayah_id = w.id AND c.measure = m.measure AND c.month >= %(start)s)
        FROM geography_wilayah w CROSS JOIN unnest(%(measures)s::text[]) AS m(measure)
        UNION ALL
        SELECT 'kecamatan', k.id, m.measure, NULL, k.id, NULL,
               (SELECT sum(c.n) FROM targets_measurecount c
                WHERE c.kecamatan_id = k.id AND c.measure = m.measure AND c.month >= %(start)s)
        FROM geography_kecamatan k CROSS JOIN unnest(%(measures)s::text[]) AS m(measure)
        UNION ALL
        SELECT 'mentor', u.id, m.measure, NULL, NULL, u.id,
               (SELECT sum(c.n) FROM targets_measurecount c
                WHERE c.mentor_id = u.id AND c.measure = m.measure AND c.month >= %(start)s)
        FROM accounts_user u CROSS JOIN unnest(%(measures)s::text[]) AS m(measure)
        WHERE u.role = 'mentor'
    """
    rows = p.execute(
        f"""
        INSERT INTO {Target._meta.db_table} (year, measure, level, wilayah_id, kecamatan_id, mentor_id, value,
                                             updated_by_id, updated_at)
        SELECT %(year)s, a.measure, a.level, a.wilayah_id, a.kecamatan_id, a.mentor_id, {value}, %(staff)s,
               %(set_at)s
        FROM ({areas}) a
        """,
        {
            "year": year,
            "day": day_of_year,
            "staff": staff,
            "measures": measures,
            "start": p.today.replace(month=1, day=1),
            "set_at": p.today.replace(month=1, day=15),
        },
    )
    _timed(p, "targets of the year", rows, started)
