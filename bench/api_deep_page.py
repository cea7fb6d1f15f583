"""API benchmark: the partner API's participant list, first page against a page 10,000 pages deep, at a million
participants on PostgreSQL.

    .venv/bin/python bench/api_deep_page.py            # 1,000,000 participants
    .venv/bin/python bench/api_deep_page.py --small    # 20,000 participants (a quick check that it works)
    .venv/bin/python bench/api_deep_page.py --keep     # reuse the filled database when it has enough rows

Builds its own database (jakpreneur_bench_api): users, participants (each NIK distinct, encrypted, with its keyed
hash, sent with COPY), businesses, and an active consent of every participant to one partner for `training`, whose
agreement in force covers P2; then issues that partner a key through the service and times
`GET /api/v1/participants/` through Django's test client (DEBUG off): the first page, and the page 10,000 pages
deep, reached as a partner would, with a cursor (DRF's CursorPagination: base64 of `p=<last id of the page
before>`). Prints the median of 20 requests each, their SQL query count, the ratio (goal: deep within 1.2x of
first) and the plan (EXPLAIN ANALYZE) of both page queries. Not part of the test suite.

The bulk rows skip the history triggers (session_replication_role = replica, which skips foreign-key triggers
too: the rows are consistent by construction): this benchmark reads the API, not the audit trail.
"""

import argparse
import base64
import datetime
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH_DB = "jakpreneur_bench_api"
SERVER = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
PARTNER = "Mitra Bench API"
PAGE_SIZE = 50  # core.api.CursorPagination.page_size
DEPTH = 10_000  # pages
CHUNK = 100_000  # participants per COPY


def setup_database(rows: int, keep: bool) -> None:
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{BENCH_DB}", "DJANGO_SETTINGS_MODULE": "jakpreneur.settings.test"}
    os.environ.update(env)
    import django

    django.setup()
    print(f"migrating {BENCH_DB}")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM partners_consent c JOIN partners_partnerorganisation o ON o.id = c.organisation_id"
            " WHERE o.name = %s AND c.withdrawn_at IS NULL",
            [PARTNER],
        )
        have = cursor.fetchone()[0]
    if keep and have >= rows:
        print(f"using the existing {BENCH_DB} with {have:,} consenting participants")
        return
    fill(rows)


