"""The business's own pages: its marketing home, listing, products, photos and online stores; the photo view;
a participant's marketing page for mentors and staff. Who may open each (the business, a peer business, its
mentor, another kecamatan's mentor and secretariat, the curator, a non-curator agency user, a partner user,
anonymous), bad input kept on the form, the happy paths and the number of queries of every list."""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts.models import User
from core.tests.test_security import jpeg_with_gps
from marketing.choices import SubmissionStatus
from marketing.models import Listing, OnlineStore, Product, ProductCall, ProductPhoto
from marketing.tests.conftest import EVERYONE, as_, client_for
from marketing.tests.factories import (
    OnlineStoreFactory,
    ProductCallFactory,
    ProductFactory,
    ProductPhotoFactory,
    SubmissionFactory,
    graded_product,
    partner_curator,
)
from mentoring.tests.factories import MentorFactory
from registration.models import Business
from registration.tests.factories import BusinessFactory, pdf_bytes

pytestmark = pytest.mark.django_db


# --- who opens what -------------------------------------------------------------------------------------------


MINE_ANSWERS = {"entrepreneur": 200, "other_entrepreneur": 200, None: 302}


@pytest.mark.parametrize("who", EVERYONE)
def test_the_marketing_home_is_for_a_business(people: dict[str, User], who: str | None) -> None:
    response = as_(people, who).get(reverse("marketing:mine"))
    assert response.status_code == MINE_ANSWERS.get(who, 403)


@pytest.mark.parametrize("name", ["marketing:product_edit", "marketing:product_photos"])
@pytest.mark.parametrize("who", EVERYONE)
def test_a_products_pages_are_its_business_alone(
    people: dict[str, User], business: Business, name: str, who: str | None
) -> None:
    product = ProductFactory(business=business)
    SubmissionFactory(product=product, call=ProductCall.objects.get())  # its curator still may not edit it
    response = as_(people, who).get(reverse(name, args=[product.pk]))
    assert response.status_code == {"entrepreneur": 200, None: 302}.get(who, 404)


@pytest.mark.parametrize("who", EVERYONE)
def test_nobody_else_posts_to_a_products_pages(people: dict[str, User], business: Business, who: str | None) -> None:
    product = ProductFactory(business=business, name="Asli")
    photo = ProductPhotoFactory(product=product)
    if who == "entrepreneur":
        return
    client = as_(people, who)
    expected = 302 if who is None else 404
    data = {"name": "Diganti", "category": "food", "price": "1000"}
    assert client.post(reverse("marketing:product_edit", args=[product.pk]), data).status_code == expected
    assert client.post(reverse("marketing:product_delete", args=[product.pk])).status_code == expected
    assert client.post(reverse("marketing:photo_delete", args=[product.pk, photo.pk])).status_code == expected
    assert (
        client.post(reverse("marketing:photo_move", args=[product.pk, photo.pk]), {"direction": "down"}).status_code
        == expected
    )
    assert Product.objects.get().name == "Asli" and ProductPhoto.objects.count() == 1


@pytest.mark.parametrize("name", ["marketing:listing_edit", "marketing:product_new", "marketing:store_new"])
@pytest.mark.parametrize("who", EVERYONE)
def test_the_business_pages_turn_away_staff_and_partners(people: dict[str, User], name: str, who: str | None) -> None:
    response = as_(people, who).get(reverse(name))
    assert response.status_code == {"entrepreneur": 200, "other_entrepreneur": 200, None: 302}.get(who, 403)


def test_an_unverified_business_is_told_it_must_wait(client: Client) -> None:
    business = BusinessFactory()
    client.force_login(business.participant.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("marketing:product_new"), follow=True)
    assert response.redirect_chain == [(reverse("marketing:mine"), 302)]
    assert "must be verified" in response.content.decode()
    assert "Add a product" not in response.content.decode()


