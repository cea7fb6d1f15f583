"""P4 licensing: the licence types, the requests of approved participants with every move of each, and the
licences they hold (issued through a request, or recorded by staff when they held one already), with scans as
file paths.

- Types: the program's own (`licensing.licence_types`: NIB, P-IRT, halal, merek, hak cipta, desain industri,
  BPOM), with their prerequisites.
- Requests: 45% of the mentored participants and 6% of the other approved ones ask for an NIB; 45% of them also
  for a second licence (P-IRT, halal or BPOM for food, which need the NIB; merek, hak cipta or desain industri
  otherwise). The NIB request ends issued (65%), refused (5%), withdrawn (7%) or is still open (23%: requested,
  some of them sent back for a document, documents complete, submitted); a second licence needing the NIB is
  submitted or issued only after the NIB was issued. Open requests are recent (the last three months), so the
  staff queue waits days to weeks, not years.
- Licences: one per issued request, and recorded ones without a request for other approved participants (an NIB,
  and for some a second licence issued years ago) up to `sizes.licences` in all: valid, expiring within the
  reminder days (reminded), and expired (P-IRT after five years, merek and desain industri after ten).

Times: a request is made after the registration was approved; its moves follow in order within weeks; nothing is
after the start of `program.today`."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from .program import Program

MENTORED_SHARE = 0.45  # of the mentored participants, who ask for an NIB
OTHER_SHARE = 0.06  # of the approved participants without a mentor
SECOND_SHARE = 0.45  # of those, who ask for a second licence
SECOND_RECORDED = 0.3  # of the participants with a recorded NIB, who hold a second licence recorded too
PRODUCTS = ["Sambal Bawang", "Keripik Tempe", "Kue Kering", "Kopi Bubuk", "Rendang Kemasan", "Abon Sapi"]
BRANDS = ["Dapur", "Rasa", "Karya", "Sinar", "Berkah", "Mandiri"]

# Each way a request goes: its moves in order (from, to); the status is the last move's.
PATHS: dict[str, list[tuple[str, str]]] = {
    "R": [("", "requested")],
    "RB": [("", "requested"), ("requested", "documents"), ("documents", "requested")],
    "D": [("", "requested"), ("requested", "documents")],
    "S": [("", "requested"), ("requested", "documents"), ("documents", "submitted")],
    "I": [("", "requested"), ("requested", "documents"), ("documents", "submitted"), ("submitted", "issued")],
    "F": [("", "requested"), ("requested", "documents"), ("documents", "submitted"), ("submitted", "refused")],
    "FD": [("", "requested"), ("requested", "documents"), ("documents", "refused")],
    "W": [("", "requested"), ("requested", "withdrawn")],
    "WD": [("", "requested"), ("requested", "documents"), ("documents", "withdrawn")],
}
OPEN_PATHS = ("R", "RB", "D", "S")
OPEN = "(" + ", ".join(f"'{path}'" for path in OPEN_PATHS) + ")"  # in SQL
NOTES = {
    "documents": "Dokumen lengkap, sudah dicek.",
    "back": "Foto KTP buram; mohon unggah ulang.",
    "submitted": "Diajukan ke kantor penerbit.",
    "withdrawn": "Nanti saja, usaha sedang pindah tempat.",
}
REFUSAL = "Alamat usaha belum sesuai KTP."
# number of each type: a prefix and a base added to the participant's id (unique per type by construction)
NUMBERS = {
    "nib": "lpad((9120000000000 + {i})::text, 13, '0')",
    "pirt": "'P-IRT ' || (2063174000000 + {i}) || '-26'",
    "halal": "'ID' || (31110000000000 + {i})",
    "bpom": "'BPOM RI MD ' || (224010000000 + {i})",
    "merek": "'IDM' || lpad({i}::text, 9, '0')",
    "hak-cipta": "'EC' || lpad({i}::text, 11, '0')",
    "desain-industri": "'IDD' || lpad({i}::text, 10, '0')",
}


def data_end(program: Program) -> datetime.datetime:
    """The start of `program.today` in Jakarta: every generated moment is before it."""
    return datetime.datetime.combine(program.today, datetime.time(), tzinfo=ZoneInfo("Asia/Jakarta"))


def analyze(program: Program, *tables: str) -> None:
    """Statistics of tables a plan reads that the load wrote (they have none until the end): without them the
    planner guesses a few hundred rows and joins millions by nested loops."""
    for table in tables:
        program.execute(f"ANALYZE {table}")


def planned(program: Program, name: str, step: Callable[[Program], str]) -> None:
    """Run a step that plans rows in a table of its own (returned), and show its time and rows with the loads'."""
    started = time.monotonic()
    table = step(program)
    program.progress.done(name, program.value(f"SELECT count(*) FROM {table}"), started)


