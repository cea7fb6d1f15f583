"""P2 training: `sizes.courses` courses (70 % run by the agencies, 30 % by the partners whose agreements cover P2),
`sizes.sessions` sessions over the program's three years and the next two months, and about `sizes.enrolments`
enrolments of approved participants, with attendance for each session day that has passed, certificates for the
completions and ratings.

Sessions: 35 % online, the rest in a wilayah at a venue; one to five days; the registration deadline two days
before the start. Past ones 90 % announced, 7 % cancelled, 3 % drafts never announced; upcoming ones 75 % announced,
15 % drafts, 10 % cancelled. An announced session's seats are filled to 55-100 % (a full one has a waitlist), and
about 8 % of those who enrolled gave their seat up; a cancelled session's enrolments are all cancelled.
`Session.enrolled_count` is the number of enrolled and completed enrolments, as the services keep it.

Enrolments: each session draws distinct approved participants whose track its course suits, among those approved
in the half year before its registration closed; each enrolled after their approval and before the deadline.
Attendance: three in four come every day (95 %), some often (60 %), some rarely (15 %); an enrolment completes once
its days present reach the course's threshold, as `attendance_record` does, and gets its certificate that day.
35 % of the completed rate the course."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .program import Program

PRIME = 7919  # steps through a session's window of candidates: every step lands on another participant
RECENT_DAYS = 180  # a session draws from those approved in the half year before its registration closed
AGENCY_SHARE = 0.7
RATED_SHARE = 0.35
PROGRAM_DAYS = 1095  # the people stage's three years
FIRST_SESSION_DAY = 60  # the first session starts this many days into the program
UPCOMING_DAYS = 60  # sessions are planned this far ahead
SESSION_DAYS = [1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 5]  # how many days a session runs, drawn from these

COURSES = {
    # topic: (skill type, sector or '', titles)
    "culinary": ("hard", "culinary", ("Kue Kering untuk Dijual", "Katering Rumahan", "Frozen Food Sehat",
                                      "Minuman Kekinian", "Sambal Kemasan", "Roti dan Pastri")),
    "fashion": ("hard", "fashion", ("Menjahit Busana Muslim", "Ecoprint dan Batik Tulis", "Pola Busana Anak",
                                    "Konveksi Kaos Sablon")),
    "crafts": ("hard", "crafts", ("Kerajinan Daur Ulang", "Anyaman Pandan", "Kerajinan Kulit", "Rangkaian Bunga")),
    "soap_making": ("hard", "", ("Sabun Cair dan Batang", "Lilin Aromaterapi")),
    "business_management": ("soft", "", ("Manajemen Usaha Mikro", "Menyusun Rencana Bisnis",
                                         "Perizinan Usaha: NIB dan P-IRT", "Layanan Pelanggan")),
    "digital_marketing": ("soft", "", ("Jualan di Marketplace", "Foto Produk dengan Ponsel",
                                       "Media Sosial untuk UMKM", "Iklan Digital Hemat")),
    "financial_literacy": ("soft", "", ("Pembukuan Sederhana", "Menghitung Harga Pokok", "Mengenal Kredit Usaha",
                                        "Laporan Keuangan SAK EMKM")),
    "other": ("soft", "", ("Kewirausahaan untuk Pemula", "Kemasan dan Label Produk")),
}  # fmt: skip
VENUES = ("Gedung PPKD {w}", "Aula Kantor Wali Kota {w}", "Pusat Layanan UMKM {w}", "Jakarta Creative Hub {w}")
COMMENTS = (
    "",
    "",
    "Materinya sangat bermanfaat untuk usaha saya.",
    "Narasumber jelas dan praktis.",
    "Waktunya kurang, semoga ada kelas lanjutan.",
    "Saya langsung praktik di rumah, terima kasih.",
    "Tempatnya nyaman, materinya mudah dipahami.",
)


def load(program: Program) -> None:
    program.execute("SET jit = off")  # compiling each chunk's expressions costs more than it saves
    courses(program)
    plan_sessions(program)
    sessions(program)
    enrolments(program)
    attendance(program)
    certificates(program)
    ratings(program)
    program.execute("DROP TABLE bench_session")
    program.execute("DROP TABLE bench_trainee")
    program.execute("DROP TABLE bench_trainee_day")
    program.execute("RESET jit")


def _now(program: Program) -> str:
    """SQL: the moment the data ends, today 17:00 in Jakarta."""
    return f"(date '{program.today.isoformat()}' + time '17:00') AT TIME ZONE 'Asia/Jakarta'"


def courses(program: Program) -> None:
    """Courses of every topic, titled by topic; organised by an agency (created by agency staff) or by a partner
    whose agreement covers P2 (created by its partner administrator)."""
    from training.models import Course

    p = program
    topics, skills, sectors, titles = [], [], [], []
    for topic, (skill, sector, names) in COURSES.items():
        for name in names:
            topics.append(topic)
            skills.append(skill)
            sectors.append(sector)
            titles.append(name)
    partners = (
        p.value(
            "SELECT array_agg(DISTINCT a.organisation_id ORDER BY a.organisation_id) FROM partners_agreement a"
            " WHERE 'P2' = ANY(a.steps) AND a.signed_on IS NOT NULL"
        )
        or []
    )
    admins = (
        p.value(
            "SELECT array_agg(m.user_id ORDER BY m.organisation_id) FROM partners_partnermember m"
            " WHERE m.is_administrator AND m.organisation_id = ANY(%(partners)s)",
            {"partners": partners},
        )
        or []
    )
    by_partner = bool(partners) and len(admins) == len(partners)
    pick = f"1 + bench_n(i, {p.salt('course title')}, %(n)s)"
    partner = f"CASE WHEN %(by_partner)s AND bench_u(i, {p.salt('course organiser')}) >= {AGENCY_SHARE}"
    partner_n = f"1 + bench_n(i, {p.salt('course partner')}, greatest(cardinality(%(partners)s::bigint[]), 1))"
    p.rows(
        Course,
        {
            "id": "i",
            "title": f"(%(titles)s::text[])[{pick}] || CASE WHEN i > %(n)s THEN ' ' || ((i - 1) / %(n)s + 1)"
            " ELSE '' END",
            "skill_type": f"(%(skills)s::text[])[{pick}]",
            "topic": f"(%(topics)s::text[])[{pick}]",
            "sector": f"(%(sectors)s::text[])[{pick}]",
            "organiser_partner": f"{partner} THEN (%(partners)s::bigint[])[{partner_n}] END",
            "organiser_agency": f"{partner} THEN '' ELSE bench_pick(i, {p.salt('course agency')},"
            " ARRAY['ppkukm','ppkukm','ppkukm','parekraf','nakertransgi']) END",
            "track_fit": f"bench_pick(i, {p.salt('course fit')}, ARRAY['both','both','pemula','naik_kelas'])",
            "description": f"'Kelas ' || lower((%(titles)s::text[])[{pick}]) || ': teori singkat, praktik, dan"
            " rencana tindak lanjut untuk usaha peserta.'",
            "completion_threshold": f"bench_pick(i, {p.salt('course threshold')}, ARRAY[80,80,80,75,100])",
            "created_by": f"{partner} THEN (%(admins)s::bigint[])[{partner_n}]"
            f" ELSE %(agency)s + bench_n(i, {p.salt('course creator')}, 20) END",
            "created_at": f"%(start)s::timestamptz + interval '1 day' * bench_n(i, {p.salt('course created')}, 60)",
        },
        count=p.sizes.courses,
        params={
            "titles": titles,
            "skills": skills,
            "topics": topics,
            "sectors": sectors,
            "n": len(titles),
            "partners": partners,
            "admins": admins,
            "by_partner": by_partner,
            "agency": p.user_block("agency"),
            "start": p.today - datetime.timedelta(days=PROGRAM_DAYS),
        },
        name="courses",
    )


def plan_sessions(program: Program) -> None:
    """`bench_session`: each session's dates, place, status and how many enrol, wait and cancel; and
    `bench_trainee`: the approved participants, numbered by their approval within each track a course may want."""
    p = program
    now = _now(p)
    p.execute("DROP TABLE IF EXISTS bench_trainee")
    p.execute(
        """
        CREATE UNLOGGED TABLE bench_trainee AS
        SELECT f.fit, row_number() OVER (PARTITION BY f.fit ORDER BY b.decided, b.i) AS rank, b.i, b.decided,
               b.first_name || ' ' || b.last_name AS full_name
        FROM bench_plan b CROSS JOIN LATERAL (VALUES ('both'), (b.track)) AS f(fit)
        WHERE b.status = 'approved'
        """
    )
    p.execute("CREATE INDEX ON bench_trainee (fit, rank)")
    p.execute("ANALYZE bench_trainee")
    # for each track wanted and each day: how many were approved before that day (the last rank by then)
    p.execute("DROP TABLE IF EXISTS bench_trainee_day")
    p.execute(
        f"""
        CREATE UNLOGGED TABLE bench_trainee_day AS
        SELECT f.fit, d.day::date AS day,
               coalesce(max(t.last_rank) OVER (PARTITION BY f.fit ORDER BY d.day), 0) AS before
        FROM (VALUES ('both'), ('pemula'), ('naik_kelas')) AS f(fit)
        CROSS JOIN generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS d(day)
        LEFT JOIN (SELECT fit, ({_local("decided")})::date + 1 AS day, max(rank) AS last_rank
                   FROM bench_trainee GROUP BY 1, 2) t ON t.fit = f.fit AND t.day = d.day::date
        """,
        {
            "first": p.today - datetime.timedelta(days=PROGRAM_DAYS + 30),
            "last": p.today + datetime.timedelta(days=UPCOMING_DAYS + 1),
        },
    )
    p.execute("ALTER TABLE bench_trainee_day ADD PRIMARY KEY (fit, day)")
    scale = p.sizes.enrolments / p.sizes.sessions / 87  # the capacities below give about 87 enrolments a session
    p.execute("DROP TABLE IF EXISTS bench_session")
    p.execute(
        f"""
        CREATE UNLOGGED TABLE bench_session AS
        WITH base AS (
            SELECT g.i AS id, c.id AS course, c.title, c.track_fit AS fit, c.completion_threshold AS threshold,
                   c.created_by_id AS created_by, c.created_at AS course_created,
                   bench_u(g.i, {p.salt("session online")}) < 0.35 AS online,
                   %(first_day)s::date + bench_n(g.i, {p.salt("session day")}, %(span)s) AS day,
                   (%(days)s::int[])[1 + bench_n(g.i, {p.salt("session days")}, %(day_choices)s)] AS days,
                   bench_u(g.i, {p.salt("session status")}) AS su,
                   bench_u(g.i, {p.salt("session fill")}) AS fu,
                   1 + bench_n(g.i, {p.salt("session wilayah")}, 6) AS wilayah
            FROM generate_series(1, %(sessions)s::bigint) AS g(i)
            JOIN training_course c ON c.id = 1 + bench_n(g.i, {p.salt("session course")}, %(courses)s)
        ), dated AS (
            SELECT b.*,
                   (b.day + time '09:00') AT TIME ZONE 'Asia/Jakarta' AS starts_at,
                   (b.day + b.days - 1 + time '15:00') AT TIME ZONE 'Asia/Jakarta' AS ends_at,
                   (b.day - 2 + time '23:59') AT TIME ZONE 'Asia/Jakarta' AS deadline,
                   greatest(1, round(%(scale)s * CASE WHEN b.online
                       THEN (ARRAY[100,150,200,300])[1 + bench_n(b.id, {p.salt("session capacity")}, 4)]
                       ELSE (ARRAY[40,50,60,80,100,120])[1 + bench_n(b.id, {p.salt("session capacity")}, 6)] END
                   ))::int AS capacity,
                   CASE WHEN b.day > %(today)s THEN
                        CASE WHEN b.su < 0.75 THEN 'announced' WHEN b.su < 0.90 THEN 'draft' ELSE 'cancelled' END
                   ELSE CASE WHEN b.su < 0.90 THEN 'announced' WHEN b.su < 0.97 THEN 'cancelled' ELSE 'draft' END
                   END AS status,
                   -- the days whose attendance is taken by now (each day's at 15:00)
                   greatest(0, least(b.days, (%(today)s - b.day) + 1)) AS taken
            FROM base b
        ), opened AS (
            SELECT d.*,
                   least(greatest(d.course_created, d.deadline - interval '1 day' * (20 + bench_n(d.id,
                       {p.salt("session created")}, 40))), {now} - interval '2 hours') AS created_at,
                   CASE WHEN d.status = 'cancelled' THEN least(d.starts_at - interval '1 day', {now}
                       - interval '1 hour') END AS cancelled_at
            FROM dated d
        ), windowed AS (
            -- the candidates: those approved before the day registration closed (by their rank, all of them
            -- up to `candidates`); `older` of them were approved more than RECENT_DAYS before
            SELECT o.*, least(o.deadline, {now}, coalesce(o.cancelled_at, {now})) AS closes,
                   coalesce(c.before, 0) AS candidates, coalesce(r.before, 0) AS older
            FROM opened o
            LEFT JOIN bench_trainee_day c ON c.fit = o.fit
                 AND c.day = ({_local(f"least(o.deadline, {now}, coalesce(o.cancelled_at, {now}))")})::date
            LEFT JOIN bench_trainee_day r ON r.fit = o.fit
                 AND r.day = ({_local(f"least(o.deadline, {now})")})::date - {RECENT_DAYS}
        ), wanted AS (
            SELECT w.*,
                   -- how far registration had come by now: an open session is still filling
                   least(1.0, extract(epoch FROM w.closes - w.created_at)
                              / greatest(1.0, extract(epoch FROM w.deadline - w.created_at))) AS progress
            FROM windowed w
        ), counted AS (
            SELECT x.*,
                   CASE x.status
                       WHEN 'announced' THEN least(x.capacity, round(x.capacity * least(1.0, 0.55 + 0.5 * x.fu)
                                                                     * x.progress))::int
                       ELSE 0 END AS seats,
                   CASE WHEN x.status = 'cancelled' THEN round(x.capacity * 0.5 * x.fu * x.progress)::int
                        ELSE 0 END AS called_off
            FROM wanted x
        ), sized AS (
            SELECT c.*,
                   CASE WHEN c.seats = c.capacity THEN round(c.capacity * 0.1 * bench_u(c.id,
                       {p.salt("session waitlist")}))::int ELSE 0 END AS waiting,
                   round(c.seats * 0.16 * bench_u(c.id, {p.salt("session cancelled")}))::int AS gave_up,
                   -- the window of candidates: the recently approved, or the last 400 approved when fewer
                   greatest(c.candidates - c.older, least(c.candidates, 400)) AS recent
            FROM counted c
        ), stepped AS (
            -- never a multiple of PRIME, so that stepping by it visits each candidate of the window once
            SELECT r.*, CASE WHEN r.recent > 0 AND mod(r.recent, {PRIME}) = 0 THEN r.recent - 1
                             ELSE r.recent END AS win
            FROM sized r
        ), bounded AS (
            SELECT s.*,
                   least(s.seats, s.win) AS holders,
                   least(s.waiting, s.win - least(s.seats, s.win)) AS waitlisted,
                   least(s.gave_up + s.called_off, s.win - least(s.seats, s.win)
                         - least(s.waiting, s.win - least(s.seats, s.win))) AS cancelled
            FROM stepped s
        )
        SELECT b.*, b.holders + b.waitlisted + b.cancelled AS n,
               (sum(b.holders + b.waitlisted + b.cancelled) OVER (ORDER BY b.id)
                   - (b.holders + b.waitlisted + b.cancelled) )::bigint AS first_id,
               bench_n(b.id, {p.salt("session offset")}, greatest(b.win, 1)::int) AS step_offset
        FROM bounded b
        """,
        {
            "first_day": p.today - datetime.timedelta(days=PROGRAM_DAYS - FIRST_SESSION_DAY),
            "span": PROGRAM_DAYS - FIRST_SESSION_DAY + UPCOMING_DAYS,
            "sessions": p.sizes.sessions,
            "courses": p.sizes.courses,
            "today": p.today,
            "scale": scale,
            "days": SESSION_DAYS,
            "day_choices": len(SESSION_DAYS),
        },
    )
    p.execute("ALTER TABLE bench_session ADD PRIMARY KEY (id)")
    p.execute("CREATE INDEX ON bench_session (first_id)")
    p.execute("ANALYZE bench_session")


def _local(moment: str) -> str:
    """SQL: a moment as Jakarta's local time."""
    return f"({moment}) AT TIME ZONE 'Asia/Jakarta'"


def sessions(program: Program) -> None:
    from training.models import Session

    p = program
    p.rows(
        Session,
        {
            "id": "s.id",
            "course": "s.course",
            "is_online": "s.online",
            "wilayah": "CASE WHEN s.online THEN NULL ELSE w.id END",
            "venue": f"CASE WHEN s.online THEN '' ELSE replace(bench_pick(s.id, {p.salt('venue')},"
            " %(venues)s::text[]), '{w}', w.name) END",
            "meeting_url": "CASE WHEN s.online THEN 'https://zoom.us/j/' || (8100000000 + s.id * 7) ELSE '' END",
            "starts_at": "s.starts_at",
            "ends_at": "s.ends_at",
            "registration_deadline": "s.deadline",
            "capacity": "s.capacity",
            "status": "s.status",
            "enrolled_count": "s.holders",
            "created_by": "s.created_by",
            "created_at": "s.created_at",
        },
        # the wilayah by rank, not by id: a test that flushed and reloaded the geography moved its ids
        source="bench_session s JOIN (SELECT id, name, row_number() OVER (ORDER BY id) AS n FROM geography_wilayah) w"
        " ON w.n = s.wilayah",
        key="s.id",
        span=(1, p.sizes.sessions),
        params={"venues": list(VENUES)},
        name="training sessions",
    )


def _seats(program: Program, upto: str) -> str:
    """SQL FROM clause: the first `upto` (a column of the session) enrolments `k` of each session, each with its
    participant `t` and, once per row (OFFSET 0 keeps the planner from copying them into each column), the days
    present so far `a.present` and the moment of enrolling `a.created`."""
    p = program
    enrolled_at = (
        f"greatest(t.decided, s.created_at) + (s.closes - greatest(t.decided, s.created_at))"
        f" * bench_u(s.first_id + k.k, {p.salt('enrolled at')})"
    )
    draws, share = _attendance_draws("(s.first_id + k.k)", p)
    return (
        f"bench_session s CROSS JOIN LATERAL generate_series(1, s.{upto}) AS k(k)"
        " JOIN bench_trainee t ON t.fit = s.fit"
        f" AND t.rank = s.candidates - mod(s.step_offset + k.k * {PRIME}::bigint, s.win)"
        f" CROSS JOIN LATERAL (SELECT {draws} AS draws, {share} AS share, {enrolled_at} AS created OFFSET 0) AS a0"
        f" CROSS JOIN LATERAL (SELECT {_present_days('a0.draws', 'a0.share', 's')} AS present,"
        " a0.created AS created OFFSET 0) AS a"
        f" WHERE s.{upto} > 0"
    )


COMPLETED_AT = "((s.day + s.taken - 1) + time '16:00') AT TIME ZONE 'Asia/Jakarta'"


def enrolments(program: Program) -> None:
    """The first `holders` of a session hold seats (completed once present on enough days), the next wait, the
    rest cancelled: those whose seat went to someone on the waitlist, or all of a cancelled session's."""
    from training.models import Enrolment

    p = program
    now = _now(p)
    created = "a.created"
    completed = f"k.k <= s.holders AND a.present >= {_required('s')}"
    cancelled_at = (
        f"CASE WHEN s.status = 'cancelled' THEN s.cancelled_at ELSE {created} + (least(s.starts_at, {now})"
        f" - {created}) * bench_u(s.first_id + k.k, {p.salt('enrolment cancelled')}) END"
    )
    reminder = "((s.day - 1) + time '08:00') AT TIME ZONE 'Asia/Jakarta'"
    p.rows(
        Enrolment,
        {
            "id": "s.first_id + k.k",
            "session": "s.id",
            "participant": "t.i",
            "status": f"CASE WHEN {completed} THEN 'completed' WHEN k.k <= s.holders THEN 'enrolled'"
            " WHEN k.k <= s.holders + s.waitlisted THEN 'waitlisted' ELSE 'cancelled' END",
            "queued_at": f"CASE WHEN {completed} THEN {COMPLETED_AT} WHEN k.k <= s.holders + s.waitlisted"
            f" THEN {created} ELSE {cancelled_at} END",
            "created_at": created,
            "completed_at": f"CASE WHEN {completed} THEN {COMPLETED_AT} END",
            "cancelled_at": f"CASE WHEN k.k > s.holders + s.waitlisted THEN {cancelled_at} END",
            "reminder_sent_at": f"CASE WHEN k.k <= s.holders AND {reminder} <= {now} AND {created} < {reminder}"
            f" THEN {reminder} END",
        },
        source=_seats(p, "n"),
        key="s.first_id",
        span=(0, max(0, _total(p) - 1)),
        name="enrolments",
    )


def _total(program: Program) -> int:
    """The number of enrolments the sessions plan (their ids run from 1 to it)."""
    return int(program.value("SELECT coalesce(sum(n), 0) FROM bench_session"))


def _required(session: str) -> str:
    """SQL: the days a participant must attend (`Course.required_days`): the threshold of the days, rounded up."""
    return f"greatest(1, ceil({session}.days * {session}.threshold / 100.0))"


def _attendance_draws(enrolment: str, program: Program) -> tuple[str, str]:
    """SQL: the enrolment's attendance as one 64-bit draw (twelve bits a day, the first day lowest) and its habit,
    the share of days it comes, out of 4096: three in four come 95 % of the days, some 60 %, some 15 %. One hash a
    row instead of two a day: the draws are what makes the enrolments slow to write."""
    p = program
    habit = f"bench_u({enrolment}, {p.salt('attendance habit')})"
    draws = f"hashint8extended({enrolment}, {p.seed * 1000 + p.salt('attendance day')})"
    return draws, f"CASE WHEN {habit} < 0.75 THEN 3891 WHEN {habit} < 0.9 THEN 2458 ELSE 614 END"


def _present(draws: str, share: str, day: str) -> str:
    """SQL: whether the enrolment with these draws was there on day `day` (0 the first) of its session."""
    return f"((({draws}) >> (12 * {day})) & 4095) < {share}"


def _present_days(draws: str, share: str, session: str) -> str:
    """SQL: the days of the session taken so far on which the enrolment was there (a sum over the longest
    session's days, cheaper than a subquery)."""
    terms = [
        f"CASE WHEN {session}.taken > {day} AND {_present(draws, share, str(day))} THEN 1 ELSE 0 END"
        for day in range(max(SESSION_DAYS))
    ]
    return "(" + " + ".join(terms) + ")"


def attendance(program: Program) -> None:
    """A row for each day taken of each seat held (the first `holders` of an announced session), recorded by the
    course's creator at the end of the day."""
    from training.models import Attendance

    p = program
    enrolment = "(s.first_id + k.k)"
    draws, share = _attendance_draws(enrolment, p)
    p.rows(
        Attendance,
        {
            "enrolment": enrolment,
            "day": "s.day + d.d",
            "present": _present(draws, share, "d.d"),
            "recorded_by": "s.created_by",
            "recorded_at": "((s.day + d.d) + time '15:30') AT TIME ZONE 'Asia/Jakarta'",
        },
        source="bench_session s CROSS JOIN LATERAL generate_series(1, s.holders) AS k(k)"
        " CROSS JOIN LATERAL generate_series(0, s.taken - 1) AS d(d)"
        " WHERE s.status = 'announced' AND s.holders > 0 AND s.taken > 0",
        key="s.first_id",
        span=(0, max(0, _total(p) - 1)),
        name="training attendance",
    )


def certificates(program: Program) -> None:
    """One per completed enrolment (drawn as `enrolments` draws them); the code as the service makes it (JPC-
    and two groups of five characters of its alphabet), its first five characters the enrolment's number in that
    alphabet so that no two are the same."""
    from training.models import Certificate
    from training.services import CERTIFICATE_ALPHABET

    p = program
    enrolment = "(s.first_id + k.k)"
    digit = "substr(%(alphabet)s, 1 + mod({e} / {power}, 32)::int, 1)"
    unique = " || ".join(digit.format(e=enrolment, power=32**n) for n in range(4, -1, -1))
    random_part = " || ".join(
        f"substr(%(alphabet)s, 1 + bench_n({enrolment}, {p.salt(f'certificate {n}')}, 32), 1)" for n in range(5)
    )
    p.rows(
        Certificate,
        {
            "enrolment": enrolment,
            "code": f"'JPC-' || {unique} || '-' || {random_part}",
            "full_name": "t.full_name",
            "course_title": "s.title",
            "completed_on": f"({COMPLETED_AT} AT TIME ZONE 'Asia/Jakarta')::date",
            "issued_at": COMPLETED_AT,
        },
        source=f"{_seats(p, 'holders')} AND a.present >= {_required('s')}",
        key="s.first_id",
        span=(0, max(0, _total(p) - 1)),
        params={"alphabet": CERTIFICATE_ALPHABET},
        name="training certificates",
    )


def ratings(program: Program) -> None:
    from training.models import Rating

    p = program
    now = _now(p)
    total = _total(p)
    p.rows(
        Rating,
        {
            "enrolment": "e.id",
            "score": f"bench_pick(e.id, {p.salt('rating score')}, ARRAY[5,5,5,5,4,4,4,3,2,1])",
            "comment": f"bench_pick(e.id, {p.salt('rating comment')}, %(comments)s::text[])",
            "created_at": f"least(s.ends_at + interval '1 hour' * (2 + bench_n(e.id, {p.salt('rated at')}, 160)),"
            f" {now})",
        },
        source="training_enrolment e JOIN training_session s ON s.id = e.session_id"
        f" WHERE e.status = 'completed' AND s.ends_at < {now}"
        f" AND bench_u(e.id, {p.salt('rated')}) < {RATED_SHARE}",
        key="e.id",
        span=(1, total),
        params={"comments": list(COMMENTS)},
        name="training ratings",
    )
