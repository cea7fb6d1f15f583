"""Catalogue benchmark: the public catalogue's search page with 100,000 products on PostgreSQL.

    .venv/bin/python bench/catalogue_search.py                 # 100,000 products of 5,000 businesses
    .venv/bin/python bench/catalogue_search.py --keep          # reuse the filled database
    .venv/bin/python bench/catalogue_search.py --products 20000 --businesses 1000   # a quick check that it works
    .venv/bin/python bench/catalogue_search.py --keep --runs 200

Builds its own database (jakpreneur_bench_catalogue): users, verified participants and their businesses across
the 44 kecamatan (every name and address of theirs says "Rahasia": no answer may contain it), each business with
a listing (most published), products with Indonesian names and descriptions made from word lists (most graded A,
B or C, as curation leaves them; A and B are public, marketing.choices.PUBLIC_GRADES), one to three photos each
and online stores (most checked by a mentor). Rows are
made with bulk_create, then every search vector is filled by the catalogue's own SQL
(marketing.search.reindex_all: two UPDATEs), then VACUUM ANALYZE. The bulk rows skip the history triggers
(session_replication_role = replica): this benchmark reads the catalogue, not the audit trail.

Then times the search page `GET /katalog/` end to end through Django's test client (DEBUG off): server time of
many requests per query, the queries taking turns so all see the same machine, after one warm-up each; prints the
median, the 95th percentile and the slowest, the SQL query count and how many products match, then the plan
(EXPLAIN ANALYZE) of each page's product query. Goal: every median and p95 under 100 ms. Not part of the suite.
"""

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.support import verified_people  # noqa: E402  (the project root is on the path first)

BENCH_DB = "jakpreneur_bench_catalogue"
SERVER = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
SEED = 20261201
RARE = "andaliman"  # the Batak pepper: in about one product in 5,000
PRIVATE = b"Rahasia"  # in every participant's name and address and nowhere public
BATCH = 5_000

# --- word lists: what Jakarta's small businesses sell --------------------------------------------------------------

