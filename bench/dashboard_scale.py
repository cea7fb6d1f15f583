"""Targets dashboard benchmark: the figures and the dashboard page at a million participants.

    .venv/bin/python bench/dashboard_scale.py                 # 1,000,000 participants' progress
    .venv/bin/python bench/dashboard_scale.py --keep          # reuse the filled database
    .venv/bin/python bench/dashboard_scale.py --rows 50000    # a quick check that it works

Builds its own database (jakpreneur_bench_dashboard): four mentors per kecamatan, and `--rows` participants'
progress rows (targets.Progress) written by one INSERT ... SELECT over generate_series: registered over five years
across the 44 kecamatan, 90% with a mentor, each step reached with a chance after the one before and some days
later (never after today), as the program's funnel thins out. Then the summary tables are recounted from them by
`targets.summary.recount()` (timed: the counting half of the nightly rebuild), targets are set for the year at
every level, and VACUUM ANALYZE.

Then times, after one warm-up each, every figure the dashboard asks (progress against target, the funnel with its
medians, the trend, the breakdowns) for the program, a wilayah, a kecamatan and a mentor, the dashboard page itself
through Django's test client (DEBUG off) for each of those areas, and `summary.refresh` of one real participant in
the a kecamatan (what every change costs in its Celery task). Prints the median, the 95th percentile and the SQL
query count of each. Goal: the dashboard under 300 ms with a fixed query count. Not part of the suite.
"""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.support import logged_in, verified_people  # noqa: E402  (the project root is on the path first)

BENCH_DB = "jakpreneur_bench_dashboard"
SERVER = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
STAFF_EMAIL = "dinas@bench.id"
REAL_EMAIL = "nyata@bench.id"  # the one real participant, whose refresh is timed
MENTORS_PER_KECAMATAN = 4
YEAR_SPAN = 5

# Each funnel step after registration: (column, chance given the step before, most days after it)
STEPS = [
    ("verified_on", 0.85, 20),
    ("trained_on", 0.60, 90),
    ("mentored_on", 0.70, 60),
    ("licensed_on", 0.50, 120),
    ("marketed_on", 0.50, 120),
    ("reporting_on", 0.50, 150),
    ("capitalised_on", 0.20, 180),
]


def setup_database(rows: int, keep: bool) -> None:
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{BENCH_DB}", "DJANGO_SETTINGS_MODULE": "jakpreneur.settings.test"}
    os.environ.update(env)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", BENCH_DB], capture_output=True, check=False)
    import django

    django.setup()
    print(f"migrating {BENCH_DB}")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    from targets.models import Progress

    have = Progress.objects.count()
    if keep and have:
        print(f"using the existing {BENCH_DB} with {have:,} progress rows")
        return
    fill(rows)


def _progress_sql() -> str:
    """One INSERT ... SELECT: each step's day is the one before plus some days, reached with its chance, and only
    if the step before was reached and the day is not after today."""
    offsets = ", ".join(
        f"random() AS c{n}, floor(random() * {days})::int AS o{n}" for n, (_c, _p, days) in enumerate(STEPS)
    )
    days = ["registered_on"]
    selects = []
    per = MENTORS_PER_KECAMATAN
    for n, (column, chance, _days) in enumerate(STEPS):
        previous = days[-1]
        selects.append(
            f"CASE WHEN {previous} IS NOT NULL AND c{n} < {chance} AND {previous} + o{n} <= %(today)s "
            f"THEN {previous} + o{n} END AS {column}"
        )
        days.append(column)
    # nested selects so each step can read the one before it
    query = f"""
        SELECT i, kecamatan_id, mentor_id, registered_on, {offsets}
        FROM (
            SELECT i,
                   (%(kecamatans)s::int[])[1 + i %% 44] AS kecamatan_id,
                   CASE WHEN i %% 10 = 0 THEN NULL
                        ELSE (%(mentors)s::int[])[1 + (i %% 44) * {per} + (i / 44) %% {per}]
                   END AS mentor_id,
                   %(first)s::date + floor(random() * (%(today)s::date - %(first)s::date))::int AS registered_on
            FROM generate_series(1, %(rows)s) AS i
        ) AS people
    """
    for n, select in enumerate(selects):
        kept = ", ".join(["i", "kecamatan_id", "mentor_id", *days[: n + 1]])
        chances = ", ".join(f"c{m}, o{m}" for m in range(len(STEPS)))
        query = f"SELECT {kept}, {select}, {chances} FROM ({query}) AS step{n}"
    columns = ", ".join(days)
    return f"""
        INSERT INTO targets_progress
            (participant_id, kecamatan_id, mentor_id, cohort, {columns}, formal_on, moved_up_on)
        SELECT i, kecamatan_id, mentor_id, extract(year FROM registered_on)::int, {columns},
               CASE WHEN c3 < 0.4 THEN licensed_on END,
               CASE WHEN c5 < 0.1 AND reporting_on IS NOT NULL THEN reporting_on END
        FROM ({query}) AS done
    """


