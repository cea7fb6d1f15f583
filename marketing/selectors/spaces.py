"""Reads of the selling spaces, with their joins: the spaces businesses see, a business's applications, what staff
see of a space (applications, booths free on some days, the booth calendar) and the public coverage by wilayah.
Each is a fixed number of queries, whatever the number of spaces, booths and allocations."""

import datetime
from dataclasses import dataclass, field

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import CharField, Count, Exists, Min, OuterRef, Q, QuerySet, Subquery, Value
from psycopg2.extras import DateRange

from core.queries import count_of
from geography.models import Wilayah
from registration.models import Business

from ..choices import ApplicationStatus
from ..models import Booth, BoothAllocation, Product, SellingSpace, SpaceApplication

WEEK_DAYS = 7
CALENDAR_DAYS = 14
LIVE = Q(cancelled_at__isnull=True)  # an allocation that holds its booth (the exclusion constraint's condition)


def best_grade(business: Business) -> str:
    """The best grade of the business's graded products ("" for none): "A" before "B" before "C", so the least."""
    best: str | None = Product.objects.filter(business=business).exclude(grade="").aggregate(best=Min("grade"))["best"]
    return best or ""


def not_ended(today: datetime.date) -> Q:
    """Spaces open now or coming: without an end, or ending today or later."""
    return Q(closes_on__isnull=True) | Q(closes_on__gte=today)


def this_week(today: datetime.date) -> DateRange:
    """Today and the six days after it (both ends included: `lower` is today, `upper` the last day)."""
    return DateRange(today, today + datetime.timedelta(days=WEEK_DAYS - 1), bounds="[]")


# --- businesses -------------------------------------------------------------------------------------------------


def current_spaces(today: datetime.date, *, business: Business | None) -> QuerySet[SellingSpace]:
    """Spaces open now or coming, soonest first, with their wilayah, number of booths and, for a business, the
    status of its latest application to each (`my_status`, None when it has not applied)."""
    spaces = (
        SellingSpace.objects.filter(not_ended(today))
        .select_related("wilayah")
        .annotate(booth_count=Count("booths"))
        .order_by("opens_on", "name", "pk")
    )
    if business is None:
        return spaces.annotate(my_status=Value(None, output_field=CharField()))
    latest = SpaceApplication.objects.filter(space=OuterRef("pk"), business=business).order_by("-applied_at", "-pk")
    return spaces.annotate(my_status=Subquery(latest.values("status")[:1]))


def space_with_booths(pk: int) -> SellingSpace | None:
    """A space by id, with its wilayah and its booths (two queries)."""
    return SellingSpace.objects.select_related("wilayah").prefetch_related("booths").filter(pk=pk).first()


def applications_of(business: Business) -> QuerySet[SpaceApplication]:
    """The business's applications, newest first, with the space and the booth given (if any)."""
    return SpaceApplication.objects.filter(business=business).select_related(
        "space__wilayah", "allocation__booth", "business__participant"
    )


def applications_to(space: SellingSpace, business: Business) -> QuerySet[SpaceApplication]:
    return applications_of(business).filter(space=space)


# --- staff ------------------------------------------------------------------------------------------------------


def spaces_for_staff() -> QuerySet[SellingSpace]:
    """Every space, the latest opening first, with its wilayah, its number of booths and of applications waiting:
    each counted for the page's spaces alone (joined and grouped, every space's booths times its applications were
    sorted first: 150,000 rows for 65 spaces)."""
    return (
        SellingSpace.objects.select_related("wilayah")
        .annotate(
            booth_count=count_of(Booth.objects.filter(space=OuterRef("pk"))),
            waiting=count_of(SpaceApplication.objects.filter(space=OuterRef("pk"), status=ApplicationStatus.APPLIED)),
        )
        .order_by("-opens_on", "name", "pk")
    )


def space_booths(space: SellingSpace) -> QuerySet[Booth]:
    """The booths of a space by code, each with how many times it was given (a booth never given may go)."""
    return Booth.objects.filter(space=space).annotate(allocation_count=Count("allocations")).order_by("code")


def space_applications(space: SellingSpace, *, status: str | None = None) -> QuerySet[SpaceApplication]:
    """The applications to a space (of one status, if given), the earliest first, with the business, its
    participant's kecamatan, its best grade (`best_grade`) and the booth given."""
    best = Product.objects.filter(business=OuterRef("business")).exclude(grade="").order_by("grade")
    applications = (
        SpaceApplication.objects.filter(space=space)
        .select_related("business__participant__kecamatan", "allocation__booth")
        .annotate(best_grade=Subquery(best.values("grade")[:1]))
        .order_by("starts_on", "applied_at", "pk")
    )
    return applications.filter(status=status) if status else applications