GOODS: dict[str, list[str]] = {
    "food": [
        "Keripik",
        "Kerupuk",
        "Rempeyek",
        "Emping",
        "Kue Kering",
        "Kue Lapis",
        "Dodol",
        "Bakpia",
        "Roti",
        "Brownies",
        "Nastar",
        "Kastengel",
        "Sambal",
        "Rendang",
        "Abon",
        "Kopi Bubuk",
        "Teh",
        "Sirup",
        "Jamu",
        "Selai",
        "Madu",
        "Bolu",
        "Pia",
        "Kembang Goyang",
        "Kue Bawang",
        "Stik",
        "Sale",
        "Manisan",
        "Serundeng",
        "Bumbu Pecel",
    ],
    "fashion": [
        "Kemeja Batik",
        "Kebaya",
        "Gamis",
        "Hijab",
        "Kaos Sablon",
        "Sarung Tenun",
        "Selendang",
        "Tas Rajut",
        "Dompet Kulit",
        "Sepatu Kulit",
        "Sandal Anyaman",
        "Peci",
        "Blus Batik",
        "Kain Jumputan",
        "Mukena",
    ],
    "crafts": [
        "Keranjang Anyaman",
        "Vas Keramik",
        "Lampu Hias",
        "Tikar Pandan",
        "Ukiran Kayu",
        "Tas Daur Ulang",
        "Miniatur Ondel-ondel",
        "Gantungan Kunci",
        "Hiasan Dinding",
        "Tempat Tisu",
        "Kotak Perhiasan",
        "Boneka Kain",
    ],
    "beauty": [
        "Sabun Herbal",
        "Lulur",
        "Minyak Kayu Putih",
        "Lilin Aromaterapi",
        "Masker Wajah",
        "Minyak Rambut",
        "Sabun Cair",
        "Balsem",
        "Parfum",
        "Bedak Dingin",
    ],
    "agriculture": [
        "Beras Organik",
        "Ikan Lele",
        "Sayur Hidroponik",
        "Telur Ayam Kampung",
        "Madu Hutan",
        "Bibit Cabai",
        "Jamur Tiram",
        "Ikan Asin",
        "Pupuk Kompos",
        "Tanaman Hias",
    ],
    "services": [
        "Jasa Jahit",
        "Katering Harian",
        "Laundry Kiloan",
        "Sablon Kaos",
        "Desain Logo",
        "Servis Ponsel",
        "Tumpeng Pesanan",
        "Foto Produk",
    ],
    "other": ["Paket Hampers", "Parsel Lebaran", "Souvenir Pernikahan", "Mainan Edukasi", "Alat Tulis"],
}
CATEGORY_SHARE = {"food": 45, "fashion": 15, "crafts": 12, "beauty": 10, "agriculture": 8, "services": 5, "other": 5}
VARIANTS: dict[str, list[str]] = {
    "food": [
        "Tempe",
        "Singkong",
        "Pisang",
        "Talas",
        "Bayam",
        "Udang",
        "Ikan",
        "Ayam",
        "Sapi",
        "Kacang",
        "Cokelat",
        "Keju",
        "Pandan",
        "Durian",
        "Nangka",
        "Jahe",
        "Kunyit",
        "Gula Aren",
        "Kelapa",
        "Ubi Ungu",
        "Kentang",
        "Jengkol",
        "Teri",
        "Cumi",
        "Rumput Laut",
        "Kurma",
        "Stroberi",
        "Mangga",
        "Salak",
        "Belimbing",
    ],
    "fashion": ["Betawi", "Motif Ondel-ondel", "Tenun Ikat", "Katun", "Sutra", "Linen", "Rajut", "Denim", "Songket"],
    "crafts": ["Bambu", "Rotan", "Enceng Gondok", "Kayu Jati", "Tanah Liat", "Kain Perca", "Batok Kelapa", "Kertas"],
    "beauty": ["Sereh", "Kopi", "Beras", "Zaitun", "Lidah Buaya", "Mawar", "Melati", "Cendana", "Temulawak"],
    "agriculture": ["Segar", "Organik", "Pilihan", "Lokal", "Kampung", "Hidroponik"],
    "services": ["Kilat", "Harian", "Pesanan", "Kantor", "Acara"],
    "other": ["Eksklusif", "Lebaran", "Natal", "Imlek", "Anak"],
}
TASTES = [
    "Pedas",
    "Manis",
    "Gurih",
    "Renyah",
    "Original",
    "Balado",
    "Asin",
    "Premium",
    "Spesial",
    "Level 5",
    "Jumbo",
    "Mini",
    "Super",
    "Khas Betawi",
    "Rumahan",
    "Asli",
    "Istimewa",
    "",
]
SENTENCES = [
    "Dibuat dari {variant} pilihan tanpa bahan pengawet.",
    "Diolah secara higienis di dapur kami di {kecamatan}.",
    "Kemasan {weight} gram, tahan sampai {months} bulan.",
    "Cocok untuk oleh-oleh khas Jakarta dan hampers.",
    "Sudah bersertifikat halal dan terdaftar P-IRT.",
    "Resep turun-temurun keluarga sejak {year}.",
    "Dikerjakan tangan oleh pengrajin lokal Jakarta.",
    "Bisa pesan dalam jumlah besar untuk acara kantor.",
    "Rasanya {taste} dan teksturnya lembut.",
    "Warna dan motif dapat dipesan sesuai keinginan.",
    "Pengiriman ke seluruh Jabodetabek setiap hari.",
    "Bahan baku dari petani dan nelayan sekitar Jakarta.",
    "Produk unggulan binaan JakPreneur kecamatan {kecamatan}.",
    "Tersedia juga ukuran keluarga dan paket hemat.",
    "Disimpan di tempat sejuk dan kering setelah dibuka.",
]
PLACES = ["Dapur", "Warung", "Rumah", "Toko", "Kedai", "Griya", "Sentra", "Galeri", "Butik", "Pondok", "Kios", "Saung"]
OWNERS = [
    "Bu Ani",
    "Mak Ijah",
    "Pak Slamet",
    "Sekar",
    "Melati",
    "Berkah",
    "Barokah",
    "Jaya",
    "Sejahtera",
    "Mandiri",
    "Sari",
    "Lestari",
    "Betawi",
    "Nusantara",
    "Cempaka",
    "Kenanga",
    "Bu Rini",
    "Bang Jali",
    "Mpok Nori",
    "Bu Tuti",
    "Mawar",
    "Anggrek",
    "Cahaya",
    "Rejeki",
    "Amanah",
    "Sentosa",
    "Makmur",
    "Harapan",
    "Bu Yati",
    "Pak Darto",
]
PLATFORMS = [
    ("shopee", "https://shopee.co.id/"),
    ("tokopedia", "https://www.tokopedia.com/"),
    ("gofood", "https://gofood.co.id/jakarta/restaurant/"),
]


