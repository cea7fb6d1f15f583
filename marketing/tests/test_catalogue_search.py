"""The catalogue's reads (marketing.selectors.catalogue) and its full-text search (marketing.search): only graded
products of published listings; Indonesian stemming and words as typed; ranking by name, business name and
description; the last word as a prefix; web-search syntax; the filters; the capped count."""

import pytest

from geography.models import Kecamatan
from marketing import search
from marketing.choices import Category, Grade
from marketing.models import Listing, Product
from marketing.selectors import catalogue
from marketing.selectors.catalogue import CatalogueFilters
from marketing.tests.factories import ListingFactory, ProductFactory, graded_product, verified_business

pytestmark = pytest.mark.django_db


def listing(public_name: str = "Dapur Rasa", kecamatan: str = "Tebet", **fields: object) -> Listing:
    """A published listing of a new verified business in this kecamatan."""
    made: Listing = ListingFactory(business=verified_business(kecamatan), public_name=public_name, **fields)
    search.reindex_business(made.business_id)
    return made


def product(of: Listing, name: str, description: str = "", grade: str = Grade.A, **fields: object) -> Product:
    """A product of the listing's business, graded `grade` ("" for not curated), its vector refreshed."""
    made: Product = ProductFactory(business=of.business, name=name, description=description, grade=grade, **fields)
    search.reindex_products([made.pk])
    return made


def found(text: str = "", **filters: str) -> list[str]:
    """The names of the products found, in the catalogue's order: best match first, newest first without a text."""
    page, count = catalogue.find_products(CatalogueFilters(text=text, **filters), None)
    assert count == len(page.items) or count > catalogue.COUNT_CAP
    return [p.name for p in page.items]


def found_listings(text: str = "", **filters: str) -> list[str]:
    page, count = catalogue.find_listings(CatalogueFilters(text=text, **filters), None)
    assert count == len(page.items)
    return [item.public_name for item in page.items]


@pytest.fixture
def dapur() -> Listing:
    return listing("Dapur Bu Ani", description="Camilan khas Betawi dari Tebet.")


# --- what is public ---------------------------------------------------------------------------------------------


def test_only_graded_products_of_published_listings(dapur: Listing) -> None:
    product(dapur, "Keripik Tempe")
    product(dapur, "Keripik Singkong", grade="")  # not curated
    hidden = listing("Toko Tertutup", published=False)
    product(hidden, "Keripik Pisang")
    no_listing = ProductFactory(business=verified_business(), name="Keripik Bayam", grade=Grade.A)
    search.reindex_products([no_listing.pk])
    assert found() == ["Keripik Tempe"]
    assert found("keripik") == ["Keripik Tempe"]
    assert found_listings() == ["Dapur Bu Ani"]
    assert catalogue.public_product(no_listing.pk) is None
    assert catalogue.public_listing(hidden.pk) is None


def test_only_grades_a_and_b_are_public(dapur: Listing) -> None:
    product(dapur, "Keripik Tempe", grade=Grade.A)
    product(dapur, "Keripik Singkong", grade=Grade.B)
    not_ready = product(dapur, "Keripik Gosong", grade=Grade.C)
    assert sorted(found("keripik")) == sorted(found()) == ["Keripik Singkong", "Keripik Tempe"]
    assert found(grade=Grade.C) == []
    assert catalogue.public_product(not_ready.pk) is None
    assert not_ready not in catalogue.public_products()
    gosong = listing("Warung Gosong")
    product(gosong, "Rempeyek", grade=Grade.C)
    assert found_listings(category="food") == ["Dapur Bu Ani"]


def test_a_product_graded_through_curation_is_public() -> None:
    graded = graded_product(grade=Grade.B)
    assert catalogue.public_product(graded.pk) is None  # its business has no listing yet
    ListingFactory(business=graded.business, public_name="Warung Kurasi")
    search.reindex_business(graded.business_id)
    shown = catalogue.public_product(graded.pk)
    assert shown is not None and shown.grade == Grade.B
    assert found(graded.name.split()[0]) == [graded.name]


# --- words ------------------------------------------------------------------------------------------------------


