"""The public catalogue's pages: open without logging in; only graded products of published listings; the query
kept in the box; filters, tabs and pages; bad input answered with a message, never a server error; empty states;
and no personal data of the participant anywhere."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from geography.models import Kecamatan
from marketing import search
from marketing.choices import Category, Grade, Platform
from marketing.models import Listing, Product
from marketing.tests.factories import OnlineStoreFactory, ProductPhotoFactory, mentor_of, verified_business
from marketing.tests.test_catalogue_search import listing, product
from registration.models import Participant

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("marketing:catalogue")


def product_url(item: Product) -> str:
    return reverse("marketing:catalogue_product", args=[item.pk])


def business_url(item: Listing) -> str:
    return reverse("marketing:catalogue_business", args=[item.pk])


def shown_products(response: object) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-product="(\d+)"', response.content.decode())]  # type: ignore[attr-defined]


def shown_listings(response: object) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-listing="(\d+)"', response.content.decode())]  # type: ignore[attr-defined]


@pytest.fixture
def dapur() -> Listing:
    return listing(
        "Dapur Bu Ani",
        description="Camilan khas Betawi dari Tebet.",
        public_phone="+6281298765432",
        public_email="dapur.ani@example.id",
        eorder_url="https://e-order.jakarta.go.id/toko/dapur-bu-ani",
    )


@pytest.fixture
def keripik(dapur: Listing) -> Product:
    made = product(dapur, "Keripik Tempe Pedas", "Renyah, tanpa pengawet. Kemasan 200 gram.", price=25_000)
    ProductPhotoFactory(product=made, position=0)
    ProductPhotoFactory(product=made, position=1)
    return made


# --- open to anyone ---------------------------------------------------------------------------------------------


def test_anyone_searches_and_opens_a_product_and_its_business(
    client: Client, keripik: Product, dapur: Listing
) -> None:
    response = client.get(CATALOGUE, {"q": "keripiknya"})
    assert response.status_code == 200
    assert shown_products(response) == [keripik.pk]
    body = response.content.decode()
    assert 'value="keripiknya"' in body  # the query stays in the box
    assert "Rp 25.000" in body or "Rp25.000" in body
    assert product_url(keripik) in body

    page = client.get(product_url(keripik))
    assert page.status_code == 200
    text = page.content.decode()
    for shown in ("Keripik Tempe Pedas", "Kemasan 200 gram", "Dapur Bu Ani", "Tebet", "dapur.ani@example.id"):
        assert shown in text
    assert "tel:+6281298765432" in text and "https://wa.me/6281298765432" in text
    assert "https://e-order.jakarta.go.id/toko/dapur-bu-ani" in text
    assert text.count(reverse("marketing:photo", args=[keripik.photos.first().public_id])) == 1  # type: ignore[union-attr]
    assert business_url(dapur) in text

    profile = client.get(business_url(dapur))
    assert profile.status_code == 200
    assert shown_products(profile) == [keripik.pk]
    assert "Camilan khas Betawi dari Tebet." in profile.content.decode()


def test_a_logged_in_user_sees_the_same_catalogue(client: Client, entrepreneur: User, keripik: Product) -> None:
    client.force_login(entrepreneur)
    assert shown_products(client.get(CATALOGUE)) == [keripik.pk]


def test_the_photos_shown_are_served_to_anyone(client: Client, keripik: Product) -> None:
    photo = keripik.photos.first()
    assert photo is not None
    assert client.get(reverse("marketing:photo", args=[photo.public_id])).status_code == 200


def test_what_is_not_public_is_not_found(client: Client, dapur: Listing, keripik: Product) -> None:
    draft = product(dapur, "Keripik Bayam", grade="")
    hidden = listing("Toko Tertutup", published=False)
    of_hidden = product(hidden, "Keripik Pisang")
    assert client.get(product_url(draft)).status_code == 404
    assert client.get(product_url(of_hidden)).status_code == 404
    assert client.get(business_url(hidden)).status_code == 404
    assert client.get(reverse("marketing:catalogue_product", args=[999_999])).status_code == 404
    assert client.get(reverse("marketing:catalogue_business", args=[999_999])).status_code == 404
    assert shown_products(client.get(CATALOGUE, {"q": "keripik"})) == [keripik.pk]
    assert shown_products(client.get(business_url(dapur))) == [keripik.pk]
    assert shown_listings(client.get(CATALOGUE, {"show": "businesses"})) == [dapur.pk]


def test_a_product_graded_c_is_not_ready_yet_so_not_public(client: Client, dapur: Listing, keripik: Product) -> None:
    """C is "not ready yet": a product graded C of a published listing is neither listed, nor opened, nor its
    photo served, and no filter offers C."""
    not_ready = product(dapur, "Keripik Gosong", grade=Grade.C)
    photo = ProductPhotoFactory(product=not_ready)
    assert client.get(product_url(not_ready)).status_code == 404
    assert client.get(reverse("marketing:photo", args=[photo.public_id])).status_code == 404
    assert shown_products(client.get(CATALOGUE, {"q": "keripik"})) == [keripik.pk]
    assert shown_products(client.get(business_url(dapur))) == [keripik.pk]
    response = client.get(CATALOGUE, {"grade": Grade.C})
    assert response.status_code == 400 and shown_products(response) == []
    grades = [value for value, _label in response.context["form"].fields["grade"].choices]
    assert grades == ["", Grade.A, Grade.B]
    gosong_only = listing("Warung Belum Siap")
    product(gosong_only, "Rempeyek", grade=Grade.C)
    tab = client.get(CATALOGUE, {"show": "businesses", "category": Category.FOOD})
    assert shown_listings(tab) == [dapur.pk]


def test_only_reads_are_allowed(client: Client, keripik: Product, dapur: Listing) -> None:
    for url in (CATALOGUE, product_url(keripik), business_url(dapur)):
        assert client.post(url, {"q": "x"}).status_code == 405


# --- filters, tabs, pages ---------------------------------------------------------------------------------------


def test_filters_and_the_businesses_tab(client: Client, dapur: Listing, keripik: Product) -> None:
    gambir = listing("Butik Gambir", kecamatan="Gambir", description="Batik tulis.")
    kebaya = product(gambir, "Kebaya Encim", category=Category.FASHION, grade=Grade.B)
    code = Kecamatan.objects.get(name="Gambir").code
    assert shown_products(client.get(CATALOGUE, {"category": Category.FASHION})) == [kebaya.pk]
    assert shown_products(client.get(CATALOGUE, {"grade": Grade.A})) == [keripik.pk]
    assert shown_products(client.get(CATALOGUE, {"kecamatan": code})) == [kebaya.pk]
    response = client.get(CATALOGUE, {"q": "kebaya", "kecamatan": code, "grade": Grade.B})
    assert shown_products(response) == [kebaya.pk]
    assert f'<option value="{code}" selected>' in response.content.decode()  # the filter stays chosen
    assert 'id="filter-toggle"' in response.content.decode() and "(2)" in response.content.decode()
    businesses = client.get(CATALOGUE, {"show": "businesses", "q": "batik"})
    assert shown_listings(businesses) == [gambir.pk]
    assert '<input type="hidden" name="show" value="businesses">' in businesses.content.decode()
    assert shown_listings(client.get(CATALOGUE, {"show": "businesses", "category": Category.FOOD})) == [dapur.pk]
    assert shown_products(client.get(CATALOGUE, {"show": "anything"})) == [kebaya.pk, keripik.pk]  # products


def test_pages(client: Client, dapur: Listing, monkeypatch: pytest.MonkeyPatch) -> None:
    from marketing.selectors import catalogue

    monkeypatch.setattr(catalogue, "PAGE_SIZE", 2)
    made = [product(dapur, f"Kue Lapis {n}") for n in range(5)]
    first = client.get(CATALOGUE, {"q": "kue"})
    assert shown_products(first) == [made[0].pk, made[1].pk]
    assert 'data-count="5"' in first.content.decode()
    assert "?q=kue&amp;page=2" in first.content.decode()
    assert shown_products(client.get(CATALOGUE, {"q": "kue", "page": "3"})) == [made[4].pk]
    beyond = client.get(CATALOGUE, {"q": "kue", "page": "9"})
    assert beyond.status_code == 200 and 'id="no-results"' in beyond.content.decode()
    assert shown_products(client.get(CATALOGUE, {"q": "kue", "page": "abc"})) == [made[0].pk, made[1].pk]
    assert shown_products(client.get(CATALOGUE, {"q": "kue", "page": "-4"})) == [made[0].pk, made[1].pk]
    assert client.get(CATALOGUE, {"page": "99999999999999999999"}).status_code == 200
    assert len(shown_products(client.get(business_url(dapur), {"page": "2"}))) == 2


# --- bad input and empty states ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"category": "weapons"},
        {"grade": "Z"},
        {"grade": "C"},
        {"kecamatan": "99.99.99"},
        {"kecamatan": "Tebet"},
        {"kecamatan": "31.74\x00"},
        {"q": "k" * 101},
        {"q": "kue\x00lapis"},
    ],
)
def test_bad_input_is_marked_and_nothing_is_searched(client: Client, keripik: Product, params: dict[str, str]) -> None:
    response = client.get(CATALOGUE, params)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="filter-errors"' in body
    assert "is-invalid" in body
    assert shown_products(response) == []


@pytest.mark.parametrize("text", ["!!!", '"', "-", "&|!:*()", "a:*", "' OR 1=1 --", "<script>alert(1)</script>"])
def test_odd_queries_answer_and_are_escaped(client: Client, keripik: Product, text: str) -> None:
    response = client.get(CATALOGUE, {"q": text})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_empty_states(client: Client, dapur: Listing) -> None:
    empty = client.get(CATALOGUE)
    assert empty.status_code == 200 and 'id="no-results"' in empty.content.decode()
    assert "Show the whole catalogue" not in empty.content.decode()
    product(dapur, "Kue Lapis")
    none = client.get(CATALOGUE, {"q": "rendang"})
    assert 'id="no-results"' in none.content.decode() and 'value="rendang"' in none.content.decode()
    no_product = listing("Baru Buka")
    assert 'id="no-results"' in client.get(business_url(no_product)).content.decode()


def test_the_search_page_is_accessible_in_its_markup(client: Client, keripik: Product) -> None:
    body = client.get(CATALOGUE).content.decode()
    assert body.count("<h1") == 1
    assert '<label class="form-label fw-semibold" for="id_q">' in body
    for name in ("category", "grade", "kecamatan"):
        assert f'for="id_{name}"' in body
    assert 'role="search"' in body and 'aria-describedby="q-help"' in body
    assert '<optgroup label="Jakarta Selatan">' in body


# --- no personal data -------------------------------------------------------------------------------------------

SECRET = {
    "full_name": "Zulaikha Purnamasari-Wibisono",
    "nik": "3174015708900777",  # Tebet, a woman born on 17 August 1990
    "address": "Jalan Kenari Rahasia Nomor 77",
    "phone": "+6281999888777",
    "email": "zulaikha.pribadi@example.id",
}
SECRET_BUSINESS = {"name": "Usaha Terdaftar Zulaikha", "address": "Gang Sempit Rahasia 12"}


def secret_values(participant: Participant) -> list[str]:
    registration = participant.registration
    return [
        *SECRET.values(),
        SECRET["nik"][:6] + "******" + SECRET["nik"][-4:],
        participant.user.email or "",
        participant.user.full_name,
        *SECRET_BUSINESS.values(),
        registration.reference,
        "81999888777",
    ]


@pytest.fixture
def private_participant() -> Participant:
    """A participant with distinctive personal values, whose business publishes a listing with a curated product
    and a checked store (and an unchecked one)."""
    business = verified_business("Tebet", **SECRET)
    business.name, business.address = SECRET_BUSINESS["name"], SECRET_BUSINESS["address"]
    business.save()
    participant = business.participant
    user = participant.user
    user.full_name, user.email, user.phone = SECRET["full_name"], SECRET["email"], SECRET["phone"]
    user.save()
    shop = Listing.objects.create(
        business=business,
        public_name="Sambal Bu Zul",
        description="Sambal rumahan dari Tebet.",
        public_phone="+6281211112222",
        published=True,
    )
    search.reindex_business(business.pk)
    made = product(shop, "Sambal Bawang Zul", "Pedas mantap.")
    ProductPhotoFactory(product=made)
    OnlineStoreFactory(
        business=business,
        platform=Platform.TOKOPEDIA,
        url="https://www.tokopedia.com/sambalzul",
        checked_by=mentor_of(business),
        checked_at=timezone.now() - datetime.timedelta(days=1),
    )
    OnlineStoreFactory(business=business, url="https://shopee.co.id/belum-diperiksa")
    return participant


def test_no_personal_data_on_any_catalogue_page(client: Client, private_participant: Participant) -> None:
    shop = Listing.objects.get(business__participant=private_participant)
    made = Product.objects.get(business__participant=private_participant)
    pages = [
        client.get(CATALOGUE),
        client.get(CATALOGUE, {"q": "sambal"}),
        client.get(CATALOGUE, {"q": SECRET["full_name"]}),
        client.get(CATALOGUE, {"q": "Zulaikha"}),
        client.get(CATALOGUE, {"show": "businesses"}),
        client.get(CATALOGUE, {"show": "businesses", "q": "sambal"}),
        client.get(product_url(made)),
        client.get(business_url(shop)),
    ]
    assert all(page.status_code == 200 for page in pages)
    assert shown_products(pages[1]) == [made.pk]
    assert shown_products(pages[3]) == []  # the registered name finds nothing: it is in no vector
    for page, asked in zip(pages, [""] * 2 + [SECRET["full_name"], "Zulaikha"] + [""] * 4, strict=True):
        body = page.content.decode().replace(f'value="{asked}"', "")  # what the visitor typed stays in the box
        for value in secret_values(private_participant):
            assert value not in body, value
    assert "https://www.tokopedia.com/sambalzul" in pages[6].content.decode()
    assert "belum-diperiksa" not in pages[6].content.decode() + pages[7].content.decode()  # unchecked store