def fill(rows: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Role, User
    from geography import data as geography_data
    from geography.models import Kecamatan, Wilayah
    from registration.measures import Measure
    from targets import summary
    from targets.choices import Level
    from targets.models import GapCount, MeasureCount, Progress, Target

    geography_data.load(Wilayah, Kecamatan)
    kecamatans = list(Kecamatan.objects.order_by("code"))
    today = timezone.localdate()
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE targets_progress, targets_measurecount, targets_gapcount, targets_target")
    staff, _new = User.objects.get_or_create(
        email=STAFF_EMAIL, defaults={"full_name": "Dinas Bench", "role": Role.AGENCY, "is_staff": True}
    )
    mentors = [
        User.objects.get_or_create(
            email=f"mentor{k}-{m}@bench.id",
            defaults={"full_name": f"Mentor {place.name} {m}", "role": Role.MENTOR, "office": place},
        )[0]
        for k, place in enumerate(kecamatans)
        for m in range(MENTORS_PER_KECAMATAN)
    ]
    print(f"filling {rows:,} progress rows")
    with transaction.atomic(), connection.cursor() as cursor:
        # the rows stand for participants 1..rows (Progress has no constraint to the participant table); the real
        # participant the refresh is timed with comes after them
        cursor.execute(
            "SELECT setval('registration_participant_id_seq', "
            "greatest(%s, (SELECT coalesce(max(id), 0) FROM registration_participant)))",
            [rows + 1],
        )
        cursor.execute("SELECT setseed(0.20261201)")
        cursor.execute(
            _progress_sql(),
            {
                "kecamatans": [place.pk for place in kecamatans],
                "mentors": [mentor.pk for mentor in mentors],
                "first": datetime.date(today.year - YEAR_SPAN + 1, 1, 1),
                "today": today,
                "rows": rows,
            },
        )
    filled = time.monotonic()
    print(f"  {Progress.objects.count():,} rows in {filled - started:.1f} s")
    summary.recount()
    counted = time.monotonic()
    print(
        f"  summary.recount(): {counted - filled:.1f} s -> {MeasureCount.objects.count():,} measure counts, "
        f"{GapCount.objects.count():,} gap counts"
    )
    year = today.year
    targets = [Target(year=year, measure=m, level=Level.PROGRAM, value=rows // 5, updated_by=staff) for m in Measure]
    targets += [
        Target(year=year, measure=m, level=Level.WILAYAH, wilayah_id=w, value=rows // 30, updated_by=staff)
        for w in {place.wilayah_id for place in kecamatans}
        for m in Measure
    ]
    targets += [
        Target(year=year, measure=m, level=Level.KECAMATAN, kecamatan=place, value=rows // 200, updated_by=staff)
        for place in kecamatans
        for m in Measure
    ]
    targets += [
        Target(year=year, measure=m, level=Level.MENTOR, mentor=mentor, value=rows // 900, updated_by=staff)
        for mentor in mentors
        for m in Measure
    ]
    Target.objects.bulk_create(targets)
    connection.ensure_connection()
    old_autocommit = connection.get_autocommit()
    connection.set_autocommit(True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.set_autocommit(old_autocommit)
    print(f"  targets and VACUUM ANALYZE: {time.monotonic() - counted:.1f} s")


def timed(label: str, call: Callable[[], Any], runs: int) -> None:
    from django.db import connection, reset_queries

    call()  # warm-up
    times = []
    queries = 0
    for _ in range(runs):
        reset_queries()
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
        queries = len(connection.queries)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"{label:<58} {statistics.median(times):8.1f} {p95:8.1f} {queries:8d}")


def run(runs: int) -> None:
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from accounts.models import User
    from geography.models import Kecamatan
    from targets import figures, summary
    from targets.choices import Level
    from targets.figures import Area
    from targets.models import Progress

    settings.DEBUG = False
    connection.force_debug_cursor = True  # count queries with DEBUG off
    year = timezone.localdate().year
    assert Progress.objects.exists(), "no progress rows"
    # every kecamatan holds as many: take one of the wilayah with the most kecamatan (the largest wilayah)
    kecamatan = (
        Kecamatan.objects.select_related("wilayah")
        .annotate(siblings=Count("wilayah__kecamatan"))
        .order_by("-siblings", "code")
        .first()
    )
    assert kecamatan is not None
    mentor_id = Progress.objects.filter(kecamatan=kecamatan, mentor__isnull=False).values_list("mentor_id", flat=True)[
        0
    ]
    areas = {
        "program": Area.program(),
        f"wilayah {kecamatan.wilayah.name}": Area.of_wilayah(
            kecamatan.wilayah_id, Kecamatan.objects.filter(wilayah=kecamatan.wilayah_id).values_list("pk", flat=True)
        ),
        f"kecamatan {kecamatan.name}": Area.of_kecamatan(kecamatan.pk),
        "a mentor": Area.of_mentor(mentor_id),
    }
    print(f"{'':<58} {'median':>8} {'p95':>8} {'queries':>8}   (ms, {runs} runs)")
    for name, area in areas.items():
        by = (
            Level.WILAYAH
            if area.level == Level.PROGRAM
            else Level.KECAMATAN
            if area.level == Level.WILAYAH
            else Level.MENTOR
        )
        timed(f"figures.progress, {name}", partial(figures.progress, area, year), runs)
        timed(f"figures.funnel, {name}", partial(figures.funnel, area, year), runs)
        timed(f"figures.trend, {name}", partial(figures.trend, area, year), runs)
        if area.level != Level.MENTOR:
            timed(f"figures.breakdown by {by.value}, {name}", partial(figures.breakdown, area, year, by), runs)
    try:
        page = reverse("targets:dashboard")
    except NoReverseMatch:
        page = ""
    if page:
        client = Client()
        logged_in(client, User.objects.get(email=STAFF_EMAIL))
        queries = {
            "program": f"year={year}",
            f"wilayah {kecamatan.wilayah.name}": f"year={year}&wilayah={kecamatan.wilayah_id}",
            f"kecamatan {kecamatan.name}": f"year={year}&kecamatan={kecamatan.pk}",
            "a mentor": f"year={year}&kecamatan={kecamatan.pk}&mentor={mentor_id}",
        }
        for name, query in queries.items():

            def get(query: str = query) -> None:
                response = client.get(f"{page}?{query}")
                assert response.status_code == 200, response.status_code

            timed(f"GET dashboard, {name}", get, runs)
    else:
        print("(the dashboard page is not there yet: its figures only)")
    # a change of one real participant: its refresh adds it to its cells (the counts it enters)
    from registration.models import Participant

    person = Participant.objects.order_by("pk").first()  # the only real participant of this database
    if person is None:
        user = User.objects.create(email=REAL_EMAIL, full_name="Peserta Nyata", role="entrepreneur")
        people, _firms = verified_people([user], [kecamatan], label="Nyata", reference_prefix="JP-D", batch_size=10)
        person = people[0]

    def refresh() -> None:  # as a new participant each time, so the refresh counts it (an unchanged one is not)
        Progress.objects.filter(pk=person.pk).delete()
        summary.refresh([person.pk])

    timed("summary.refresh of a new participant (the cells it enters)", refresh, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse the filled database")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    setup_database(args.rows, args.keep)
    run(args.runs)


if __name__ == "__main__":
    main()
