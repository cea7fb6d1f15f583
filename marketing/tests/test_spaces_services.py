"""The selling spaces' services: who may, the rules of days and booths, what is refused (clearly, nothing lost),
the messages queued and the audit rows left."""

import datetime
from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import User
from core import audit
from core.decisions import Refused
from marketing.choices import ApplicationStatus, SpaceKind
from marketing.models import Booth, BoothAllocation, SellingSpace, SpaceApplication
from marketing.services import spaces as services
from marketing.services.common import MESSAGE_PERSON_CHARS
from marketing.services.spaces import BoothData, Days, SpaceData
from marketing.tests.factories import LONG_NAME, graded_product, verified_business
from marketing.tests.spaces_support import (
    ApplicationFactory,
    BoothFactory,
    SpaceFactory,
    allocate,
    day,
    quickly_graded,
)
from notifications.models import Message
from registration.models import Business

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(business: Business) -> Business:
    """Siti's business, with a product graded A through curation."""
    graded_product("A", business)
    return business


@pytest.fixture
def space(agency_staff: User) -> SellingSpace:
    return SpaceFactory(name="Bazar Kota Tua", created_by=agency_staff)


def apply(business: Business, space: SellingSpace, first: int = 2, last: int = 4, note: str = "") -> SpaceApplication:
    return services.application_submit(
        space=space,
        business=business,
        days=Days(day(first), day(last)),
        note=note,
        acting_user=business.participant.user,
    )


def codes(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    error = exc.value
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors if e.code}
    return {str(error.code)}


def space_data(**changes: object) -> SpaceData:
    wilayah = SpaceFactory.build().wilayah
    values: dict[str, object] = {
        "name": "Thamrin 10",
        "kind": SpaceKind.PERMANENT,
        "wilayah": wilayah,
        "venue": "Jl. M.H. Thamrin No. 10",
        "opens_on": day(-100),
        "closes_on": None,
        "accepts_grades": ("A",),
        **changes,
    }
    return SpaceData(**values)  # type: ignore[arg-type]


# --- spaces and booths ------------------------------------------------------------------------------------------


def test_agency_staff_create_and_change_a_space(agency_staff: User) -> None:
    space = services.space_create(data=space_data(accepts_grades=("B", "A", "A")), acting_user=agency_staff)
    assert (space.name, space.accepts_grades, space.closes_on, space.created_by) == (
        "Thamrin 10",
        ["A", "B"],
        None,
        agency_staff,
    )
    services.space_update(space=space, data=space_data(name="Thamrin 10 Creative Space"), acting_user=agency_staff)
    space.refresh_from_db()
    assert space.name == "Thamrin 10 Creative Space"