def load(program: Program) -> None:
    licence_types(program)
    planned(program, "licensing: requests planned", plan_requests)
    requests(program)
    moves(program)
    issued_licences(program)
    recorded_licences(program)
    program.execute("DROP TABLE bench_licreq")


def licence_types(program: Program) -> None:
    """The program's licence types, as its data migration loads them (seven rows: the ORM is fine)."""
    from licensing import licence_types
    from licensing.models import LicenceType

    program.claim(LicenceType._meta.db_table)
    program.claim(LicenceType.prerequisites.through._meta.db_table)
    licence_types.load(LicenceType)


def _number(code_sql: str, i_sql: str) -> str:
    """SQL: the licence number of the type whose code is `code_sql`, for participant `i_sql`."""
    cases = " ".join(f"WHEN '{code}' THEN {pattern.format(i=i_sql)}" for code, pattern in NUMBERS.items())
    return f"CASE {code_sql} {cases} END"


def plan_requests(program: Program) -> str:
    """bench_licreq: one row per request (id = 2 (i - 1) + slot: slot 1 the NIB, slot 2 the second licence), its
    path, who made it, when, and the fractions of its window at which its moves fall."""
    p = program
    p.execute("DROP TABLE IF EXISTS bench_licreq")
    p.execute(
        """
        CREATE UNLOGGED TABLE bench_licreq (
            id bigint PRIMARY KEY, i bigint NOT NULL, slot int NOT NULL, code text NOT NULL, path text NOT NULL,
            by_mentor boolean NOT NULL, mentor_user bigint, secretary bigint NOT NULL, created timestamptz NOT NULL,
            span interval NOT NULL, f float8[] NOT NULL, subject text NOT NULL)
        """
    )
    u = f"bench_u(b.i, {p.salt('licensing path')})"
    # the NIB request: made some time after the approval (an open one within the last three months)
    path1 = (
        f"CASE WHEN {u} < 0.05 THEN 'R' WHEN {u} < 0.08 THEN 'RB' WHEN {u} < 0.15 THEN 'D' WHEN {u} < 0.23 THEN 'S'"
        f" WHEN {u} < 0.88 THEN 'I' WHEN {u} < 0.91 THEN 'F' WHEN {u} < 0.93 THEN 'FD'"
        f" WHEN {u} < 0.98 THEN 'W' ELSE 'WD' END"
    )
    common = {"end": data_end(p)}
    p.execute(
        f"""
        INSERT INTO bench_licreq
        SELECT 2 * (x.i - 1) + 1, x.i, 1, 'nib', x.path, x.by_mentor, x.mentor_user, x.secretary, x.created,
               CASE WHEN x.path IN {OPEN} THEN %(end)s - x.created
                    ELSE least(%(end)s - x.created, interval '45 days') END,
               x.f, ''
        FROM (
            SELECT b.i, b.mentor_user, {path1} AS path, {p.secretary("b")} AS secretary,
                   b.mentor_user IS NOT NULL AND bench_u(b.i, {p.salt("licensing by mentor")}) < 0.4 AS by_mentor,
                   CASE WHEN {path1} IN {OPEN}
                        THEN %(end)s - least((%(end)s - b.decided) * 0.9,
                                             interval '1 day' * (1 + bench_n(b.i, {p.salt("licensing wait")}, 90)))
                        ELSE b.decided + interval '1 hour'
                             + (%(end)s - b.decided) * 0.8 * bench_u(b.i, {p.salt("licensing start")}) END AS created,
                   {_fractions(p, "b.i", "licensing 1")} AS f
            FROM bench_plan b
            WHERE b.status = 'approved' AND b.decided < %(end)s - interval '2 days'
              AND bench_u(b.i, {p.salt("licensing asks")})
                  < CASE WHEN b.mentor_user IS NOT NULL THEN {MENTORED_SHARE} ELSE {OTHER_SHARE} END
        ) x
        """,
        common,
    )
    # the second licence: food's need the NIB (asked with it; submitted and issued only once the NIB is held),
    # the others need nothing
    k = f"bench_u(r.i, {p.salt('licensing second type')})"
    code2 = (
        f"CASE WHEN b.sector = 'culinary' THEN (CASE WHEN {k} < 0.5 THEN 'pirt' WHEN {k} < 0.85 THEN 'halal'"
        f" ELSE 'bpom' END) ELSE (CASE WHEN {k} < 0.7 THEN 'merek' WHEN {k} < 0.9 THEN 'hak-cipta'"
        " ELSE 'desain-industri' END) END"
    )
    v = f"bench_u(r.i, {p.salt('licensing second path')})"
    drawn = (
        f"CASE WHEN {v} < 0.12 THEN 'R' WHEN {v} < 0.15 THEN 'RB' WHEN {v} < 0.25 THEN 'D' WHEN {v} < 0.33 THEN 'S'"
        f" WHEN {v} < 0.83 THEN 'I' WHEN {v} < 0.87 THEN 'F' WHEN {v} < 0.89 THEN 'FD'"
        f" WHEN {v} < 0.96 THEN 'W' ELSE 'WD' END"
    )
    # the moment of the NIB request's last move (its issue, for path I)
    nib_end = "y.nib_created + y.nib_span * y.nib_f[array_length(y.nib_f, 1)]"
    p.execute(
        f"""
        INSERT INTO bench_licreq
        SELECT 2 * (z.i - 1) + 2, z.i, 2, z.code, z.path, z.by_mentor, z.mentor_user, z.secretary, z.created,
               CASE WHEN z.path IN {OPEN} THEN %(end)s - z.created
                    ELSE least(%(end)s - z.created, interval '45 days') END,
               z.f, z.subject
        FROM (
            SELECT y.*,
                   CASE WHEN y.needs_nib AND y.nib_path = 'I' THEN
                            CASE WHEN y.path IN {OPEN}
                                 THEN %(end)s - least((%(end)s - ({nib_end})) * 0.9, interval '1 day'
                                      * (1 + bench_n(y.i, {p.salt("licensing wait 2")}, 90)))
                                 ELSE ({nib_end}) + interval '1 minute' + (%(end)s - ({nib_end})) * 0.7
                                      * bench_u(y.i, {p.salt("licensing start 2")}) END
                        WHEN y.needs_nib THEN y.nib_created + interval '1 minute'
                        WHEN y.path IN {OPEN}
                        THEN %(end)s - least((%(end)s - y.nib_created) * 0.9, interval '1 day'
                             * (1 + bench_n(y.i, {p.salt("licensing wait 3")}, 90)))
                        ELSE y.nib_created + interval '1 minute' + (%(end)s - y.nib_created) * 0.5
                             * bench_u(y.i, {p.salt("licensing start 3")}) END AS created
            FROM (
                SELECT x.*,
                       -- one needing the NIB goes to the office only once the NIB is issued: with the NIB still
                       -- asked for it waits, with the NIB refused or withdrawn it ends too
                       CASE WHEN NOT x.needs_nib OR x.nib_path = 'I' THEN x.drawn
                            WHEN x.nib_path IN {OPEN}
                            THEN (CASE WHEN x.drawn IN ('S', 'I', 'F') THEN 'D' ELSE x.drawn END)
                            WHEN x.drawn IN ('R', 'RB', 'D') THEN 'W'
                            WHEN x.drawn IN ('S', 'I', 'F') THEN 'FD' ELSE x.drawn END AS path
                FROM (
                    SELECT r.i, r.mentor_user, r.secretary, r.by_mentor, r.path AS nib_path,
                           r.created AS nib_created, r.span AS nib_span, r.f AS nib_f, {drawn} AS drawn,
                           {code2} AS code, {code2} IN ('pirt', 'halal', 'bpom') AS needs_nib,
                           {_fractions(p, "r.i", "licensing 2")} AS f,
                           bench_pick(r.i, {p.salt("licensing subject")}, %(products)s::text[]) || ' '
                               || b.first_name AS subject
                    FROM bench_licreq r JOIN bench_plan b ON b.i = r.i
                    WHERE r.slot = 1 AND bench_u(r.i, {p.salt("licensing second")}) < {SECOND_SHARE}
                ) x
            ) y
        ) z
        """,
        {**common, "products": PRODUCTS},
    )
    p.execute("ANALYZE bench_licreq")
    return "bench_licreq"


