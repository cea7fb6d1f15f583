"""P5 marketing: the businesses that sell through the program, their catalogue listings, products (with prices,
categories and photos as file paths) and online stores; the program's calls for products with their curators and
submissions in every status (graded A, B or C with a comment per criterion); selling spaces with their booths,
the businesses' applications and the booths given.

- Sellers: about `sizes.products / 2.5` approved businesses, mostly mentored ones (curation needs a mentor), with
  one to four products each, `sizes.products` in all; 85% of their listings are published.
- Stores: 65% of the sellers list one or two (GoFood, GrabFood and Shopee for food; Shopee, Tokopedia or their
  own site otherwise), on the platform's own hosts, over https; the mentor checked 65% of a mentored seller's.
- Calls: one a quarter for three years (the latest open today), some for food only, some for fashion and crafts;
  three agency curators each. Seven products in ten were submitted to the first call open after they were added
  that takes their category. A mentored seller's submission goes its way (checked by the mentor within a week,
  validated by the kecamatan within a week, graded within three weeks: A 35%, B 45%, C 20%) unless it was
  returned by the mentor (6%) or the kecamatan (4%) or withdrawn (5%); it stops where today finds it, so the
  latest calls hold every open status. A seller without a mentor waits for one (submitted) or withdraws.
  `Product.grade` is the grade of its graded submission.
- Spaces: a permanent space in each wilayah but Kepulauan Seribu (Thamrin 10 in Jakarta Pusat among them) taking
  applications by the week, and a bazaar a quarter in each (the latest ones still to come); businesses with a
  product graded A or B apply (to their wilayah's); applications are accepted with a booth in the order they came
  while booths last (no two live allocations of a booth overlap: each booth goes to one application per bazaar, or
  per week), declined when the booths are gone, withdrawn now and then, or still waiting for the days to come; a
  few booths given were taken back (cancelled)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from .licensing import data_end, planned

if TYPE_CHECKING:
    from .program import Program

PRODUCTS_PER_SELLER = 2.5  # the mean of 1 + n(4)
PUBLISHED_SHARE = 0.85
CALLS = 12  # one a quarter
CALL_EVERY_DAYS = 91
CALL_OPEN_DAYS = 44
SUBMITTED_SHARE = 0.7
GOODS = {
    "food": [
        "Keripik Tempe",
        "Keripik Singkong",
        "Sambal Bawang",
        "Sambal Roa",
        "Kue Nastar",
        "Kue Lapis Legit",
        "Rendang Kemasan",
        "Abon Sapi",
        "Kopi Robusta Bubuk",
        "Teh Rosela",
        "Dodol Betawi",
        "Bir Pletok",
        "Emping Melinjo",
        "Rempeyek Kacang",
        "Brownies Kukus",
        "Roti Gambang",
        "Selai Nanas",
        "Kerupuk Kulit",
    ],
    "fashion": [
        "Batik Tulis Betawi",
        "Batik Cap Ondel-ondel",
        "Hijab Voal Motif",
        "Gamis Katun",
        "Kemeja Batik",
        "Tas Rajut",
        "Kaos Sablon Jakarta",
        "Sarung Tenun",
        "Dompet Kulit",
    ],
    "crafts": [
        "Tas Anyaman Pandan",
        "Lilin Aroma Serai",
        "Keramik Hias",
        "Miniatur Ondel-ondel",
        "Tempat Tisu Rotan",
        "Vas Bambu",
        "Gantungan Kunci Monas",
        "Keset Perca",
        "Boneka Rajut",
    ],
    "beauty": [
        "Sabun Herbal Kunyit",
        "Minyak Rambut Kemiri",
        "Lulur Beras",
        "Masker Kopi",
        "Lip Balm Madu",
        "Minyak Kayu Putih",
    ],
    "agriculture": ["Ikan Asin Jambal", "Sayur Hidroponik", "Telur Asin", "Madu Kelulut", "Bibit Cabai"],
    "services": ["Jahit Kilat", "Laundry Kiloan", "Servis Elektronik", "Katering Harian", "Cuci Sepatu"],
    "other": ["Paket Hampers", "Produk Daur Ulang", "Parsel Lebaran"],
}
VARIANTS = ["", "Original", "Pedas", "Premium", "Kemasan Besar", "Rumahan", "Spesial", "Mini"]
FEATURES = [
    "dibuat setiap hari tanpa pengawet",
    "dikemas rapi dan siap kirim",
    "bahan pilihan dari pasar setempat",
    "tahan lama dan higienis",
    "cocok untuk oleh-oleh dan hantaran",
    "bisa pesan dalam jumlah besar",
]
# lowest and highest price, in thousands of rupiah
PRICES = {
    "food": (10, 150),
    "fashion": (50, 600),
    "crafts": (20, 400),
    "beauty": (15, 120),
    "agriculture": (10, 200),
    "services": (15, 300),
    "other": (25, 250),
}
STORE_URLS = {
    "shopee": "'https://shopee.co.id/' || {slug}",
    "tokopedia": "'https://www.tokopedia.com/' || {slug}",
    "gofood": "'https://gofood.co.id/jakarta/restaurant/' || {slug}",
    "grabfood": "'https://food.grab.com/id/id/restaurant/' || {slug}",
    "website": "'https://' || {slug} || '.example.id/'",
}
THEMES = [
    ("Produk Unggulan Jakarta", []),
    ("Oleh-oleh Khas Betawi", ["food"]),
    ("Fesyen dan Kriya Kota", ["fashion", "crafts"]),
    ("Hampers Akhir Tahun", []),
]
CRITERIA = {
    "quality": "Mutu produk konsisten; pertahankan bahan yang sama.",
    "packaging": "Kemasan cukup rapi; cantumkan berat bersih dan tanggal kedaluwarsa.",
    "price": "Harga sesuai pasar untuk produk sejenis.",
    "presentation": "Foto terang; tambahkan foto kemasan dari beberapa sisi.",
    "readiness": "Lengkapi izin yang dibutuhkan sebelum dijual ke mitra.",
}
COMMENTS = {
    "A": "Produk siap dipasarkan di ruang jualan dan ke mitra.",
    "B": "Produk bagus; perbaiki kemasan sebelum dipasarkan luas.",
    "C": "Produk belum siap: lengkapi izin dan perbaiki foto.",
}
RETURNED = {
    "mentor": "Foto produk kurang terang; tambahkan foto kemasan dan berat bersih.",
    "kecamatan": "Label belum mencantumkan alamat produksi; perbaiki lalu kirim lagi.",
}
DECLINED = "Booth pada hari itu sudah penuh; silakan daftar ke bazar berikutnya."
# the permanent space of each wilayah (by its code): its name, venue and booth codes; and where its bazaars are
SPACES = {
    "31.71": ("Thamrin 10", "Jl. M.H. Thamrin No. 10, Menteng", "T10-K", "Lapangan Banteng"),
    "31.72": (
        "Sentra Oleh-oleh Kelapa Gading",
        "Jl. Boulevard Raya, Kelapa Gading",
        "KG-K",
        "Pantai Maju, Penjaringan",
    ),
    "31.73": ("Sentra UMKM Kota Tua", "Taman Fatahillah, Kota Tua", "KT-K", "Taman Cattleya, Tomang"),
    "31.74": ("Sentra Kreatif Blok M", "Taman Literasi Martha Christina Tiahahu, Blok M", "BM-K", "Taman Langsat"),
    "31.75": (
        "Pusat Kreatif Jatinegara",
        "Jl. Jatinegara Barat, Jatinegara",
        "JTN-K",
        "Lapangan Parkir Timur, Cakung",
    ),
}
PERMANENT_BOOTHS = 20
BAZAARS = 12  # per wilayah, one a quarter
MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def load(program: Program) -> None:
    planned(program, "marketing: sellers planned", plan_sellers)
    listings(program)
    plan_calls(program)
    planned(program, "marketing: curation planned", plan_products)
    products(program)
    photos(program)
    stores(program)
    calls(program)
    submissions(program)
    spaces(program)
    planned(program, "marketing: applications planned", plan_applications)
    applications(program)
    for table in ("bench_seller", "bench_product", "bench_call", "bench_space", "bench_application"):
        program.execute(f"DROP TABLE {table}")


def _agency(program: Program, key: str, name: str) -> str:
    return f"{program.user_block('agency')} + bench_n({key}, {program.salt(name)}, 20)"


def plan_sellers(program: Program) -> str:
    """bench_seller: the businesses with products, numbered n from 1 (mentored first, mostly), with how many
    products each has and the number of its first."""
    p = program
    sellers = int(p.sizes.products / PRODUCTS_PER_SELLER * 1.05) + 1
    p.execute("DROP TABLE IF EXISTS bench_seller")
    p.execute(
        f"""
        CREATE UNLOGGED TABLE bench_seller AS
        SELECT row_number() OVER (ORDER BY x.rank, x.i) AS n, x.*,
               sum(x.products) OVER (ORDER BY x.rank, x.i) - x.products + 1 AS first_product
        FROM (
            SELECT b.i, b.kidx, b.kecamatan_id, b.wilayah_id, b.mentor_user, b.sector, b.first_name, b.decided,
                   {p.secretary("b")} AS secretary, 1 + bench_n(b.i, {p.salt("products per seller")}, 4) AS products,
                   bench_u(b.i, {p.salt("seller")}) * CASE WHEN b.mentor_user IS NULL THEN 6 ELSE 1 END AS rank
            FROM bench_plan b
            WHERE b.status = 'approved' AND b.decided < %(end)s - interval '14 days'
            ORDER BY rank LIMIT %(sellers)s
        ) x
        """,
        {"end": data_end(p), "sellers": sellers},
    )
    p.execute("DELETE FROM bench_seller WHERE first_product > %(products)s", {"products": p.sizes.products})
    p.execute("ALTER TABLE bench_seller ADD PRIMARY KEY (n)")
    p.execute("CREATE UNIQUE INDEX ON bench_seller (i)")
    p.execute("ANALYZE bench_seller")
    return "bench_seller"


def listings(program: Program) -> None:
    from marketing.models import Listing

    p = program
    kinds = ["Dapur", "Rumah", "Kedai", "Griya", "Sentra", "Galeri"]
    p.rows(
        Listing,
        {
            "id": "s.n",
            "business": "s.i",
            "public_name": f"bench_pick(s.i, {p.salt('listing kind')}, %(kinds)s::text[]) || ' ' || s.first_name"
            " || ' ' || k.name",
            "description": f"'Produk rumahan dari ' || k.name || ', ' || bench_pick(s.i, {p.salt('listing about')},"
            " %(features)s::text[]) || '. Pesan lewat WhatsApp atau datang ke tempat kami.'",
            "public_phone": "'+62813' || lpad(s.i::text, 8, '0')",
            "public_email": f"CASE WHEN bench_u(s.i, {p.salt('listing email')}) < 0.4"
            " THEN 'toko' || s.i || '@bench.id' ELSE '' END",
            "eorder_url": f"CASE WHEN bench_u(s.i, {p.salt('listing eorder')}) < 0.05"
            " THEN 'https://eorder.jakarta.go.id/penyedia/' || s.i ELSE '' END",
            "published": f"bench_u(s.i, {p.salt('listing published')}) < {PUBLISHED_SHARE}",
            "updated_at": f"s.decided + (%(end)s - s.decided) * bench_u(s.i, {p.salt('listing updated')})",
        },
        source="bench_seller s JOIN geography_kecamatan k ON k.id = s.kecamatan_id",
        key="s.n",
        span=(1, p.sizes.products),
        params={"kinds": kinds, "features": FEATURES, "end": data_end(p)},
        name="listings",
    )


def plan_calls(program: Program) -> None:
    """bench_call: one call a quarter, the latest open today (opened 20 days ago)."""
    p = program
    p.execute("DROP TABLE IF EXISTS bench_call")
    p.execute(
        "CREATE UNLOGGED TABLE bench_call (id int PRIMARY KEY, title text, theme text, categories text[],"
        " opens_on date, closes_on date)"
    )
    rows = []
    for c in range(1, CALLS + 1):
        opens = p.today - datetime.timedelta(days=20 + CALL_EVERY_DAYS * (CALLS - c))
        theme, categories = THEMES[c % len(THEMES)]
        title = f"Kurasi {theme} {MONTHS[opens.month - 1]} {opens.year}"
        rows.append((c, title, theme, categories, opens, opens + datetime.timedelta(days=CALL_OPEN_DAYS)))
    for row in rows:
        p.execute("INSERT INTO bench_call VALUES (%s, %s, %s, %s::text[], %s, %s)", row)


def plan_products(program: Program) -> str:
    """bench_product: each product (k = 1..sizes.products) with its seller, category, when it was added, and its
    submission: the call, when each step of curation happened and where it stands."""
    p = program
    end = data_end(p)
    category = (
        f"CASE s.sector WHEN 'culinary' THEN (CASE WHEN bench_u(g.k, {p.salt('category')}) < 0.85 THEN 'food'"
        " ELSE 'agriculture' END)"
        " WHEN 'fashion' THEN 'fashion'"
        f" WHEN 'crafts' THEN (CASE WHEN bench_u(g.k, {p.salt('category')}) < 0.8 THEN 'crafts' ELSE 'other' END)"
        " WHEN 'repair' THEN 'services'"
        f" ELSE (CASE WHEN bench_u(g.k, {p.salt('category')}) < 0.5 THEN 'beauty'"
        f" WHEN bench_u(g.k, {p.salt('category')}) < 0.8 THEN 'services' ELSE 'other' END) END"
    )
    p.execute("DROP TABLE IF EXISTS bench_product")
    p.execute(
        f"""
        CREATE UNLOGGED TABLE bench_product AS
        SELECT x.*, c.id AS call_id,
               greatest(x.created + interval '1 hour' * (1 + bench_n(x.k, {p.salt("submitted after")}, 120)),
                        c.opens_on::timestamptz + interval '8 hours'
                        + interval '1 hour' * bench_n(x.k, {p.salt("submitted hour")}, 240)) AS t_sub
        FROM (
            SELECT g.k, s.n, s.i, s.mentor_user, s.secretary, s.first_name, s.kecamatan_id, {category} AS category,
                   s.decided + (%(end)s - s.decided) * 0.9 * bench_u(g.k, {p.salt("product added")}) AS created
            FROM bench_seller s
            CROSS JOIN LATERAL generate_series(s.first_product, s.first_product + s.products - 1) AS g(k)
            WHERE g.k <= %(products)s
        ) x
        LEFT JOIN LATERAL (
            SELECT c.id, c.opens_on FROM bench_call c
            WHERE bench_u(x.k, {p.salt("submitted")}) < {SUBMITTED_SHARE}
              AND c.closes_on >= (x.created AT TIME ZONE 'Asia/Jakarta')::date + 2
              AND (cardinality(c.categories) = 0 OR x.category = ANY(c.categories))
            ORDER BY c.opens_on LIMIT 1
        ) c ON true
        """,
        {"end": end, "products": p.sizes.products},
    )
    # a submission is made while its call is open and before today; later steps follow within days
    p.execute(
        """
        UPDATE bench_product x SET call_id = NULL, t_sub = NULL
        FROM bench_call c
        WHERE c.id = x.call_id
          AND x.t_sub >= least(%(end)s, (c.closes_on + 1)::timestamp AT TIME ZONE 'Asia/Jakarta')
        """,
        {"end": end},
    )
    p.execute(
        f"""
        ALTER TABLE bench_product ADD COLUMN t_chk timestamptz, ADD COLUMN t_val timestamptz,
            ADD COLUMN t_grd timestamptz, ADD COLUMN status text, ADD COLUMN grade text NOT NULL DEFAULT '',
            ADD COLUMN returned text NOT NULL DEFAULT '';
        UPDATE bench_product SET
            t_chk = t_sub + interval '1 hour' * (10 + bench_n(k, {p.salt("checked after")}, 150)),
            t_val = t_sub + interval '1 hour' * (170 + bench_n(k, {p.salt("validated after")}, 150)),
            t_grd = t_sub + interval '1 hour' * (330 + bench_n(k, {p.salt("graded after")}, 480))
        WHERE call_id IS NOT NULL;
        """
    )
    o = f"bench_u(k, {p.salt('curation outcome')})"
    p.execute(
        f"""
        UPDATE bench_product SET status = CASE
            WHEN mentor_user IS NULL
            THEN (CASE WHEN {o} < 0.2 AND t_chk < %(end)s THEN 'withdrawn' ELSE 'submitted' END)
            WHEN t_chk >= %(end)s THEN 'submitted'
            WHEN {o} < 0.05 THEN 'withdrawn'
            WHEN {o} < 0.11 THEN 'returned'
            WHEN t_val >= %(end)s THEN 'checked'
            WHEN {o} < 0.15 THEN 'returned'
            WHEN t_grd >= %(end)s THEN 'validated'
            ELSE 'graded' END
        WHERE call_id IS NOT NULL
        """,
        {"end": end},
    )
    g = f"bench_u(k, {p.salt('grade')})"
    p.execute(
        f"""
        UPDATE bench_product SET
            grade = CASE WHEN status = 'graded'
                         THEN (CASE WHEN {g} < 0.35 THEN 'A' WHEN {g} < 0.8 THEN 'B' ELSE 'C' END) ELSE '' END,
            returned = CASE WHEN status = 'returned' THEN (CASE WHEN {o} < 0.11 THEN 'mentor' ELSE 'kecamatan' END)
                            ELSE '' END
        WHERE call_id IS NOT NULL
        """
    )
    p.execute("ALTER TABLE bench_product ADD PRIMARY KEY (k)")
    p.execute("ANALYZE bench_product")
    return "bench_product"


def products(program: Program) -> None:
    from marketing.models import Product

    p = program
    names = " ".join(
        f"WHEN '{category}' THEN bench_pick(x.k, {p.salt('product name')}, ARRAY{goods!r}::text[])"
        for category, goods in GOODS.items()
    )
    prices = " ".join(
        f"WHEN '{category}' THEN 500 * ({low * 2} + bench_n(x.k, {p.salt('price')}, {(high - low) * 2}))"
        for category, (low, high) in PRICES.items()
    )
    variant = f"bench_pick(x.k, {p.salt('product variant')}, %(variants)s::text[])"
    p.rows(
        Product,
        {
            "id": "x.k",
            "business": "x.i",
            "name": f"rtrim((CASE x.category {names} END) || ' ' || {variant})",
            "description": f"'Buatan ' || x.first_name || ', ' || bench_pick(x.k, {p.salt('product about')},"
            " %(features)s::text[]) || '.'",
            "price": f"CASE x.category {prices} END",
            "category": "x.category",
            "grade": "x.grade",
            "graded_at": "CASE WHEN x.grade <> '' THEN x.t_grd END",
            "created_at": "x.created",
            "updated_at": "CASE WHEN x.grade <> '' THEN x.t_grd ELSE x.created END",
        },
        source="bench_product x",
        key="x.k",
        span=(1, p.sizes.products),
        params={"variants": VARIANTS, "features": FEATURES},
        name="products",
    )


def photos(program: Program) -> None:
    """One to three photos a product, uploaded when it was added."""
    from marketing.models import ProductPhoto

    p = program
    p.rows(
        ProductPhoto,
        {
            "public_id": f"bench_uuid(3 * x.k + g.n, {p.salt('photo')})",
            "product": "x.k",
            "image": "'marketing/products/' || to_char(x.created, 'YYYY/MM') || '/'"
            " || md5('photo ' || x.k || ':' || g.n)",
            "content_type": f"CASE WHEN bench_u(x.k, {p.salt('photo type')}) < 0.8"
            " THEN 'image/jpeg' ELSE 'image/png' END",
            "position": "g.n - 1",
            "uploaded_at": "x.created + interval '1 minute' * g.n",
        },
        source=f"bench_product x JOIN generate_series(1, 3) AS g(n) ON g.n <= 1 + bench_n(x.k, {p.salt('photos')}, 3)",
        key="x.k",
        span=(1, p.sizes.products),
        name="product photos",
    )


def stores(program: Program) -> None:
    from marketing.models import OnlineStore

    p = program
    count = f"bench_u(s.i, {p.salt('stores')})"
    food = "ARRAY['gofood', 'grabfood', 'shopee']"
    goods = "ARRAY['shopee', 'tokopedia', 'website']"
    platform = (
        f"(CASE WHEN s.sector = 'culinary' THEN {food} ELSE {goods} END)"
        f"[1 + mod(bench_n(s.i, {p.salt('store platform')}, 3) + g.n, 3)]"
    )
    slug = "('jp-' || lower(s.first_name) || '-' || s.i)"
    urls = " ".join(f"WHEN '{name}' THEN {pattern.format(slug=slug)}" for name, pattern in STORE_URLS.items())
    created = f"s.decided + (%(end)s - s.decided) * 0.8 * bench_u(s.i * 2 + g.n, {p.salt('store added')})"
    checked = f"s.mentor_user IS NOT NULL AND bench_u(s.i * 2 + g.n, {p.salt('store checked')}) < 0.65"
    checked_at = f"({created}) + (%(end)s - ({created})) * 0.5 * bench_u(s.i * 2 + g.n, {p.salt('store checked at')})"
    p.rows(
        OnlineStore,
        {
            "business": "s.i",
            "platform": platform,
            "url": f"CASE {platform} {urls} END",
            "checked_by": f"CASE WHEN {checked} THEN s.mentor_user END",
            "checked_at": f"CASE WHEN {checked} THEN {checked_at} END",
            "created_at": created,
        },
        source=f"bench_seller s JOIN generate_series(0, 1) AS g(n)"
        f" ON {count} >= 0.35 AND (g.n = 0 OR {count} >= 0.75)",
        key="s.n",
        span=(1, p.sizes.products),
        params={"end": data_end(p)},
        name="online stores",
    )


def calls(program: Program) -> None:
    from marketing.models import ProductCall

    p = program
    p.rows(
        ProductCall,
        {
            "id": "c.id",
            "title": "c.title",
            "theme": "c.theme",
            "description": "'Kurasi produk UMKM binaan JakPreneur untuk ruang jualan dan mitra.'",
            "opens_on": "c.opens_on",
            "closes_on": "c.closes_on",
            "categories": "c.categories",
            "created_by": f"{p.user_block('agency')}",
            "created_at": "(c.opens_on - 14)::timestamptz + interval '9 hours'",
        },
        source="bench_call c",
        key="c.id",
        span=(1, CALLS),
        name="product calls",
    )
    # three agency curators a call
    p.rows(
        ProductCall.curators.through,
        {"productcall": "c.id", "user": f"{p.user_block('agency')} + mod(3 * c.id + g.n, 20)"},
        source="bench_call c CROSS JOIN generate_series(0, 2) AS g(n)",
        key="c.id",
        span=(1, CALLS),
        name="call curators",
    )


def submissions(program: Program) -> None:
    from marketing.models import CriterionComment, Submission

    p = program
    reached = "x.status IN ('checked', 'validated', 'graded') OR (x.status = 'returned')"
    validated = "x.status IN ('validated', 'graded') OR x.returned = 'kecamatan'"
    p.rows(
        Submission,
        {
            "id": "x.k",
            "call": "x.call_id",
            "product": "x.k",
            "status": "x.status",
            "submitted_by": "x.i",
            "submitted_at": "x.t_sub",
            "checked_by": f"CASE WHEN {reached} THEN x.mentor_user END",
            "checked_at": f"CASE WHEN {reached} THEN x.t_chk END",
            "validated_by": f"CASE WHEN {validated} THEN x.secretary END",
            "validated_at": f"CASE WHEN {validated} THEN x.t_val END",
            "grade": "x.grade",
            "graded_by": f"CASE WHEN x.grade <> '' THEN {p.user_block('agency')}"
            f" + mod(3 * x.call_id + bench_n(x.k, {p.salt('curator')}, 3), 20) END",
            "graded_at": "CASE WHEN x.grade <> '' THEN x.t_grd END",
            "comment": f"CASE x.grade WHEN 'A' THEN '{COMMENTS['A']}' WHEN 'B' THEN '{COMMENTS['B']}'"
            f" WHEN 'C' THEN '{COMMENTS['C']}' ELSE '' END",
            "returned_reason": f"CASE x.returned WHEN 'mentor' THEN '{RETURNED['mentor']}'"
            f" WHEN 'kecamatan' THEN '{RETURNED['kecamatan']}' ELSE '' END",
        },
        source="bench_product x WHERE x.call_id IS NOT NULL",
        key="x.k",
        span=(1, p.sizes.products),
        name="submissions",
    )
    criteria = ", ".join(f"('{name}', '{text}')" for name, text in CRITERIA.items())
    p.rows(
        CriterionComment,
        {"submission": "x.k", "criterion": "c.criterion", "comment": "c.comment"},
        source=f"bench_product x CROSS JOIN (VALUES {criteria}) AS c(criterion, comment) WHERE x.grade <> ''",
        key="x.k",
        span=(1, p.sizes.products),
        name="criterion comments",
    )


def spaces(program: Program) -> None:
    """bench_space: a permanent space per wilayah (id 1..5, taking weekly applications) and its bazaars (a quarter
    each, the latest ones to come); then the spaces and their booths."""
    from marketing.models import Booth, SellingSpace

    p = program
    p.execute("DROP TABLE IF EXISTS bench_space")
    p.execute(
        "CREATE UNLOGGED TABLE bench_space (id int PRIMARY KEY, name text, kind text, wilayah_id bigint, venue text,"
        " opens_on date, closes_on date, booths int, prefix text, grades text[], description text)"
    )
    wilayah = dict(p.value("SELECT array_agg(ARRAY[code, id::text]) FROM geography_wilayah"))
    first_open = p.today - datetime.timedelta(days=3 * 365 - 60)
    space_id = 0
    for code, (name, venue, prefix, _park) in SPACES.items():
        space_id += 1
        p.execute(
            "INSERT INTO bench_space VALUES (%s, %s, 'permanent', %s, %s, %s, NULL, %s, %s, ARRAY['A','B'], %s)",
            [
                space_id,
                name,
                int(wilayah[code]),
                venue,
                first_open,
                PERMANENT_BOOTHS,
                prefix,
                "Ruang jualan tetap produk UMKM terkurasi, buka setiap hari; booth diberikan per minggu.",
            ],
        )
    for w, (code, (_name, _venue, _prefix, park)) in enumerate(SPACES.items()):
        for q in range(BAZAARS):
            space_id += 1
            # the latest of each wilayah: two still to come, one on now, two just over
            opens = p.today - datetime.timedelta(days=CALL_EVERY_DAYS * (BAZAARS - 1 - q) - 8 + 5 * w)
            area = park.split(", ")[-1]
            p.execute(
                "INSERT INTO bench_space VALUES (%s, %s, 'bazaar', %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    space_id,
                    f"Bazar UMKM {area} {MONTHS[opens.month - 1]} {opens.year}",
                    int(wilayah[code]),
                    park,
                    opens,
                    opens + datetime.timedelta(days=2 + (q + w) % 5),
                    12 + 3 * ((q * 7 + w) % 7),
                    f"BZ{space_id}-",
                    ["A", "B", "C"] if q % 4 == 3 else ["A", "B"],
                    "Bazar akhir pekan produk UMKM terkurasi.",
                ],
            )
    p.rows(
        SellingSpace,
        {
            "id": "s.id",
            "name": "s.name",
            "kind": "s.kind",
            "wilayah": "s.wilayah_id",
            "venue": "s.venue",
            "description": "s.description",
            "opens_on": "s.opens_on",
            "closes_on": "s.closes_on",
            "accepts_grades": "s.grades",
            "active": "s.closes_on IS NULL OR s.closes_on >= %(today)s",
            "created_by": f"{p.user_block('agency')}",
            "created_at": "least((s.opens_on - 30)::timestamptz, %(end)s - interval '1 day')",
        },
        source="bench_space s",
        key="s.id",
        span=(1, space_id),
        params={"today": p.today, "end": data_end(p)},
        name="selling spaces",
    )
    p.rows(
        Booth,
        {
            "id": "100 * s.id + g.n",
            "space": "s.id",
            "code": "s.prefix || lpad(g.n::text, 2, '0')",
            "description": "CASE WHEN mod(g.n, 5) = 0 THEN 'Booth sudut, dekat pintu masuk' ELSE '' END",
        },
        source="bench_space s JOIN generate_series(1, 99) AS g(n) ON g.n <= s.booths",
        key="s.id",
        span=(1, space_id),
        name="booths",
    )


def plan_applications(program: Program) -> str:
    """bench_application: who applied where for which days, its place in the queue of its space and days, and
    how it ended."""
    p = program
    end = data_end(p)
    p.execute("DROP TABLE IF EXISTS bench_application")
    # sellers with a product graded A or B, from when it was first graded
    graded = (
        "SELECT s.n, s.i, s.wilayah_id, min(x.t_grd) AS graded FROM bench_seller s JOIN bench_product x ON x.n = s.n"
        " WHERE x.grade IN ('A', 'B') GROUP BY s.n, s.i, s.wilayah_id"
    )
    # a permanent space: once, for a week between the grading and four weeks from now;
    # a bazaar: a draw of the sellers of its wilayah graded two weeks before it opens, 1.3 per booth
    p.execute(
        f"""
        CREATE UNLOGGED TABLE bench_application AS
        WITH graded AS ({graded}),
        weekly AS (
            SELECT w.space_id, w.n, w.i, w.graded, w.booths,
                   w.opens_on + 7 * (w.lo + floor((w.hi - w.lo + 1) * bench_u(w.i, {p.salt("week")}))::int)
                       AS starts_on
            FROM (
                SELECT sp.id AS space_id, sp.opens_on, g.n, g.i, g.graded, sp.booths,
                       ceil((greatest((g.graded AT TIME ZONE 'Asia/Jakarta')::date + 1, sp.opens_on) - sp.opens_on)
                            / 7.0)::int AS lo,
                       floor((%(today)s + 28 - sp.opens_on) / 7.0)::int AS hi
                FROM graded g JOIN bench_space sp ON sp.wilayah_id = g.wilayah_id AND sp.kind = 'permanent'
                WHERE bench_u(g.i, {p.salt("applies weekly")}) < 0.3 AND g.graded < %(end)s - interval '3 days'
            ) w
            WHERE w.lo <= w.hi
        ),
        bazaar AS (
            SELECT * FROM (
                SELECT sp.id AS space_id, g.n, g.i, g.graded, sp.booths, sp.opens_on AS starts_on,
                       sp.closes_on AS ends_on,
                       row_number() OVER (PARTITION BY sp.id ORDER BY bench_u(g.i * 100 + sp.id, {p.salt("bazaar")}))
                           AS draw
                FROM graded g JOIN bench_space sp ON sp.wilayah_id = g.wilayah_id AND sp.kind = 'bazaar'
                WHERE g.graded < sp.opens_on - 14
            ) d WHERE d.draw <= 1.3 * d.booths
        ),
        wanted AS (
            SELECT space_id, n, i, graded, booths, starts_on, starts_on + 6 AS ends_on FROM weekly
            UNION ALL SELECT space_id, n, i, graded, booths, starts_on, ends_on FROM bazaar
        )
        SELECT w.*, a.applied_at,
               row_number() OVER (PARTITION BY w.space_id, w.starts_on ORDER BY a.applied_at, w.i) AS place
        FROM wanted w
        CROSS JOIN LATERAL (
            SELECT least(greatest(w.graded + interval '1 hour',
                                  w.starts_on::timestamptz - interval '1 hour' * (30 + bench_n(w.i + w.space_id,
                                      {p.salt("applied before")}, 600))),
                         %(end)s - interval '1 hour' * (1 + bench_n(w.i + w.space_id, {p.salt("applied late")}, 48)))
                       AS applied_at
        ) a
        """,
        {"today": p.today, "end": end},
    )
    p.execute(
        f"""
        ALTER TABLE bench_application ADD COLUMN id bigint, ADD COLUMN status text, ADD COLUMN decided_at timestamptz;
        UPDATE bench_application a SET id = r.id FROM (
            SELECT space_id, i, row_number() OVER (ORDER BY applied_at, space_id, i) AS id FROM bench_application
        ) r WHERE r.space_id = a.space_id AND r.i = a.i;
        UPDATE bench_application SET
            decided_at = least(applied_at + interval '1 hour' * (4 + bench_n(id, {p.salt("decided after")}, 90)),
                               %(end)s - interval '1 minute', starts_on::timestamptz),
            status = CASE
                WHEN bench_u(id, {p.salt("application withdrawn")}) < 0.05 THEN 'withdrawn'
                WHEN starts_on > %(today)s AND bench_u(id, {p.salt("application waits")}) < 0.4 THEN 'applied'
                WHEN place <= booths THEN 'accepted'
                ELSE 'declined' END;
        ALTER TABLE bench_application ADD PRIMARY KEY (id);
        ANALYZE bench_application;
        """,
        {"today": p.today, "end": end},
    )
    return "bench_application"


def applications(program: Program) -> None:
    """The applications, and the booths given (the booth of its place in the queue, while booths last)."""
    from marketing.models import BoothAllocation, SpaceApplication

    p = program
    end = data_end(p)
    last = p.value("SELECT coalesce(max(id), 0) FROM bench_application")
    decided = "a.status IN ('accepted', 'declined')"
    p.rows(
        SpaceApplication,
        {
            "id": "a.id",
            "space": "a.space_id",
            "business": "a.i",
            "starts_on": "a.starts_on",
            "ends_on": "a.ends_on",
            "note": f"CASE WHEN bench_u(a.id, {p.salt('application note')}) < 0.3"
            " THEN 'Kue kering, keripik dan minuman kemasan.' ELSE '' END",
            "status": "a.status",
            "applied_by": "a.i",
            "applied_at": "a.applied_at",
            "decided_by": f"CASE WHEN {decided} THEN {_agency(p, 'a.id', 'space decider')} END",
            "decided_at": f"CASE WHEN {decided} THEN a.decided_at END",
            "decision_note": f"CASE WHEN a.status = 'declined' THEN '{DECLINED}' ELSE '' END",
        },
        source="bench_application a",
        key="a.id",
        span=(1, last),
        name="space applications",
    )
    cancelled = f"bench_u(a.id, {p.salt('allocation cancelled')}) < 0.03"
    p.rows(
        BoothAllocation,
        {
            "booth": "100 * a.space_id + a.place",
            "application": "a.id",
            "business": "a.i",
            "days": "daterange(a.starts_on, a.ends_on, '[]')",
            "allocated_by": _agency(p, "a.id", "space decider"),
            "allocated_at": "a.decided_at",
            "cancelled_at": f"CASE WHEN {cancelled} THEN a.decided_at"
            f" + (%(end)s - a.decided_at) * 0.5 * bench_u(a.id, {p.salt('cancelled at')}) END",
        },
        source="bench_application a WHERE a.status = 'accepted'",
        key="a.id",
        span=(1, last),
        params={"end": end},
        name="booth allocations",
    )
