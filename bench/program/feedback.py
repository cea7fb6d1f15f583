"""The feedback forum: posts of verified participants over the 44 kecamatan, the support of other verified
participants, the program's answers (the history of a post's status) and a few moderations.

- Posts: one for every 50 participants, by verified participants (one post each), about their own kecamatan
  (one in ten about another), over the eight categories (marketing, licences, training and capital the most
  talked about), posted between their approval and today.
- Support: from none to thirty other verified participants a post (most posts a few, some many); `supporters`
  is their count.
- Answers: 55% of the posts are answered, within two weeks, by the secretariat of the post's kecamatan (60%) or
  agency staff: answered, planned, or answered then planned or done, planned then done (a second answer within
  two months); a post whose answer would come after today is still open.
- Moderation: 2% of the posts (open ones) were hidden with a reason; one in five of those was shown again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .licensing import data_end, planned

if TYPE_CHECKING:
    from .program import Program

PARTICIPANTS_PER_POST = 50
MOST_SUPPORTERS = 30
CATEGORIES = [
    ("marketing", 0.18),
    ("licensing", 0.15),
    ("training", 0.15),
    ("capital", 0.15),
    ("mentoring", 0.12),
    ("finance", 0.12),
    ("portal", 0.08),
    ("other", 0.05),
]
TEXTS = {
    "training": [
        (
            "Pelatihan foto produk untuk jualan online",
            "Foto produk kami kurang menarik di marketplace. Mohon "
            "pelatihan foto produk memakai HP, dengan praktik langsung.",
        ),
        (
            "Jadwal pelatihan di akhir pekan",
            "Kami berjualan pada hari kerja. Mohon ada kelas pelatihan pada hari "
            "Sabtu atau Minggu di kantor kecamatan.",
        ),
    ],
    "mentoring": [
        (
            "Jadwal kunjungan mentor diberitahu lebih awal",
            "Mentor datang saat toko ramai. Mohon jadwal kunjungan diberitahu sehari sebelumnya lewat WhatsApp.",
        ),
        (
            "Mentor khusus usaha kuliner",
            "Usaha kami makanan olahan. Mohon ada mentor yang paham izin pangan dan kemasan makanan.",
        ),
    ],
    "licensing": [
        (
            "Pendampingan daftar P-IRT di kantor kecamatan",
            "Saya sudah punya NIB tapi bingung mengurus P-IRT. "
            "Apakah ada jadwal pendampingan di kantor kecamatan untuk mengisi di OSS?",
        ),
        (
            "Sertifikat halal gratis untuk usaha mikro",
            "Mohon informasi kuota sertifikasi halal gratis jalur self declare dan pendamping PPH di wilayah kami.",
        ),
    ],
    "marketing": [
        (
            "Ruang jualan bergilir di kecamatan",
            "Thamrin 10 jauh dari tempat kami. Mohon ada bazar atau ruang jualan "
            "bergilir di kecamatan sekitar, minimal sebulan sekali.",
        ),
        (
            "Kurasi produk dibuka lebih sering",
            "Produk kami baru siap setelah kurasi ditutup. Mohon kurasi dibuka "
            "lebih sering agar bisa ikut ruang jualan.",
        ),
    ],
    "finance": [
        (
            "Pembukuan di HP tanpa kuota besar",
            "Buku kas di portal berat dibuka dengan sinyal lemah. Apakah bisa "
            "dicatat dulu tanpa internet lalu dikirim nanti?",
        ),
        (
            "Contoh laporan keuangan sederhana",
            "Mohon contoh laporan bulanan yang benar untuk warung makan, supaya kami tidak salah mengisi pengeluaran.",
        ),
    ],
    "capital": [
        (
            "Syarat Kredit Monas Pemula membingungkan",
            "Saya tidak paham laporan keuangan apa saja yang diminta bank "
            "untuk pinjaman tanpa agunan. Mohon penjelasan sederhana.",
        ),
        (
            "Bunga pinjaman koperasi",
            "Mohon perbandingan bunga dan tenor pinjaman dari bank dan koperasi mitra program agar kami bisa memilih.",
        ),
    ],
    "portal": [
        (
            "Unggah foto KTP dari HP sering gagal",
            "Saat mengunggah foto KTP dari HP, halaman sering menolak karena "
            "ukuran file. Mohon pengecilan foto otomatis.",
        ),
        (
            "Notifikasi lewat WhatsApp",
            "Pesan SMS sering tidak terbaca. Mohon pemberitahuan status juga dikirim lewat WhatsApp.",
        ),
    ],
    "other": [
        (
            "Tempat parkir saat bazar",
            "Pembeli sulit parkir saat bazar kelurahan. Mohon koordinasi dengan pengelola lahan parkir terdekat.",
        ),
        (
            "Kerja sama dengan sekolah sekitar",
            "Mohon program membantu kerja sama penjualan makanan sehat ke kantin sekolah di sekitar kami.",
        ),
    ],
}
ANSWERS = {
    "answered": "Terima kasih atas masukannya. Informasinya sudah kami sampaikan di halaman program.",
    "planned": "Terima kasih. Usulan ini kami jadwalkan mulai bulan depan; kabar berikutnya kami sampaikan di sini.",
    "done": "Sudah kami tindak lanjuti: jadwal dan caranya kini ada di halaman program dan di kantor kecamatan.",
}
HIDE_REASON = "Iklan usaha pribadi yang tidak berkaitan dengan program."
UNHIDE_REASON = "Setelah dicek, masukan ini berkaitan dengan program."


def load(program: Program) -> None:
    program.execute("SET jit = off")
    planned(program, "forum: posts planned", plan_posts)
    posts(program)
    supports(program)
    answers(program)
    moderations(program)
    program.execute("DROP TABLE bench_voice")
    program.execute("DROP TABLE bench_post")


def plan_posts(program: Program) -> str:
    """bench_voice: the verified participants in a drawn order (n); the first ones post. bench_post: each post,
    its kecamatan (its index as `bench_plan.kidx`), category, texts, times and how its answers go."""
    p = program
    end = data_end(p)
    count = max(1, p.sizes.participants // PARTICIPANTS_PER_POST)
    p.execute("DROP TABLE IF EXISTS bench_voice")
    p.execute(
        f"""
        CREATE UNLOGGED TABLE bench_voice AS
        SELECT row_number() OVER (ORDER BY bench_u(b.i, {p.salt("voice")}), b.i) AS n, b.i, b.kidx, b.decided
        FROM bench_plan b WHERE b.status = 'approved' AND b.decided < %(end)s - interval '2 days'
        """,
        {"end": end},
    )
    p.execute("ALTER TABLE bench_voice ADD PRIMARY KEY (n)")
    p.execute("ANALYZE bench_voice")
    bounds, total = [], 0.0
    for category, share in CATEGORIES:
        total += share
        bounds.append(f"WHEN bench_u(v.n, {p.salt('post category')}) < {total:.4f} THEN '{category}'")
    t1 = f"(x.created + interval '1 hour' * (6 + bench_n(x.n, {p.salt('answered after')}, 330)))"
    t2 = f"({t1} + interval '1 hour' * (160 + bench_n(x.n, {p.salt('answered again')}, 1300)))"
    w = f"bench_u(x.n, {p.salt('post path')})"
    path = (
        f"CASE WHEN {w} < 0.45 THEN 'A' WHEN {w} < 0.65 THEN 'B' WHEN {w} < 0.75 THEN 'C' WHEN {w} < 0.85 THEN 'D'"
        f" WHEN {w} < 0.93 THEN 'E' ELSE 'F' END"
    )
    p.execute("DROP TABLE IF EXISTS bench_post")
    p.execute(
        f"""
        CREATE UNLOGGED TABLE bench_post AS
        SELECT x.*, {path} AS path, {t1} AS t1, {t2} AS t2
        FROM (
            SELECT v.n, v.i, v.kidx AS author_kidx,
                   CASE WHEN bench_u(v.n, {p.salt("other kecamatan")}) < 0.1
                        THEN bench_n(v.n, {p.salt("which kecamatan")}, 44) ELSE v.kidx END AS kidx,
                   CASE {" ".join(bounds)} END AS category,
                   bench_n(v.n, {p.salt("post text")}, 2) + 1 AS text,
                   v.decided + (%(end)s - v.decided) * (0.02 + 0.97 * bench_u(v.n, {p.salt("posted")})) AS created,
                   floor({MOST_SUPPORTERS + 1} * power(bench_u(v.n, {p.salt("supporters")}), 3))::int AS wanted,
                   bench_u(v.n, {p.salt("agency answers")}) < 0.4 AS by_agency
            FROM bench_voice v WHERE v.n <= %(count)s
        ) x
        """,
        {"end": end, "count": count},
    )
    # an answer that would come after today has not come yet
    p.execute(
        """
        ALTER TABLE bench_post ADD COLUMN answers text[], ADD COLUMN hidden text NOT NULL DEFAULT '';
        UPDATE bench_post SET path = 'A' WHERE t1 >= %(end)s;
        UPDATE bench_post SET answers = CASE path WHEN 'A' THEN ARRAY[]::text[] WHEN 'B' THEN ARRAY['answered']
            WHEN 'C' THEN ARRAY['planned'] WHEN 'D' THEN ARRAY['answered', 'planned']
            WHEN 'E' THEN ARRAY['planned', 'done'] ELSE ARRAY['answered', 'done'] END;
        UPDATE bench_post SET answers = answers[1:1] WHERE cardinality(answers) = 2 AND t2 >= %(end)s;
        """,
        {"end": end},
    )
    # hidden: some of the posts never answered (hidden the day after); one in five shown again a day later
    p.execute(
        f"""
        UPDATE bench_post SET hidden = CASE WHEN bench_u(n, {p.salt("shown again")}) < 0.2 THEN 'unhidden'
                                            ELSE 'hidden' END
        WHERE path = 'A' AND bench_u(n, {p.salt("hidden")}) < 0.045 AND created + interval '3 days' < %(end)s
        """,
        {"end": end},
    )
    p.execute("ALTER TABLE bench_post ADD PRIMARY KEY (n)")
    p.execute("ANALYZE bench_post")
    return "bench_post"


def _kecamatans() -> str:
    return "(SELECT array_agg(id ORDER BY code) FROM geography_kecamatan)"


def _answerer(program: Program, post: str) -> str:
    """SQL: who answers or moderates the post: its kecamatan's secretariat, or agency staff."""
    p = program
    secretary = f"{p.user_block('secretariat')} + {post}.kidx + 44 * bench_n({post}.n, {p.salt('post secretary')}, 2)"
    agency = f"{p.user_block('agency')} + bench_n({post}.n, {p.salt('post agency')}, 20)"
    return f"CASE WHEN {post}.by_agency THEN {agency} ELSE {secretary} END"


