"""P5 on the participant's journey, in SQL (`done_filter`) and as the status on their home page; the link on
the participant's page, the card on their mentoring page, and what marketing offers in the navigation and on the
staff home page."""

from dataclasses import replace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from core import navigation
from marketing.choices import SubmissionStatus
from marketing.journey import MarketingStep
from marketing.models import BoothAllocation, Product, ProductCall
from marketing.services import products as services
from marketing.services.products import ProductData
from marketing.tests.conftest import client_for
from marketing.tests.factories import OnlineStoreFactory, ProductFactory, SubmissionFactory, graded_product
from marketing.tests.spaces_support import ApplicationFactory, BoothFactory, allocate
from registration import journey
from registration.journey import State
from registration.models import Business, Participant
from registration.tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def done() -> set[int]:
    return set(Participant.objects.filter(journey.done_filter("P5")).values_list("pk", flat=True))


def status(user: User) -> journey.StepStatus:
    return MarketingStep().status(user)


def booth_for(business: Business) -> BoothAllocation:
    application = ApplicationFactory(business=business)
    return allocate(application, BoothFactory(space=application.space))


# --- done_filter ----------------------------------------------------------------------------------------------


def test_the_done_filter_asks_nothing_itself(django_assert_num_queries: object) -> None:
    with django_assert_num_queries(0):  # type: ignore[operator]
        MarketingStep().done_filter()


def test_p5_is_done_with_a_graded_product_a_checked_store_or_a_booth(
    business: Business, peer_business: Business, mentor_tebet: User
) -> None:
    graded = graded_product("C")
    store = OnlineStoreFactory(business=business, checked_by=mentor_tebet, checked_at=timezone.now())
    booth = booth_for(peer_business)
    assert done() == {graded.business.participant_id, store.business.participant_id, booth.business.participant_id}


def test_p5_is_not_done_with_an_ungraded_product_an_unchecked_store_or_a_cancelled_booth(
    business: Business, peer_business: Business, call: ProductCall
) -> None:
    SubmissionFactory(product=ProductFactory(business=business), call=call, status=SubmissionStatus.VALIDATED)
    OnlineStoreFactory(business=business)
    BoothAllocation.objects.filter(pk=booth_for(peer_business).pk).update(cancelled_at=timezone.now())
    assert done() == set()


def test_p5_stays_done_when_a_change_takes_the_products_grade_away(business: Business) -> None:
    """The curation record counts: a graded product changed since (its current grade gone) keeps P5 done."""
    product = graded_product("A", business)
    services.product_update(
        product=product, data=replace(ProductData.of(product), name="Nama Baru"), acting_user=business.participant.user
    )
    assert Product.objects.get(pk=product.pk).grade == ""
    assert done() == {business.participant_id}
    found = status(business.participant.user)
    assert found.state == State.DONE and "1 product graded" in str(found.summary)


def test_p5_done_counts_each_participant_once(business: Business, mentor_tebet: User) -> None:
    graded_product("A", business)
    graded_product("B", business)
    OnlineStoreFactory(business=business, checked_by=mentor_tebet, checked_at=timezone.now())
    assert list(Participant.objects.filter(journey.done_filter("P5"))) == [business.participant]


# --- the status on the home page ------------------------------------------------------------------------------


def test_before_verification_marketing_waits(entrepreneur: User) -> None:
    BusinessFactory(participant__user=entrepreneur)
    assert status(entrepreneur).state == State.NOT_STARTED
    assert "once your registration is verified" in str(status(entrepreneur).summary)


def test_someone_not_registered_has_not_started(db: None, other_entrepreneur: User) -> None:
    assert status(other_entrepreneur).state == State.NOT_STARTED


def test_a_business_without_products_is_asked_to_list_them(business: Business, entrepreneur: User) -> None:
    found = status(entrepreneur)
    assert (found.state, found.url) == (State.NOT_STARTED, reverse("marketing:product_new"))


def test_a_business_with_products_is_asked_to_submit_one(business: Business, entrepreneur: User) -> None:
    ProductFactory(business=business)
    found = status(entrepreneur)
    assert (found.state, found.url) == (State.IN_PROGRESS, reverse("marketing:calls"))


def test_a_product_in_curation_is_in_progress(business: Business, call: ProductCall, entrepreneur: User) -> None:
    SubmissionFactory(product=ProductFactory(business=business), call=call, status=SubmissionStatus.CHECKED)
    found = status(entrepreneur)
    assert found.state == State.IN_PROGRESS and "being curated" in str(found.summary)


def test_a_returned_submission_needs_action(business: Business, call: ProductCall, entrepreneur: User) -> None:
    SubmissionFactory(
        product=ProductFactory(business=business), call=call, status=SubmissionStatus.RETURNED, returned_reason="x"
    )
    found = status(entrepreneur)
    assert (found.state, found.url) == (State.ACTION_NEEDED, reverse("marketing:mine"))


def test_a_graded_product_makes_p5_done_with_the_next_step_a_selling_space(
    business: Business, entrepreneur: User
) -> None:
    graded_product("A", business)
    with translation.override("en"):
        found = status(entrepreneur)
        assert (found.state, found.url) == (State.DONE, reverse("marketing:spaces"))
        assert "1 product graded" in str(found.summary)


