"""Bookkeeping benchmark (P6, and P7's readiness that reads it): the pages of a busy cash book among many.

    .venv/bin/python bench/books_scale.py                    # 2,000 books of a year, and one of five busy years
    .venv/bin/python bench/books_scale.py --keep             # reuse the filled database
    .venv/bin/python bench/books_scale.py --others 200 --months 24 --per-month 100   # a quick check that it works

Builds its own database (jakpreneur_bench_books): `--others` verified participants across the 44 kecamatan, each
with twelve months of a cash book (40 entries a month) and a few debts, and one busy participant with `--months`
months of `--per-month` entries a month and 500 debts (some settled through their entry, as settling does). Rows
are made with bulk_create without the history triggers (session_replication_role = replica: this measures the
books, not the audit trail), then every book's monthly reports are computed by the service itself
(`finance.services.records.refresh_months`, timed for the busy book: its worst case, every month again), then
VACUUM ANALYZE.

Then times, through Django's test client (DEBUG off) after one warm-up each, the pages the busy participant and
their mentor open: the cash book of this month and of a month three years back, money owed, the monthly reports
with their charts, the home page, capital's readiness, the mentor's read-only book; and the service
`entry_add` (one entry of today, which recomputes the current month). Prints the median, the 95th percentile and
the SQL query count of each. Goal: every median under 100 ms with a fixed query count. Not part of the suite.
"""

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.support import logged_in, verified_people  # noqa: E402  (the project root is on the path first)

BENCH_DB = "jakpreneur_bench_books"
SERVER = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
SEED = 20261201
BATCH = 10_000
BUSY_EMAIL = "sibuk@bench.id"
MENTOR_EMAIL = "mentor@bench.id"
# (category, direction, smallest, largest): what a food stall's month is made of
LINES = [
    ("sales", "in", 20_000, 400_000),
    ("sales", "in", 20_000, 400_000),
    ("sales", "in", 20_000, 400_000),
    ("raw_materials", "out", 10_000, 300_000),
    ("raw_materials", "out", 10_000, 300_000),
    ("wages", "out", 50_000, 200_000),
    ("rent", "out", 100_000, 500_000),
    ("other_out", "out", 5_000, 50_000),
]


def setup_database(others: int, months: int, per_month: int, keep: bool) -> None:
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{BENCH_DB}", "DJANGO_SETTINGS_MODULE": "jakpreneur.settings.test"}
    os.environ.update(env)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", BENCH_DB], capture_output=True, check=False)
    import django

    django.setup()
    print(f"migrating {BENCH_DB}")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    from finance.models import Entry

    have = Entry.objects.count()
    if keep and have:
        print(f"using the existing {BENCH_DB} with {have:,} entries")
        return
    fill(others, months, per_month)


def _month_start(today: datetime.date, back: int) -> datetime.date:
    from core.dates import shift_month

    return shift_month(today, -back)


def _entries_of(rng: random.Random, participant: Any, first: datetime.date, months: int, per_month: int) -> list[Any]:
    from django.utils import timezone

    from core.dates import month_end, shift_month
    from finance.models import Entry

    now, today = timezone.now(), timezone.localdate()
    rows = [
        Entry(
            participant=participant,
            day=first,
            direction="in",
            category="owner_capital",
            amount=50_000_000,
            recorded_by_id=participant.user_id,
            recorded_at=now,
        )
    ]
    for index in range(months):
        month = shift_month(first, index)
        last = min(month_end(month), today)
        days = (last - month).days + 1
        for _ in range(per_month):
            category, direction, low, high = rng.choice(LINES)
            rows.append(
                Entry(
                    participant=participant,
                    day=month + datetime.timedelta(days=rng.randrange(days)),
                    direction=direction,
                    category=category,
                    amount=rng.randrange(low, high, 1_000),
                    note=rng.choice(["", "", "pasar", "pelanggan tetap", "pesanan kantor"]),
                    recorded_by_id=participant.user_id,
                    recorded_at=now,
                )
            )
    return rows


def _debts_of(rng: random.Random, participant: Any, first: datetime.date, count: int) -> list[Any]:
    """Debts over the book's span, about half settled (their settling entries are written after them)."""
    from django.utils import timezone

    from finance.models import Debt

    now, today = timezone.now(), timezone.localdate()
    span = (today - first).days
    debts = []
    for _ in range(count):
        incurred = first + datetime.timedelta(days=rng.randrange(max(span, 1)))
        settled = incurred + datetime.timedelta(days=rng.randrange(1, 60))
        kind = rng.choice(["receivable", "payable"])
        debt = Debt(
            participant=participant,
            kind=kind,
            counterparty=rng.choice(["Warung Bu Ani", "Katering Pak Budi", "Toko Plastik", "Pemasok cabai"]),
            amount=rng.randrange(50_000, 2_000_000, 1_000),
            incurred_on=incurred,
            due_on=incurred + datetime.timedelta(days=30),
            settled_on=settled if settled <= today and rng.random() < 0.5 else None,
            recorded_by_id=participant.user_id,
            recorded_at=now,
        )
        debts.append(debt)
    return debts


