"""The people of the program: the plan of every participant, their users, participants, businesses, registrations
with their decisions and KTP scans; mentors, secretariat and agency staff.

Ids are laid out so every later stage can compute them: participant `i` (1..P) has user `i`, business `i` and
registration `i`; mentor `j` (0..M-1) is user `P + 1 + j` and works in kecamatan `j mod 44`; staff users follow
(`Program.user_block`). The plan table `bench_plan` holds, per participant, what the later stages read: kecamatan,
status, track, sector, joining time, their mentor and their place among the businesses that keep books."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .licensing import data_end

if TYPE_CHECKING:
    from .program import Program

FIRST_NAMES = [
    "Siti",
    "Dewi",
    "Sri",
    "Nur",
    "Rina",
    "Ani",
    "Yuni",
    "Lestari",
    "Wati",
    "Fitri",
    "Ratna",
    "Indah",
    "Putri",
    "Ayu",
    "Maya",
    "Rini",
    "Eka",
    "Dian",
    "Tuti",
    "Endang",
    "Budi",
    "Agus",
    "Joko",
    "Andi",
    "Rudi",
    "Hendra",
    "Dedi",
    "Ahmad",
    "Muhammad",
    "Rizky",
    "Bayu",
    "Dimas",
    "Fajar",
    "Hadi",
    "Irfan",
    "Slamet",
    "Teguh",
    "Wahyu",
    "Yusuf",
]
LAST_NAMES = [
    "Rahayu",
    "Lestari",
    "Susanti",
    "Wulandari",
    "Handayani",
    "Kusuma",
    "Pratama",
    "Saputra",
    "Hidayat",
    "Nugroho",
    "Setiawan",
    "Santoso",
    "Wijaya",
    "Siregar",
    "Nasution",
    "Hutapea",
    "Simanjuntak",
    "Lubis",
    "Harahap",
    "Sinaga",
    "Tanjung",
    "Gunawan",
    "Hakim",
    "Kurniawan",
    "Purnomo",
    "Firmansyah",
    "Utami",
    "Permata",
    "Anggraini",
    "Maharani",
    "Sari",
    "Puspita",
    "Ramadhan",
    "Syahputra",
    "Halim",
    "Salim",
    "Tan",
    "Lim",
    "Wibowo",
    "Suharto",
]
STREETS = [
    "Tebet Raya",
    "Kemang",
    "Cempaka Putih",
    "Kebon Jeruk",
    "Condet",
    "Pramuka",
    "Matraman",
    "Gunung Sahari",
    "Kramat",
    "Salemba",
    "Pasar Minggu",
    "Kalibata",
    "Cilandak",
    "Tanjung Duren",
    "Pluit",
    "Sunter",
    "Cakung",
    "Duren Sawit",
    "Rawamangun",
    "Kelapa Gading",
]
TRADES = ["Warung", "Dapur", "Kedai", "Toko", "Katering", "Konveksi", "Bengkel", "Kerajinan", "Sablon", "Laundry"]

STATUS_SHARE = (("approved", 0.80), ("submitted", 0.08), ("needs_fix", 0.05), ("rejected", 0.07))
MENTORED_SHARE = 0.6  # of the approved, with an active mentor
AGENCY_STAFF = 20
SECRETARIES_PER_KECAMATAN = 2


def load(program: Program) -> None:
    plan(program)
    users(program)
    participants(program)
    registrations(program)


def plan(program: Program) -> None:
    p = program
    p.execute("DROP TABLE IF EXISTS bench_plan")
    p.execute(
        """
        CREATE UNLOGGED TABLE bench_plan (
            i bigint PRIMARY KEY, kidx int NOT NULL, kecamatan_id bigint NOT NULL, wilayah_id bigint NOT NULL,
            status text NOT NULL, track text NOT NULL, sector text NOT NULL, joined timestamptz NOT NULL,
            decided timestamptz, mentor_user bigint, book_rank int, first_name text NOT NULL,
            last_name text NOT NULL)
        """
    )
    approved, submitted, needs_fix = (s for _name, s in STATUS_SHARE[:3])
    p.execute(
        f"""
        INSERT INTO bench_plan (i, kidx, kecamatan_id, wilayah_id, status, track, sector, joined, first_name,
                                last_name)
        SELECT g.i, k.kidx, k.id, k.wilayah_id,
               CASE WHEN bench_u(g.i, {p.salt("status")}) < {approved} THEN 'approved'
                    WHEN bench_u(g.i, {p.salt("status")}) < {approved + submitted} THEN 'submitted'
                    WHEN bench_u(g.i, {p.salt("status")}) < {approved + submitted + needs_fix} THEN 'needs_fix'
                    ELSE 'rejected' END,
               CASE WHEN bench_u(g.i, {p.salt("track")}) < 0.55 THEN 'pemula' ELSE 'naik_kelas' END,
               bench_pick(g.i, {p.salt("sector")},
                          ARRAY['culinary','culinary','culinary','fashion','fashion','crafts','repair','other']),
               LEAST(%(today)s::timestamptz - interval '3 years' * (1 - g.i::float8 / %(participants)s)
                         + interval '1 minute' * bench_n(g.i, {p.salt("minute")}, 600),
                     %(end)s::timestamptz - interval '1 minute'),
               bench_pick(g.i, {p.salt("first")}, %(first)s::text[]),
               bench_pick(g.i, {p.salt("last")}, %(last)s::text[])
        FROM generate_series(1, %(participants)s::bigint) AS g(i)
        JOIN (SELECT id, wilayah_id, (row_number() OVER (ORDER BY code)) - 1 AS kidx FROM geography_kecamatan) k
          ON k.kidx = bench_n(g.i, {p.salt("kecamatan")}, 44)
        """,
        {
            "today": p.today,
            "end": data_end(p),
            "participants": p.sizes.participants,
            "first": FIRST_NAMES,
            "last": LAST_NAMES,
        },
    )
    # the decided got their decision within three weeks (one whose decision would fall after today still
    # waits: the waiting are the recent joiners); the approved may have a mentor of their kecamatan, the first
    # mentors of each kecamatan busier than the last (caseloads from about 150 to about 1,000 at full size)
    p.execute(
        f"""
        UPDATE bench_plan SET decided = joined + interval '1 hour' * (2 + bench_n(i, {p.salt("decided")}, 500))
        WHERE status <> 'submitted'
        """
    )
    p.execute(
        "UPDATE bench_plan SET status = 'submitted', decided = NULL WHERE decided >= %(end)s", {"end": data_end(p)}
    )
    p.execute(
        f"""
        UPDATE bench_plan SET
            mentor_user = CASE WHEN status = 'approved' AND bench_u(i, {p.salt("mentored")}) < {MENTORED_SHARE}
                THEN %(first_mentor)s + kidx + 44 * floor(
                    ((%(mentors)s - 1 - kidx) / 44 + 1) * power(bench_u(i, {p.salt("slot")}), 1.6))::int END
        """,
        {"first_mentor": p.mentor_user(0), "mentors": p.sizes.mentors},
    )
    p.execute(
        f"""
        UPDATE bench_plan b SET book_rank = r.rank FROM (
            SELECT i, row_number() OVER (ORDER BY bench_u(i, {p.salt("books")})) AS rank
            FROM bench_plan WHERE mentor_user IS NOT NULL) r
        WHERE r.i = b.i AND r.rank <= %(books)s
        """,
        {"books": p.sizes.books},
    )
    p.execute("CREATE INDEX ON bench_plan (kidx)")
    p.execute("CREATE INDEX ON bench_plan (mentor_user)")
    p.execute("CREATE INDEX ON bench_plan (book_rank)")
    p.execute("ANALYZE bench_plan")


def users(program: Program) -> None:
    from accounts.models import User

    p = program
    common = {"password": "%(password)s", "language": "CASE WHEN mod(i, 10) = 0 THEN 'en' ELSE 'id' END"}
    p.rows(
        User,
        {
            **common,
            "id": "b.i",
            "email": "'peserta' || b.i || '@bench.id'",
            "phone": "'+62812' || lpad(b.i::text, 8, '0')",
            "full_name": "b.first_name || ' ' || b.last_name",
            "role": "'entrepreneur'",
            "date_joined": "b.joined",
        },
        source="bench_plan b",
        key="b.i",
        span=(1, p.sizes.participants),
        params={"password": p.password},
        name="users: entrepreneurs",
    )
    kecamatan = "(SELECT array_agg(id ORDER BY code) FROM geography_kecamatan)"
    p.rows(
        User,
        {
            **common,
            "id": f"{p.mentor_user(0)} - 1 + i",
            "email": "'mentor' || (i - 1) || '@bench.id'",
            "full_name": "'Mentor ' || (i - 1)",
            "role": "'mentor'",
            "office": f"({kecamatan})[1 + mod(i - 1, 44)]",
            "date_joined": "%(today)s::timestamptz - interval '3 years'",
        },
        count=p.sizes.mentors,
        params={"password": p.password, "today": p.today},
        name="users: mentors",
    )
    first = p.user_block("secretariat", 44 * SECRETARIES_PER_KECAMATAN)
    p.rows(
        User,
        {
            **common,
            "id": f"{first} - 1 + i",
            "email": "'sekretariat' || (i - 1) || '@bench.id'",
            "full_name": "'Sekretariat ' || (i - 1)",
            "role": "'secretariat'",
            "office": f"({kecamatan})[1 + mod(i - 1, 44)]",
        },
        count=44 * SECRETARIES_PER_KECAMATAN,
        params={"password": p.password},
        name="users: secretariat",
    )
    first = p.user_block("agency", AGENCY_STAFF)
    p.rows(
        User,
        {
            **common,
            "id": f"{first} - 1 + i",
            "email": "'dinas' || (i - 1) || '@bench.id'",
            "full_name": "'Dinas ' || (i - 1)",
            "role": "'agency'",
            "is_staff": "true",
        },
        count=AGENCY_STAFF,
        params={"password": p.password},
        name="users: agency staff",
    )


def participants(program: Program) -> None:
    from registration.models import Business, Document, Participant
    from registration.nik import mask_nik

    from .program import NIK

    p = program
    plan_rows = {"source": "bench_plan b", "key": "b.i", "span": (1, p.sizes.participants)}
    p.rows(
        Participant,
        {
            "id": "b.i",
            "user": "b.i",
            "full_name": "b.first_name || ' ' || b.last_name",
            "nik": "%(nik)s",
            "nik_masked": "%(nik_masked)s",
            "nik_hash": f"encode(sha256(('bench:{p.seed}:' || b.i)::bytea), 'hex')",
            "birth_date": f"date '1960-01-01' + bench_n(b.i, {p.salt('born')}, 14600)",
            "sex": f"CASE WHEN bench_u(b.i, {p.salt('sex')}) < 0.64 THEN 'F' ELSE 'M' END",
            "phone": "'+62812' || lpad(b.i::text, 8, '0')",
            "email": "'peserta' || b.i || '@bench.id'",
            "address": f"'Jl. ' || bench_pick(b.i, {p.salt('street')}, %(streets)s::text[]) || ' No. '"
            f" || (1 + bench_n(b.i, {p.salt('number')}, 200))",
            "kecamatan": "b.kecamatan_id",
            "jakarta_ktp": f"bench_u(b.i, {p.salt('ktp')}) < 0.95",
            "non_jakarta_basis": f"CASE WHEN bench_u(b.i, {p.salt('ktp')}) < 0.95 THEN '' ELSE 'lurah_letter' END",
            "partner_activity": "''",
            "track": "b.track",
            "created_at": "b.joined",
        },
        params={"nik": p.nik_token, "nik_masked": mask_nik(NIK), "streets": STREETS},
        name="participants",
        **plan_rows,
    )
    p.rows(
        Business,
        {
            "id": "b.i",
            "participant": "b.i",
            "name": f"bench_pick(b.i, {p.salt('trade')}, %(trades)s::text[]) || ' ' || b.first_name || ' ' || b.i",
            "sector": "b.sector",
            "started_on": f"CASE WHEN b.track = 'naik_kelas' THEN date '2010-01-01'"
            f" + bench_n(b.i, {p.salt('started')}, 5000) END",
            "address": f"'Jl. ' || bench_pick(b.i, {p.salt('street2')}, %(streets)s::text[]) || ' No. '"
            f" || (1 + bench_n(b.i, {p.salt('number2')}, 200))",
            "kecamatan": "b.kecamatan_id",
            "workers": f"CASE WHEN b.track = 'naik_kelas' THEN 1 + bench_n(b.i, {p.salt('workers')}, 8) ELSE 0 END",
            "assets": f"CASE WHEN b.track = 'naik_kelas'"
            f" THEN 1000000 * (1 + bench_n(b.i, {p.salt('assets')}, 80)) ELSE 0 END",
            "monthly_turnover": f"CASE WHEN b.track = 'naik_kelas'"
            f" THEN 500000 * (1 + bench_n(b.i, {p.salt('turnover')}, 60)) ELSE 0 END",
            "planned_start": "CASE WHEN b.track = 'pemula' THEN (b.joined + interval '3 months')::date END",
            "planned_capital": f"CASE WHEN b.track = 'pemula'"
            f" THEN 500000 * (1 + bench_n(b.i, {p.salt('capital')}, 20)) END",
        },
        params={"trades": TRADES, "streets": STREETS},
        name="businesses",
        **plan_rows,
    )
    p.rows(
        Document,
        {
            "public_id": f"bench_uuid(b.i, {p.salt('ktp scan')})",
            "participant": "b.i",
            "kind": "'ktp'",
            "file": "'documents/bench/ktp-' || b.i || '.jpg'",
            "content_type": "'image/jpeg'",
            "size": "180000 + bench_n(b.i, 7, 90000)",
            "uploaded_by": "b.i",
            "uploaded_at": "b.joined",
        },
        name="documents: KTP scans",
        **plan_rows,
    )


def registrations(program: Program) -> None:
    from registration.models import Registration, RegistrationDecision

    p = program
    secretary = p.secretary("b")
    p.rows(
        Registration,
        {
            "id": "b.i",
            "participant": "b.i",
            "reference": "'JP-B' || lpad(b.i::text, 8, '0')",
            "channel": f"bench_pick(b.i, {p.salt('channel')}, ARRAY['web','web','web','web','jaki','jaki','office'])",
            "registered_by": f"CASE WHEN bench_n(b.i, {p.salt('channel')}, 7) = 6 THEN {secretary} ELSE b.i END",
            "status": "b.status",
            "kecamatan": "b.kecamatan_id",
            "submitted_at": "b.joined",
            "decided_at": "b.decided",
            "last_reason": "CASE WHEN b.status IN ('needs_fix', 'rejected') THEN 'Foto KTP tidak terbaca' ELSE '' END",
        },
        source="bench_plan b",
        key="b.i",
        span=(1, p.sizes.participants),
        name="registrations",
    )
    p.rows(
        RegistrationDecision,
        {
            "id": "b.i",
            "registration": "b.i",
            "decision": "CASE b.status WHEN 'approved' THEN 'approve' WHEN 'needs_fix' THEN 'needs_fix'"
            " ELSE 'reject' END",
            "reason": "CASE WHEN b.status IN ('needs_fix', 'rejected') THEN 'Foto KTP tidak terbaca' ELSE '' END",
            "decided_by": secretary,
            "decided_at": "b.decided",
        },
        source="bench_plan b WHERE b.decided IS NOT NULL",
        key="b.i",
        span=(1, p.sizes.participants),
        name="registration decisions",
    )
