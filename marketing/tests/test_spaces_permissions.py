"""Who may open and post what on the selling spaces' pages, role by role and object by object: the business, a
peer business, an ungraded business, a grade-C business (the space takes A and B), the business's mentor, a
secretariat, agency staff, a partner user and anonymous. A role that may never act gets 403; another business's
application answers 404; a business that may not apply yet is told why."""

import pytest
from django.urls import reverse

from accounts.models import User
from marketing.choices import ApplicationStatus
from marketing.models import BoothAllocation, SellingSpace, SpaceApplication
from marketing.tests.conftest import client_for
from marketing.tests.spaces_support import (
    ROLES,
    ApplicationFactory,
    BoothFactory,
    Cast,
    SpaceFactory,
    allocate,
    cast,
    day,
)
from registration.models import Business

pytestmark = pytest.mark.django_db

STAFF = {"agency"}
ENTREPRENEURS = {"business", "peer", "ungraded", "grade_c"}
MAY_APPLY = {"business", "peer"}  # graded A; the space takes A and B


@pytest.fixture
def people(
    business: Business,
    peer_business: Business,
    mentor_tebet: User,
    secretariat_tebet: User,
    agency_staff: User,
    partner_user: User,
) -> Cast:
    return cast(
        business, peer_business, mentor=mentor_tebet, secretariat=secretariat_tebet, agency=agency_staff,
        partner=partner_user,
    )  # fmt: skip


@pytest.fixture
def space(people: Cast) -> SellingSpace:
    return SpaceFactory(name="Bazar Kota Tua", accepts_grades=["A", "B"], created_by=people.agency)


@pytest.fixture
def application(people: Cast, space: SellingSpace) -> SpaceApplication:
    """Siti's application, waiting."""
    return ApplicationFactory(space=space, business=people.business)


def status_of(people: Cast, who: str, method: str, url: str, data: dict[str, str] | None = None) -> int:
    client = client_for(people.user(who))
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    if response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")):
        return 401  # sent to log in
    return response.status_code


def expect(who: str, *, allowed: set[str], allowed_status: int = 200, others: int = 403) -> int:
    if who == "anonymous":
        return 401
    return allowed_status if who in allowed else others


@pytest.mark.parametrize("who", ROLES)
def test_the_coverage_page_is_public(people: Cast, space: SellingSpace, who: str) -> None:
    assert status_of(people, who, "get", reverse("marketing:coverage")) == 200


@pytest.mark.parametrize("who", ROLES)
def test_every_logged_in_user_browses_the_spaces(people: Cast, space: SellingSpace, who: str) -> None:
    everyone = set(ROLES) - {"anonymous"}
    assert status_of(people, who, "get", reverse("marketing:spaces")) == expect(who, allowed=everyone)
    assert status_of(people, who, "get", reverse("marketing:space", args=[space.pk])) == expect(who, allowed=everyone)
    assert status_of(people, who, "get", reverse("marketing:space", args=[space.pk + 999])) == expect(
        who, allowed=everyone, allowed_status=404
    )


@pytest.mark.parametrize("who", ROLES)
def test_only_a_business_graded_as_the_space_accepts_opens_the_application_form(
    people: Cast, space: SellingSpace, who: str
) -> None:
    """Ungraded and grade-C businesses are sent back to the space's page, which says why; other roles: 403."""
    url = reverse("marketing:space_apply", args=[space.pk])
    if who in ENTREPRENEURS - MAY_APPLY:
        response = client_for(people.user(who)).get(url, follow=True)
        assert response.redirect_chain == [(reverse("marketing:space", args=[space.pk]), 302)]
        assert "graded A/B" in response.content.decode()
        assert response.context["decision"].code == "not_graded"
        return
    assert status_of(people, who, "get", url) == expect(who, allowed=MAY_APPLY)


@pytest.mark.parametrize("who", ROLES)
def test_only_a_graded_business_applies(people: Cast, space: SellingSpace, who: str) -> None:
    url = reverse("marketing:space_apply", args=[space.pk])
    data = {"starts_on": day(2).isoformat(), "ends_on": day(3).isoformat(), "note": ""}
    status = status_of(people, who, "post", url, data)
    if who in MAY_APPLY:
        assert status == 302
        assert SpaceApplication.objects.get().business.participant.user == people.user(who)
        return
    # the ungraded and grade-C are refused on the form (400), nothing saved; others never act (403)
    assert status == expect(who, allowed=ENTREPRENEURS - MAY_APPLY, allowed_status=400)
    assert not SpaceApplication.objects.exists()