def test_indonesian_stemming_and_words_as_typed(dapur: Listing) -> None:
    product(dapur, "Keripik Tempe Pedas", "Renyah, tanpa pengawet.")
    product(dapur, "Sambal Bawang XJ-900", "Sambal rumahan.")
    assert found("keripiknya") == ["Keripik Tempe Pedas"]  # stemmed: ke-…-nya
    assert found("KERIPIK") == ["Keripik Tempe Pedas"]
    assert found("pengawetnya") == ["Keripik Tempe Pedas"]  # a word of the description
    assert found("xj-900") == ["Sambal Bawang XJ-900"]  # as typed
    assert found("betawi") == []  # the listing's description is not in its products' vectors


def test_the_business_public_name_finds_its_products(dapur: Listing) -> None:
    product(dapur, "Kue Lapis")
    other = listing("Rumah Batik Ayu")
    product(other, "Kemeja Batik", category=Category.FASHION)
    assert found("ani") == ["Kue Lapis"]
    assert found("ayu") == ["Kemeja Batik"]
    dapur.public_name = "Dapur Mawar"
    dapur.save()
    search.reindex_business(dapur.business_id)
    assert found("ani") == []
    assert found("mawar") == ["Kue Lapis"]


def test_a_name_match_ranks_before_a_business_name_and_a_description_match() -> None:
    in_description = product(listing("Toko Satu"), "Dodol Garut", "Manis, cocok dengan kopi.")
    in_business = product(listing("Kopi Kita"), "Roti Bakar")
    in_name = product(listing("Toko Tiga"), "Kopi Gayo Arabika")
    assert found("kopi") == [in_name.name, in_business.name, in_description.name]


def test_past_the_count_cap_name_matches_first_then_description_matches_newest_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shop = listing("Toko Serba Ada")
    old_described = product(shop, "Dodol Garut", "Cocok dengan kopi pagi, kopi sore.")
    named = product(shop, "Kopi Robusta", "Bubuk halus.")
    twice = product(shop, "Kopi Susu Kopi", "Kopi dan susu.")
    new_described = product(shop, "Roti Bakar", "Enak dengan kopi.")
    business = product(listing("Kopi Kita"), "Bolu Pandan")
    # within the cap, every match by its rank: the description that says it twice first
    assert found("kopi") == [twice.name, named.name, business.name, old_described.name, new_described.name]
    monkeypatch.setattr(catalogue, "COUNT_CAP", 2)
    assert found("kopi") == [twice.name, named.name, business.name, new_described.name, old_described.name]
    assert found("kopi -susu") == [named.name, business.name, new_described.name, old_described.name]
    monkeypatch.setattr(catalogue, "PAGE_SIZE", 2)
    pages = [catalogue.find_products(CatalogueFilters(text="kopi"), str(n))[0] for n in (1, 2, 3)]
    assert [[p.name for p in page.items] for page in pages] == [
        [twice.name, named.name],
        [business.name, new_described.name],
        [old_described.name],
    ]
    assert pages[1].has_next and not pages[2].has_next


def test_the_marked_name_words_match_no_typed_word(dapur: Listing) -> None:
    product(dapur, "Kopi Gayo")
    marked = search.name_query("kopi gay")
    assert "'~kopi'" in marked and "'~gay':*" in marked
    assert found("~kopi") == found("kopi") == ["Kopi Gayo"]  # the parser drops the mark
    assert search.name_query("   ") == ""
    assert search.name_query("!!! '\\ \"") == ""


def test_the_last_word_typed_matches_as_the_start_of_a_word(dapur: Listing) -> None:
    product(dapur, "Keripik Pedas")
    product(dapur, "Keripik Manis")
    product(dapur, "Kerupuk Udang")
    assert found("kerip") == ["Keripik Pedas", "Keripik Manis"]  # equal ranks: in the order they were added
    assert found("keripik ped") == ["Keripik Pedas"]
    assert found("ke") == []  # too short to be a prefix
    assert found('"kerip"') == []  # quoted: the exact word only
    assert found("keripik -man") == ["Keripik Pedas", "Keripik Manis"]  # a negated word is no prefix