def _fractions(program: Program, key: str, name: str) -> str:
    """SQL: the increasing fractions of a request's window at which its four moves fall (0 for its making)."""
    p = program
    a = f"(0.1 + 0.2 * bench_u({key}, {p.salt(name + ' a')}))"
    b = f"({a} + (1 - {a}) * (0.2 + 0.3 * bench_u({key}, {p.salt(name + ' b')})))"
    c = f"({b} + (1 - {b}) * (0.3 + 0.5 * bench_u({key}, {p.salt(name + ' c')})))"
    return f"ARRAY[0, {a}, {b}, {c}]::float8[]"


def _paths_sql() -> str:
    """SQL VALUES: (path, step, from, to) for every move of every path."""
    rows = [
        f"('{path}', {step}, '{before}', '{after}')"
        for path, steps in PATHS.items()
        for step, (before, after) in enumerate(steps, 1)
    ]
    return f"(VALUES {', '.join(rows)}) AS m(path, step, from_status, to_status)"


def _final_sql() -> str:
    """SQL VALUES: (path, status, moves) for every path."""
    rows = [f"('{path}', '{steps[-1][1]}', {len(steps)})" for path, steps in PATHS.items()]
    return f"(VALUES {', '.join(rows)}) AS e(path, status, moves)"


def requests(program: Program) -> None:
    from licensing.models import LicenceRequest

    p = program
    p.rows(
        LicenceRequest,
        {
            "id": "r.id",
            "participant": "r.i",
            "kecamatan": "b.kecamatan_id",
            "licence_type": "t.id",
            "subject": "r.subject",
            "note": "CASE WHEN r.slot = 2 THEN 'Produksi di dapur rumah, dijual di warung dan daring.' ELSE '' END",
            "status": "e.status",
            "requested_by": "CASE WHEN r.by_mentor THEN r.mentor_user ELSE r.i END",
            "created_at": "r.created",
            "status_changed_at": "r.created + r.span * r.f[e.moves]",
            "refusal_reason": f"CASE WHEN e.status = 'refused' THEN '{REFUSAL}' ELSE '' END",
        },
        source=f"bench_licreq r JOIN licensing_licencetype t ON t.code = r.code"
        f" JOIN {_final_sql()} ON e.path = r.path JOIN bench_plan b ON b.i = r.i",
        key="r.id",
        span=(1, 2 * p.sizes.participants),
        name="licence requests",
    )


