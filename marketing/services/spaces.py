"""Writes of the selling spaces: agency staff run spaces (permanent ones such as Thamrin 10, and bazaars) and their
booths; graded businesses apply for days within a space's dates; staff accept an application with a booth (an
allocation) or decline it with a reason; a business withdraws while it waits; staff cancel an allocation, which
frees the booth. Each runs in one transaction and records who acted; messages go through the outbox.

No double booking: the database refuses two live allocations of one booth on overlapping days (the exclusion
constraint `no_double_booking`), whatever the concurrency. The insert runs inside a savepoint and the refusal is
turned into `Refused` with the constraint's own message (`common.save_refusing`), so a page shows it and nothing
else is lost.

Days are inclusive here (`Days`: first and last day); `BoothAllocation.days` stores them as the canonical
daterange [first, day after the last)."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from psycopg2.extras import DateRange

from accounts.models import User
from core import audit
from core.dates import FIRST_PROGRAM_YEAR, LAST_PROGRAM_YEAR, is_program_year
from core.web import absolute_url
from geography.models import Wilayah
from notifications.services import notify
from registration import measures
from registration.models import Business

from .. import permissions
from ..choices import ApplicationStatus, SpaceKind
from ..models import ENDS_BEFORE_START, Booth, BoothAllocation, SellingSpace, SpaceApplication
from ..selectors.spaces import best_grade
from .common import message_name, save_refusing

BAZAAR_NEEDS_END = _("A bazaar or event needs its last day.")
ALLOCATIONS_OUTSIDE = _(
    "Some booths are given to businesses on days outside these dates: cancel those allocations first."
)
NOT_PROGRAM_YEAR = _("Choose a date between %(first)d and %(last)d.")
BOOTH_CODE_TAKEN = _("This space has a booth of this code already.")
BOOTH_HAS_ALLOCATIONS = _("This booth has been given to businesses: it cannot be deleted.")
PAST_DAYS = _("Choose days from today on.")
OUTSIDE_SPACE = _("Choose days within the dates of this space: %(dates)s.")
OTHER_SPACE = _("This booth belongs to another selling space.")
NOT_APPLIED_DAYS = _("A booth is given for the days applied for: %(days)s.")
DAYS_PASSED = _("The days of this application have passed.")
REASON_REQUIRED = _("Say why the application is declined: the business reads it.")

# The longest a space's name, its venue or a reason runs in a message, which must fit two SMS parts.
MESSAGE_TEXT_CHARS = 50
MESSAGE_REASON_CHARS = 80


# --- the values the services take -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Days:
    """Days of selling, first and last included."""

    first: datetime.date
    last: datetime.date

    @classmethod
    def of(cls, days: Any) -> "Days":
        """The days of a stored daterange (canonical [first, day after the last))."""
        last = days.upper if days.upper_inc else days.upper - datetime.timedelta(days=1)
        first = days.lower if days.lower_inc else days.lower + datetime.timedelta(days=1)
        return cls(first=first, last=last)

    @classmethod
    def applied(cls, application: SpaceApplication) -> "Days":
        return cls(first=application.starts_on, last=application.ends_on)

    @property
    def range(self) -> DateRange:
        return DateRange(self.first, self.last, bounds="[]")

    def __str__(self) -> str:
        """Language-neutral (it goes into messages rendered later in the reader's language)."""
        if self.first == self.last:
            return f"{self.first:%d-%m-%Y}"
        return f"{self.first:%d-%m-%Y} \N{EN DASH} {self.last:%d-%m-%Y}"


def space_dates(space: SellingSpace) -> str:
    """The dates a space is open, for an error or a page (a permanent space may have no end)."""
    if space.closes_on is None:
        return _("from %(first)s") % {"first": f"{space.opens_on:%d-%m-%Y}"}
    return str(Days(first=space.opens_on, last=space.closes_on))


@dataclass(frozen=True)
class SpaceData:
    name: str
    kind: str
    wilayah: Wilayah
    venue: str
    opens_on: datetime.date
    closes_on: datetime.date | None
    accepts_grades: tuple[str, ...]
    description: str = ""
    active: bool = True

    @classmethod
    def of(cls, space: SellingSpace) -> "SpaceData":
        return cls(
            name=space.name,
            kind=space.kind,
            wilayah=space.wilayah,
            venue=space.venue,
            opens_on=space.opens_on,
            closes_on=space.closes_on,
            accepts_grades=tuple(space.accepts_grades),
            description=space.description,
            active=space.active,
        )

    def apply_to(self, space: SellingSpace) -> None:
        space.name = self.name.strip()
        space.kind = self.kind
        space.wilayah = self.wilayah
        space.venue = self.venue.strip()
        space.opens_on = self.opens_on
        space.closes_on = self.closes_on
        space.accepts_grades = sorted(set(self.accepts_grades))
        space.description = self.description.strip()
        space.active = self.active


@dataclass(frozen=True)
class BoothData:
    code: str
    description: str = ""


# --- spaces and booths ------------------------------------------------------------------------------------------


def check_program_days(**days: datetime.date | None) -> None:
    """Each day given (by the name of its field) falls in the program's years (core.dates); else a
    ValidationError keyed by that field. The services call it; the application form too, to say so early."""
    for name, day in days.items():
        if day is not None and not is_program_year(day.year):
            message = NOT_PROGRAM_YEAR % {"first": FIRST_PROGRAM_YEAR, "last": LAST_PROGRAM_YEAR}
            raise ValidationError({name: ValidationError(message, code="out_of_range")})


def space_check(*, space: SellingSpace, data: SpaceData, user: User) -> None:
    """The rules of saving `space` (new when it has no id yet) with these values, besides the model's own: `user`
    runs spaces, the dates are in the program's years, a bazaar has a last day, and live allocations stay within
    the dates (cancel those first). It puts the values on `space` and writes nothing: the services call it, and
    the admin's form, to show a refusal on the form."""
    permissions.can_run_spaces(user).enforce()
    data.apply_to(space)
    check_program_days(opens_on=space.opens_on, closes_on=space.closes_on)
    if space.kind == SpaceKind.BAZAAR and space.closes_on is None:
        raise ValidationError({"closes_on": ValidationError(BAZAAR_NEEDS_END, code="bazaar_end")})
    if space.pk is None or (space.closes_on is not None and space.closes_on < space.opens_on):
        return  # a new space has no allocations; dates the wrong way round are the model's error
    open_days = DateRange(space.opens_on, space.closes_on, bounds="[]")
    outside = BoothAllocation.objects.filter(booth__space=space, cancelled_at__isnull=True).exclude(
        days__contained_by=open_days
    )
    if outside.exists():
        raise ValidationError({"opens_on": ValidationError(ALLOCATIONS_OUTSIDE, code="allocations_outside")})


@transaction.atomic
@audit.audited
def space_create(*, data: SpaceData, acting_user: User) -> SellingSpace:
    space = SellingSpace(created_by=acting_user)
    space_check(space=space, data=data, user=acting_user)
    space.full_clean()
    space.save()
    return space


@transaction.atomic
@audit.audited
def space_update(*, space: SellingSpace, data: SpaceData, acting_user: User) -> SellingSpace:
    """Change a space. Its dates may not leave out days on which a booth is given (cancel those first)."""
    locked = SellingSpace.objects.select_for_update().get(pk=space.pk)
    space_check(space=locked, data=data, user=acting_user)
    locked.full_clean()
    locked.save()
    return locked


def _booth(space: SellingSpace, data: BoothData, booth: Booth | None = None) -> Booth:
    booth = booth or Booth(space=space)
    booth.code = data.code.strip()
    booth.description = data.description.strip()
    booth.full_clean(validate_constraints=False)  # one booth per code: the database says, below
    save_refusing(booth, constraint="one_booth_per_code", code="code_taken", message=BOOTH_CODE_TAKEN)
    return booth


@transaction.atomic
@audit.audited
def booth_create(*, space: SellingSpace, data: BoothData, acting_user: User) -> Booth:
    permissions.can_run_spaces(acting_user).enforce()
    return _booth(space, data)


@transaction.atomic
@audit.audited
def booth_update(*, booth: Booth, data: BoothData, acting_user: User) -> Booth:
    permissions.can_run_spaces(acting_user).enforce()
    locked = Booth.objects.select_for_update(of=("self",)).select_related("space").get(pk=booth.pk)
    return _booth(locked.space, data, locked)


@transaction.atomic
@audit.audited
def booth_delete(*, booth: Booth, acting_user: User) -> None:
    """Delete a booth never given to anyone (a mistake caught early); a booth with allocations stays."""
    permissions.can_run_spaces(acting_user).enforce()
    locked = Booth.objects.select_for_update().get(pk=booth.pk)
    if BoothAllocation.objects.filter(booth=locked).exists():
        raise ValidationError(BOOTH_HAS_ALLOCATIONS, code="has_allocations")
    locked.delete()


# --- applications -----------------------------------------------------------------------------------------------


def check_days(space: SellingSpace, days: Days, *, today: datetime.date) -> None:
    """Days a business may apply for: in the program's years, in order, from today on, within the space's dates.
    Errors by field of the application (starts_on, ends_on)."""
    check_program_days(starts_on=days.first, ends_on=days.last)
    if days.last < days.first:
        raise ValidationError({"ends_on": ValidationError(ENDS_BEFORE_START, code="ends_before_start")})
    if days.first < today:
        raise ValidationError({"starts_on": ValidationError(PAST_DAYS, code="past")})
    _check_within(space, days, field="starts_on")


def _check_within(space: SellingSpace, days: Days, *, field: str) -> None:
    if days.first < space.opens_on or (space.closes_on is not None and days.last > space.closes_on):
        message = OUTSIDE_SPACE % {"dates": space_dates(space)}
        raise ValidationError({field: ValidationError(message, code="outside_space")})


@transaction.atomic
@audit.audited
def application_submit(
    *, space: SellingSpace, business: Business, days: Days, note: str, acting_user: User
) -> SpaceApplication:
    """Apply to sell at a space on some days: the verified business itself, graded as the space accepts (its best
    product's grade), for days from today on within the space's dates; one open application per space."""
    current = SellingSpace.objects.get(pk=space.pk)  # as it is now: still taking applications, on these dates
    today = timezone.localdate()
    permissions.can_apply(acting_user, business, current, best_grade=best_grade(business), today=today).enforce()
    check_days(current, days, today=today)
    application = SpaceApplication(
        space=current,
        business=business,
        starts_on=days.first,
        ends_on=days.last,
        note=note.strip(),
        applied_by=acting_user,
    )
    application.full_clean(validate_constraints=False)  # the one open application: the database says, below
    save_refusing(application, constraint="one_open_application_per_space", code="already_applied")
    return application


def _lock_application(application: SpaceApplication) -> SpaceApplication:
    return (
        SpaceApplication.objects.select_for_update(of=("self",))
        .select_related("space__wilayah", "business__participant__user")
        .get(pk=application.pk)
    )


@transaction.atomic
@audit.audited
def application_withdraw(*, application: SpaceApplication, acting_user: User) -> SpaceApplication:
    """The business gives up its application while it waits for a decision."""
    locked = _lock_application(application)
    permissions.can_withdraw_application(acting_user, locked).enforce()
    locked.status = ApplicationStatus.WITHDRAWN
    locked.save(update_fields=["status"])
    return locked


def _decide(application: SpaceApplication, status: str, user: User, note: str = "") -> None:
    application.status = status
    application.decided_by = user
    application.decided_at = timezone.now()
    application.decision_note = note
    application.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])