def test_web_search_syntax(dapur: Listing) -> None:
    product(dapur, "Keripik Pedas Level 5")
    product(dapur, "Keripik Manis")
    product(dapur, "Pedas Manis Sambal")
    assert found("keripik -pedas") == ["Keripik Manis"]
    assert found('"keripik manis"') == ["Keripik Manis"]
    assert sorted(found("sambal or level")) == ["Keripik Pedas Level 5", "Pedas Manis Sambal"]


@pytest.mark.parametrize("text", ["!!!", "&|:*()", "'", '"', "-", "or", "   ", "\\", "a:*b", "kue & | !"])
def test_punctuation_and_operators_never_fail(dapur: Listing, text: str) -> None:
    product(dapur, "Kue Lapis")
    assert isinstance(found(text), list)
    assert isinstance(found_listings(text), list)


# --- filters ----------------------------------------------------------------------------------------------------


def test_filters_category_grade_and_the_business_kecamatan() -> None:
    tebet = listing("Dapur Tebet", kecamatan="Tebet")
    gambir = listing("Butik Gambir", kecamatan="Gambir")
    product(tebet, "Kue Lapis", grade=Grade.A, category=Category.FOOD)
    product(tebet, "Kue Putu", grade=Grade.B, category=Category.FOOD)
    product(gambir, "Kebaya Kue", grade=Grade.A, category=Category.FASHION)
    gambir_code = Kecamatan.objects.get(name="Gambir").code
    assert found(category=Category.FOOD) == ["Kue Putu", "Kue Lapis"]  # newest first
    assert found(grade=Grade.A) == ["Kebaya Kue", "Kue Lapis"]
    assert found("kue", grade=Grade.A, category=Category.FOOD) == ["Kue Lapis"]
    assert found(kecamatan=gambir_code) == ["Kebaya Kue"]
    assert found_listings(kecamatan=gambir_code) == ["Butik Gambir"]
    assert found_listings(category=Category.FOOD) == ["Dapur Tebet"]
    assert found_listings(grade=Grade.B) == ["Dapur Tebet"]
    assert found_listings(category=Category.FASHION, grade=Grade.B) == []


def test_the_kecamatan_is_the_business_s_not_the_participant_s() -> None:
    moved = listing("Pindahan", kecamatan="Tebet")
    moved.business.kecamatan = Kecamatan.objects.get(name="Menteng")
    moved.business.save()
    product(moved, "Roti Gambang")
    assert found(kecamatan=Kecamatan.objects.get(name="Menteng").code) == ["Roti Gambang"]
    assert found(kecamatan=Kecamatan.objects.get(name="Tebet").code) == []


def test_listings_search_their_name_and_description(dapur: Listing) -> None:
    listing("Batik Ayu", description="Batik tulis dari Palmerah.")
    assert found_listings("betawi") == ["Dapur Bu Ani"]
    assert found_listings("tulis") == ["Batik Ayu"]
    assert found_listings("bat") == ["Batik Ayu"]
    assert found_listings() == ["Batik Ayu", "Dapur Bu Ani"]


def test_pages_and_the_capped_count(dapur: Listing, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(5):
        product(dapur, f"Kue {n}")
    monkeypatch.setattr(catalogue, "PAGE_SIZE", 2)
    monkeypatch.setattr(catalogue, "COUNT_CAP", 3)
    first, count = catalogue.find_products(CatalogueFilters(text="kue"), None)
    assert [p.name for p in first.items] == ["Kue 0", "Kue 1"] and first.has_next and count == 4  # more than 3
    last, count = catalogue.find_products(CatalogueFilters(text="kue"), "3")
    assert [p.name for p in last.items] == ["Kue 4"] and not last.has_next and count == 4
    monkeypatch.setattr(catalogue, "COUNT_CAP", 10)
    assert catalogue.find_products(CatalogueFilters(), "2")[1] == 5
    listings, count = catalogue.find_listings(CatalogueFilters(), "1")
    assert [item.public_name for item in listings.items] == ["Dapur Bu Ani"] and count == 1


def test_filters_used_counts_the_set_filters() -> None:
    assert CatalogueFilters(text="kue").used == 0
    assert CatalogueFilters(category=Category.FOOD, kecamatan="31.74.01").used == 2