# --- the database -----------------------------------------------------------------------------------------------


def setup_database(products: int, businesses: int, keep: bool) -> None:
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{BENCH_DB}", "DJANGO_SETTINGS_MODULE": "jakpreneur.settings.test"}
    os.environ.update(env)
    import django

    django.setup()
    print(f"migrating {BENCH_DB}")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    from marketing.models import Product

    have = Product.objects.count()
    if keep and have >= products:
        print(f"using the existing {BENCH_DB} with {have:,} products; refreshing the search vectors")
        _vectors()
        return
    fill(products, businesses)


def _description(rng: random.Random, category: str, variant: str, kecamatan: str) -> str:
    chosen = rng.sample(SENTENCES, rng.randint(2, 4))
    text = " ".join(
        s.format(
            variant=variant.lower(),
            kecamatan=kecamatan,
            weight=rng.choice([100, 150, 200, 250, 500, 1000]),
            months=rng.randint(1, 12),
            year=rng.randint(1975, 2020),
            taste=rng.choice(TASTES[:8]).lower(),
        )
        for s in chosen
    )
    if rng.random() < 0.0002:
        text += f" Dengan taburan {RARE} dari Sumatera Utara."
    return text


def fill(products: int, businesses: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Role, User
    from geography import data as geography_data
    from geography.models import Kecamatan, Wilayah
    from marketing.models import Listing, OnlineStore, Product, ProductPhoto

    rng = random.Random(SEED)
    geography_data.load(Wilayah, Kecamatan)
    kecamatan = list(Kecamatan.objects.order_by("code"))
    started = time.monotonic()
    now = timezone.now()
    print(f"filling {businesses:,} businesses and {products:,} products")
    with connection.cursor() as cursor:
        for table in (
            "marketing_productphoto",
            "marketing_onlinestore",
            "marketing_product",
            "marketing_listing",
            "registration_registration",
            "registration_business",
            "registration_participant",
            "accounts_user",
        ):
            cursor.execute(f"TRUNCATE {table} CASCADE")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # no history triggers for the bulk rows
        t = time.monotonic()
        mentor = User.objects.create(
            email="mentor@bench.id", full_name="Mentor Bench", role=Role.MENTOR, office=kecamatan[0]
        )
        users = User.objects.bulk_create(
            [
                User(email=f"usaha{i}@bench.id", full_name=f"Peserta Rahasia {i}", role=Role.ENTREPRENEUR)
                for i in range(businesses)
            ],
            batch_size=BATCH,
        )
        _people, firms = verified_people(
            users, kecamatan, label="Rahasia", reference_prefix="JP-C", batch_size=BATCH, contacts=True
        )
        print(f"  people and businesses: {businesses:,} in {time.monotonic() - t:.1f} s")
        t = time.monotonic()
        Listing.objects.bulk_create(
            [
                Listing(
                    business=b,
                    public_name=f"{rng.choice(PLACES)} {rng.choice(OWNERS)}",
                    description=(
                        f"Usaha rumahan dari {b.kecamatan.name}. "
                        f"{rng.choice(SENTENCES[6:12]).format(variant='', kecamatan=b.kecamatan.name, taste='')}"
                    ),
                    public_phone=f"+62812{i:08d}" if rng.random() < 0.7 else "",
                    public_email=f"toko{i}@bench.id" if rng.random() < 0.4 else "",
                    published=rng.random() < 0.95,
                )
                for i, b in enumerate(firms)
            ],
            batch_size=BATCH,
        )
        stores = [
            OnlineStore(business=b, platform=platform, url=f"{base}toko-{b.pk}")
            for b in firms
            for platform, base in rng.sample(PLATFORMS, rng.randint(0, 2))
        ]
        for store in stores:
            if rng.random() < 0.8:  # checked by the mentor
                store.checked_by, store.checked_at = mentor, now
        OnlineStore.objects.bulk_create(stores, batch_size=BATCH)
        print(f"  listings and stores in {time.monotonic() - t:.1f} s")
        t = time.monotonic()
        categories = [c for c, share in CATEGORY_SHARE.items() for _ in range(share)]
        made = 0
        while made < products:
            batch = []
            for _ in range(min(BATCH, products - made)):
                firm = firms[rng.randrange(len(firms))]
                category = rng.choice(categories)
                variant = rng.choice(VARIANTS[category])
                name = " ".join(w for w in (rng.choice(GOODS[category]), variant, rng.choice(TASTES)) if w)
                graded = rng.random() < 0.85
                batch.append(
                    Product(
                        business=firm,
                        name=name[:150],
                        description=_description(rng, category, variant, firm.kecamatan.name),
                        price=rng.randint(5, 500) * 1000,
                        category=category,
                        grade=rng.choice("AAABBC") if graded else "",
                        graded_at=now - datetime.timedelta(days=rng.randint(0, 700)) if graded else None,
                    )
                )
            saved = Product.objects.bulk_create(batch)
            ProductPhoto.objects.bulk_create(
                [
                    ProductPhoto(
                        product=p,
                        image=f"marketing/products/2026/01/{uuid.uuid4().hex}",
                        content_type="image/jpeg",
                        position=n,
                    )
                    for p in saved
                    for n in range(rng.randint(1, 3))
                ]
            )
            made += len(saved)
            print(f"  products: {made:,} of {products:,} ({time.monotonic() - t:.1f} s)", flush=True)
    _vectors()
    print(f"filled in {time.monotonic() - started:.0f} s")


def _vectors() -> None:
    """Every search vector made by the catalogue's own SQL (two UPDATEs), then VACUUM ANALYZE."""
    from django.db import connection

    from marketing import search

    t = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no history triggers for the bulk rows
        search.reindex_all()
        cursor.execute("SET session_replication_role = DEFAULT")
    print(f"  search vectors (two UPDATEs): {time.monotonic() - t:.1f} s")
    t = time.monotonic()
    with connection.cursor() as cursor:
        for table in (
            "accounts_user",
            "registration_participant",
            "registration_business",
            "marketing_listing",
            "marketing_product",
            "marketing_productphoto",
            "marketing_onlinestore",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"  vacuum analyze: {time.monotonic() - t:.1f} s")


# --- timing -----------------------------------------------------------------------------------------------------


def _queries() -> list[tuple[str, dict[str, str]]]:
    from geography.models import Kecamatan

    tebet = Kecamatan.objects.get(name="Tebet").code
    return [
        ("no query (first page)", {}),
        ("common word: keripik", {"q": "keripik"}),
        ("very common word: halal", {"q": "halal"}),
        ("very common word: kemasan", {"q": "kemasan"}),
        ("in half the products: jakarta", {"q": "jakarta"}),
        (f"rare word: {RARE}", {"q": RARE}),
        ("two words: keripik pedas", {"q": "keripik pedas"}),
        ("prefix: kerip", {"q": "kerip"}),
        ("word + filters: kue, food, A, Tebet", {"q": "kue", "category": "food", "grade": "A", "kecamatan": tebet}),
        ("filter alone: fashion", {"category": "fashion"}),
        ("filter alone: Tebet", {"kecamatan": tebet}),
        # a deep page of ranked name matches: about 1,010 public products (graded A or B) name keripik
        ("page 40: keripik", {"q": "keripik", "page": "40"}),
        ("page 50: no query", {"page": "50"}),
        ("businesses: dapur", {"show": "businesses", "q": "dapur"}),
    ]


def _request(client: Any, params: dict[str, str]) -> tuple[float, int, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get("/katalog/", params)
        elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.content[:500]
    assert PRIVATE not in response.content, "a participant's registration shows in the catalogue"
    return elapsed, len(queries), [q["sql"] for q in queries.captured_queries]


def _page_queries(sqls: list[str]) -> list[str]:
    """The queries that read the page's ids (an ORDER BY and a LIMIT): one, or past the count cap the name
    matches and then, when they do not fill the page, the description matches."""
    return [s for s in sqls if "LIMIT" in s and "ORDER BY" in s and "COUNT(" not in s]


def _count_query(sqls: list[str]) -> str | None:
    return next((s for s in sqls if "COUNT(" in s), None)


def measure(runs: int, explain: bool) -> None:
    from django.db import connection
    from django.test import Client

    from marketing.selectors import catalogue

    client = Client()
    cases = _queries()
    for _name, params in cases:
        _request(client, params)
    timings: list[list[float]] = [[] for _ in cases]
    last: list[tuple[float, int, list[str]]] = [(0.0, 0, [])] * len(cases)
    for _ in range(runs):
        for i, (_name, params) in enumerate(cases):
            result = _request(client, params)
            timings[i].append(result[0])
            last[i] = result
    from marketing.models import Product

    public, every = catalogue.public_products().count(), Product.objects.count()
    print(f"\n{public:,} public products of {every:,}; {runs} requests each")
    print(f"{'query':40} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'queries':>8} {'matches':>8}")
    worst = 0.0
    for (name, _params), t, result in zip(cases, timings, last, strict=True):
        p95 = statistics.quantiles(t, n=20, method="inclusive")[-1] if len(t) > 1 else t[0]
        worst = max(worst, p95)
        count_sql = _count_query(result[2])
        matches = "-"
        if count_sql:
            with connection.cursor() as cursor:
                cursor.execute(count_sql)
                n = cursor.fetchone()[0]
                matches = f"{n:,}" if n <= catalogue.COUNT_CAP else f">{catalogue.COUNT_CAP:,}"
        print(f"{name:40} {statistics.median(t):10.1f} {p95:8.1f} {max(t):8.1f} {result[1]:8d} {matches:>8}")
    print(f"slowest p95: {worst:.1f} ms (goal: under 100 ms) {'OK' if worst < 100 else 'OVER'}")
    if not explain:
        return
    with connection.cursor() as cursor:
        for (name, _params), result in zip(cases, last, strict=True):
            labelled = [(f"page query {n}", sql) for n, sql in enumerate(_page_queries(result[2]), start=1)]
            for label, sql in [*labelled, ("count query", _count_query(result[2]))]:
                if sql is None:
                    continue
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                print(f"\nplan of the {label}, {name}:")
                print("\n".join(f"  {row[0]}" for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--businesses", type=int, default=5_000)
    parser.add_argument("--keep", action="store_true", help="reuse the bench database if it has enough products")
    parser.add_argument("--runs", type=int, default=100, help="requests timed per query")
    parser.add_argument("--no-explain", action="store_true", help="skip the query plans")
    args = parser.parse_args()
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", BENCH_DB], capture_output=True, check=False)
    setup_database(args.products, args.businesses, args.keep)
    measure(args.runs, explain=not args.no_explain)


if __name__ == "__main__":
    main()