def _message_text(value: str) -> str:
    return Truncator(value).chars(MESSAGE_TEXT_CHARS)


@transaction.atomic
@audit.audited
def allocation_create(
    *, application: SpaceApplication, booth: Booth, days: Days, acting_user: User
) -> BoothAllocation:
    """Give a booth of the space to an application for the days it applied for (within the space's dates, not
    all past), accepting it; the business is told the booth, the days and the venue. A booth already given on
    any of these days is refused (the database's exclusion constraint: no double booking)."""
    locked = _lock_application(application)
    permissions.can_decide_application(acting_user, locked).enforce()
    if booth.space_id != locked.space_id:
        raise ValidationError({"booth": ValidationError(OTHER_SPACE, code="other_space")})
    applied = Days.applied(locked)
    if days != applied:
        raise ValidationError({"days": ValidationError(NOT_APPLIED_DAYS % {"days": applied}, code="other_days")})
    space = locked.space
    _check_within(space, days, field="days")
    if days.last < timezone.localdate():
        raise ValidationError({"days": ValidationError(DAYS_PASSED, code="past")})
    allocation = BoothAllocation(
        booth=booth, application=locked, business=locked.business, days=days.range, allocated_by=acting_user
    )
    save_refusing(allocation, constraint="no_double_booking", code="booth_taken")
    _decide(locked, ApplicationStatus.ACCEPTED, acting_user)
    participant = locked.business.participant
    measures.changed(participant.pk)
    notify(
        template="marketing_space_accepted",
        context={
            "full_name": message_name(participant),
            "space": _message_text(space.name),
            "booth": booth.code,
            "days": str(days),
            "venue": f"{_message_text(space.venue)}, {space.wilayah.name}",
            "link": absolute_url("marketing:space_applications_mine"),
        },
        user=participant.user,
    )
    return allocation