@pytest.mark.parametrize("who", ["entrepreneur", "mentor_tebet", "secretariat_tebet", "partner_user"])
def test_only_agency_staff_run_spaces(request: pytest.FixtureRequest, who: str, space: SellingSpace) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(Refused) as exc:
        services.space_create(data=space_data(), acting_user=user)
    assert exc.value.code == "not_agency"
    with pytest.raises(Refused):
        services.booth_create(space=space, data=BoothData(code="A1"), acting_user=user)
    assert not Booth.objects.exists() and SellingSpace.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"kind": SpaceKind.BAZAAR, "closes_on": None}, "closes_on", "bazaar_end"),
        ({"closes_on": datetime.date(2017, 1, 1), "opens_on": datetime.date(2016, 1, 1)}, "opens_on", "out_of_range"),
        ({"closes_on": datetime.date(9999, 12, 31)}, "closes_on", "out_of_range"),
        ({"opens_on": day(5), "closes_on": day(1)}, "__all__", "constraint_violated"),
        ({"accepts_grades": ()}, "accepts_grades", "blank"),
    ],
)
def test_a_space_with_bad_dates_or_no_grades_is_refused(
    agency_staff: User, changes: dict[str, object], field: str, code: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.space_create(data=space_data(**changes), acting_user=agency_staff)
    assert field in exc.value.error_dict
    assert not SellingSpace.objects.exists()


def test_a_space_keeps_the_days_of_its_booths_given(agency_staff: User, space: SellingSpace) -> None:
    allocation = allocate(
        ApplicationFactory(space=space, starts_on=day(20), ends_on=day(22)), BoothFactory(space=space)
    )
    for changes in ({"closes_on": day(21)}, {"opens_on": day(21)}):
        with pytest.raises(ValidationError) as exc:
            services.space_update(space=space, data=replace(SpaceData.of(space), **changes), acting_user=agency_staff)
        assert codes(exc) == {"allocations_outside"}
    space.refresh_from_db()
    assert (space.opens_on, space.closes_on) == (day(-3), day(30))
    # up to the days given it may move, and anywhere once the allocation is cancelled
    services.space_update(space=space, data=replace(SpaceData.of(space), closes_on=day(22)), acting_user=agency_staff)
    services.allocation_cancel(allocation=allocation, acting_user=agency_staff)
    services.space_update(space=space, data=replace(SpaceData.of(space), closes_on=day(21)), acting_user=agency_staff)


def test_booths_are_added_changed_and_deleted_through_the_services(agency_staff: User, space: SellingSpace) -> None:
    booth = services.booth_create(
        space=space, data=BoothData(code=" A1 ", description="Pojok"), acting_user=agency_staff
    )
    assert (booth.code, booth.description) == ("A1", "Pojok")
    with pytest.raises(Refused) as exc:
        services.booth_create(space=space, data=BoothData(code="A1"), acting_user=agency_staff)
    assert exc.value.code == "code_taken"
    other = services.booth_create(space=space, data=BoothData(code="A2"), acting_user=agency_staff)
    with pytest.raises(Refused):
        services.booth_update(booth=other, data=BoothData(code="A1"), acting_user=agency_staff)
    # another space may use the same code
    services.booth_create(space=SpaceFactory(), data=BoothData(code="A1"), acting_user=agency_staff)
    services.booth_delete(booth=other, acting_user=agency_staff)
    assert list(space.booths.values_list("code", flat=True)) == ["A1"]


def test_a_booth_ever_given_is_not_deleted(agency_staff: User, space: SellingSpace) -> None:
    booth = BoothFactory(space=space)
    allocation = allocate(ApplicationFactory(space=space), booth)
    services.allocation_cancel(allocation=allocation, acting_user=agency_staff)
    with pytest.raises(ValidationError) as exc:
        services.booth_delete(booth=booth, acting_user=agency_staff)
    assert codes(exc) == {"has_allocations"}
    assert Booth.objects.filter(pk=booth.pk).exists()


# --- applying ---------------------------------------------------------------------------------------------------


def test_a_graded_business_applies_for_days_within_the_space(graded: Business, space: SellingSpace) -> None:
    application = apply(graded, space, note="  Keripik  ")
    assert (application.status, application.starts_on, application.ends_on, application.note) == (
        ApplicationStatus.APPLIED,
        day(2),
        day(4),
        "Keripik",
    )
    assert application.applied_by == graded.participant.user


def test_a_business_applies_with_its_best_grade(space: SellingSpace) -> None:
    business = quickly_graded("C")
    with pytest.raises(Refused) as exc:
        apply(business, space)
    assert exc.value.code == "not_graded"
    assert "A/B" in str(exc.value.message)
    quickly_graded("B", business)  # a better product now
    assert apply(business, space).status == ApplicationStatus.APPLIED


@pytest.mark.parametrize(
    ("first", "last", "field", "code"),
    [
        (4, 2, "ends_on", "ends_before_start"),
        (-1, 2, "starts_on", "past"),
        (-5, -4, "starts_on", "past"),
        (28, 31, "starts_on", "outside_space"),
        (40, 41, "starts_on", "outside_space"),
    ],
)
def test_days_in_the_past_or_outside_the_space_or_backwards_are_refused(
    graded: Business, space: SellingSpace, first: int, last: int, field: str, code: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        apply(graded, space, first, last)
    assert list(exc.value.error_dict) == [field]
    assert codes(exc) == {code}
    assert not SpaceApplication.objects.exists()


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        (datetime.date(9999, 12, 31), datetime.date(9999, 12, 31), "starts_on"),
        (datetime.date(2100, 12, 30), datetime.date(2101, 1, 2), "ends_on"),
    ],
)
def test_days_outside_the_program_years_are_refused_even_at_a_permanent_space(
    graded: Business, agency_staff: User, first: datetime.date, last: datetime.date, field: str
) -> None:
    """A permanent space has no last day, so its dates bound nothing: the program's years do (a day range ending
    in year 10000 could not be read back)."""
    permanent = SpaceFactory(kind=SpaceKind.PERMANENT, closes_on=None)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.application_submit(
            space=permanent, business=graded, days=Days(first, last), note="", acting_user=graded.participant.user
        )
    assert list(exc.value.error_dict) == [field] and codes(exc) == {"out_of_range"}
    assert exc.value.messages == ["Choose a date between 2018 and 2100."]
    assert not SpaceApplication.objects.exists()