def posts(program: Program) -> None:
    from feedback.models import Post

    p = program
    titles = " ".join(
        f"WHEN '{category}' THEN (ARRAY{[t for t, _b in texts]!r}::text[])[x.text]"
        for category, texts in TEXTS.items()
    )
    bodies = " ".join(
        f"WHEN '{category}' THEN (ARRAY{[b for _t, b in texts]!r}::text[])[x.text]"
        for category, texts in TEXTS.items()
    )
    hidden = "x.hidden = 'hidden'"
    p.rows(
        Post,
        {
            "id": "x.n",
            "author": "x.i",
            "category": "x.category",
            "kecamatan": f"({_kecamatans()})[1 + x.kidx]",
            "title": f"CASE x.category {titles} END",
            "body": f"CASE x.category {bodies} END",
            "status": "CASE WHEN cardinality(x.answers) = 0 THEN 'open' ELSE x.answers[cardinality(x.answers)] END",
            "supporters": "0",
            "created_at": "x.created",
            "answered_at": "CASE cardinality(x.answers) WHEN 0 THEN NULL WHEN 1 THEN x.t1 ELSE x.t2 END",
            "hidden": hidden,
            "hidden_at": f"CASE WHEN {hidden} THEN x.created + interval '1 day' END",
            "hidden_by": f"CASE WHEN {hidden} THEN {_answerer(p, 'x')} END",
            "hidden_reason": f"CASE WHEN {hidden} THEN '{HIDE_REASON}' ELSE '' END",
        },
        source="bench_post x",
        key="x.n",
        span=(1, p.sizes.participants),
        name="forum posts",
    )