def moves(program: Program) -> None:
    from licensing.models import RequestMove

    p = program
    checker = "coalesce(r.mentor_user, r.secretary)"
    agency = f"{p.user_block('agency')} + bench_n(r.id, {p.salt('licensing agency')}, 20)"
    p.rows(
        RequestMove,
        {
            "request": "r.id",
            "from_status": "m.from_status",
            "to_status": "m.to_status",
            "moved_by": f"CASE WHEN m.step = 1 THEN (CASE WHEN r.by_mentor THEN r.mentor_user ELSE r.i END)"
            f" WHEN m.to_status IN ('documents', 'requested') THEN {checker}"
            f" WHEN m.to_status = 'withdrawn' THEN r.i ELSE {agency} END",
            "moved_at": "r.created + r.span * r.f[m.step]",
            "note": f"CASE WHEN m.step = 1 THEN (CASE WHEN r.slot = 2"
            f" THEN 'Produksi di dapur rumah, dijual di warung dan daring.' ELSE '' END)"
            f" WHEN m.to_status = 'requested' THEN '{NOTES['back']}'"
            f" WHEN m.to_status = 'documents' THEN '{NOTES['documents']}'"
            f" WHEN m.to_status = 'submitted' THEN '{NOTES['submitted']}'"
            f" WHEN m.to_status = 'withdrawn' THEN '{NOTES['withdrawn']}' ELSE '' END",
        },
        source=f"bench_licreq r JOIN {_paths_sql()} ON m.path = r.path",
        key="r.id",
        span=(1, 2 * p.sizes.participants),
        name="licence request moves",
    )


