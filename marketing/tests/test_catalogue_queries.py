"""The catalogue's pages run a fixed number of queries whatever the number of rows: each is measured with 60
curated products of 30 listings (each product with photos, each business with checked online stores, across
kecamatan: more than a page of each), then again with 30 more, so an N+1 fails."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from marketing.choices import Category, Platform
from marketing.models import Listing, Product
from marketing.tests.factories import OnlineStoreFactory, ProductPhotoFactory, mentor_of
from marketing.tests.test_catalogue_search import listing, product

pytestmark = pytest.mark.django_db

KECAMATAN = ["Tebet", "Gambir", "Menteng", "Koja", "Cakung"]


def grow(n: int = 30) -> None:
    """n curated products of n / 2 new listings, two photos each, two checked stores a business."""
    for i in range(n // 2):
        shop = listing(f"Toko Kue Nomor {Listing.objects.count()}", kecamatan=KECAMATAN[i % len(KECAMATAN)])
        mentor = mentor_of(shop.business)
        for platform, url in (
            (Platform.SHOPEE, "https://shopee.co.id/"),
            (Platform.TOKOPEDIA, "https://www.tokopedia.com/"),
        ):
            OnlineStoreFactory(
                business=shop.business,
                platform=platform,
                url=f"{url}toko{shop.pk}",
                checked_by=mentor,
                checked_at=timezone.now(),
            )
        for j in range(2):
            made = product(shop, f"Kue Kering {shop.pk}-{j}", "Kue kering renyah untuk oleh-oleh.")
            ProductPhotoFactory.create_batch(2, product=made)


def measure(client: Client, url: str, assert_num: Callable[..., Any], queries: int) -> None:
    grow()
    grow()
    client.get(url)
    with assert_num(queries):
        first = client.get(url)
    grow()
    with assert_num(queries):
        second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert second.content.count(b"data-product=") + second.content.count(b"data-listing=") >= 24


@pytest.mark.parametrize(
    ("params", "queries"),
    [
        # kecamatan choices, the page's ids, their details, their photos, the capped count
        ({}, 5),
        ({"q": "kue kering"}, 5),
        ({"q": "kerin", "category": Category.FOOD, "grade": "A"}, 5),
        ({"page": "2"}, 5),
        # kecamatan choices, the page of listings, their stores, the capped count
        ({"show": "businesses"}, 4),
        ({"show": "businesses", "q": "toko kue", "category": Category.FOOD}, 4),
    ],
)
def test_the_search_page(client: Client, django_assert_num_queries: Any, params: dict[str, str], queries: int) -> None:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    measure(client, f"{reverse('marketing:catalogue')}?{query}", django_assert_num_queries, queries)


@pytest.mark.parametrize(
    ("text", "queries"),
    [
        # kecamatan choices, the capped count, the name query, the name matches, their details and photos
        ("kue kering", 6),
        # and the description matches after them
        ("renyah", 7),
    ],
)
def test_the_search_page_past_the_count_cap(
    client: Client, django_assert_num_queries: Any, monkeypatch: pytest.MonkeyPatch, text: str, queries: int
) -> None:
    from marketing.selectors import catalogue

    monkeypatch.setattr(catalogue, "COUNT_CAP", 10)
    measure(client, f"{reverse('marketing:catalogue')}?q={text}", django_assert_num_queries, queries)


def test_the_search_page_logged_in(client: Client, entrepreneur: User, django_assert_num_queries: Any) -> None:
    client.force_login(entrepreneur)
    # the session and the user, then as above
    measure(client, reverse("marketing:catalogue") + "?q=kue", django_assert_num_queries, 7)


def test_a_business_page(client: Client, django_assert_num_queries: Any) -> None:
    shop = listing("Toko Besar")
    for n in range(30):
        ProductPhotoFactory.create_batch(2, product=product(shop, f"Roti {n}"))
    url = reverse("marketing:catalogue_business", args=[shop.pk])

    def more() -> None:
        for n in range(30):
            ProductPhotoFactory.create_batch(2, product=product(shop, f"Roti Lagi {n}"))

    client.get(url)
    # the listing, its stores, the page of its products, their photos
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200
    more()
    with django_assert_num_queries(4):
        assert client.get(url).content.count(b"data-product=") == 24


def test_a_product_page(client: Client, django_assert_num_queries: Any) -> None:
    grow()
    made = Product.objects.order_by("pk").first()
    assert made is not None
    ProductPhotoFactory.create_batch(3, product=made)
    url = reverse("marketing:catalogue_product", args=[made.pk])
    client.get(url)
    with django_assert_num_queries(3):  # the product with its listing and kecamatan, its photos, the stores
        response = client.get(url)
    assert response.content.count(b"/pemasaran/foto/") == 5