def test_a_space_not_open_yet_takes_days_from_its_opening(graded: Business) -> None:
    coming = SpaceFactory(opens_on=day(10), closes_on=day(12))
    with pytest.raises(ValidationError) as exc:
        apply(graded, coming, 9, 10)
    assert "outside_space" in codes(exc)
    assert str(services.space_dates(coming)) in " ".join(exc.value.messages)
    assert apply(graded, coming, 10, 12).pk


def test_a_permanent_space_takes_any_day_from_today(graded: Business) -> None:
    thamrin = SpaceFactory(kind=SpaceKind.PERMANENT, opens_on=day(-400), closes_on=None)
    assert apply(graded, thamrin, 300, 310).pk


def test_one_open_application_per_space(graded: Business, space: SellingSpace) -> None:
    first = apply(graded, space)
    with pytest.raises(Refused) as exc:
        apply(graded, space, 5, 6)
    assert exc.value.code == "already_applied"
    services.application_withdraw(application=first, acting_user=graded.participant.user)
    assert apply(graded, space, 5, 6).status == ApplicationStatus.APPLIED


def test_refusals_of_who_applies(
    graded: Business, peer_business: Business, space: SellingSpace, agency_staff: User
) -> None:
    days = Days(day(2), day(3))
    with pytest.raises(Refused) as exc:  # for another business
        services.application_submit(
            space=space, business=graded, days=days, note="", acting_user=peer_business.participant.user
        )
    assert exc.value.code == "not_own"
    with pytest.raises(Refused):
        services.application_submit(space=space, business=graded, days=days, note="", acting_user=agency_staff)
    SellingSpace.objects.filter(pk=space.pk).update(active=False)
    with pytest.raises(Refused) as exc:
        apply(graded, space)
    assert exc.value.code == "space_closed"
    assert not SpaceApplication.objects.exists()


def test_an_unverified_business_may_not_apply(space: SellingSpace) -> None:
    business = quickly_graded("A")
    business.participant.registration.status = "submitted"
    business.participant.registration.save()
    with pytest.raises(Refused) as exc:
        apply(Business.objects.get(pk=business.pk), space)
    assert exc.value.code == "not_verified"


def test_the_business_withdraws_while_applied_only(graded: Business, space: SellingSpace, agency_staff: User) -> None:
    application = apply(graded, space)
    with pytest.raises(Refused):
        services.application_withdraw(application=application, acting_user=agency_staff)
    services.application_accept(application=application, booth=BoothFactory(space=space), acting_user=agency_staff)
    with pytest.raises(Refused) as exc:
        services.application_withdraw(application=application, acting_user=graded.participant.user)
    assert exc.value.code == "decided"


# --- deciding ---------------------------------------------------------------------------------------------------


def test_accepting_gives_the_booth_for_the_days_and_tells_the_business(
    graded: Business, space: SellingSpace, agency_staff: User
) -> None:
    application = apply(graded, space, 2, 4)
    booth = BoothFactory(space=space, code="K-07")
    allocation = services.application_accept(application=application, booth=booth, acting_user=agency_staff)
    assert (allocation.booth, allocation.business, allocation.allocated_by) == (booth, graded, agency_staff)
    assert Days.of(BoothAllocation.objects.get().days) == Days(day(2), day(4))
    application.refresh_from_db()
    assert (application.status, application.decided_by) == (ApplicationStatus.ACCEPTED, agency_staff)
    [message] = Message.objects.filter(template="marketing_space_accepted", channel="email")
    assert message.recipient == graded.participant.user
    assert message.context["booth"] == "K-07"
    assert message.context["days"] == f"{day(2):%d-%m-%Y} \N{EN DASH} {day(4):%d-%m-%Y}"
    assert message.context["venue"] == "Taman Literasi Blok M, Jakarta Selatan"
    assert message.context["space"] == "Bazar Kota Tua"
    assert message.context["link"].endswith("/pemasaran/ruang-jualan/saya/")


