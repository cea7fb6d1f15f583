"""Scale benchmark: the admin and the staff pages with a million participants on PostgreSQL.

    .venv/bin/python bench/admin_scale.py              # 1,000,000 participants (about 2 minutes to build)
    .venv/bin/python bench/admin_scale.py --rows 100000 --keep

Builds a separate database (jakpreneur_bench), fills it with generate_series (users, participants with
encrypted NIKs and unique keyed hashes, businesses, registrations spread over the 44 kecamatan and the four
statuses), then times each page through Django's test client: the median of several requests, and the
number of SQL queries, including the audit history pages (the bulk rows are recorded by the history triggers
too). Not part of the test suite.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

NIK = "3171095708900002"  # every bulk participant's NIK (Gambir, a woman born 17 August 1990)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.support import logged_in  # noqa: E402  (the project root is on the path first)

BENCH_DB = "jakpreneur_bench"
WANTED_NIK = "3171095708999999"
SERVER = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")


def setup_database(rows: int, keep: bool) -> None:
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{BENCH_DB}", "DJANGO_SETTINGS_MODULE": "jakpreneur.settings.test"}
    os.environ.update(env)
    import django

    django.setup()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('registration_participant') IS NOT NULL")
        exists = cursor.fetchone()[0]
        if exists:
            cursor.execute("SELECT count(*) FROM registration_participant")
            have = cursor.fetchone()[0]
        else:
            have = -1
    if keep and have >= rows:
        print(f"using the existing {BENCH_DB} with {have:,} participants")
        return
    subprocess.run(
        [sys.executable, "manage.py", "flush", "--no-input"], cwd=ROOT, env=env, check=False, capture_output=True
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    fill(rows)


def fill(rows: int) -> None:
    from django.db import connection

    from core.crypto import encrypt
    from geography import data as geography_data
    from geography.models import Kecamatan, Wilayah
    from registration.nik import mask_nik

    geography_data.load(Wilayah, Kecamatan)
    token = encrypt(NIK)  # every bulk row carries the same (decryptable) NIK ciphertext
    started = time.monotonic()
    with connection.cursor() as cursor:
        # the bulk rows are recorded by the history triggers as one import (and take their fast path)
        cursor.execute(
            "SELECT set_config('pgtrigger.ignore', '{}', false), set_config('pghistory.context_id', %s, false),"
            " set_config('pghistory.context_metadata', '{\"channel\": \"import\"}', false)",
            [str(uuid.uuid4())],
        )
        for table in (
            "registration_registrationdecision",
            "registration_document",
            "registration_registration",
            "registration_business",
            "registration_participant",
            "accounts_user",
        ):
            cursor.execute(f"TRUNCATE {table} CASCADE")
        cursor.execute("SELECT array_agg(id ORDER BY id) FROM geography_kecamatan")
        kecamatan = cursor.fetchone()[0]
        steps = [
            (
                "users",
                """
                INSERT INTO accounts_user (id, password, is_superuser, email, phone, full_name, role, is_staff,
                                           is_active, date_joined, language)
                SELECT i, '!', false, 'peserta' || i || '@bench.id', NULL, 'Peserta ' || i, 'entrepreneur', false,
                       true, now() - (i %% 1000) * interval '1 hour', 'id'
                FROM generate_series(1, %(rows)s) AS i""",
            ),
            (
                "participants",
                """
                INSERT INTO registration_participant (id, user_id, full_name, nik, nik_hash, nik_masked, birth_date,
                    sex, phone, email, address, kecamatan_id, kelurahan_id, jakarta_ktp, non_jakarta_basis,
                    domicile_since, partner_activity, track, created_at)
                SELECT i, i, 'Peserta ' || i, %(token)s, encode(sha256(('bench' || i)::bytea), 'hex'), %(masked)s,
                       date '1990-08-17', 'F', '', 'peserta' || i || '@bench.id', 'Jl. Bench ' || i,
                       (%(kecamatan)s::bigint[])[1 + i %% 44], NULL, true, '', NULL, '',
                       CASE WHEN i %% 3 = 0 THEN 'naik_kelas' ELSE 'pemula' END,
                       now() - (i %% 1000) * interval '1 hour'
                FROM generate_series(1, %(rows)s) AS i""",
            ),
            (
                "businesses",
                """
                INSERT INTO registration_business (participant_id, name, sector, started_on, address, kecamatan_id,
                    workers, assets, monthly_turnover)
                SELECT i, 'Usaha ' || i, (ARRAY['culinary','fashion','crafts','repair','other'])[1 + i %% 5], NULL,
                       'Jl. Usaha ' || i, (%(kecamatan)s::bigint[])[1 + i %% 44], i %% 7, (i %% 50) * 1000000,
                       (i %% 30) * 1000000
                FROM generate_series(1, %(rows)s) AS i""",
            ),
            (
                "registrations",
                """
                INSERT INTO registration_registration (participant_id, reference, channel, registered_by_id, status,
                    kecamatan_id, submitted_at, decided_at, last_reason)
                SELECT i, 'JP-B' || lpad(i::text, 8, '0'), (ARRAY['web','jaki','office'])[1 + i %% 3], i,
                       (ARRAY['approved','approved','approved','submitted','needs_fix','rejected'])[1 + i %% 6],
                       (%(kecamatan)s::bigint[])[1 + i %% 44], now() - (i %% 1000) * interval '1 hour', NULL, ''
                FROM generate_series(1, %(rows)s) AS i""",
            ),
        ]
        for name, sql in steps:
            t = time.monotonic()
            cursor.execute(sql, {"rows": rows, "token": token, "masked": mask_nik(NIK), "kecamatan": kecamatan})
            print(f"  {name}: {rows:,} rows in {time.monotonic() - t:.1f} s")
        for table in (
            "accounts_user",
            "registration_participant",
            "registration_business",
            "registration_registration",
        ):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            cursor.execute(f"ANALYZE {table}")
    print(f"filled {rows:,} participants in {time.monotonic() - started:.0f} s")


def measure() -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import Role, User
    from core.crypto import keyed_hash
    from geography.models import Kecamatan
    from registration.models import Participant
    from registration.tests.factories import RegistrationFactory

    tebet = Kecamatan.objects.get(name="Tebet")
    agency, _ = User.objects.get_or_create(
        email="dinas@bench.id", defaults={"full_name": "Dinas", "role": Role.AGENCY, "is_staff": True}
    )
    secretariat, _ = User.objects.get_or_create(
        email="sekretariat@bench.id", defaults={"full_name": "Sekretariat", "role": Role.SECRETARIAT, "office": tebet}
    )
    known = Participant.objects.filter(nik_hash__startswith="0").first()
    wanted = (
        Participant.objects.filter(nik_hash=keyed_hash(WANTED_NIK)).first()
        or RegistrationFactory(participant__nik=WANTED_NIK, participant__user__email="wanted@bench.id").participant
    )
    # a participant with a history: 30 contact changes by agency staff, and one document view
    from core import audit

    with audit.channel(audit.Channel.ADMIN), audit.acting(agency):
        for i in range(30):
            Participant.objects.filter(pk=wanted.pk).update(address=f"Jl. Riwayat {i}")
    pages = [
        ("admin participants", agency, reverse("admin:registration_participant_changelist"), {}),
        ("admin participants p.200", agency, reverse("admin:registration_participant_changelist"), {"p": 199}),
        (
            "admin participants kecamatan",
            agency,
            reverse("admin:registration_participant_changelist"),
            {"kecamatan__id__exact": tebet.pk},
        ),
        (
            "admin participants status",
            agency,
            reverse("admin:registration_participant_changelist"),
            {"registration__status__exact": "submitted"},
        ),
        (
            "admin find by NIK (POST)",
            agency,
            reverse("admin:registration_participant_nik"),
            {"nik": WANTED_NIK},
        ),
        ("admin registrations", agency, reverse("admin:registration_registration_changelist"), {}),
        (
            "admin registrations status+kec",
            agency,
            reverse("admin:registration_registration_changelist"),
            {"status__exact": "submitted", "kecamatan__id__exact": tebet.pk},
        ),
        (
            "admin participant change",
            agency,
            reverse("admin:registration_participant_change", args=[known.pk if known else wanted.pk]),
            {},
        ),
        ("verification queue (Tebet)", secretariat, reverse("registration:queue"), {}),
        ("verification queue (all)", agency, reverse("registration:queue"), {}),
        ("participant list (all)", agency, reverse("registration:participants"), {}),
        ("participant list (Tebet) p.10", secretariat, reverse("registration:participants"), {"page": 10}),
        ("staff home", secretariat, reverse("home"), {}),
        ("admin participant history", agency, reverse("admin:registration_participant_history", args=[wanted.pk]), {}),
        ("participant page with history", agency, reverse("registration:participant", args=[wanted.pk]), {}),
    ]
    print(f"\n{'page':34} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for name, user, url, params in pages:
        client = Client()
        logged_in(client, user)
        send = client.post if "POST" in name else client.get
        send(url, params)  # warm up
        timings = []
        for _ in range(5):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = send(url, params)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code in (200, 302), (name, response.status_code)
        print(f"{name:34} {statistics.median(timings):10.1f} {max(timings):8.1f} {len(queries):8d}")
    import datetime

    from django.utils import timezone

    now = timezone.now()
    timings = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            found = audit.actions_by(agency.pk, start=now - datetime.timedelta(days=1), end=now)
            timings.append((time.perf_counter() - started) * 1000)
    name = f"actions_by(agency, a day): {len(found)}"
    print(f"{name:34} {statistics.median(timings):10.1f} {max(timings):8.1f} {len(queries):8d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse the bench database if it has enough rows")
    args = parser.parse_args()
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", BENCH_DB], capture_output=True, check=False)
    setup_database(args.rows, args.keep)
    measure()


if __name__ == "__main__":
    main()