def _participant_rows(start: int, stop: int, rows: int, kecamatan: list[tuple[int, str]]) -> io.StringIO:
    """Participants start..stop-1 as COPY text: each NIK distinct (kecamatan prefix, birth date, serial), encrypted
    one by one, with its keyed hash (the unique column); registered a minute apart, the newest last, as people
    register (the list is ordered by registration time)."""
    from core.crypto import fernet, keyed_hash
    from registration.nik import make_nik, mask_nik

    cipher = fernet()
    base = datetime.date(1975, 1, 1)
    now = datetime.datetime.now(datetime.UTC)
    buffer = io.StringIO()
    for i in range(start, stop):
        kec_id, prefix = kecamatan[i % len(kecamatan)]
        sex = "F" if i % 2 else "M"
        birth = base + datetime.timedelta(days=i // (len(kecamatan) * 9999))
        nik = make_nik(district=prefix, birth_date=birth, sex=sex, serial=1 + (i // len(kecamatan)) % 9999)
        created = now - datetime.timedelta(minutes=rows - i)
        track = "naik_kelas" if i % 3 == 0 else "pemula"
        buffer.write(
            f"{i}\tPeserta {i}\t{cipher.encrypt(nik.encode()).decode()}\t{keyed_hash(nik)}\t{mask_nik(nik)}\t"
            f"{birth.isoformat()}\t"
            f"{sex}\t+62813{i:08d}\tpeserta{i}@bench.id\tJl. Bench {i}\tt\t\t\\N\t\t{track}\t{created.isoformat()}\t"
            f"{kec_id}\t\\N\t{i}\n"
        )
    buffer.seek(0)
    return buffer


def fill(rows: int) -> None:
    from django.db import connection

    from geography import data as geography_data
    from geography.models import Kecamatan, Wilayah

    geography_data.load(Wilayah, Kecamatan)
    kecamatan = [(k.pk, k.nik_prefix) for k in Kecamatan.objects.order_by("id")]
    started = time.monotonic()
    print(f"filling {rows:,} participants")
    with connection.cursor() as cursor:
        for table in (
            "partners_accesslog",
            "partners_partnerkey",
            "partners_consent",
            "partners_agreement",
            "partners_partnerorganisation",
            "registration_business",
            "registration_participant",
            "accounts_user",
        ):
            cursor.execute(f"TRUNCATE {table} CASCADE")
        cursor.execute("SET session_replication_role = replica")  # no history triggers for the bulk rows
        t = time.monotonic()
        cursor.execute(
            """
            INSERT INTO accounts_user (id, password, is_superuser, email, phone, full_name, role, is_staff, is_active,
                                       date_joined, language)
            SELECT i, '!', false, 'peserta' || i || '@bench.id', NULL, 'Peserta ' || i, 'entrepreneur', false, true,
                   now() - (i %% 1000) * interval '1 hour', 'id'
            FROM generate_series(1, %s) AS i""",
            [rows],
        )
        print(f"  users: {rows:,} rows in {time.monotonic() - t:.1f} s")
        t = time.monotonic()
        columns = (
            "id, full_name, nik, nik_hash, nik_masked, birth_date, sex, phone, email, address, jakarta_ktp,"
            " non_jakarta_basis,"
            " domicile_since, partner_activity, track, created_at, kecamatan_id, kelurahan_id, user_id"
        )
        for start in range(1, rows + 1, CHUNK):
            stop = min(start + CHUNK, rows + 1)
            cursor.cursor.copy_expert(
                f"COPY registration_participant ({columns}) FROM STDIN",
                _participant_rows(start, stop, rows, kecamatan),
            )
            print(f"  participants: {stop - 1:,} of {rows:,} ({time.monotonic() - t:.1f} s)", flush=True)
        t = time.monotonic()
        cursor.execute(
            """
            INSERT INTO registration_business (participant_id, name, sector, started_on, address, kecamatan_id,
                                               workers, assets, monthly_turnover)
            SELECT p.id, 'Usaha ' || p.id, (ARRAY['culinary','fashion','crafts','repair','other'])[1 + p.id %% 5],
                   date '2020-01-01' + (p.id %% 1500)::int, 'Jl. Usaha ' || p.id, p.kecamatan_id, p.id %% 7,
                   (p.id %% 50) * 1000000, (p.id %% 30) * 1000000
            FROM registration_participant p""",
            [],
        )
        print(f"  businesses: {rows:,} rows in {time.monotonic() - t:.1f} s")
        cursor.execute("SET session_replication_role = DEFAULT")
        for table in ("accounts_user", "registration_participant", "registration_business"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    organisation = _partner()
    with connection.cursor() as cursor:
        from partners.services import current_text

        t = time.monotonic()
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            """
            INSERT INTO partners_consent (participant_id, organisation_id, purpose, text_id, granted_at,
                                          granted_channel, withdrawn_at, withdrawn_channel)
            SELECT p.id, %s, 'training', %s, now() - (p.id %% 1000) * interval '1 minute', 'web', NULL, ''
            FROM registration_participant p""",
            [organisation.pk, current_text("training").pk],
        )
        cursor.execute("SET session_replication_role = DEFAULT")
        print(f"  consents: {rows:,} rows in {time.monotonic() - t:.1f} s")
        t = time.monotonic()
        for table in ("accounts_user", "registration_participant", "registration_business", "partners_consent"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        print(f"  vacuum analyze: {time.monotonic() - t:.1f} s")
    print(f"filled {rows:,} participants in {time.monotonic() - started:.0f} s")


def _staff() -> Any:
    from accounts.models import Role, User

    staff, _created = User.objects.get_or_create(
        email="dinas@bench.id", defaults={"full_name": "Dinas PPKUKM", "role": Role.AGENCY, "is_staff": True}
    )
    return staff


def _partner() -> Any:
    """The partner, with an agreement in force covering P2 (training), made through the services."""
    from django.utils import timezone

    from partners import services
    from partners.choices import AgreementKind, OrganisationKind, Step
    from partners.values import AgreementData, OrganisationData, SigningData

    staff = _staff()
    organisation = services.organisation_create(
        data=OrganisationData(name=PARTNER, kind=OrganisationKind.UNIVERSITY), acting_user=staff
    )
    agreement = services.agreement_create(
        organisation=organisation,
        data=AgreementData(kind=AgreementKind.PKS, title="PKS pelatihan", parties="Dinas PPKUKM", steps=[Step.P2]),
        acting_user=staff,
    )
    today = timezone.localdate()
    services.agreement_sign(
        agreement=agreement,
        signing=SigningData(
            number="PKS/BENCH/2026",
            signed_on=today - datetime.timedelta(days=10),
            starts_on=today - datetime.timedelta(days=5),
            ends_on=today + datetime.timedelta(days=365),
        ),
        acting_user=staff,
    )
    return organisation


def _cursor(position: Any) -> str:
    """The cursor DRF's CursorPagination gives for the page after the one whose last row has `position` (the
    value of the list's first ordering field)."""
    return base64.b64encode(urlencode({"p": str(position)}).encode("ascii")).decode("ascii")


def _request(client: Any, url: str, params: dict[str, str]) -> tuple[float, int, str, Any]:
    """One timed request: milliseconds, queries, the page's SQL, the body."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url, params)
        elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.content[:500]
    page_sql = next(q["sql"] for q in queries.captured_queries if 'FROM "registration_participant"' in q["sql"])
    return elapsed, len(queries), page_sql, response.json()


def _time(client: Any, url: str, pages: list[dict[str, str]], runs: int) -> list[tuple[float, float, int, str, Any]]:
    """Each page `runs` times, the pages taking turns, so that both see the same machine (a shared one's load
    comes and goes); after one warm-up request each. Per page: median, slowest, queries, SQL, the last body."""
    for params in pages:
        _request(client, url, params)
    timings: list[list[float]] = [[] for _ in pages]
    last: list[tuple[float, int, str, Any]] = []
    for _ in range(runs):
        last = []
        for i, params in enumerate(pages):
            result = _request(client, url, params)
            timings[i].append(result[0])
            last.append(result)
    return [
        (statistics.median(t), max(t), result[1], result[2], result[3])
        for t, result in zip(timings, last, strict=True)
    ]


def measure(runs: int) -> None:
    from django.db import connection
    from django.test import Client

    from core.api import CursorPagination
    from partners import scope, services
    from partners.api import ParticipantViewSet
    from partners.models import Agreement, PartnerOrganisation

    organisation = PartnerOrganisation.objects.get(name=PARTNER)
    agreement = Agreement.objects.get(organisation=organisation)
    key, secret = services.key_issue(
        agreement=agreement, name="bench", kind="partner", expires_at=None, acting_user=_staff()
    )
    # the deep page as a partner reaches it: after the last row of the page before, in the list's own order
    ordering = ParticipantViewSet.ordering or CursorPagination.ordering
    ordering = (ordering,) if isinstance(ordering, str) else tuple(ordering)
    visible = scope.visible_participants(key).order_by(*ordering)
    total = visible.count()
    depth = min(DEPTH, total // PAGE_SIZE - 1)
    field = ordering[0].lstrip("-")
    position = visible.values_list(field, flat=True)[depth * PAGE_SIZE - 1]
    expected_first = visible.values_list("id", flat=True)[depth * PAGE_SIZE]
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    url = "/api/v1/participants/"
    first, deep = _time(client, url, [{}, {"cursor": _cursor(position)}], runs)
    assert deep[4]["results"][0]["id"] == expected_first, "the deep page starts where the page before ends"
    print(f"\n{total:,} participants consenting; deep page = page {depth + 1:,} (ordering {', '.join(ordering)})")
    print(f"{'page':28} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for name, (median, worst, queries, _sql, _body) in (("first page", first), (f"page {depth + 1:,}", deep)):
        print(f"{name:28} {median:10.1f} {worst:8.1f} {queries:8d}")
    ratio = deep[0] / first[0]
    print(f"deep / first: {ratio:.2f}x (goal: at most 1.2x) {'OK' if ratio <= 1.2 else 'OVER'}")
    with connection.cursor() as cursor:
        for name, result in (("first page", first), ("deep page", deep)):
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {result[3]}")
            print(f"\nplan of the {name} query:")
            print("\n".join(f"  {row[0]}" for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", action="store_true", help="20,000 participants")
    parser.add_argument("--keep", action="store_true", help="reuse the bench database if it has enough rows")
    parser.add_argument("--runs", type=int, default=100, help="requests timed per page")
    args = parser.parse_args()
    rows = 20_000 if args.small else args.rows
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", BENCH_DB], capture_output=True, check=False)
    setup_database(rows, args.keep)
    measure(args.runs)


if __name__ == "__main__":
    main()