@pytest.mark.parametrize("who", ROLES)
def test_my_applications_are_the_businesss_own(people: Cast, application: SpaceApplication, who: str) -> None:
    url = reverse("marketing:space_applications_mine")
    assert status_of(people, who, "get", url) == expect(who, allowed=ENTREPRENEURS)
    if who in ENTREPRENEURS:
        rows = client_for(people.user(who)).get(url).context["rows"]
        assert [row["application"].pk for row in rows] == ([application.pk] if who == "business" else [])


@pytest.mark.parametrize("who", ROLES)
def test_only_the_business_withdraws_its_application(people: Cast, application: SpaceApplication, who: str) -> None:
    url = reverse("marketing:space_application_withdraw", args=[application.pk])
    assert status_of(people, who, "post", url) == expect(
        who, allowed={"business"}, allowed_status=302, others=404 if who in ENTREPRENEURS else 403
    )
    application.refresh_from_db()
    withdrawn = application.status == ApplicationStatus.WITHDRAWN
    assert withdrawn == (who == "business")


def staff_pages(space: SellingSpace, application: SpaceApplication) -> list[str]:
    booth = BoothFactory(space=space)
    return [
        reverse("marketing:spaces_staff"),
        reverse("marketing:space_create"),
        reverse("marketing:space_staff", args=[space.pk]),
        reverse("marketing:space_edit", args=[space.pk]),
        reverse("marketing:space_booths", args=[space.pk]),
        reverse("marketing:booth_edit", args=[booth.pk]),
        reverse("marketing:space_calendar", args=[space.pk]),
        reverse("marketing:space_application_accept", args=[application.pk]),
        reverse("marketing:space_application_decline", args=[application.pk]),
    ]


@pytest.mark.parametrize("who", ROLES)
def test_the_staff_pages_are_agency_staffs(
    people: Cast, space: SellingSpace, application: SpaceApplication, who: str
) -> None:
    for url in staff_pages(space, application):
        assert status_of(people, who, "get", url) == expect(who, allowed=STAFF), url


@pytest.mark.parametrize("who", ROLES)
def test_only_agency_staff_change_spaces_booths_and_decisions(
    people: Cast, space: SellingSpace, application: SpaceApplication, who: str
) -> None:
    booth, spare, doomed = BoothFactory(space=space), BoothFactory(space=space), BoothFactory(space=space)
    given = allocate(ApplicationFactory(space=space, business=people.peer), booth)
    posts = [
        (reverse("marketing:space_create"), {}),
        (reverse("marketing:space_edit", args=[space.pk]), {}),
        (reverse("marketing:space_booths", args=[space.pk]), {"code": "X1"}),
        (reverse("marketing:booth_edit", args=[spare.pk]), {"code": "X2"}),
        (reverse("marketing:booth_delete", args=[doomed.pk]), {}),
        (reverse("marketing:space_application_accept", args=[application.pk]), {"booth": str(spare.pk)}),
        (reverse("marketing:space_application_decline", args=[application.pk]), {"reason": "Penuh"}),
        (reverse("marketing:booth_allocation_cancel", args=[given.pk]), {}),
    ]
    for url, data in posts:
        status = status_of(people, who, "post", url, data)
        if who in STAFF:
            assert status in (302, 400), url  # saved, or a bad form shown again
        else:
            assert status == expect(who, allowed=STAFF), url
    given.refresh_from_db()
    application.refresh_from_db()
    live = list(BoothAllocation.objects.filter(cancelled_at__isnull=True).values_list("booth", "application"))
    if who in STAFF:
        assert given.cancelled_at is not None and application.status == ApplicationStatus.ACCEPTED
        assert live == [(spare.pk, application.pk)]
        assert not space.booths.filter(pk=doomed.pk).exists()
        assert space.booths.filter(code="X1").exists() and space.booths.filter(code="X2").exists()
    else:
        assert given.cancelled_at is None and application.status == ApplicationStatus.APPLIED
        assert live == [(booth.pk, given.application_id)]
        assert space.booths.count() == 3
