"""The catalogue's partner API: a partner key whose agreement in force covers P5 reads the curated products and the
published listings, with the catalogue's search and filters and cursor pages; any other key sees nothing, the JAKI
key is 403, no key 401; bad input is a 400 with the API's error shape; no personal data; no read logged; a fixed
number of queries."""

import datetime
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from geography.models import Kecamatan
from marketing.choices import Category, Grade, Platform
from marketing.models import Listing, Product
from marketing.tests.factories import OnlineStoreFactory, ProductPhotoFactory, mentor_of
from marketing.tests.test_catalogue_pages import private_participant, secret_values  # noqa: F401  (a fixture)
from marketing.tests.test_catalogue_search import listing, product
from partners.choices import KeyKind, OrganisationKind, Step
from partners.models import AccessLog, Agreement
from partners.tests.api_support import Partner, make_partner
from partners.tests.factories import PartnerOrganisationFactory, agreement_in_force, api_client, issue_key
from registration.models import Participant

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/catalogue/products/"
LISTINGS = "/api/v1/catalogue/listings/"


@pytest.fixture
def marketplace(agency_staff: User) -> Partner:
    return make_partner(agency_staff, steps=[Step.P2, Step.P5], name="Pasar Daring", kind=OrganisationKind.MARKETPLACE)


@pytest.fixture
def dapur() -> Listing:
    return listing("Dapur Bu Ani", description="Camilan khas Betawi.", public_phone="+6281298765432")


@pytest.fixture
def keripik(dapur: Listing) -> Product:
    made = product(dapur, "Keripik Tempe Pedas", "Renyah, tanpa pengawet.", price=25_000)
    ProductPhotoFactory(product=made, position=0)
    return made


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- who may read -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [PRODUCTS, LISTINGS, f"{PRODUCTS}1/", f"{LISTINGS}1/"])
def test_no_key_or_an_unknown_key_is_401(url: str) -> None:
    for client in (APIClient(), api_client("abc.def")):
        response = client.get(url)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Api-Key"
        assert response.json()["code"] in {"not_authenticated", "authentication_failed"}


def test_the_jaki_key_is_403(agency_staff: User, keripik: Product) -> None:
    jaki = PartnerOrganisationFactory(name="JAKI", kind=OrganisationKind.GOVERNMENT, is_city_app=True)
    client = api_client(
        issue_key(agreement_in_force(jaki, steps=[Step.P1], staff=agency_staff), staff=agency_staff, kind=KeyKind.JAKI)
    )
    for url in (PRODUCTS, LISTINGS, f"{PRODUCTS}{keripik.pk}/"):
        response = client.get(url)
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"


def test_a_key_whose_agreement_does_not_cover_p5_sees_nothing(
    agency_staff: User, keripik: Product, dapur: Listing
) -> None:
    trainer = make_partner(agency_staff, steps=[Step.P2, Step.P3], name="Universitas Negeri Jakarta")
    assert ids(trainer.client.get(PRODUCTS)) == []
    assert ids(trainer.client.get(LISTINGS)) == []
    assert trainer.client.get(f"{PRODUCTS}{keripik.pk}/").status_code == 404
    assert trainer.client.get(f"{LISTINGS}{dapur.pk}/").status_code == 404