def supports(program: Program) -> None:
    """Other verified participants' support, given before the post was done (or before today); then each post's
    count of them."""
    from feedback.models import Support

    p = program
    voices = p.value("SELECT count(*) FROM bench_voice")
    last = "CASE WHEN x.answers[cardinality(x.answers)] = 'done' THEN x.t2 ELSE %(end)s END"
    p.rows(
        Support,
        {
            "post": "x.n",
            "user": "v.i",
            "created_at": f"greatest(x.created, v.decided) + ({last} - greatest(x.created, v.decided))"
            f" * bench_u(x.n * 64 + g.s, {p.salt('supported at')})",
        },
        source="bench_post x CROSS JOIN LATERAL generate_series(1, x.wanted) AS g(s)"
        " JOIN bench_voice v ON v.n = 1 + mod(x.n * 131 + g.s * 7, %(voices)s)"
        f" WHERE v.i <> x.i AND v.decided < {last}",
        key="x.n",
        span=(1, p.sizes.participants),
        params={"voices": voices, "end": data_end(p)},
        name="forum supports",
    )
    p.execute(
        """
        UPDATE feedback_post p SET supporters = s.n
        FROM (SELECT post_id, count(*) AS n FROM feedback_support GROUP BY post_id) s WHERE s.post_id = p.id
        """
    )