@transaction.atomic
@audit.audited
def application_accept(*, application: SpaceApplication, booth: Booth, acting_user: User) -> BoothAllocation:
    """Accept an application with a booth chosen by staff (the staff page lists the booths free on its days),
    for the days applied for."""
    return allocation_create(
        application=application, booth=booth, days=Days.applied(application), acting_user=acting_user
    )


@transaction.atomic
@audit.audited
def application_decline(*, application: SpaceApplication, reason: str, acting_user: User) -> SpaceApplication:
    """Decline an application, saying why; the business is told."""
    locked = _lock_application(application)
    permissions.can_decide_application(acting_user, locked).enforce()
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(REASON_REQUIRED, code="reason_required")})
    _decide(locked, ApplicationStatus.DECLINED, acting_user, reason)
    participant = locked.business.participant
    notify(
        template="marketing_space_declined",
        context={
            "full_name": message_name(participant),
            "space": _message_text(locked.space.name),
            "reason": Truncator(reason.rstrip(" .")).chars(MESSAGE_REASON_CHARS),  # the message ends the sentence
            "link": absolute_url("marketing:space_applications_mine"),
        },
        user=participant.user,
    )
    return locked


@transaction.atomic
@audit.audited
def allocation_cancel(*, allocation: BoothAllocation, acting_user: User) -> BoothAllocation:
    """Take a booth back: the allocation stays on record, cancelled, and the booth is free on those days; the
    business is told."""
    locked = (
        BoothAllocation.objects.select_for_update(of=("self",))
        .select_related("booth__space", "business__participant__user")
        .get(pk=allocation.pk)
    )
    permissions.can_cancel_allocation(acting_user, locked).enforce()
    locked.cancelled_at = timezone.now()
    locked.save(update_fields=["cancelled_at"])
    participant = locked.business.participant
    measures.changed(participant.pk)
    notify(
        template="marketing_booth_cancelled",
        context={
            "full_name": message_name(participant),
            "space": _message_text(locked.booth.space.name),
            "booth": locked.booth.code,
            "days": str(Days.of(locked.days)),
            "link": absolute_url("marketing:space_applications_mine"),
        },
        user=participant.user,
    )
    return locked