def fill(others: int, months: int, per_month: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Role, User
    from finance.choices import SETTLEMENT_CATEGORY, EntrySource
    from finance.models import Debt, Entry
    from finance.services import records
    from geography import data as geography_data
    from geography.models import Kecamatan, Wilayah

    rng = random.Random(SEED)
    geography_data.load(Wilayah, Kecamatan)
    kecamatan = list(Kecamatan.objects.order_by("code"))
    today, now = timezone.localdate(), timezone.now()
    started = time.monotonic()
    print(f"filling {others:,} books of a year and one of {months} months of {per_month} entries")
    with connection.cursor() as cursor:
        for table in ("finance_entry", "finance_debt", "finance_monthlyrecord", "registration_registration"):
            cursor.execute(f"TRUNCATE {table} CASCADE")
        cursor.execute("TRUNCATE registration_business, registration_participant, accounts_user CASCADE")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # no history triggers for the bulk rows
        User.objects.create(email=MENTOR_EMAIL, full_name="Mentor Bench", role=Role.MENTOR, office=kecamatan[0])
        users = User.objects.bulk_create(
            [User(email=BUSY_EMAIL, full_name="Peserta Sibuk", role=Role.ENTREPRENEUR)]
            + [
                User(email=f"buku{i}@bench.id", full_name=f"Peserta {i}", role=Role.ENTREPRENEUR)
                for i in range(others)
            ],
            batch_size=BATCH,
        )
        # the busy participant (the first) in the mentor's kecamatan, the others across the 44
        people, _firms = verified_people(users, kecamatan, label="Buku", reference_prefix="JP-B", batch_size=BATCH)
        entries: list[Any] = []
        debts: list[Any] = []
        for index, person in enumerate(people):
            span, count = (months, per_month) if index == 0 else (12, 40)
            first = _month_start(today, span - 1)
            entries += _entries_of(rng, person, first, span, count)
            debts += _debts_of(rng, person, first, 500 if index == 0 else 3)
            if len(entries) > BATCH * 10:
                Entry.objects.bulk_create(entries, batch_size=BATCH)
                entries = []
        Entry.objects.bulk_create(entries, batch_size=BATCH)
        debts = Debt.objects.bulk_create(debts, batch_size=BATCH)
        Entry.objects.bulk_create(
            [
                Entry(
                    participant_id=debt.participant_id,
                    day=debt.settled_on,
                    direction="in" if debt.kind == "receivable" else "out",
                    category=SETTLEMENT_CATEGORY[debt.kind],
                    amount=debt.amount,
                    source=EntrySource.SETTLEMENT,
                    settles=debt,
                    recorded_by_id=people[0].user_id,
                    recorded_at=now,
                )
                for debt in debts
                if debt.settled_on is not None
            ],
            batch_size=BATCH,
        )
        print(f"  {Entry.objects.count():,} entries, {len(debts):,} debts in {time.monotonic() - started:.1f} s")
        t = time.monotonic()
        busy = people[0]
        records.refresh_months(participant=busy, from_month=_month_start(today, months - 1), acting_user=busy.user)
        print(f"  the busy book's {months} monthly reports computed in {(time.monotonic() - t) * 1000:.0f} ms")
        t = time.monotonic()
        for person in people[1:]:
            records.refresh_months(participant=person, from_month=_month_start(today, 11), acting_user=person.user)
        print(f"  the other books' reports in {time.monotonic() - t:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"filled in {time.monotonic() - started:.1f} s")


def _timed(action: Any, runs: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    action()  # warm-up
    timings, count = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            action()
            timings.append((time.perf_counter() - started) * 1000)
        count = len(queries)
    return timings, count


def measure(runs: int, months: int) -> None:
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from core.dates import shift_month
    from finance import services
    from registration.models import Participant

    busy = Participant.objects.select_related("user").get(user__email=BUSY_EMAIL)
    mentor = User.objects.get(email=MENTOR_EMAIL)
    participant_client, mentor_client = Client(), Client()
    logged_in(participant_client, busy.user)
    logged_in(mentor_client, mentor)
    back = shift_month(timezone.localdate(), -min(36, months - 1)).strftime("%Y-%m")

    def page(client: Client, url: str) -> Any:
        def get() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    def add_entry() -> None:
        services.entry_add(
            participant=busy,
            day=timezone.localdate(),
            direction="in",
            category="sales",
            amount=25_000,
            note="bench",
            acting_user=busy.user,
        )

    cases = [
        ("cash book, this month", page(participant_client, "/keuangan/buku-kas/")),
        (f"cash book, {back}", page(participant_client, f"/keuangan/buku-kas/?month={back}")),
        ("money owed", page(participant_client, "/keuangan/utang-piutang/")),
        ("monthly reports and charts", page(participant_client, "/keuangan/laporan/")),
        ("home", page(participant_client, "/beranda/")),
        ("capital readiness", page(participant_client, "/permodalan/")),
        ("mentor: the participant's book", page(mentor_client, f"/keuangan/peserta/{busy.pk}/buku-kas/")),
        ("service: entry_add (today)", add_entry),
    ]
    print(f"\n{runs} runs each; the busy book has {busy.cash_entries.count():,} entries")
    print(f"{'what':40} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    worst = 0.0
    for name, action in cases:
        timings, count = _timed(action, runs)
        median = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20, method="inclusive")[-1] if len(timings) > 1 else timings[0]
        worst = max(worst, median)
        print(f"{name:40} {median:10.1f} {p95:8.1f} {count:8d}")
    print(f"slowest median: {worst:.1f} ms (goal: under 100 ms) {'OK' if worst < 100 else 'OVER'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--others", type=int, default=2_000)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--per-month", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="reuse the bench database if it has entries")
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each page")
    args = parser.parse_args()
    setup_database(args.others, args.months, args.per_month, args.keep)
    from django.conf import settings

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    measure(args.runs, args.months)


if __name__ == "__main__":
    main()