PHOTO_BEFORE = {
    "entrepreneur": 200,
    "mentor_tebet": 200,
    "secretariat_tebet": 200,
    "agency_staff": 200,
    "curator": 200,
}


@pytest.mark.parametrize("who", EVERYONE)
def test_a_photo_of_a_product_not_in_the_catalogue_is_seen_by_those_involved_only(
    people: dict[str, User], business: Business, who: str | None
) -> None:
    product = ProductFactory(business=business)
    SubmissionFactory(product=product, call=ProductCall.objects.get())
    photo = ProductPhotoFactory(product=product)
    response = as_(people, who).get(reverse("marketing:photo", args=[photo.public_id]))
    assert response.status_code == PHOTO_BEFORE.get(who, 404)


def test_a_partner_curator_sees_the_photos_of_products_submitted_to_their_calls_only(
    business: Business, partner_user: User
) -> None:
    partner_curator(partner_user)
    mine, other = ProductCallFactory(curators=[partner_user]), ProductCallFactory()
    submitted, elsewhere = ProductFactory(business=business), ProductFactory(business=business)
    SubmissionFactory(product=submitted, call=mine)
    SubmissionFactory(product=elsewhere, call=other)
    client = client_for(partner_user)
    for product, status in ((submitted, 200), (elsewhere, 404)):
        photo = ProductPhotoFactory(product=product)
        assert client.get(reverse("marketing:photo", args=[photo.public_id])).status_code == status