def test_a_booth_already_taken_on_some_of_the_days_is_refused_and_nothing_changes(
    graded: Business, peer_business: Business, space: SellingSpace, agency_staff: User
) -> None:
    graded_product("B", peer_business)
    booth = BoothFactory(space=space)
    services.application_accept(application=apply(graded, space, 2, 4), booth=booth, acting_user=agency_staff)
    second = apply(peer_business, space, 4, 6)
    with pytest.raises(Refused) as exc:
        services.application_accept(application=second, booth=booth, acting_user=agency_staff)
    assert exc.value.code == "booth_taken"
    taken = next(c for c in BoothAllocation._meta.constraints if c.name == "no_double_booking")
    assert exc.value.message == str(taken.violation_error_message)
    second.refresh_from_db()
    assert second.status == ApplicationStatus.APPLIED
    assert BoothAllocation.objects.count() == 1
    assert not Message.objects.filter(template="marketing_space_accepted", recipient=peer_business.participant.user)
    # another booth is fine, and so is the same booth on the days after
    services.application_accept(application=second, booth=BoothFactory(space=space), acting_user=agency_staff)


def test_a_booth_of_another_space_is_refused(graded: Business, space: SellingSpace, agency_staff: User) -> None:
    application = apply(graded, space)
    with pytest.raises(ValidationError) as exc:
        services.application_accept(application=application, booth=BoothFactory(), acting_user=agency_staff)
    assert exc.value.error_dict.keys() == {"booth"} and codes(exc) == {"other_space"}
    assert not BoothAllocation.objects.exists()


def test_an_allocation_must_be_for_the_days_applied_for(
    graded: Business, space: SellingSpace, agency_staff: User
) -> None:
    application = apply(graded, space, 2, 4)
    booth = BoothFactory(space=space)
    for other in (Days(day(2), day(5)), Days(day(3), day(4))):
        with pytest.raises(ValidationError) as exc:
            services.allocation_create(application=application, booth=booth, days=other, acting_user=agency_staff)
        assert codes(exc) == {"other_days"}
    assert not BoothAllocation.objects.exists()


def test_an_allocation_outside_the_space_or_in_the_past_is_refused(
    graded: Business, space: SellingSpace, agency_staff: User
) -> None:
    booth = BoothFactory(space=space)
    application = apply(graded, space, 20, 25)
    SellingSpace.objects.filter(pk=space.pk).update(closes_on=day(22))  # the dates changed around the service
    with pytest.raises(ValidationError) as exc:
        services.application_accept(application=application, booth=booth, acting_user=agency_staff)
    assert codes(exc) == {"outside_space"}
    past = ApplicationFactory(space=space, starts_on=day(-3), ends_on=day(-1))  # applied, then left waiting
    with pytest.raises(ValidationError) as exc:
        services.application_accept(application=past, booth=booth, acting_user=agency_staff)
    assert codes(exc) == {"past"}
    assert not BoothAllocation.objects.exists()


def test_a_decided_application_is_not_decided_again(graded: Business, space: SellingSpace, agency_staff: User) -> None:
    application = apply(graded, space)
    services.application_decline(application=application, reason="Penuh", acting_user=agency_staff)
    with pytest.raises(Refused) as exc:
        services.application_accept(application=application, booth=BoothFactory(space=space), acting_user=agency_staff)
    assert exc.value.code == "decided"
    with pytest.raises(Refused):
        services.application_decline(application=application, reason="Lagi", acting_user=agency_staff)


@pytest.mark.parametrize("who", ["entrepreneur", "mentor_tebet", "secretariat_tebet", "partner_user"])
def test_only_agency_staff_decide(
    request: pytest.FixtureRequest, who: str, graded: Business, space: SellingSpace
) -> None:
    user = request.getfixturevalue(who)
    application = apply(graded, space)
    with pytest.raises(Refused):
        services.application_accept(application=application, booth=BoothFactory(space=space), acting_user=user)
    with pytest.raises(Refused):
        services.application_decline(application=application, reason="Tidak", acting_user=user)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPLIED


def test_declining_takes_a_reason_and_tells_the_business(
    graded: Business, space: SellingSpace, agency_staff: User
) -> None:
    application = apply(graded, space)
    with pytest.raises(ValidationError) as exc:
        services.application_decline(application=application, reason="   ", acting_user=agency_staff)
    assert codes(exc) == {"reason_required"}
    assert not Message.objects.filter(template="marketing_space_declined").exists()
    services.application_decline(
        application=application, reason="Semua booth hari itu sudah penuh.", acting_user=agency_staff
    )
    application.refresh_from_db()
    assert (application.status, application.decision_note) == (
        ApplicationStatus.DECLINED,
        "Semua booth hari itu sudah penuh.",
    )
    [message] = Message.objects.filter(template="marketing_space_declined", channel="email")
    assert message.recipient == graded.participant.user
    assert message.context["reason"] == "Semua booth hari itu sudah penuh"  # the message ends the sentence


