"""P7 capital: the financing products of the lenders (the partner organisations of a lending kind with an
agreement covering P7), and `sizes.referrals` loan referrals in every status, each with its loan-assessment
consent to the lender and every move.

- Products: those of `seed_capital_demo` for Bank DKI (Kredit Monas Pemula for starting businesses, KUR Mikro for
  going ones), KUR of the other banks (and a KUR Kecil for small businesses at Bank Mandiri), productive loans of
  the fintech lenders, financing of the cooperatives (murabahah, with collateral, at the sharia one); a lender
  the program no longer works with, or one made inactive, offers its products no more.
- Referrals: of participants who keep books (`finance`), once they qualified (three months reported, the NIB
  held when the product needs it, their class and monthly turnover as it wants), while an agreement with the
  lender covering P7 was in force, within the last 400 days (more of them lately). Each participant asks once,
  for a product drawn among those they qualify for (Bank DKI's five times as often, BRI's three, Mandiri's
  twice). The program sends a referral within weeks (its mentor, or
  agency staff); the lender (its API account, or agency staff for it) reviews it, approves or refuses it (22%),
  and disburses most of what it approves; 12% are withdrawn by the participant before a decision. A referral
  stops where today finds it, so every status is there. The consent is given with the referral (on the text
  current then), ends with its withdrawal or refusal (no other open referral needs it), and was withdrawn
  meanwhile for 4% of the live ones (only the participant's withdrawal is left to them). Participants who
  consented to a lender already (`partners`) are left out, so no one holds two active consents for a purpose."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .licensing import analyze, data_end, planned

if TYPE_CHECKING:
    from .program import Program

WINDOW_DAYS = 400
USES = [
    "Menambah bahan baku untuk pesanan katering bulan depan.",
    "Membeli etalase dan kulkas untuk warung.",
    "Mesin jahit kedua agar pesanan seragam selesai tepat waktu.",
    "Modal stok menjelang Lebaran.",
    "Renovasi dapur produksi agar lolos P-IRT.",
    "Gerobak dan tenda untuk berjualan di bazar.",
]
REFUSAL = "Usaha belum memenuhi penilaian kelayakan kami saat ini; silakan ajukan lagi setelah enam bulan."


def _product(
    code: str,
    name: str,
    description: str,
    amounts: tuple[int, int],
    tenors: tuple[int, int],
    rate: str,
    **more: Any,
) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "description": description,
        "amount_min": amounts[0],
        "amount_max": amounts[1],
        "tenor_min_months": tenors[0],
        "tenor_max_months": tenors[1],
        "rate_percent": Decimal(rate),
        "rate_kind": more.pop("rate_kind", "interest"),
        "collateral": more.pop("collateral", False),
        "tracks": more.pop("tracks", []),
        "min_report_months": more.pop("min_report_months", 3),
        "needs_nib": more.pop("needs_nib", False),
        "classes": more.pop("classes", []),
        "min_monthly_turnover": more.pop("min_monthly_turnover", 0),
        "official_url": more.pop("official_url", ""),
    }


KUR = (
    "Kredit Usaha Rakyat bersubsidi pemerintah: di atas Rp10 juta sampai Rp100 juta tanpa agunan tambahan, bunga 6%"
    " efektif setahun untuk KUR pertama. Modal kerja sampai 3 tahun, investasi sampai 5 tahun."
)
# the products of the lenders the program names, by the lender's name (others get one of their kind's)
PRODUCTS: dict[str, list[dict[str, Any]]] = {
    "Bank DKI": [
        _product(
            "bankdki-monas-pemula",
            "Kredit Monas Pemula",
            "Kredit tanpa agunan dari Bank DKI untuk wirausaha pemula binaan program yang sudah menempuh langkah P1"
            " sampai P6, untuk modal kerja atau investasi.",
            (1_000_000, 10_000_000),
            (3, 18),
            "7.00",
            tracks=["pemula"],
            needs_nib=True,
            classes=["micro"],
            official_url="https://www.bankdki.co.id",
        ),
        _product(
            "bankdki-kur-mikro",
            "KUR Mikro",
            KUR,
            (10_000_001, 100_000_000),
            (6, 60),
            "6.00",
            tracks=["naik_kelas"],
            needs_nib=True,
            classes=["micro", "small"],
            official_url="https://kur.ekon.go.id",
        ),
    ],
    "Bank Rakyat Indonesia": [
        _product(
            "bri-kur-mikro", "KUR Mikro BRI", KUR, (10_000_001, 100_000_000), (6, 60), "6.00", needs_nib=True,
            classes=["micro", "small"], official_url="https://kur.bri.co.id",
        ),
    ],
    "Bank Mandiri": [
        _product(
            "mandiri-kur-mikro", "KUR Mikro Mandiri", KUR, (10_000_001, 100_000_000), (6, 60), "6.00",
            needs_nib=True, classes=["micro", "small"], official_url="https://www.bankmandiri.co.id",
        ),
        _product(
            "mandiri-kur-kecil", "KUR Kecil Mandiri",
            "KUR untuk usaha kecil: di atas Rp100 juta sampai Rp500 juta, dengan agunan tambahan sesuai penilaian"
            " bank.",
            (100_000_001, 500_000_000), (12, 60), "6.00", needs_nib=True, classes=["small"], collateral=True,
            min_monthly_turnover=50_000_000, min_report_months=6, official_url="https://www.bankmandiri.co.id",
        ),
    ],
    "Bank Negara Indonesia": [
        _product(
            "bni-kur-mikro", "KUR Mikro BNI", KUR, (10_000_001, 100_000_000), (6, 60), "6.00", needs_nib=True,
            classes=["micro", "small"], official_url="https://www.bni.co.id",
        ),
    ],
    "Bank Syariah Indonesia": [
        _product(
            "bsi-kur-syariah", "KUR Mikro Syariah BSI",
            "Pembiayaan KUR dengan akad syariah untuk usaha mikro, margin setara 6% setahun.",
            (10_000_001, 100_000_000), (6, 60), "6.00", rate_kind="margin", needs_nib=True,
            classes=["micro", "small"], official_url="https://www.bankbsi.co.id",
        ),
    ],
}  # fmt: skip
# how often a participant who qualifies for several products picks the lender's (the others 1): the program's
# own bank first, then the largest KUR banks
WEIGHTS = {"Bank DKI": 5, "Bank Rakyat Indonesia": 3, "Bank Mandiri": 2}
BY_KIND: dict[str, dict[str, Any]] = {
    "bank": _product(
        "mitra{id}-kredit-mikro", "Kredit Usaha Mikro",
        "Kredit modal kerja untuk usaha mikro binaan program, dicicil bulanan.",
        (5_000_000, 50_000_000), (6, 36), "9.50", needs_nib=True, classes=["micro", "small"],
    ),
    "fintech": _product(
        "mitra{id}-modal-usaha", "Pinjaman Modal Usaha",
        "Pinjaman produktif tanpa agunan, cair ke rekening usaha, dicicil bulanan.",
        (2_000_000, 50_000_000), (3, 12), "18.00", classes=["micro", "small"], min_monthly_turnover=3_000_000,
    ),
    "cooperative": _product(
        "mitra{id}-pembiayaan-anggota", "Pembiayaan Usaha Anggota",
        "Pembiayaan untuk anggota koperasi: pembelian barang usaha dengan margin tetap.",
        (1_000_000, 25_000_000), (6, 24), "10.00", rate_kind="margin", collateral=True, min_report_months=0,
    ),
}  # fmt: skip


def load(program: Program) -> None:
    program.execute("SET jit = off")
    products(program)
    planned(program, "capital: referrals planned", plan_referrals)
    consents(program)
    referrals(program)
    moves(program)
    for table in ("bench_product_window", "bench_referral"):
        program.execute(f"DROP TABLE {table}")


def _fetch(sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def products(program: Program) -> None:
    """The lenders' products, and bench_product_window: when each could be asked for (the lender's latest agreement
    covering P7 in force, within the last WINDOW_DAYS)."""
    from capital.models import FinancingProduct
    from partners.choices import LENDER_KINDS

    p = program
    lenders = _fetch(
        """
        SELECT DISTINCT ON (o.id) o.id, o.name, o.kind, o.active, a.starts_on, least(a.ends_on, a.ended_on)
        FROM partners_partnerorganisation o
        JOIN partners_agreement a ON a.organisation_id = o.id AND 'P7' = ANY(a.steps) AND a.signed_on IS NOT NULL
        WHERE o.kind = ANY(%s)
        ORDER BY o.id, least(a.ends_on, a.ended_on) DESC NULLS FIRST
        """,
        [list(LENDER_KINDS)],
    )
    rows = []
    for organisation_id, name, kind, active, starts_on, ends_on in lenders:
        plans = PRODUCTS.get(name) or [{**BY_KIND[kind], "code": BY_KIND[kind]["code"].format(id=organisation_id)}]
        for plan in plans:
            rows.append(
                {
                    **plan,
                    "lender": organisation_id,
                    "active": bool(active) and (ends_on is None or ends_on >= p.today),
                    "weight": WEIGHTS.get(name, 1),
                    "starts_on": starts_on,
                    "ends_on": ends_on,
                }
            )
    p.execute("DROP TABLE IF EXISTS bench_product_window")
    p.execute(
        "CREATE UNLOGGED TABLE bench_product_window (id int PRIMARY KEY, lender bigint, opens date, closes date,"
        " tracks text[], needs_nib boolean, classes text[], min_report_months int, min_monthly_turnover bigint,"
        " amount_min bigint, amount_max bigint, tenor_min int, tenor_max int, active boolean, weight int)"
    )
    for n, row in enumerate(rows, 1):
        p.execute(
            "INSERT INTO bench_product_window VALUES (%s, %s, %s, %s, %s::text[], %s, %s::text[], %s, %s, %s, %s,"
            " %s, %s, %s, %s)",
            [
                n,
                row["lender"],
                max(row["starts_on"], p.today - datetime.timedelta(days=WINDOW_DAYS)),
                min(row["ends_on"] or p.today, p.today - datetime.timedelta(days=1)),
                row["tracks"],
                row["needs_nib"],
                row["classes"],
                row["min_report_months"],
                row["min_monthly_turnover"],
                row["amount_min"],
                row["amount_max"],
                row["tenor_min_months"],
                row["tenor_max_months"],
                row["active"],
                row["weight"],
            ],
        )
    p.rows(
        FinancingProduct,
        {
            "id": "w.id",
            "lender": "w.lender",
            "code": "c.code",
            "name": "c.name",
            "description": "c.description",
            "amount_min": "w.amount_min",
            "amount_max": "w.amount_max",
            "tenor_min_months": "w.tenor_min",
            "tenor_max_months": "w.tenor_max",
            "rate_percent": "c.rate",
            "rate_kind": "c.rate_kind",
            "collateral": "c.collateral",
            "tracks": "w.tracks",
            "min_report_months": "w.min_report_months",
            "needs_nib": "w.needs_nib",
            "classes": "w.classes",
            "min_monthly_turnover": "w.min_monthly_turnover",
            "official_url": "c.url",
            "active": "w.active",
        },
        source="bench_product_window w JOIN (SELECT * FROM unnest(%(ids)s::int[], %(codes)s::text[],"
        " %(names)s::text[],"
        " %(descriptions)s::text[], %(rates)s::numeric[], %(kinds)s::text[], %(collateral)s::boolean[],"
        " %(urls)s::text[]) AS c(id, code, name, description, rate, rate_kind, collateral, url)) c ON c.id = w.id",
        key="w.id",
        span=(1, max(1, len(rows))),
        params={
            "ids": list(range(1, len(rows) + 1)),
            "codes": [row["code"] for row in rows],
            "names": [row["name"] for row in rows],
            "descriptions": [row["description"] for row in rows],
            "rates": [row["rate_percent"] for row in rows],
            "kinds": [row["rate_kind"] for row in rows],
            "collateral": [row["collateral"] for row in rows],
            "urls": [row["official_url"] for row in rows],
        },
        name="financing products",
    )


def plan_referrals(program: Program) -> str:
    """bench_referral: who asks for which product when (the facts each product asks for, from the rows the other
    stages wrote), and when each move falls; its status is the last move before today."""
    p = program
    end = data_end(p)
    analyze(
        p,
        "finance_monthlyrecord",
        "finance_classchange",
        "licensing_licence",
        "licensing_licencetype",
        "partners_consent",
        "partners_consenttext",
        "bench_plan",
        "bench_product_window",
    )
    books = p.value("SELECT count(DISTINCT participant_id) FROM finance_monthlyrecord WHERE source = 'books'")
    share = min(1.0, 2.5 * p.sizes.referrals / max(1, books))
    p.execute("DROP TABLE IF EXISTS bench_referral")
    # the facts: the books' first month and mean turnover, the NIB's issue, the move up a class; a product fits
    # from its number of months reported (one at least) before the month asked in, the NIB held, the class it
    # wants (a micro-only one before the move up, a small-only one after), in its lender's window
    p.execute(
        f"""
        CREATE UNLOGGED TABLE bench_referral AS
        WITH books AS (
            SELECT participant_id AS i, min(month) AS first_month, avg(turnover) AS turnover
            FROM finance_monthlyrecord WHERE source = 'books' GROUP BY participant_id
        ), nib AS (
            SELECT l.participant_id AS i, min(l.issued_on) AS issued_on
            FROM licensing_licence l JOIN licensing_licencetype t ON t.id = l.licence_type_id
            WHERE t.is_business_number GROUP BY l.participant_id
        ), up AS (
            SELECT participant_id AS i, min(changed_at) AS changed_at FROM finance_classchange GROUP BY participant_id
        ), candidates AS (
            SELECT b.i, b.track, b.mentor_user, k.first_month, k.turnover, n.issued_on AS nib_on,
                   u.changed_at AS up_at
            FROM bench_plan b JOIN books k ON k.i = b.i
            LEFT JOIN nib n ON n.i = b.i LEFT JOIN up u ON u.i = b.i
            WHERE bench_u(b.i, {p.salt("asks for a loan")}) < {share}
              AND NOT EXISTS (SELECT 1 FROM partners_consent c
                              WHERE c.participant_id = b.i AND c.purpose = 'loan_assessment')
        ), fits AS (
            SELECT c.*, w.id AS product_id, w.weight, w.lender, w.amount_min, w.amount_max, w.tenor_min, w.tenor_max,
                   greatest((c.first_month + make_interval(months => greatest(w.min_report_months, 1)))::timestamp
                                AT TIME ZONE 'Asia/Jakarta',
                            CASE WHEN w.needs_nib THEN (c.nib_on + 1)::timestamp AT TIME ZONE 'Asia/Jakarta' END,
                            CASE WHEN w.classes = ARRAY['small'] THEN c.up_at END,
                            w.opens::timestamp AT TIME ZONE 'Asia/Jakarta') AS ready,
                   least(w.closes::timestamp AT TIME ZONE 'Asia/Jakarta', %(end)s - interval '1 day',
                         CASE WHEN w.classes = ARRAY['micro'] THEN c.up_at - interval '1 day' END) AS until
            FROM candidates c JOIN bench_product_window w
              ON (cardinality(w.tracks) = 0 OR c.track = ANY(w.tracks))
             AND (NOT w.needs_nib OR c.nib_on IS NOT NULL)
             AND (cardinality(w.classes) = 0 OR 'micro' = ANY(w.classes)
                  OR (c.up_at IS NOT NULL AND 'small' = ANY(w.classes)))
             AND c.turnover >= w.min_monthly_turnover
        ), drawn AS (
            SELECT DISTINCT ON (f.i) f.*
            FROM fits f WHERE f.ready < f.until
            -- a weighted draw: the least of -ln(u) / weight
            ORDER BY f.i, -ln(1 - bench_u(f.i * 100 + f.product_id, {p.salt("referral product")})) / f.weight
        )
        SELECT row_number() OVER (ORDER BY bench_u(d.i, {p.salt("referral order")}), d.i) AS n, d.*
        FROM drawn d
        """,
        {"end": end},
    )
    p.execute("DELETE FROM bench_referral WHERE n > %(wanted)s", {"wanted": p.sizes.referrals})
    o = f"bench_u(n, {p.salt('referral outcome')})"
    p.execute(
        f"""
        ALTER TABLE bench_referral ADD COLUMN created timestamptz, ADD COLUMN outcome text, ADD COLUMN t1 timestamptz,
            ADD COLUMN t2 timestamptz, ADD COLUMN t3 timestamptz, ADD COLUMN t4 timestamptz;
        UPDATE bench_referral SET
            created = ready + (until - ready) * sqrt(bench_u(n, {p.salt("referral asked")})),
            outcome = CASE WHEN {o} < 0.08 THEN 'withdrawn early' WHEN {o} < 0.12 THEN 'withdrawn sent'
                           WHEN {o} < 0.34 THEN 'refused' WHEN {o} < 0.40 THEN 'approved' ELSE 'disbursed' END;
        UPDATE bench_referral SET
            t1 = created + interval '1 hour' * (20 + bench_n(n, {p.salt("sent after")}, 700)),
            t2 = created + interval '1 hour' * (740 + bench_n(n, {p.salt("reviewed after")}, 240)),
            t3 = created + interval '1 hour' * (1000 + bench_n(n, {p.salt("decided after")}, 480)),
            t4 = created + interval '1 hour' * (1500 + bench_n(n, {p.salt("disbursed after")}, 330));
        """
    )
    # the statuses it reaches, in order, with their moments: those before today
    p.execute(
        """
        ALTER TABLE bench_referral ADD COLUMN path text[], ADD COLUMN at timestamptz[];
        UPDATE bench_referral SET
            path = CASE outcome
                WHEN 'withdrawn early' THEN ARRAY['requested', 'withdrawn']
                WHEN 'withdrawn sent' THEN ARRAY['requested', 'sent', 'withdrawn']
                WHEN 'refused' THEN ARRAY['requested', 'sent', 'under_review', 'refused']
                WHEN 'approved' THEN ARRAY['requested', 'sent', 'under_review', 'approved']
                ELSE ARRAY['requested', 'sent', 'under_review', 'approved', 'disbursed'] END,
            at = CASE outcome
                WHEN 'withdrawn early' THEN ARRAY[created, t1]
                WHEN 'withdrawn sent' THEN ARRAY[created, t1, t2]
                WHEN 'disbursed' THEN ARRAY[created, t1, t2, t3, t4]
                ELSE ARRAY[created, t1, t2, t3] END;
        UPDATE bench_referral SET
            path = path[1:(SELECT count(*) FROM unnest(at) AS m(at) WHERE m.at < %(end)s)],
            at = at[1:(SELECT count(*) FROM unnest(at) AS m(at) WHERE m.at < %(end)s)];
        ALTER TABLE bench_referral ADD PRIMARY KEY (n);
        ANALYZE bench_referral;
        """,
        {"end": end},
    )
    # the consent text it rests on: the purpose's latest published when the referral was made
    p.execute(
        """
        ALTER TABLE bench_referral ADD COLUMN text_id bigint;
        UPDATE bench_referral r SET text_id = (
            SELECT t.id FROM partners_consenttext t
            WHERE t.purpose = 'loan_assessment' AND t.published_at <= r.created ORDER BY t.version DESC LIMIT 1);
        """
    )
    return "bench_referral"


def consents(program: Program) -> None:
    """Each referral's consent (ids after the partners' own): given with it; ended by its withdrawal or refusal,
    or withdrawn by the participant while it was live."""
    from partners.models import Consent

    p = program
    base = p.value("SELECT coalesce(max(id), 0) FROM partners_consent")
    p.execute("ALTER TABLE bench_referral ADD COLUMN consent_id bigint")
    p.execute("UPDATE bench_referral SET consent_id = %(base)s + n", {"base": base})
    last = "r.path[cardinality(r.path)]"
    withdrawn_live = (
        f"{last} IN ('sent', 'under_review', 'approved') AND bench_u(r.n, {p.salt('consent withdrawn live')}) < 0.04"
    )
    ended = f"{last} IN ('withdrawn', 'refused')"
    p.rows(
        Consent,
        {
            "id": "r.consent_id",
            "participant": "r.i",
            "organisation": "r.lender",
            "purpose": "'loan_assessment'",
            "text": "r.text_id",
            "granted_at": "r.created",
            "granted_channel": "'web'",
            "withdrawn_at": f"CASE WHEN {ended} THEN r.at[cardinality(r.at)]"
            f" WHEN {withdrawn_live} THEN r.at[cardinality(r.at)] + (%(end)s - r.at[cardinality(r.at)])"
            f" * bench_u(r.n, {p.salt('consent withdrawn at')}) END",
            "withdrawn_channel": f"CASE WHEN {last} = 'refused' THEN 'program' WHEN {ended} OR {withdrawn_live}"
            " THEN 'web' ELSE '' END",
        },
        source="bench_referral r",
        key="r.n",
        span=(1, p.sizes.referrals),
        params={"end": data_end(p)},
        name="consents: loan referrals",
    )


def referrals(program: Program) -> None:
    from capital.models import LoanReferral

    p = program
    last = "r.path[cardinality(r.path)]"
    requested = (
        f"least(r.amount_max, greatest(r.amount_min, round(r.turnover * (1 + 2 * bench_u(r.n,"
        f" {p.salt('amount asked')})) / 500000) * 500000))::bigint"
    )
    approved = (
        f"least(r.amount_max, greatest(r.amount_min, round({requested} * (0.7 + 0.3 * bench_u(r.n,"
        f" {p.salt('amount approved')})) / 500000) * 500000))::bigint"
    )
    tenor = (
        f"least(r.tenor_max, greatest(r.tenor_min, (ARRAY[6, 12, 12, 18, 24, 36])[1 + bench_n(r.n,"
        f" {p.salt('tenor')}, 6)]))"
    )
    shared = (
        f"CASE WHEN bench_u(r.n, {p.salt('shared')}) < 0.33 THEN ARRAY['identity', 'statements']"
        " ELSE ARRAY['identity', 'business', 'statements'] END"
    )
    reviewed = "cardinality(r.path) >= 3 AND r.path[3] = 'under_review'"
    p.rows(
        LoanReferral,
        {
            "id": "r.n",
            "participant": "r.i",
            "product": "r.product_id",
            "lender": "r.lender",
            "consent": "r.consent_id",
            "shared": shared,
            "amount_requested": requested,
            "tenor_months": tenor,
            "use_of_funds": f"bench_pick(r.n, {p.salt('use of funds')}, %(uses)s::text[])",
            "status": last,
            "lender_reference": f"CASE WHEN {reviewed} THEN 'REF-' || r.lender || '-' || lpad(r.n::text, 7, '0')"
            " ELSE '' END",
            "amount_approved": f"CASE WHEN 'approved' = ANY(r.path) THEN {approved} END",
            "amount_disbursed": f"CASE WHEN {last} = 'disbursed' THEN {approved} END",
            "disbursed_on": f"CASE WHEN {last} = 'disbursed' THEN (r.at[5] AT TIME ZONE 'Asia/Jakarta')::date END",
            "created_at": "r.created",
            "moved_at": "r.at[cardinality(r.at)]",
        },
        source="bench_referral r",
        key="r.n",
        span=(1, p.sizes.referrals),
        params={"uses": USES},
        name="loan referrals",
    )


def moves(program: Program) -> None:
    """Every move: the making by the participant, sent by their mentor (or agency staff), the lender's moves by
    its API account (or agency staff in the admin for it), the withdrawal by the participant."""
    from capital.models import ReferralMove

    p = program
    agency = f"{p.user_block('agency')} + bench_n(r.n, {p.salt('referral agency')}, 20)"
    lender = f"coalesce(o.api_user_id, {agency})"
    p.rows(
        ReferralMove,
        {
            "referral": "r.n",
            "from_status": "CASE WHEN g.k = 1 THEN '' ELSE r.path[g.k - 1] END",
            "to_status": "r.path[g.k]",
            "moved_by": f"CASE r.path[g.k] WHEN 'requested' THEN r.i WHEN 'withdrawn' THEN r.i"
            f" WHEN 'sent' THEN coalesce(r.mentor_user, {agency}) ELSE {lender} END",
            "moved_at": "r.at[g.k]",
            "note": f"CASE WHEN r.path[g.k] = 'refused' THEN '{REFUSAL}' ELSE '' END",
        },
        source="bench_referral r JOIN partners_partnerorganisation o ON o.id = r.lender"
        " CROSS JOIN LATERAL generate_series(1, cardinality(r.path)) AS g(k)",
        key="r.n",
        span=(1, p.sizes.referrals),
        name="loan referral moves",
    )
