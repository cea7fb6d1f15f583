"""P3 mentoring: the assignments of the plan's mentored participants, about `sizes.visits` visits and
`sizes.follow_ups` follow-ups, help requests with their threads, the mentors' yearly targets and their own trainings.

Assignments: every participant with a `mentor_user` in the plan has it as their active mentor, given on approval by
their kecamatan's secretariat; 15 % of them were first followed by another mentor of the kecamatan, reassigned some
time after (that earlier assignment ended, "another mentor took over"). Stages run from P2 (30 %) to P7 (6 %).

Visits: each mentored participant gets a share of `sizes.visits` in proportion to how long they have been mentored
(times a habit of their own between 0.3 and 1.7), dated between their approval and today, by whichever mentor
followed them that day: 45 % field visits, 20 % at the office, 15 % online, 20 % by phone; 60 % shared; half the
field visits have a photo. A visit is logged the day it happens, or up to three days later.

Follow-ups: one for `sizes.follow_ups / sizes.visits` of the visits, due 3 to 30 days after; of those due by today
80 % were done (by the visit's mentor, before or a little after the due day) and the rest were reminded on the due
day; those not yet due are open, a few done early.

Help requests: 8 % of the mentored asked their current mentor something (topic, subject, two to five messages taking
turns); 70 % closed, the open ones waiting for the mentor when the participant wrote last. Targets: every mentor for
this year and the two before. Mentor trainings: two to six each over the three years."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from .partners import drawn_hex, ordered_uuid

if TYPE_CHECKING:
    from .program import Program

REASSIGNED_SHARE = 0.15
HELP_SHARE = 0.08
HELP_CLOSED_SHARE = 0.7
FOLLOW_UP_DONE_SHARE = 0.8
STAGES = ["P2", "P2", "P2", "P2", "P2", "P3", "P3", "P3", "P3", "P4", "P4", "P4", "P5", "P5", "P6", "P6", "P7"]
STEPS = ['["P2"]', '["P3"]', '["P3","P4"]', '["P4"]', '["P5"]', '["P5","P6"]', '["P6"]', '["P6","P7"]', '["P7"]', "[]"]
NOTES = (
    "Membahas pencatatan kas harian dan pemisahan uang usaha dengan uang rumah tangga.",
    "Mendampingi pendaftaran NIB lewat OSS; dokumen KTP dan NPWP sudah lengkap.",
    "Meninjau kemasan dan label produk; disarankan mencantumkan tanggal kedaluwarsa.",
    "Mengulas hasil pelatihan pemasaran digital; foto produk sudah diperbarui di marketplace.",
    "Menghitung harga pokok produksi dan menyesuaikan harga jual.",
    "Peserta menanyakan syarat KUR; dijelaskan dokumen yang perlu disiapkan.",
    "Mengecek kemajuan izin P-IRT dan jadwal penyuluhan keamanan pangan.",
    "Membahas rencana menambah satu tenaga kerja dan pembagian tugas.",
    "Kunjungan rutin: omzet bulan ini naik, stok bahan baku cukup.",
    "Peserta belum aktif berjualan; disepakati target uji pasar di lingkungan RT.",
)
FOLLOW_UPS = (
    "Daftar NIB di OSS",
    "Catat kas harian selama dua minggu",
    "Perbarui foto produk di marketplace",
    "Siapkan dokumen pengajuan P-IRT",
    "Hitung ulang harga pokok produksi",
    "Ikut kelas pembukuan sederhana",
    "Kirim laporan bulanan lewat portal",
    "Siapkan fotokopi KTP dan KK untuk pengajuan KUR",
    "Coba jualan di bazar kecamatan",
)
HELP_TOPICS = {
    "P2": "Jadwal pelatihan berikutnya",
    "P4": "Cara mengurus P-IRT",
    "P5": "Produk belum laku di marketplace",
    "P6": "Mengisi laporan bulanan",
    "P7": "Syarat pinjaman KUR",
    "business": "Mencari pemasok bahan baku",
    "other": "Ganti nomor ponsel",
}
PARTICIPANT_LINES = (
    "Selamat siang, Bu/Pak. Saya mau bertanya soal ini, mohon bantuannya.",
    "Terima kasih, sudah saya coba tapi masih bingung di bagian akhir.",
    "Baik, akan saya siapkan dokumennya minggu ini.",
)
MENTOR_LINES = (
    "Baik, saya bantu. Bisa kirim foto dokumennya dulu?",
    "Coba ikuti langkah di portal, bagian Perizinan. Kalau masih bingung kita bahas saat kunjungan.",
    "Sudah saya cek, tinggal satu dokumen lagi. Semangat!",
)
TRAININGS = (
    ("Pendampingan UMKM Berbasis Data", "technical", "Dinas PPKUKM DKI Jakarta"),
    ("Perpajakan UMKM: PPh Final 0,5%", "tax", "Kanwil DJP Jakarta"),
    ("Keamanan Pangan dan Izin Edar", "bpom", "Balai Besar POM di Jakarta"),
    ("Coaching dan Komunikasi Efektif", "other", "Universitas Indonesia"),
    ("Pemasaran Digital untuk Pendamping", "technical", "Tokopedia"),
    ("Analisis Kelayakan Kredit Usaha", "technical", "Bank DKI"),
)


def load(program: Program) -> None:
    program.execute("SET jit = off")  # compiling each chunk's expressions costs more than it saves
    plan_mentees(program)
    assignments(program)
    visits(program)
    follow_ups(program)
    help_requests(program)
    targets(program)
    trainings(program)
    program.execute("DROP TABLE bench_mentee")
    program.execute("RESET jit")


def _now(program: Program) -> str:
    """SQL: the moment the data ends, today 17:00 in Jakarta."""
    return f"((date '{program.today.isoformat()}' + time '17:00') AT TIME ZONE 'Asia/Jakarta')"


def _local_day(moment: str) -> str:
    return f"({moment} AT TIME ZONE 'Asia/Jakarta')::date"


def plan_mentees(program: Program) -> None:
    """`bench_mentee`: each mentored participant's mentors (an earlier one for the reassigned, with the moment
    of the change), how many visits they get and the id of the first."""
    p = program
    now = _now(p)
    first, last = p.mentor_user(0), p.mentor_user(p.sizes.mentors - 1)
    p.execute("DROP TABLE IF EXISTS bench_mentee")
    p.execute(
        f"""
        CREATE UNLOGGED TABLE bench_mentee AS
        WITH m AS (
            SELECT b.i, b.kidx, b.mentor_user AS mentor, b.decided,
                   -- another mentor of the same kecamatan (mentor j and j + 44 share one)
                   CASE WHEN bench_u(b.i, {p.salt("reassigned")}) < {REASSIGNED_SHARE} THEN
                        CASE WHEN b.mentor_user + 44 <= %(last)s THEN b.mentor_user + 44
                             WHEN b.mentor_user - 44 >= %(first)s THEN b.mentor_user - 44 END
                   END AS old_mentor,
                   extract(epoch FROM {now} - b.decided) / 86400.0
                       * (0.3 + 1.4 * bench_u(b.i, {p.salt("visit habit")})) AS weight
            FROM bench_plan b
            WHERE b.mentor_user IS NOT NULL
        ), w AS (
            SELECT m.*,
                   CASE WHEN m.old_mentor IS NOT NULL THEN m.decided + ({now} - m.decided)
                        * (0.2 + 0.6 * bench_u(m.i, {p.salt("reassigned at")})) END AS switched_at,
                   floor(m.weight * %(visits)s / sum(m.weight) OVER () + bench_u(m.i, {p.salt("visit round")}))::int
                       AS visits
            FROM m
        )
        SELECT w.*, {_local_day("w.decided")} AS first_day,
               {_local_day("w.switched_at")} AS switch_day,
               (sum(w.visits) OVER (ORDER BY w.i) - w.visits)::bigint AS first_visit
        FROM w
        """,
        {"first": first, "last": last, "visits": p.sizes.visits},
    )
    p.execute("ALTER TABLE bench_mentee ADD PRIMARY KEY (i)")
    p.execute("CREATE INDEX ON bench_mentee (first_visit)")
    p.execute("ANALYZE bench_mentee")


def assignments(program: Program) -> None:
    from mentoring.models import MentorAssignment

    p = program
    secretary = p.secretary("m")
    count = p.sizes.participants
    p.rows(
        MentorAssignment,
        {
            "participant": "m.i",
            "kecamatan": "b.kecamatan_id",
            "mentor": "m.old_mentor",
            "active": "false",
            "stage": f"bench_pick(m.i, {p.salt('old stage')}, %(stages)s::text[])",
            "assigned_by": secretary,
            "assigned_at": "m.decided",
            "ended_at": "m.switched_at",
            "reason": "''",
            "end_reason": "'reassigned'",
        },
        source="bench_mentee m JOIN bench_plan b ON b.i = m.i WHERE m.old_mentor IS NOT NULL",
        key="m.i",
        span=(1, count),
        params={"stages": STAGES[:9]},
        name="mentor assignments: ended",
    )
    p.rows(
        MentorAssignment,
        {
            "participant": "m.i",
            "kecamatan": "b.kecamatan_id",
            "mentor": "m.mentor",
            "active": "true",
            "stage": f"bench_pick(m.i, {p.salt('stage')}, %(stages)s::text[])",
            "assigned_by": secretary,
            "assigned_at": "coalesce(m.switched_at, m.decided)",
            "reason": f"CASE WHEN m.old_mentor IS NOT NULL THEN bench_pick(m.i, {p.salt('reassign reason')},"
            " ARRAY['Pemerataan beban pendamping', 'Permintaan peserta', 'Pendamping lebih dekat dengan lokasi"
            " usaha']) ELSE '' END",
            "end_reason": "''",
        },
        source="bench_mentee m JOIN bench_plan b ON b.i = m.i",
        key="m.i",
        span=(1, count),
        params={"stages": STAGES},
        name="mentor assignments: active",
    )


def visits(program: Program) -> None:
    from mentoring.models import Visit

    p = program
    now = _now(p)
    total = int(p.value("SELECT coalesce(sum(visits), 0) FROM bench_mentee"))
    visit = "(m.first_visit + k.k)"
    day = f"(m.first_day + bench_n({visit}, {p.salt('visit day')}, %(today)s::date - m.first_day + 1))"
    kind = f"bench_u({visit}, {p.salt('visit kind')})"
    photo = f"{kind} < 0.225"  # half the field visits
    p.rows(
        Visit,
        {
            "id": visit,
            "public_id": ordered_uuid(p, visit, "visit public id"),
            "mentor": "CASE WHEN m.old_mentor IS NOT NULL AND a.day < m.switch_day THEN m.old_mentor"
            " ELSE m.mentor END",
            "participant": "m.i",
            "date": "a.day",
            "kind": f"CASE WHEN {kind} < 0.45 THEN 'field' WHEN {kind} < 0.65 THEN 'office'"
            f" WHEN {kind} < 0.80 THEN 'online' ELSE 'phone' END",
            "steps": f"bench_pick({visit}, {p.salt('visit steps')}, %(steps)s::jsonb[])",
            "notes": f"bench_pick({visit}, {p.salt('visit notes')}, %(notes)s::text[])",
            "shared": f"bench_u({visit}, {p.salt('visit shared')}) < 0.6",
            "photo": f"CASE WHEN {photo} THEN 'mentoring/visits/' || to_char(a.day, 'YYYY/MM') || '/'"
            f" || {drawn_hex(p, visit, 'visit photo')} ELSE '' END",
            "photo_content_type": f"CASE WHEN {photo} THEN 'image/jpeg' ELSE '' END",
            "created_at": f"least((a.day + bench_pick({visit}, {p.salt('visit logged day')}, ARRAY[0,0,0,0,1,2,3])"
            f" + time '14:00' + interval '1 minute' * bench_n({visit}, {p.salt('visit logged minute')}, 420))"
            f" AT TIME ZONE 'Asia/Jakarta', {now})",
        },
        source=(
            "bench_mentee m CROSS JOIN LATERAL generate_series(1, m.visits) AS k(k)"
            f" CROSS JOIN LATERAL (SELECT {day} AS day OFFSET 0) AS a"
            " WHERE m.visits > 0"
        ),
        key="m.first_visit",
        span=(0, max(0, total - 1)),
        params={"today": p.today, "steps": STEPS, "notes": list(NOTES)},
        name="visits",
    )


def follow_ups(program: Program) -> None:
    from mentoring.models import FollowUp

    p = program
    now = _now(p)
    total = int(p.value("SELECT coalesce(sum(visits), 0) FROM bench_mentee"))
    share = p.sizes.follow_ups / max(1, total)
    due = f"(v.date + 3 + bench_n(v.id, {p.salt('follow-up due')}, 28))"
    done_u = f"bench_u(v.id, {p.salt('follow-up done')})"
    done = f"(({due} <= %(today)s AND {done_u} < {FOLLOW_UP_DONE_SHARE}) OR ({due} > %(today)s AND {done_u} < 0.15))"
    done_day = f"least(%(today)s, v.date + bench_n(v.id, {p.salt('follow-up done day')}, {due} - v.date + 1 + 10))"
    p.rows(
        FollowUp,
        {
            "visit": "v.id",
            "participant": "v.participant_id",
            "what": f"bench_pick(v.id, {p.salt('follow-up what')}, %(what)s::text[])",
            "due_date": due,
            "done_at": f"CASE WHEN {done} THEN least(({done_day} + time '16:00') AT TIME ZONE 'Asia/Jakarta',"
            f" {now}) END",
            "done_by": f"CASE WHEN {done} THEN v.mentor_id END",
            "reminded_at": f"CASE WHEN NOT {done} AND {due} <= %(today)s"
            f" THEN ({due} + time '07:00') AT TIME ZONE 'Asia/Jakarta' END",
        },
        source=f"mentoring_visit v WHERE bench_u(v.id, {p.salt('has follow-up')}) < {share}",
        key="v.id",
        span=(1, total),
        params={"today": p.today, "what": list(FOLLOW_UPS)},
        name="follow-ups",
    )


def help_requests(program: Program) -> None:
    """The requests (`bench_help`: one row each, numbered) and their messages, taking turns from the participant."""
    from mentoring.models import HelpMessage, HelpRequest

    p = program
    now = _now(p)
    topics = list(HELP_TOPICS)
    p.execute("DROP TABLE IF EXISTS bench_help")
    p.execute(
        f"""
        CREATE UNLOGGED TABLE bench_help AS
        WITH h AS (
            SELECT m.i, m.mentor,
                   bench_u(m.i, {p.salt("help closed")}) < {HELP_CLOSED_SHARE} AS closed,
                   bench_u(m.i, {p.salt("help awaiting")}) < 0.6 AS awaiting,
                   1 + bench_n(m.i, {p.salt("help topic")}, %(topics)s) AS topic,
                   coalesce(m.switched_at, m.decided) + ({now} - interval '1 day' - coalesce(m.switched_at, m.decided))
                       * bench_u(m.i, {p.salt("help asked")}) AS created,
                   interval '1 hour' * (2 + bench_n(m.i, {p.salt("help gap")}, 46)) AS gap
            FROM bench_mentee m
            WHERE bench_u(m.i, {p.salt("help")}) < {HELP_SHARE} AND coalesce(m.switched_at, m.decided)
                  < {now} - interval '1 day'
        )
        SELECT row_number() OVER (ORDER BY h.i) AS id, h.*,
               CASE WHEN h.closed THEN 2 + bench_n(h.i, {p.salt("help messages")}, 4)
                    WHEN h.awaiting THEN 1 + 2 * bench_n(h.i, {p.salt("help messages")}, 2)
                    ELSE 2 + 2 * bench_n(h.i, {p.salt("help messages")}, 2) END AS messages
        FROM h
        """,
        {"topics": len(topics)},
    )
    count = int(p.value("SELECT count(*) FROM bench_help"))
    at = f"least(h.created + h.gap * (k.k - 1), {now})"
    last = f"least(h.created + h.gap * (h.messages - 1), {now})"
    p.rows(
        HelpRequest,
        {
            "id": "h.id",
            "participant": "h.i",
            "mentor": "h.mentor",
            "topic": "(%(topics)s::text[])[h.topic]",
            "subject": "(%(subjects)s::text[])[h.topic]",
            "status": "CASE WHEN h.closed THEN 'closed' ELSE 'open' END",
            "awaiting_mentor": "NOT h.closed AND mod(h.messages, 2) = 1",
            "created_at": "h.created",
            "last_message_at": last,
        },
        source="bench_help h",
        key="h.id",
        span=(1, count),
        params={"topics": topics, "subjects": list(HELP_TOPICS.values())},
        name="help requests",
    )
    p.rows(
        HelpMessage,
        {
            "request": "h.id",
            "author": "CASE WHEN mod(k.k, 2) = 1 THEN h.i ELSE h.mentor END",
            "body": "CASE WHEN mod(k.k, 2) = 1 THEN (%(participant)s::text[])[1 + mod(k.k / 2, 3)]"
            " ELSE (%(mentor)s::text[])[1 + mod(k.k / 2 - 1, 3)] END",
            "created_at": at,
        },
        source="bench_help h CROSS JOIN LATERAL generate_series(1, h.messages) AS k(k)",
        key="h.id",
        span=(1, count),
        params={"participant": list(PARTICIPANT_LINES), "mentor": list(MENTOR_LINES)},
        name="help messages",
    )
    p.execute("DROP TABLE bench_help")


def targets(program: Program) -> None:
    """Each mentor's target for this year and the two before, set by agency staff in January."""
    from mentoring.models import MentorTarget

    p = program
    mentors = p.sizes.mentors
    first = p.mentor_user(0)
    year = f"({p.today.year} - 2 + (i - 1) / {mentors})::int"
    p.rows(
        MentorTarget,
        {
            "mentor": f"{first} + mod(i - 1, {mentors})",
            "year": year,
            "participants": f"bench_pick(i, {p.salt('target participants')}, ARRAY[40,50,60,80,100,120])",
            "basis": f"CASE WHEN bench_u(i, {p.salt('target basis')}) < 0.8 THEN 'verified' ELSE 'registered' END",
            "visits": f"bench_pick(i, {p.salt('target visits')}, ARRAY[240,300,360,480,600])",
            "set_by": f"{p.user_block('agency')} + bench_n(i, {p.salt('target set by')}, 20)",
            "updated_at": f"(make_date({year}, 1, 10 + bench_n(i, {p.salt('target day')}, 15)) + time '10:00')"
            " AT TIME ZONE 'Asia/Jakarta'",
        },
        count=3 * mentors,
        name="mentor targets",
    )