def answers(program: Program) -> None:
    from feedback.models import Answer

    p = program
    texts = " ".join(f"WHEN '{status}' THEN '{text}'" for status, text in ANSWERS.items())
    agency = "x.by_agency"
    p.rows(
        Answer,
        {
            "post": "x.n",
            "author": _answerer(p, "x"),
            "office": f"CASE WHEN {agency} THEN NULL ELSE ({_kecamatans()})[1 + x.kidx] END",
            "body": f"CASE x.answers[g.k] {texts} END",
            "status": "x.answers[g.k]",
            "previous_status": "CASE WHEN g.k = 1 THEN 'open' ELSE x.answers[g.k - 1] END",
            "created_at": "CASE g.k WHEN 1 THEN x.t1 ELSE x.t2 END",
        },
        source="bench_post x CROSS JOIN LATERAL generate_series(1, cardinality(x.answers)) AS g(k)",
        key="x.n",
        span=(1, p.sizes.participants),
        name="forum answers",
    )


def moderations(program: Program) -> None:
    from feedback.models import Moderation

    p = program
    p.rows(
        Moderation,
        {
            "post": "x.n",
            "action": "CASE g.k WHEN 1 THEN 'hide' ELSE 'unhide' END",
            "reason": f"CASE g.k WHEN 1 THEN '{HIDE_REASON}' ELSE '{UNHIDE_REASON}' END",
            "moderator": _answerer(p, "x"),
            "office": f"CASE WHEN x.by_agency THEN NULL ELSE ({_kecamatans()})[1 + x.kidx] END",
            "created_at": "x.created + interval '1 day' * g.k",
        },
        source="bench_post x CROSS JOIN LATERAL generate_series(1, CASE x.hidden WHEN 'unhidden' THEN 2 ELSE 1 END)"
        " AS g(k) WHERE x.hidden <> ''",
        key="x.n",
        span=(1, p.sizes.participants),
        name="forum moderations",
    )