def free_booths(space: SellingSpace, days: DateRange) -> QuerySet[Booth]:
    """The booths of a space not given to anyone on any of these days."""
    taken = BoothAllocation.objects.filter(LIVE, booth=OuterRef("pk"), days__overlap=days)
    return Booth.objects.filter(space=space).exclude(Exists(taken)).order_by("code")


@dataclass(frozen=True)
class CalendarCell:
    """A run of days of one booth: given to one allocation, or free."""

    first: datetime.date
    span: int
    allocation: BoothAllocation | None = None


@dataclass(frozen=True)
class CalendarRow:
    booth: Booth
    cells: list[CalendarCell]


@dataclass(frozen=True)
class BoothCalendar:
    days: list[datetime.date]
    rows: list[CalendarRow]
    allocations: list[BoothAllocation] = field(default_factory=list)

    @property
    def previous(self) -> datetime.date:
        return self.days[0] - datetime.timedelta(days=len(self.days))

    @property
    def next(self) -> datetime.date:
        return self.days[-1] + datetime.timedelta(days=1)


def _cells(days: list[datetime.date], allocations: list[BoothAllocation]) -> list[CalendarCell]:
    """A booth's days in runs: consecutive days of the same allocation (or free) make one cell."""
    cells: list[CalendarCell] = []
    for day in days:
        holder = next((a for a in allocations if a.days.lower <= day < a.days.upper), None)
        last = cells[-1] if cells else None
        if last is not None and last.allocation is holder:
            cells[-1] = CalendarCell(first=last.first, span=last.span + 1, allocation=holder)
        else:
            cells.append(CalendarCell(first=day, span=1, allocation=holder))
    return cells


def booth_calendar(space: SellingSpace, start: datetime.date, *, length: int = CALENDAR_DAYS) -> BoothCalendar:
    """Which business holds which booth of the space on each of `length` days from `start` (two queries)."""
    days = [start + datetime.timedelta(days=n) for n in range(length)]
    window = DateRange(days[0], days[-1], bounds="[]")
    booths = list(Booth.objects.filter(space=space).order_by("code"))
    allocations = list(
        BoothAllocation.objects.filter(LIVE, booth__space=space, days__overlap=window)
        .select_related("booth", "business", "application")
        .order_by("days", "pk")
    )
    by_booth: dict[int, list[BoothAllocation]] = {}
    for allocation in allocations:
        by_booth.setdefault(allocation.booth_id, []).append(allocation)
    rows = [CalendarRow(booth=booth, cells=_cells(days, by_booth.get(booth.pk, []))) for booth in booths]
    return BoothCalendar(days=days, rows=rows, allocations=allocations)


# --- coverage (public) ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpaceCoverage:
    """A space open now or coming, its booths (codes) and those free this week (if it is open this week)."""

    space: SellingSpace
    booths: list[str]
    taken: frozenset[str]
    open_this_week: bool

    @property
    def free(self) -> list[str]:
        return [code for code in self.booths if code not in self.taken]


@dataclass(frozen=True)
class WilayahCoverage:
    wilayah: Wilayah
    spaces: list[SpaceCoverage]


def coverage(today: datetime.date) -> list[WilayahCoverage]:
    """For each wilayah (by code), the spaces open now or coming with their booths and which are free this week
    (`this_week`). Two queries, whatever the number of spaces. Nothing about who holds a booth."""
    week = this_week(today)
    taken_this_week = Q(booths__allocations__cancelled_at__isnull=True, booths__allocations__days__overlap=week)
    spaces = (
        SellingSpace.objects.filter(not_ended(today))
        .annotate(
            booth_codes=ArrayAgg(
                "booths__code", distinct=True, order_by="booths__code", filter=Q(booths__isnull=False)
            ),
            taken_codes=ArrayAgg("booths__code", distinct=True, order_by="booths__code", filter=taken_this_week),
        )
        .order_by("opens_on", "name", "pk")
    )
    regions = list(Wilayah.objects.order_by("code"))
    by_id = {wilayah.pk: wilayah for wilayah in regions}
    by_wilayah: dict[int, list[SpaceCoverage]] = {}
    for space in spaces:
        space.wilayah = by_id[space.wilayah_id]  # loaded above: no query per space
        by_wilayah.setdefault(space.wilayah_id, []).append(
            SpaceCoverage(
                space=space,
                booths=space.booth_codes or [],
                taken=frozenset(space.taken_codes or []),
                open_this_week=space.opens_on <= week.upper,  # the week's last day, included
            )
        )
    return [WilayahCoverage(wilayah=wilayah, spaces=by_wilayah.get(wilayah.pk, [])) for wilayah in regions]