def test_cancelling_an_allocation_frees_the_booth(
    graded: Business, peer_business: Business, space: SellingSpace, agency_staff: User
) -> None:
    graded_product("A", peer_business)
    booth = BoothFactory(space=space)
    allocation = services.application_accept(application=apply(graded, space), booth=booth, acting_user=agency_staff)
    with pytest.raises(Refused):
        services.allocation_cancel(allocation=allocation, acting_user=graded.participant.user)
    services.allocation_cancel(allocation=allocation, acting_user=agency_staff)
    allocation.refresh_from_db()
    assert allocation.cancelled_at is not None
    told = Message.objects.get(template="marketing_booth_cancelled", channel="email")
    assert told.recipient_id == graded.participant.user_id
    assert told.context["booth"] == booth.code and told.context["days"] == str(Days.of(allocation.days))
    with pytest.raises(Refused) as exc:
        services.allocation_cancel(allocation=allocation, acting_user=agency_staff)
    assert exc.value.code == "cancelled"
    taker = services.application_accept(application=apply(peer_business, space), booth=booth, acting_user=agency_staff)
    assert taker.cancelled_at is None


# --- messages and the audit trail --------------------------------------------------------------------------------


def test_messages_fit_an_sms_even_with_long_names(agency_staff: User) -> None:
    """The longest participant's name (150 characters), space, venue and reason: every message of the spaces
    (accepted, declined, booth cancelled) still fits an SMS, in both languages."""
    from notifications.rendering import render_message

    business = verified_business(full_name=LONG_NAME)
    graded_product("A", business)
    long = SpaceFactory(name="Bazar " + "Ramadan " * 17, venue="Gedung " + "Serbaguna " * 19)
    application = apply(business, long)
    services.application_accept(application=application, booth=BoothFactory(space=long), acting_user=agency_staff)
    services.allocation_cancel(allocation=application.allocation, acting_user=agency_staff)
    second = apply(business, long, 6, 7)
    services.application_decline(application=second, reason="Alasan " * 60, acting_user=agency_staff)
    for template in ("marketing_space_accepted", "marketing_space_declined", "marketing_booth_cancelled"):
        message = Message.objects.filter(template=template, channel="email").get()
        assert len(message.context["full_name"]) <= MESSAGE_PERSON_CHARS
        for language in ("en", "id"):
            message.language = language
            rendered = render_message(message)
            assert len(rendered.body) <= 320, rendered.body
            assert rendered.subject.startswith("JakPreneur: ")
            assert "nik" not in rendered.body.lower().split()


def history(obj: object) -> list[audit.Entry]:
    with translation.override("en"):
        return audit.history_of(obj)  # type: ignore[arg-type]


def test_every_change_is_in_the_audit_trail_as_the_acting_user(
    graded: Business, space: SellingSpace, agency_staff: User
) -> None:
    application = apply(graded, space)
    [applied] = history(application)
    assert (applied.kind, applied.actor) == ("created", str(graded.participant.user))
    booth = services.booth_create(space=space, data=BoothData(code="Z9"), acting_user=agency_staff)
    assert history(booth)[0].actor == str(agency_staff)
    allocation = services.application_accept(application=application, booth=booth, acting_user=agency_staff)
    services.allocation_cancel(allocation=allocation, acting_user=agency_staff)
    cancelled, created = history(allocation)
    assert (created.kind, created.actor) == ("created", str(agency_staff))
    assert (cancelled.kind, cancelled.actor) == ("updated", str(agency_staff))
    assert [c.field for c in cancelled.changes] == ["cancelled"]
    accepted = history(application)[0]
    assert (accepted.kind, accepted.actor) == ("updated", str(agency_staff))
    assert {"status", "decided by", "decided"} <= {c.field for c in accepted.changes}
    edited = services.space_update(
        space=space, data=replace(SpaceData.of(space), name="Baru"), acting_user=agency_staff
    )
    [change, _created] = history(edited)
    assert (change.actor, [(c.field, c.after) for c in change.changes]) == (str(agency_staff), [("name", "Baru")])


def test_a_space_that_is_over_takes_no_application(graded: Business) -> None:
    over = SpaceFactory(opens_on=day(-10), closes_on=day(-1))
    with pytest.raises(Refused) as exc:
        apply(graded, over, 0, 0)
    assert exc.value.code == "space_over"
    assert not SpaceApplication.objects.exists()