def _scan_columns(program: Program, key: str, moment: str) -> dict[str, str]:
    """A scan for four licences in five (a PDF mostly, a photo now and then), stored under its month."""
    p = program
    has = f"bench_u({key}, {p.salt('licence scan')}) < 0.8"
    pdf = f"bench_u({key}, {p.salt('licence scan type')}) < 0.7"
    return {
        "scan": f"CASE WHEN {has} THEN 'licensing/' || to_char({moment}, 'YYYY/MM') || '/'"
        f" || md5('licence scan ' || {key}) ELSE '' END",
        "scan_content_type": f"CASE WHEN NOT {has} THEN '' WHEN {pdf} THEN 'application/pdf' ELSE 'image/jpeg' END",
        "scan_size": f"CASE WHEN {has} THEN 90000 + bench_n({key}, {p.salt('licence scan size')}, 800000) ELSE 0 END",
    }


def _expiry(issued: str) -> str:
    """SQL: the type's usual expiry of a licence issued on `issued` (`LicenceType.expiry_for`)."""
    return (
        f"CASE WHEN t.validity_months IS NULL THEN NULL"
        f" ELSE ({issued} + make_interval(months => t.validity_months))::date END"
    )


def _reminded(expires: str) -> str:
    """The expiry date reminded already: one inside its type's reminder days (the daily task sent it)."""
    return f"CASE WHEN {expires} <= %(today)s::date + t.reminder_days THEN {expires} END"


def issued_licences(program: Program) -> None:
    """One licence per issued request: issued on the day of the move, with the type's usual expiry."""
    from licensing.models import Licence

    p = program
    issued_at = "(r.created + r.span * r.f[4])"
    issued_on = f"({issued_at} AT TIME ZONE 'Asia/Jakarta')::date"
    p.rows(
        Licence,
        {
            "public_id": f"bench_uuid(r.id, {p.salt('licence issued')})",
            "participant": "r.i",
            "licence_type": "t.id",
            "request": "r.id",
            "number": _number("r.code", "r.i"),
            "subject": "r.subject",
            "issued_on": issued_on,
            "expires_on": _expiry(issued_on),
            **_scan_columns(p, "r.id", issued_at),
            "recorded_by": f"{p.user_block('agency')} + bench_n(r.id, {p.salt('licensing agency')}, 20)",
            "recorded_at": issued_at,
            "reminded_for": _reminded(_expiry(issued_on)),
        },
        source="bench_licreq r JOIN licensing_licencetype t ON t.code = r.code WHERE r.path = 'I'",
        key="r.id",
        span=(1, 2 * p.sizes.participants),
        params={"today": p.today},
        name="licences: issued",
    )


