"""The selling spaces' pages end to end: a business applies and follows its application, staff run a space and its
booths and decide; bad input is shown on the form with what was typed (nothing lost); the coverage by wilayah
shows the gaps; every action says what it did; changes through the pages are recorded as web changes."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from core import audit
from marketing.choices import ApplicationStatus, SpaceKind
from marketing.models import Booth, BoothAllocation, SellingSpace, SpaceApplication
from marketing.services.spaces import Days
from marketing.tests.conftest import client_for
from marketing.tests.factories import graded_product, verified_business
from marketing.tests.spaces_support import (
    ApplicationFactory,
    BoothFactory,
    SpaceFactory,
    allocate,
    day,
    wilayah,
)
from notifications.models import Message
from registration.models import Business

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(business: Business) -> Business:
    graded_product("A", business)
    return business


@pytest.fixture
def space(agency_staff: User) -> SellingSpace:
    return SpaceFactory(name="Bazar Kota Tua", created_by=agency_staff)


@pytest.fixture
def siti(graded: Business) -> Client:
    return client_for(graded.participant.user)


@pytest.fixture
def staff(agency_staff: User) -> Client:
    return client_for(agency_staff)


def shown(response: object) -> list[str]:
    return [str(m) for m in response.context["messages"]]  # type: ignore[attr-defined]


def iso(offset: int) -> str:
    return day(offset).isoformat()


# --- a business -------------------------------------------------------------------------------------------------


def test_the_list_shows_spaces_open_now_or_coming_with_the_apply_button(siti: Client, space: SellingSpace) -> None:
    coming = SpaceFactory(name="Bazar Ramadan", opens_on=day(20), closes_on=day(25))
    SpaceFactory(name="Bazar Lalu", opens_on=day(-20), closes_on=day(-1))
    thamrin = SpaceFactory(name="Thamrin 10", kind=SpaceKind.PERMANENT, opens_on=day(-500), closes_on=None)
    response = siti.get(reverse("marketing:spaces"))
    assert [row["space"] for row in response.context["rows"]] == [thamrin, space, coming]
    page = response.content.decode()
    assert reverse("marketing:space_apply", args=[space.pk]) in page
    assert "Your best curation grade: A." in page


def test_a_business_applies_and_sees_its_application(siti: Client, graded: Business, space: SellingSpace) -> None:
    assert siti.get(reverse("marketing:space_apply", args=[space.pk])).status_code == 200
    response = siti.post(
        reverse("marketing:space_apply", args=[space.pk]),
        {"starts_on": iso(2), "ends_on": iso(3), "note": "Keripik tempe"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("marketing:space_applications_mine")
    assert shown(response) == ["Application sent. The organisers will tell you their decision."]
    application = SpaceApplication.objects.get()
    assert (application.business, application.starts_on, application.ends_on, application.note) == (
        graded,
        day(2),
        day(3),
        "Keripik tempe",
    )
    assert 'data-status="applied"' in response.content.decode()
    # the list now shows the status instead of the button
    page = siti.get(reverse("marketing:spaces")).content.decode()
    assert 'data-status="applied"' in page
    assert reverse("marketing:space_apply", args=[space.pk]) not in page


@pytest.mark.parametrize(
    ("first", "last", "field", "error"),
    [
        (3, 2, "ends_on", "The end date must not be before the start date."),
        (-2, 2, "starts_on", "Choose days from today on."),
        (29, 35, "starts_on", "Choose days within the dates of this space:"),
    ],
)
def test_bad_days_are_shown_on_the_form_with_what_was_typed(
    siti: Client, space: SellingSpace, first: int, last: int, field: str, error: str
) -> None:
    response = siti.post(
        reverse("marketing:space_apply", args=[space.pk]),
        {"starts_on": iso(first), "ends_on": iso(last), "note": "Catatan saya"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert any(e.startswith(error) for e in form.errors[field]), form.errors
    page = response.content.decode()
    assert f'value="{iso(first)}"' in page and f'value="{iso(last)}"' in page and "Catatan saya" in page
    assert not SpaceApplication.objects.exists()


def test_a_day_in_year_9999_is_an_error_on_its_field_and_nothing_is_stored(siti: Client) -> None:
    permanent = SpaceFactory(kind=SpaceKind.PERMANENT, closes_on=None)
    response = siti.post(
        reverse("marketing:space_apply", args=[permanent.pk]),
        {"starts_on": "9999-12-31", "ends_on": "9999-12-31", "note": "Catatan saya"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["starts_on"] == ["Choose a date between 2018 and 2100."]
    assert 'value="9999-12-31"' in response.content.decode() and "Catatan saya" in response.content.decode()
    assert not SpaceApplication.objects.exists()
    assert siti.get(reverse("marketing:space_applications_mine")).status_code == 200


def test_a_date_that_is_not_a_date_is_an_error_on_its_field(siti: Client, space: SellingSpace) -> None:
    response = siti.post(
        reverse("marketing:space_apply", args=[space.pk]), {"starts_on": "31-02-2025", "ends_on": "", "note": ""}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"starts_on", "ends_on"}


def test_applying_twice_is_refused_on_the_form(siti: Client, graded: Business, space: SellingSpace) -> None:
    ApplicationFactory(space=space, business=graded)
    response = siti.post(
        reverse("marketing:space_apply", args=[space.pk]), {"starts_on": iso(5), "ends_on": iso(6), "note": ""}
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["This business has applied to this space already."]


def test_the_space_page_tells_a_business_not_graded_why(client: Client, space: SellingSpace) -> None:
    ungraded = verified_business("Cilandak")  # no product
    response = client_for(ungraded.participant.user).get(reverse("marketing:space", args=[space.pk]))
    page = response.content.decode()
    assert 'data-code="not_graded"' in page
    assert "Only a business with a product graded A/B may apply to this space." in page
    assert 'id="apply-link"' not in page


def test_my_applications_show_status_booth_days_and_reason(
    siti: Client, graded: Business, space: SellingSpace
) -> None:
    accepted = ApplicationFactory(space=space, business=graded, starts_on=day(2), ends_on=day(3))
    allocate(accepted, BoothFactory(space=space, code="K-07"))
    other = SpaceFactory(name="Bazar Lain")
    ApplicationFactory(
        space=other, business=graded, status=ApplicationStatus.DECLINED, decision_note="Sudah penuh, maaf."
    )
    waiting = ApplicationFactory(space=SpaceFactory(name="Bazar Ketiga"), business=graded)
    page = siti.get(reverse("marketing:space_applications_mine")).content.decode()
    assert 'data-booth="K-07"' in page and "Your booth: K-07" in page
    assert "Sudah penuh, maaf." in page
    assert reverse("marketing:space_application_withdraw", args=[waiting.pk]) in page
    assert reverse("marketing:space_application_withdraw", args=[accepted.pk]) not in page


def test_withdrawing_on_the_page(siti: Client, graded: Business, space: SellingSpace) -> None:
    application = ApplicationFactory(space=space, business=graded)
    response = siti.post(reverse("marketing:space_application_withdraw", args=[application.pk]), follow=True)
    assert shown(response) == ["Your application is withdrawn."]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    again = siti.post(reverse("marketing:space_application_withdraw", args=[application.pk]), follow=True)
    assert shown(again) == ["This application has been decided already."]


# --- staff ------------------------------------------------------------------------------------------------------


def space_form(**changes: str) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Thamrin 10",
        "kind": SpaceKind.PERMANENT,
        "wilayah": str(wilayah("Jakarta Pusat").pk),
        "venue": "Jl. M.H. Thamrin No. 10, Menteng",
        "description": "Ruang kuliner dan kreatif.",
        "opens_on": iso(-30),
        "closes_on": "",
        "accepts_grades": ["A", "B"],
        "active": "on",
    }
    data.update(changes)
    return data


def test_staff_create_a_space_then_its_booths(staff: Client) -> None:
    response = staff.post(reverse("marketing:space_create"), space_form(), follow=True)
    space = SellingSpace.objects.get()
    assert response.redirect_chain[-1][0] == reverse("marketing:space_booths", args=[space.pk])
    assert shown(response) == ["Space saved. Now add its booths."]
    assert (space.accepts_grades, space.closes_on, space.active) == (["A", "B"], None, True)
    added = staff.post(reverse("marketing:space_booths", args=[space.pk]), {"code": "T-01", "description": "Kios"})
    assert added.status_code == 302
    assert list(space.booths.values_list("code", flat=True)) == ["T-01"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": SpaceKind.BAZAAR}, "closes_on"),
        ({"closes_on": iso(-40)}, "__all__"),
        ({"accepts_grades": []}, "accepts_grades"),
        ({"opens_on": "2001-01-01"}, "opens_on"),
    ],
)
def test_a_bad_space_is_shown_again_with_what_was_typed(staff: Client, changes: dict[str, str], field: str) -> None:
    response = staff.post(reverse("marketing:space_create"), space_form(**changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors, response.context["form"].errors
    assert "Jl. M.H. Thamrin No. 10, Menteng" in response.content.decode()
    assert not SellingSpace.objects.exists()


def test_staff_change_a_space(staff: Client, space: SellingSpace) -> None:
    response = staff.post(
        reverse("marketing:space_edit", args=[space.pk]),
        space_form(name="Bazar Kota Tua Baru", kind=SpaceKind.BAZAAR, closes_on=iso(40)),
        follow=True,
    )
    assert shown(response) == ["Space saved."]
    space.refresh_from_db()
    assert (space.name, space.closes_on) == ("Bazar Kota Tua Baru", day(40))


def test_a_booth_code_taken_is_an_error_on_the_code(staff: Client, space: SellingSpace) -> None:
    BoothFactory(space=space, code="A1")
    response = staff.post(reverse("marketing:space_booths", args=[space.pk]), {"code": "A1", "description": "Dua"})
    assert response.status_code == 400
    assert response.context["form"].errors["code"] == ["This space has a booth of this code already."]
    assert "Dua" in response.content.decode()
    booth = BoothFactory(space=space, code="A2")
    edited = staff.post(reverse("marketing:booth_edit", args=[booth.pk]), {"code": "A1", "description": ""})
    assert edited.status_code == 400
    assert edited.context["form"].errors["code"] == ["This space has a booth of this code already."]


def test_a_booth_never_given_is_deleted_one_given_stays(staff: Client, space: SellingSpace) -> None:
    spare, given = BoothFactory(space=space, code="S1"), BoothFactory(space=space, code="G1")
    allocate(ApplicationFactory(space=space), given)
    page = staff.get(reverse("marketing:space_booths", args=[space.pk])).content.decode()
    assert reverse("marketing:booth_delete", args=[spare.pk]) in page
    assert reverse("marketing:booth_delete", args=[given.pk]) not in page
    assert shown(staff.post(reverse("marketing:booth_delete", args=[spare.pk]), follow=True)) == ["Booth S1 deleted."]
    refused = staff.post(reverse("marketing:booth_delete", args=[given.pk]), follow=True)
    assert shown(refused) == ["This booth has been given to businesses: it cannot be deleted."]
    assert list(Booth.objects.values_list("code", flat=True)) == ["G1"]


def test_the_accept_page_lists_the_booths_free_on_those_days_and_gives_one(
    staff: Client, graded: Business, space: SellingSpace
) -> None:
    taken, free, after = (BoothFactory(space=space, code=code) for code in ("A1", "A2", "A3"))
    allocate(ApplicationFactory(space=space, starts_on=day(3), ends_on=day(5)), taken)
    allocate(ApplicationFactory(space=space, starts_on=day(5), ends_on=day(6)), after)
    application = ApplicationFactory(space=space, business=graded, starts_on=day(2), ends_on=day(4))
    url = reverse("marketing:space_application_accept", args=[application.pk])
    form = staff.get(url).context["form"]
    assert [label for _pk, label in form.fields["booth"].choices] == [
        f"A2 · {free.description}",
        "A3 · " + after.description,
    ]
    response = staff.post(url, {"booth": str(free.pk)}, follow=True)
    assert shown(response) == [
        f"Accepted: booth A2 on {day(2):%d-%m-%Y} \N{EN DASH} {day(4):%d-%m-%Y}. The business is told."
    ]
    allocation = BoothAllocation.objects.get(application=application)
    assert allocation.booth == free
    assert Message.objects.filter(template="marketing_space_accepted", recipient=graded.participant.user).exists()


def test_a_booth_taken_meanwhile_is_refused_on_the_form(staff: Client, graded: Business, space: SellingSpace) -> None:
    booth = BoothFactory(space=space, code="A1")
    application = ApplicationFactory(space=space, business=graded, starts_on=day(2), ends_on=day(4))
    url = reverse("marketing:space_application_accept", args=[application.pk])
    assert staff.get(url).context["form"].free  # free when the page was opened
    allocate(ApplicationFactory(space=space, starts_on=day(4), ends_on=day(4)), booth)  # another tab gave it
    response = staff.post(url, {"booth": str(booth.pk)})
    assert response.status_code == 400
    assert response.context["form"].errors["booth"] == [
        "This booth is already given to another business on some of these days."
    ]
    assert 'id="no-free-booth"' in response.content.decode()  # and none is offered now
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPLIED


def test_a_booth_of_another_space_is_refused_on_the_form(staff: Client, graded: Business, space: SellingSpace) -> None:
    BoothFactory(space=space)
    application = ApplicationFactory(space=space, business=graded)
    response = staff.post(
        reverse("marketing:space_application_accept", args=[application.pk]), {"booth": str(BoothFactory().pk)}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["booth"] == ["This booth belongs to another selling space."]
    assert not BoothAllocation.objects.exists()


def test_declining_on_the_page_needs_a_reason(staff: Client, graded: Business, space: SellingSpace) -> None:
    application = ApplicationFactory(space=space, business=graded)
    url = reverse("marketing:space_application_decline", args=[application.pk])
    empty = staff.post(url, {"reason": "  "})
    assert empty.status_code == 400
    assert empty.context["form"].errors["reason"] == ["Say why the application is declined: the business reads it."]
    response = staff.post(url, {"reason": "Produk belum sesuai tema."}, follow=True)
    assert shown(response) == ["Application declined. The business is told why."]
    application.refresh_from_db()
    assert (application.status, application.decision_note) == (ApplicationStatus.DECLINED, "Produk belum sesuai tema.")
    # a decided application sends staff back to the space, saying so
    again = staff.get(url, follow=True)
    assert shown(again) == ["This application has been decided already."]


def test_the_applications_of_a_space_filter_by_status(staff: Client, space: SellingSpace) -> None:
    waiting = ApplicationFactory(space=space)
    ApplicationFactory(space=space, status=ApplicationStatus.DECLINED)
    url = reverse("marketing:space_staff", args=[space.pk])
    assert len(staff.get(url).context["rows"]) == 2
    rows = staff.get(url + "?status=applied").context["rows"]
    assert [row["application"] for row in rows] == [waiting]
    assert len(staff.get(url + "?status=nonsense").context["rows"]) == 2


def test_staff_cancel_an_allocation_on_the_page(staff: Client, space: SellingSpace) -> None:
    allocation = allocate(ApplicationFactory(space=space), BoothFactory(space=space, code="C3"))
    response = staff.post(reverse("marketing:booth_allocation_cancel", args=[allocation.pk]), follow=True)
    assert shown(response) == ["Booth C3 is free again on those days."]
    allocation.refresh_from_db()
    assert allocation.cancelled_at is not None
    again = staff.post(reverse("marketing:booth_allocation_cancel", args=[allocation.pk]), follow=True)
    assert shown(again) == ["This booth allocation is cancelled already."]


def test_the_booth_calendar_shows_who_holds_which_booth_day_by_day(staff: Client, space: SellingSpace) -> None:
    a1, a2 = BoothFactory(space=space, code="A1"), BoothFactory(space=space, code="A2")
    held = allocate(ApplicationFactory(space=space, starts_on=day(2), ends_on=day(4)), a1)
    cancelled = allocate(ApplicationFactory(space=space, starts_on=day(6), ends_on=day(6)), a2)
    BoothAllocation.objects.filter(pk=cancelled.pk).update(cancelled_at=datetime.datetime.now(tz=datetime.UTC))
    response = staff.get(reverse("marketing:space_calendar", args=[space.pk]))
    calendar = response.context["calendar"]
    assert calendar.days[0] == day(0) and len(calendar.days) == 14
    first, second = calendar.rows
    assert [(c.span, c.allocation) for c in first.cells] == [(2, None), (3, held), (9, None)]
    assert [(c.span, c.allocation) for c in second.cells] == [(14, None)]
    assert f'data-allocation="{held.pk}"' in response.content.decode()
    later = staff.get(reverse("marketing:space_calendar", args=[space.pk]) + f"?dari={iso(3)}").context["calendar"]
    assert later.days[0] == day(3)
    assert [(c.span, c.allocation) for c in later.rows[0].cells] == [(2, held), (12, None)]
    nonsense = staff.get(reverse("marketing:space_calendar", args=[space.pk]) + "?dari=kemarin").context["calendar"]
    assert nonsense.days[0] == day(0)


def test_the_calendar_of_a_space_not_open_yet_starts_at_its_opening(staff: Client) -> None:
    coming = SpaceFactory(opens_on=day(10), closes_on=day(12))
    calendar = staff.get(reverse("marketing:space_calendar", args=[coming.pk])).context["calendar"]
    assert calendar.days[0] == day(10)


# --- coverage ---------------------------------------------------------------------------------------------------


def test_coverage_lists_every_wilayah_and_shows_those_without_a_space(client: Client) -> None:
    thamrin = SpaceFactory(
        name="Thamrin 10",
        kind=SpaceKind.PERMANENT,
        wilayah=wilayah("Jakarta Pusat"),
        opens_on=day(-300),
        closes_on=None,
    )
    taken, free = BoothFactory(space=thamrin, code="T1"), BoothFactory(space=thamrin, code="T2")
    allocate(ApplicationFactory(space=thamrin, starts_on=day(3), ends_on=day(3)), taken)
    allocate(ApplicationFactory(space=thamrin, starts_on=day(9), ends_on=day(10)), free)  # not this week
    SpaceFactory(name="Bazar Utara", wilayah=wilayah("Jakarta Utara"), opens_on=day(5), closes_on=day(6))  # coming
    SpaceFactory(name="Bazar Lalu", wilayah=wilayah("Jakarta Barat"), opens_on=day(-9), closes_on=day(-2))  # over
    later = SpaceFactory(name="Pasar Kreatif", wilayah=wilayah("Jakarta Utara"), opens_on=day(20), closes_on=day(22))
    BoothFactory.create_batch(2, space=later)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("marketing:coverage"))
    regions = {r.wilayah.name: r for r in response.context["regions"]}
    assert len(regions) == 6
    assert [s.space.name for s in regions["Jakarta Pusat"].spaces] == ["Thamrin 10"]
    [pusat] = regions["Jakarta Pusat"].spaces
    assert (pusat.booths, pusat.free) == (["T1", "T2"], ["T2"])
    assert {w.name for w in response.context["without"]} == {
        "Kepulauan Seribu",
        "Jakarta Barat",
        "Jakarta Timur",
        "Jakarta Selatan",
    }
    page = response.content.decode()
    assert "1 of 2 booths free this week" in page
    assert f'data-opens="{iso(20)}"' in page and ", with 2 booths." in page  # not open this week: no free count
    assert [s.open_this_week for s in regions["Jakarta Utara"].spaces] == [True, False]
    assert page.count('data-gap="1"') == 4
    # no personal data: nobody's name or business
    holder = BoothAllocation.objects.select_related("business__participant").first()
    assert holder is not None
    assert holder.business.name not in page and holder.business.participant.full_name not in page


# --- the audit trail ----------------------------------------------------------------------------------------------


def history(obj: object) -> list[audit.Entry]:
    with translation.override("en"):
        return audit.history_of(obj)  # type: ignore[arg-type]


def test_changes_through_the_pages_are_recorded_as_web_changes_by_the_person(
    siti: Client, staff: Client, graded: Business, space: SellingSpace, agency_staff: User
) -> None:
    booth = BoothFactory(space=space)
    siti.post(reverse("marketing:space_apply", args=[space.pk]), {"starts_on": iso(2), "ends_on": iso(2)})
    application = SpaceApplication.objects.get()
    [applied] = history(application)
    assert (applied.kind, applied.actor, applied.channel) == ("created", str(graded.participant.user), "web")
    staff.post(reverse("marketing:space_application_accept", args=[application.pk]), {"booth": str(booth.pk)})
    allocation = BoothAllocation.objects.get()
    [given] = history(allocation)
    assert (given.kind, given.actor, given.channel) == ("created", str(agency_staff), "web")
    assert Days.of(allocation.days) == Days(day(2), day(2))


def test_the_page_of_a_space_that_is_over_says_so(siti: Client) -> None:
    over = SpaceFactory(opens_on=day(-10), closes_on=day(-1))
    page = siti.get(reverse("marketing:space", args=[over.pk])).content.decode()
    assert 'data-code="space_over"' in page and 'id="apply-link"' not in page
    response = siti.get(reverse("marketing:space_apply", args=[over.pk]), follow=True)
    assert shown(response) == ["This selling space is over."]