def test_the_catalogue_ends_with_the_agreement(marketplace: Partner, keripik: Product) -> None:
    assert ids(marketplace.client.get(PRODUCTS)) == [keripik.pk]
    Agreement.objects.filter(pk=marketplace.agreement.pk).update(
        ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert ids(marketplace.client.get(PRODUCTS)) == []
    assert marketplace.client.get(f"{PRODUCTS}{keripik.pk}/").status_code == 404


# --- what a partner reads ---------------------------------------------------------------------------------------


def test_curated_products_of_published_listings_only(marketplace: Partner, dapur: Listing, keripik: Product) -> None:
    draft = product(dapur, "Keripik Bayam", grade="")
    of_hidden = product(listing("Toko Tertutup", published=False), "Keripik Pisang")
    assert ids(marketplace.client.get(PRODUCTS)) == [keripik.pk]
    for hidden in (draft, of_hidden):
        assert marketplace.client.get(f"{PRODUCTS}{hidden.pk}/").status_code == 404
    body = marketplace.client.get(f"{PRODUCTS}{keripik.pk}/").json()
    photo = keripik.photos.get()
    assert body == {
        "id": keripik.pk,
        "name": "Keripik Tempe Pedas",
        "description": "Renyah, tanpa pengawet.",
        "price": 25_000,
        "category": Category.FOOD,
        "grade": Grade.A,
        "graded_at": None,
        "photos": [
            {"id": str(photo.public_id), "url": f"http://testserver/pemasaran/foto/{photo.public_id}/", "position": 0}
        ],
        "listing": {
            "id": dapur.pk,
            "public_name": "Dapur Bu Ani",
            "kecamatan": {"code": "31.74.01", "name": "Tebet"},
        },
        "web_url": f"http://testserver/katalog/produk/{keripik.pk}/",
    }
    assert APIClient().get(body["photos"][0]["url"]).status_code == 200  # the photo is public


def test_a_product_graded_c_is_not_in_the_api(marketplace: Partner, dapur: Listing, keripik: Product) -> None:
    not_ready = product(dapur, "Keripik Gosong", grade=Grade.C)
    assert ids(marketplace.client.get(PRODUCTS)) == [keripik.pk]
    assert marketplace.client.get(f"{PRODUCTS}{not_ready.pk}/").status_code == 404
    for endpoint in (PRODUCTS, LISTINGS):
        response = marketplace.client.get(endpoint, {"grade": Grade.C})
        assert response.status_code == 400 and "grade" in response.json()["errors"], endpoint


def test_published_listings_with_their_checked_stores(marketplace: Partner, dapur: Listing) -> None:
    OnlineStoreFactory(
        business=dapur.business,
        platform=Platform.TOKOPEDIA,
        url="https://www.tokopedia.com/dapurani",
        checked_by=mentor_of(dapur.business),
        checked_at=timezone.now(),
    )
    OnlineStoreFactory(business=dapur.business, url="https://shopee.co.id/belum-diperiksa")
    hidden = listing("Toko Tertutup", published=False)
    assert ids(marketplace.client.get(LISTINGS)) == [dapur.pk]
    assert marketplace.client.get(f"{LISTINGS}{hidden.pk}/").status_code == 404
    body = marketplace.client.get(f"{LISTINGS}{dapur.pk}/").json()
    assert body["public_name"] == "Dapur Bu Ani" and body["public_phone"] == "+6281298765432"
    assert body["kecamatan"] == {"code": "31.74.01", "name": "Tebet"}
    assert body["online_stores"] == [{"platform": "tokopedia", "url": "https://www.tokopedia.com/dapurani"}]
    assert body["web_url"] == f"http://testserver/katalog/usaha/{dapur.pk}/"


def test_search_and_filters(marketplace: Partner, dapur: Listing, keripik: Product) -> None:
    gambir = listing("Butik Gambir", kecamatan="Gambir", description="Batik tulis.")
    kebaya = product(gambir, "Kebaya Encim", category=Category.FASHION, grade=Grade.B)
    kue = product(dapur, "Kue Lapis Legit", grade=Grade.B)
    client = marketplace.client
    assert ids(client.get(PRODUCTS)) == [kue.pk, kebaya.pk, keripik.pk]  # newest first
    assert ids(client.get(PRODUCTS, {"q": "keripiknya"})) == [keripik.pk]
    assert ids(client.get(PRODUCTS, {"q": "kerip"})) == [keripik.pk]
    assert ids(client.get(PRODUCTS, {"q": "ani"})) == [kue.pk, keripik.pk]  # the listing's name
    assert ids(client.get(PRODUCTS, {"category": Category.FASHION})) == [kebaya.pk]
    assert ids(client.get(PRODUCTS, {"grade": Grade.B})) == [kue.pk, kebaya.pk]
    gambir_code = Kecamatan.objects.get(name="Gambir").code
    assert ids(client.get(PRODUCTS, {"kecamatan": gambir_code, "grade": Grade.B})) == [kebaya.pk]
    assert ids(client.get(LISTINGS, {"q": "batik"})) == [gambir.pk]
    assert ids(client.get(LISTINGS, {"category": Category.FOOD})) == [dapur.pk]
    assert ids(client.get(LISTINGS, {"kecamatan": "31.74.01"})) == [dapur.pk]
    assert ids(client.get(LISTINGS, {"grade": Grade.A, "category": Category.FASHION})) == []


def test_cursor_pages(marketplace: Partner, dapur: Listing) -> None:
    made = [product(dapur, f"Kue {n}") for n in range(5)]
    first = marketplace.client.get(PRODUCTS, {"page_size": 2, "q": "kue"})
    assert ids(first) == [made[4].pk, made[3].pk]
    second = marketplace.client.get(first.json()["next"])
    assert ids(second) == [made[2].pk, made[1].pk]
    last = marketplace.client.get(second.json()["next"])
    assert ids(last) == [made[0].pk] and last.json()["next"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"category": "weapons"}, "category"),
        ({"grade": "Z"}, "grade"),
        ({"kecamatan": "99.99.99"}, "kecamatan"),
        ({"kecamatan": "31.74\x00"}, "kecamatan"),
        ({"category": "food\x00"}, "category"),
        ({"q": "k" * 101}, "q"),
        ({"q": "kue\x00lapis"}, "q"),
    ],
)
@pytest.mark.parametrize("url", [PRODUCTS, LISTINGS])
def test_bad_input_is_a_400_with_the_error_shape(
    marketplace: Partner, keripik: Product, url: str, params: dict[str, str], field: str
) -> None:
    response = marketplace.client.get(url, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["detail"]
    assert set(body["errors"]) == {field}
    assert all({"message", "code"} <= set(error) for error in body["errors"][field])


def test_a_bad_cursor_is_a_404(marketplace: Partner, keripik: Product) -> None:
    response = marketplace.client.get(PRODUCTS, {"cursor": "not*a*cursor"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("text", ["!!!", '"', "-", "&|!:*()", "a:*", "' OR 1=1 --"])
def test_odd_queries_answer(marketplace: Partner, keripik: Product, text: str) -> None:
    assert marketplace.client.get(PRODUCTS, {"q": text}).status_code == 200
    assert marketplace.client.get(LISTINGS, {"q": text}).status_code == 200


def test_reads_only(marketplace: Partner, keripik: Product) -> None:
    assert marketplace.client.post(PRODUCTS, {}, format="json").status_code == 405
    assert marketplace.client.delete(f"{PRODUCTS}{keripik.pk}/").status_code == 405


# --- no personal data, no read logged ---------------------------------------------------------------------------


def test_no_personal_data_and_no_read_logged(marketplace: Partner, private_participant: Participant) -> None:  # noqa: F811
    answers = [
        marketplace.client.get(PRODUCTS),
        marketplace.client.get(PRODUCTS, {"q": "sambal"}),
        marketplace.client.get(LISTINGS),
        marketplace.client.get(LISTINGS, {"q": "sambal"}),
    ]
    made = Product.objects.get(business__participant=private_participant)
    shop = Listing.objects.get(business__participant=private_participant)
    answers += [marketplace.client.get(f"{PRODUCTS}{made.pk}/"), marketplace.client.get(f"{LISTINGS}{shop.pk}/")]
    assert [row["id"] for row in answers[1].json()["results"]] == [made.pk]
    for answer in answers:
        assert answer.status_code == 200
        body = answer.content.decode()
        for value in secret_values(private_participant):
            assert value not in body, value
        assert "participant" not in body and "belum-diperiksa" not in body
    assert not AccessLog.objects.exists()


# --- queries ----------------------------------------------------------------------------------------------------


def many_products(n: int = 30) -> None:
    """n curated products across several listings, each with photos, each business with checked stores."""
    for i in range(n // 5):
        shop = listing(f"Toko Ramai {i}", kecamatan=["Tebet", "Gambir", "Menteng"][i % 3])
        mentor = mentor_of(shop.business)
        for platform, url in (
            (Platform.SHOPEE, "https://shopee.co.id/"),
            (Platform.TOKOPEDIA, "https://www.tokopedia.com/"),
        ):
            OnlineStoreFactory(
                business=shop.business,
                platform=platform,
                url=f"{url}ramai{i}",
                checked_by=mentor,
                checked_at=timezone.now(),
            )
        for j in range(5):
            made = product(shop, f"Kue Ramai {i}-{j}", "Kue kering renyah.")
            ProductPhotoFactory.create_batch(2, product=made)


@pytest.mark.parametrize(
    ("url", "params", "queries"),
    [
        # the key, the page, its photos
        (PRODUCTS, {}, 3),
        (PRODUCTS, {"q": "kue", "category": Category.FOOD}, 3),
        # and the kecamatan of the filter
        (PRODUCTS, {"q": "kue", "kecamatan": "31.74.01"}, 4),
        # the key, the page, its stores
        (LISTINGS, {"q": "ramai"}, 3),
    ],
)
def test_a_fixed_number_of_queries(
    marketplace: Partner, django_assert_num_queries: Any, url: str, params: dict[str, str], queries: int
) -> None:
    many_products(10)
    marketplace.client.get(url, params)  # the key's last use is marked (once a minute)
    with django_assert_num_queries(queries):
        small = marketplace.client.get(url, params)
    many_products(30)
    with django_assert_num_queries(queries):
        large = marketplace.client.get(url, params)
    assert len(large.json()["results"]) > len(small.json()["results"])


def test_a_fixed_number_of_queries_for_one(marketplace: Partner, django_assert_num_queries: Any) -> None:
    many_products(5)
    made = Product.objects.first()
    shop = Listing.objects.first()
    assert made is not None and shop is not None
    marketplace.client.get(f"{PRODUCTS}{made.pk}/")
    with django_assert_num_queries(3):  # the key, the product, its photos
        assert marketplace.client.get(f"{PRODUCTS}{made.pk}/").status_code == 200
    with django_assert_num_queries(3):  # the key, the listing, its stores
        assert marketplace.client.get(f"{LISTINGS}{shop.pk}/").status_code == 200