def recorded_licences(program: Program) -> None:
    """Licences held before the program helped, recorded by agency staff for approved participants who asked
    for none: an NIB (a business going for years had it before joining), and for some a second licence issued
    years ago (some of them expired or expiring), up to `sizes.licences` licences in all."""
    from licensing.models import Licence

    p = program
    issued = p.value("SELECT count(*) FROM licensing_licence")
    pool_sql = (
        "FROM bench_plan b WHERE b.status = 'approved' AND b.decided < %(end)s - interval '2 days'"
        " AND NOT EXISTS (SELECT 1 FROM bench_licreq r WHERE r.id = 2 * (b.i - 1) + 1)"
    )
    pool = p.value(f"SELECT count(*) {pool_sql}", {"end": data_end(p)})
    wanted = max(0, p.sizes.licences - issued)
    share = min(1.0, wanted / ((1 + SECOND_RECORDED) * pool)) if pool else 0.0
    recorded_at = f"(b.decided + (%(end)s - b.decided) * (0.05 + 0.9 * bench_u(b.i, {p.salt('recorded at')})))"
    recorded_day = f"(({recorded_at}) AT TIME ZONE 'Asia/Jakarta')::date"
    agency = f"{p.user_block('agency')} + bench_n(b.i, {p.salt('recorded by')}, 20)"
    held = (
        f"bench_plan b JOIN licensing_licencetype t ON t.code = 'nib' {pool_sql.removeprefix('FROM bench_plan b')}"
        f" AND bench_u(b.i, {p.salt('recorded nib')}) < {share}"
    )
    nib_issued = (
        f"CASE WHEN b.track = 'naik_kelas' THEN (b.joined AT TIME ZONE 'Asia/Jakarta')::date"
        f" - bench_n(b.i, {p.salt('nib age')}, 2500) ELSE {recorded_day} - bench_n(b.i, {p.salt('nib days')}, 60) END"
    )
    params = {"end": data_end(p), "today": p.today}
    p.rows(
        Licence,
        {
            "public_id": f"bench_uuid(b.i, {p.salt('licence recorded nib')})",
            "participant": "b.i",
            "licence_type": "t.id",
            "number": _number("t.code", "b.i"),
            "subject": "''",
            "issued_on": nib_issued,
            "expires_on": "NULL",
            **_scan_columns(p, "b.i", recorded_at),
            "recorded_by": agency,
            "recorded_at": recorded_at,
        },
        source=held,
        key="b.i",
        span=(1, p.sizes.participants),
        params=params,
        name="licences: NIBs recorded",
    )
    k = f"bench_u(b.i, {p.salt('recorded second type')})"
    second = (
        f"CASE WHEN b.sector = 'culinary' AND {k} < 0.6 THEN 'pirt' WHEN {k} < 0.75 THEN 'merek'"
        f" WHEN {k} < 0.9 THEN 'hak-cipta' ELSE 'desain-industri' END"
    )
    # issued up to about six and a half years (P-IRT) or eleven years (the others) before it was recorded
    issued_on = (
        f"{recorded_day} - bench_n(b.i, {p.salt('recorded second age')},"
        f" CASE WHEN t.code = 'pirt' THEN 2400 ELSE 4000 END)"
    )
    p.rows(
        Licence,
        {
            "public_id": f"bench_uuid(b.i, {p.salt('licence recorded second')})",
            "participant": "b.i",
            "licence_type": "t.id",
            "number": _number("t.code", "b.i"),
            "subject": f"bench_pick(b.i, {p.salt('recorded brand')}, %(brands)s::text[]) || ' ' || b.first_name",
            "issued_on": issued_on,
            "expires_on": _expiry(issued_on),
            **_scan_columns(p, "b.i + 7", recorded_at),
            "recorded_by": agency,
            "recorded_at": recorded_at,
            "reminded_for": _reminded(_expiry(issued_on)),
        },
        source=f"bench_plan b JOIN licensing_licencetype t ON t.code = {second}"
        f" {pool_sql.removeprefix('FROM bench_plan b')} AND bench_u(b.i, {p.salt('recorded nib')}) < {share}"
        f" AND bench_u(b.i, {p.salt('recorded second')}) < {SECOND_RECORDED}",
        key="b.i",
        span=(1, p.sizes.participants),
        params={**params, "brands": BRANDS},
        name="licences: others recorded",
    )