def test_a_checked_store_or_a_booth_makes_p5_done(business: Business, entrepreneur: User, mentor_tebet: User) -> None:
    OnlineStoreFactory(business=business, checked_by=mentor_tebet, checked_at=timezone.now())
    booth_for(business)
    with translation.override("en"):
        found = status(entrepreneur)
        assert found.state == State.DONE
        assert "1 online store checked" in str(found.summary) and "a booth" in str(found.summary)


def test_the_status_is_one_query_whatever_the_rows(
    business: Business, call: ProductCall, entrepreneur: User, mentor_tebet: User, django_assert_num_queries: object
) -> None:
    for _ in range(30):
        SubmissionFactory(product=ProductFactory(business=business), call=call)
        OnlineStoreFactory(business=business, checked_by=mentor_tebet, checked_at=timezone.now())
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert status(entrepreneur).state == State.DONE


def test_the_home_page_shows_p5(business: Business, entrepreneur: User) -> None:
    page = client_for(entrepreneur).get(reverse("home")).content.decode()
    assert "List your products" in page and reverse("marketing:product_new") in page


# --- the participant link and the mentoring section -----------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "shown"),
    [("mentor_tebet", True), ("secretariat_tebet", True), ("agency_staff", True), ("mentor_gambir", False)],
)
def test_the_participant_page_links_to_their_marketing(
    business: Business, request: pytest.FixtureRequest, who: str, shown: bool
) -> None:
    user = request.getfixturevalue(who)
    response = client_for(user).get(reverse("registration:participant", args=[business.participant.pk]))
    if response.status_code == 404:
        assert not shown
        return
    assert (reverse("marketing:participant", args=[business.participant.pk]) in response.content.decode()) == shown


def test_the_mentoring_page_shows_products_grades_and_stores(business: Business, mentor_tebet: User) -> None:
    graded_product("A", business)
    ProductFactory(business=business)
    OnlineStoreFactory(business=business, checked_by=mentor_tebet, checked_at=timezone.now())
    OnlineStoreFactory(business=business)
    response = client_for(mentor_tebet).get(reverse("mentoring:participant", args=[business.participant.pk]))
    page = response.content.decode()
    assert 'id="marketing-section"' in page
    assert "2 products" in page and "1 graded" in page and "best A" in page
    assert "2 online stores" in page and "1 checked" in page and "Listing published" in page
    assert reverse("marketing:participant", args=[business.participant.pk]) in page


# --- navigation and the staff home ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "links"),
    [
        ("entrepreneur", {"marketing:mine"}),
        ("mentor_tebet", {"marketing:check_queue"}),
        ("secretariat_tebet", {"marketing:validation_queue"}),
        ("agency_staff", {"marketing:validation_queue", "marketing:grading_queue", "marketing:staff_calls"}),
        ("partner_user", {"marketing:grading_queue"}),
    ],
)
def test_each_role_gets_its_marketing_links(request: pytest.FixtureRequest, who: str, links: set[str]) -> None:
    user = request.getfixturevalue(who)
    mine = {
        "marketing:mine",
        "marketing:check_queue",
        "marketing:validation_queue",
        "marketing:grading_queue",
        "marketing:staff_calls",
    }
    assert {link.url_name for link in navigation.links_for(user)} & mine == links


def test_the_staff_home_shows_what_waits_in_each_queue(
    business: Business, call: ProductCall, mentor_tebet: User, secretariat_tebet: User, curator: User
) -> None:
    SubmissionFactory(product=ProductFactory(business=business), call=call)
    for status_ in (SubmissionStatus.CHECKED, SubmissionStatus.CHECKED):
        SubmissionFactory(product=ProductFactory(business=business), call=call, status=status_)
    SubmissionFactory(product=ProductFactory(business=business), call=call, status=SubmissionStatus.VALIDATED)
    OnlineStoreFactory(business=business)

    def panel(user: User) -> str:
        html = client_for(user).get(reverse("home")).content.decode()
        start = html.index('id="curation-panel"')
        return html[start : html.index("</div></div></div>", start)]

    assert "1 product waits for your check" in panel(mentor_tebet) and "1 online store to check" in panel(mentor_tebet)
    assert "2 products wait for validation" in panel(secretariat_tebet)
    curator_panel = panel(curator)
    assert "1 product waits for your grade" in curator_panel and reverse("marketing:staff_calls") in curator_panel


def test_the_staff_home_panel_runs_a_fixed_number_of_queries(
    business: Business, call: ProductCall, curator: User, django_assert_num_queries: object
) -> None:
    from marketing.navigation import curation_panel

    for _ in range(30):
        SubmissionFactory(product=ProductFactory(business=business), call=call, status=SubmissionStatus.VALIDATED)
    with django_assert_num_queries(1):  # type: ignore[operator]  # validation and grading counts (agency curator)
        assert curation_panel(curator) == {"counts": {"validate": 0, "grade": 30}, "runs_calls": True}


def test_a_mentors_panel_counts_submissions_and_stores_in_two_queries(
    business: Business, call: ProductCall, mentor_tebet: User, django_assert_num_queries: object
) -> None:
    from marketing.navigation import curation_panel

    for _ in range(30):
        SubmissionFactory(product=ProductFactory(business=business), call=call)
        OnlineStoreFactory(business=business)
    with django_assert_num_queries(2):  # type: ignore[operator]
        assert curation_panel(mentor_tebet) == {"counts": {"check": 30, "stores": 30}, "runs_calls": False}


def test_an_entrepreneur_sees_no_curation_panel(client: Client, entrepreneur: User) -> None:
    from marketing.navigation import sees_curation

    assert not sees_curation(entrepreneur)