def trainings(program: Program) -> None:
    """Two to six trainings per mentor (slot n of mentor j exists when n is below their number)."""
    from mentoring.models import MentorTraining

    p = program
    mentors = p.sizes.mentors
    mentor = f"(mod(i - 1, {mentors}))"
    slot = f"((i - 1) / {mentors})"
    day = f"(%(start)s::date + bench_n(i, {p.salt('mentor training day')}, 1095))"
    p.rows(
        MentorTraining,
        {
            "mentor": f"{p.mentor_user(0)} + {mentor}",
            "title": f"(%(titles)s::text[])[1 + mod({slot} + bench_n({mentor}, {p.salt('mentor training')}, 6), 6)]",
            "kind": f"(%(kinds)s::text[])[1 + mod({slot} + bench_n({mentor}, {p.salt('mentor training')}, 6), 6)]",
            "date": day,
            "organiser": f"(%(organisers)s::text[])[1 + mod({slot} + bench_n({mentor}, {p.salt('mentor training')},"
            " 6), 6)]",
            "recorded_by": f"{p.user_block('agency')} + bench_n(i, {p.salt('mentor training by')}, 20)",
            "recorded_at": f"least(({day} + 1 + time '10:00') AT TIME ZONE 'Asia/Jakarta', {_now(p)})",
        },
        source=(
            "generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g(i)"
            f" WHERE {slot} < 2 + bench_n({mentor}, {p.salt('mentor trainings')}, 5)"
        ),
        key="g.i",
        span=(1, 6 * mentors),
        params={
            "start": p.today - datetime.timedelta(days=1095),
            "titles": [t for t, _k, _o in TRAININGS],
            "kinds": [k for _t, k, _o in TRAININGS],
            "organisers": [o for _t, _k, o in TRAININGS],
        },
        name="mentor trainings",
    )