@pytest.mark.parametrize("who", EVERYONE)
def test_a_curated_product_of_a_published_listing_shows_its_photos_to_everyone(
    people: dict[str, User], business: Business, who: str | None
) -> None:
    product = graded_product("A", business)
    photo = ProductPhotoFactory(product=product)
    response = as_(people, who).get(reverse("marketing:photo", args=[photo.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_curated_product_of_a_hidden_listing_is_not_public(business: Business) -> None:
    Listing.objects.filter(business=business).update(published=False)
    photo = ProductPhotoFactory(product=graded_product("A", business))
    assert client_for(None).get(reverse("marketing:photo", args=[photo.public_id])).status_code == 404


def test_a_photo_whose_file_is_gone_answers_404(business: Business, entrepreneur: User) -> None:
    photo = ProductPhotoFactory(product=ProductFactory(business=business))
    photo.image.storage.delete(photo.image.name)
    assert client_for(entrepreneur).get(reverse("marketing:photo", args=[photo.public_id])).status_code == 404


PARTICIPANT_PAGE = {
    "mentor_tebet": 200,
    "secretariat_tebet": 200,
    "agency_staff": 200,
    "curator": 200,  # agency staff
    "mentor_gambir": 404,
    "secretariat_gambir": 404,
    None: 302,
}


@pytest.mark.parametrize("who", EVERYONE)
def test_a_participants_marketing_page_is_for_their_kecamatan_and_agency_staff(
    people: dict[str, User], business: Business, who: str | None
) -> None:
    OnlineStoreFactory(business=business)
    response = as_(people, who).get(reverse("marketing:participant", args=[business.participant.pk]))
    assert response.status_code == PARTICIPANT_PAGE.get(who, 403)


def test_any_mentor_of_the_kecamatan_sees_the_page_and_its_photos_but_only_the_current_one_acts(
    business: Business, mentor_gambir: User, secretariat_gambir: User
) -> None:
    """One rule for the page and its photos (permissions.can_view_marketing): the office staff of the business's
    kecamatan and agency staff; checking stays with its current mentor."""
    Listing.objects.filter(business=business).update(published=False)
    photo = ProductPhotoFactory(product=ProductFactory(business=business))
    store = OnlineStoreFactory(business=business)
    another_tebet_mentor = MentorFactory(office=business.participant.kecamatan)
    page_url = reverse("marketing:participant", args=[business.participant.pk])
    photo_url = reverse("marketing:photo", args=[photo.public_id])
    client = client_for(another_tebet_mentor)
    page = client.get(page_url)
    assert page.status_code == 200 and photo_url in page.content.decode()
    assert reverse("marketing:store_check", args=[store.pk]) not in page.content.decode()
    assert client.get(photo_url).status_code == 200
    assert client.post(reverse("marketing:store_check", args=[store.pk])).status_code == 404
    for outsider in (mentor_gambir, secretariat_gambir):
        assert client_for(outsider).get(page_url).status_code == 404
        assert client_for(outsider).get(photo_url).status_code == 404
    assert not OnlineStore.objects.get().is_checked


def test_the_mentor_checks_a_store_from_the_participants_page(business: Business, mentor_tebet: User) -> None:
    store = OnlineStoreFactory(business=business)
    client = client_for(mentor_tebet)
    page = client.get(reverse("marketing:participant", args=[business.participant.pk])).content.decode()
    assert reverse("marketing:store_check", args=[store.pk]) in page
    client.post(reverse("marketing:store_check", args=[store.pk]))
    assert OnlineStore.objects.get().is_checked


def test_secretariat_sees_the_store_but_no_check_button(business: Business, secretariat_tebet: User) -> None:
    store = OnlineStoreFactory(business=business)
    page = client_for(secretariat_tebet).get(reverse("marketing:participant", args=[business.participant.pk]))
    assert reverse("marketing:store_check", args=[store.pk]) not in page.content.decode()


# --- the listing ----------------------------------------------------------------------------------------------


def test_the_listing_page_says_plainly_what_is_public(business: Business, entrepreneur: User) -> None:
    page = client_for(entrepreneur).get(reverse("marketing:listing_edit")).content.decode()
    assert "Only what you type on your listing is public" in page
    assert "your products graded A or B" in page and "the online stores your mentor checked" in page


def test_a_business_publishes_its_listing(business: Business, entrepreneur: User) -> None:
    data = {
        "public_name": "Dapur Siti Baru",
        "description": "Kue basah.",
        "public_phone": "0812-3456-7890",
        "public_email": "",
        "eorder_url": "",
        "published": "on",
    }
    response = client_for(entrepreneur).post(reverse("marketing:listing_edit"), data, follow=True)
    assert "shown in the public catalogue" in response.content.decode()
    listing = Listing.objects.get(business=business)
    assert (listing.public_name, listing.public_phone, listing.published) == (
        "Dapur Siti Baru",
        "+6281234567890",
        True,
    )


def test_a_bad_listing_is_shown_again_with_what_was_typed(business: Business, entrepreneur: User) -> None:
    data = {
        "public_name": "Dapur Siti Baru",
        "description": "Kue basah enak.",
        "public_phone": "12",
        "eorder_url": "http://eorder.example/x",
    }
    response = client_for(entrepreneur).post(reverse("marketing:listing_edit"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "must start with https://" in page and "not a valid Indonesian mobile number" in page
    assert "Kue basah enak." in page and "Dapur Siti Baru" in page
    assert Listing.objects.get(business=business).public_name == "Dapur Siti"


# --- products and photos --------------------------------------------------------------------------------------


def test_a_business_adds_a_product_with_a_price_typed_the_indonesian_way(
    business: Business, entrepreneur: User
) -> None:
    data = {"name": "Kue Lapis", "category": "food", "price": "Rp 25.000", "description": ""}
    response = client_for(entrepreneur).post(reverse("marketing:product_new"), data)
    product = Product.objects.get()
    assert response.url == reverse("marketing:product_photos", args=[product.pk])  # type: ignore[attr-defined]
    assert (product.price, product.business) == (25_000, business)


@pytest.mark.parametrize(("price", "message"), [("0", "more than Rp 0"), ("abc", ""), ("", "")])
def test_a_bad_price_is_refused_and_nothing_is_lost(
    business: Business, entrepreneur: User, price: str, message: str
) -> None:
    data = {"name": "Kue Lapis Legit", "category": "food", "price": price, "description": "Lapis 20 cm."}
    response = client_for(entrepreneur).post(reverse("marketing:product_new"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert response.context["form"].errors["price"]
    assert message in page and "Kue Lapis Legit" in page and "Lapis 20 cm." in page
    assert not Product.objects.exists()


def test_a_business_changes_its_product(business: Business, entrepreneur: User) -> None:
    product = ProductFactory(business=business)
    data = {"name": "Keripik Pedas", "category": "food", "price": "30 ribu", "description": ""}
    client_for(entrepreneur).post(reverse("marketing:product_edit", args=[product.pk]), data)
    product.refresh_from_db()
    assert (product.name, product.price) == ("Keripik Pedas", 30_000)


def test_a_business_deletes_its_product(business: Business, entrepreneur: User) -> None:
    product = ProductFactory(business=business)
    client_for(entrepreneur).post(reverse("marketing:product_delete", args=[product.pk]))
    assert not Product.objects.exists()


def test_a_product_in_curation_is_not_deleted_and_the_business_is_told_why(
    business: Business, entrepreneur: User
) -> None:
    product = ProductFactory(business=business)
    SubmissionFactory(product=product)
    response = client_for(entrepreneur).post(reverse("marketing:product_delete", args=[product.pk]), follow=True)
    assert "withdraw its submission" in response.content.decode()
    assert Product.objects.exists()


def test_the_pages_of_a_product_being_curated_say_so_and_offer_to_withdraw(
    business: Business, call: ProductCall, entrepreneur: User
) -> None:
    product = ProductFactory(business=business, name="Asli")
    photo = ProductPhotoFactory(product=product)
    submission = SubmissionFactory(product=product, call=call, status=SubmissionStatus.CHECKED)
    client = client_for(entrepreneur)
    withdraw = reverse("marketing:submission_withdraw", args=[submission.pk])
    for name in ("marketing:product_edit", "marketing:product_photos"):
        page = client.get(reverse(name, args=[product.pk])).content.decode()
        assert 'id="in-curation"' in page and "withdraw its submission" in page and withdraw in page, name
        assert 'id="product-delete"' not in page and 'id="photo-form"' not in page, name
        assert reverse("marketing:photo_delete", args=[product.pk, photo.pk]) not in page, name
    data = {"name": "Diganti", "category": "food", "price": "1000", "description": ""}
    response = client.post(reverse("marketing:product_edit", args=[product.pk]), data)
    assert response.status_code == 400 and "withdraw its submission" in response.content.decode()
    assert Product.objects.get().name == "Asli"
    client.post(withdraw)
    page = client.get(reverse("marketing:product_edit", args=[product.pk])).content.decode()
    assert 'id="in-curation"' not in page and 'id="product-delete"' in page


def test_a_graded_products_pages_say_what_takes_the_grade_away(business: Business, entrepreneur: User) -> None:
    product = graded_product("A", business)
    client = client_for(entrepreneur)
    for name in ("marketing:product_edit", "marketing:product_photos"):
        page = client.get(reverse(name, args=[product.pk])).content.decode()
        assert "takes the grade away" in page and "A new price keeps the grade" in page, name
    page = client.get(reverse("marketing:product_edit", args=[product.pk])).content.decode()
    assert 'id="product-delete"' not in page and "unpublish your listing" in page
    data = {"name": "Nama Baru", "category": product.category, "price": "25.000", "description": ""}
    response = client.post(reverse("marketing:product_edit", args=[product.pk]), data, follow=True)
    assert "Its grade was taken away" in response.content.decode()
    assert Product.objects.get().grade == ""


def test_a_new_photo_of_a_graded_product_is_said_to_take_its_grade_away(
    business: Business, entrepreneur: User
) -> None:
    product = graded_product("B", business)
    upload = SimpleUploadedFile("kue.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client_for(entrepreneur).post(
        reverse("marketing:product_photos", args=[product.pk]), {"image": upload}, follow=True
    )
    assert "Its grade was taken away" in response.content.decode()
    assert Product.objects.get().grade == ""


def test_a_photo_uploaded_on_the_page_is_stored_clean(business: Business, entrepreneur: User) -> None:
    product = ProductFactory(business=business)
    upload = SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client_for(entrepreneur).post(
        reverse("marketing:product_photos", args=[product.pk]), {"image": upload}, follow=True
    )
    assert "without its camera data" in response.content.decode()
    photo = ProductPhoto.objects.get()
    with photo.image.open("rb") as stored, Image.open(io.BytesIO(stored.read())) as image:
        assert not image.getexif()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("kue.jpg", pdf_bytes(), content_type="image/jpeg"), "Only JPEG or PNG photos"),
        (SimpleUploadedFile("kue.png", b"GIF89a" + b"\0" * 50, content_type="image/png"), "Only JPEG or PNG photos"),
    ],
)
def test_a_file_that_is_not_a_photo_is_refused(
    business: Business, entrepreneur: User, upload: SimpleUploadedFile, message: str
) -> None:
    product = ProductFactory(business=business)
    response = client_for(entrepreneur).post(reverse("marketing:product_photos", args=[product.pk]), {"image": upload})
    assert response.status_code == 400 and message in response.content.decode()
    assert not ProductPhoto.objects.exists()


def test_a_too_large_photo_is_refused_on_the_page(business: Business, entrepreneur: User, settings: object) -> None:
    settings.DOCUMENT_MAX_BYTES = 500  # type: ignore[attr-defined]
    product = ProductFactory(business=business)
    upload = SimpleUploadedFile("big.jpg", jpeg_with_gps((300, 300)) + b"\0" * 600, content_type="image/jpeg")
    response = client_for(entrepreneur).post(reverse("marketing:product_photos", args=[product.pk]), {"image": upload})
    assert response.status_code == 400 and "the most we take is" in response.content.decode()


def test_a_full_product_offers_no_upload(business: Business, entrepreneur: User) -> None:
    product = ProductFactory(business=business)
    ProductPhotoFactory.create_batch(5, product=product)
    response = client_for(entrepreneur).get(reverse("marketing:product_photos", args=[product.pk]))
    assert response.context["full"] and b'id="photo-form"' not in response.content


def test_photos_are_moved_and_deleted_on_the_page(business: Business, entrepreneur: User) -> None:
    product = ProductFactory(business=business)
    first, second = ProductPhotoFactory(product=product, position=0), ProductPhotoFactory(product=product, position=1)
    client = client_for(entrepreneur)
    client.post(reverse("marketing:photo_move", args=[product.pk, first.pk]), {"direction": "down"})
    assert list(product.photos.values_list("pk", flat=True)) == [second.pk, first.pk]
    client.post(reverse("marketing:photo_move", args=[product.pk, first.pk]), {"direction": "down"})  # last: stays
    assert list(product.photos.values_list("pk", flat=True)) == [second.pk, first.pk]
    client.post(reverse("marketing:photo_delete", args=[product.pk, second.pk]))
    assert list(product.photos.values_list("pk", "position")) == [(first.pk, 0)]


def test_a_photo_of_another_product_is_not_moved_through_this_one(business: Business, entrepreneur: User) -> None:
    product, other = ProductFactory(business=business), ProductFactory(business=business)
    photo = ProductPhotoFactory(product=other)
    client = client_for(entrepreneur)
    assert (
        client.post(reverse("marketing:photo_move", args=[product.pk, photo.pk]), {"direction": "up"}).status_code
        == 404
    )
    assert client.post(reverse("marketing:photo_delete", args=[product.pk, photo.pk])).status_code == 404


# --- online stores --------------------------------------------------------------------------------------------


def test_a_business_links_a_store(business: Business, entrepreneur: User) -> None:
    response = client_for(entrepreneur).post(
        reverse("marketing:store_new"),
        {"platform": "tokopedia", "url": "https://www.tokopedia.com/dapursiti"},
        follow=True,
    )
    assert "Your mentor will check it" in response.content.decode()
    assert OnlineStore.objects.get().business == business


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://shopee.co.id/dapursiti", "A Tokopedia store link is on tokopedia.com"),
        ("http://tokopedia.com/dapursiti", "must start with https://"),
        ("tokopedia dapursiti", "Enter a full web address"),
    ],
)
def test_a_bad_store_link_is_shown_again_with_its_error(
    business: Business, entrepreneur: User, url: str, message: str
) -> None:
    response = client_for(entrepreneur).post(reverse("marketing:store_new"), {"platform": "tokopedia", "url": url})
    page = response.content.decode()
    assert response.status_code == 400 and message in page
    assert url.split("//")[-1] in page
    assert not OnlineStore.objects.exists()


def test_a_business_removes_its_store_but_not_a_peers(
    business: Business, peer_business: Business, entrepreneur: User
) -> None:
    own, peers = OnlineStoreFactory(business=business), OnlineStoreFactory(business=peer_business)
    client = client_for(entrepreneur)
    assert client.post(reverse("marketing:store_delete", args=[peers.pk])).status_code == 404
    client.post(reverse("marketing:store_delete", args=[own.pk]))
    assert list(OnlineStore.objects.all()) == [peers]


# --- the home page shows it all, in a fixed number of queries -------------------------------------------------


def test_the_marketing_home_shows_listing_products_stores_and_submissions(
    business: Business, entrepreneur: User
) -> None:
    product = graded_product("A", business)
    ProductPhotoFactory(product=product)
    OnlineStoreFactory(business=business, url="https://shopee.co.id/dapursiti")
    page = client_for(entrepreneur).get(reverse("marketing:mine")).content.decode()
    assert "Dapur Siti" in page and product.name in page and "Grade A" in page
    assert "https://shopee.co.id/dapursiti" in page and "Waiting for your mentor" in page
    assert reverse("marketing:photo", args=[product.photos.get().public_id]) in page
    assert "Only what you type on your listing is public" in page


def rows(business: Business, n: int) -> None:
    for i in range(n):
        product = ProductFactory(business=business)
        ProductPhotoFactory(product=product)
        OnlineStoreFactory(business=business, url=f"https://shopee.co.id/toko-{i}")
        SubmissionFactory(product=product)


# session, user; business (with participant, registration, listing), products, photos, stores, submissions, open calls
MINE_QUERIES = 8


def test_the_marketing_home_runs_a_fixed_number_of_queries(
    business: Business, entrepreneur: User, django_assert_num_queries: object
) -> None:
    rows(business, 30)
    client = client_for(entrepreneur)
    with django_assert_num_queries(MINE_QUERIES):  # type: ignore[operator]
        response = client.get(reverse("marketing:mine"))
    assert len(response.context["products"]) == 30 and len(response.context["submissions"]) == 30


def test_the_participants_marketing_page_runs_a_fixed_number_of_queries(
    business: Business, mentor_tebet: User, django_assert_num_queries: object
) -> None:
    rows(business, 30)
    client = client_for(mentor_tebet)
    # session, user; participant (with business, listing), mentor assignment; products, photos, stores, submissions
    with django_assert_num_queries(8):  # type: ignore[operator]
        response = client.get(reverse("marketing:participant", args=[business.participant.pk]))
    assert len(response.context["stores"]) == 30


def test_a_listing_can_be_written_from_scratch(entrepreneur: User, business: Business) -> None:
    Listing.objects.all().delete()
    response = client_for(entrepreneur).get(reverse("marketing:listing_edit"))
    assert response.context["form"].initial["public_name"] == business.name
