"""The program dashboard and the participants behind its numbers, for agency staff (anything), a kecamatan's
secretariat (its kecamatan and its mentors), a mentor (themself) and a partner's users (their consenting
participants): `targets.permissions` decides the place, `targets.figures` gives every number.

- The dashboard: progress against target for the year and place (cards with a bar), the P1 -> P7 funnel of that
  year's cohort (conversions, median days), the monthly trend, the ranking of wilayah and kecamatan (within the
  program or a wilayah) or of mentors (within a kecamatan), and the forum's themes for staff; every number links
  to its participants; the filters are the query string (`targets.forms.DashboardForm`).
- The participants behind a number: a page of names with their kecamatan, mentor and the day they reached it,
  linked to the staff participant page for those who may open it; a partner's user sees the names only.

Both run a fixed number of queries, whatever the program's size."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import Role, User
from core.decisions import Decision
from core.pagination import paginate
from feedback.choices import Category
from feedback.selectors import themes
from registration.measures import Measure

from .. import figures
from ..choices import Level
from ..forms import DEFAULT_RANK, AreaForm, DashboardForm, Geography, ParticipantsForm
from ..permissions import (
    OUTSIDE_SCOPE,
    Place,
    Reach,
    Scope,
    can_read_reports,
    can_view_partner_performance,
    place_for,
    scope_of,
)
from ..summary import DATE_FIELDS


def _scope(request: HttpRequest) -> Scope:
    scope = scope_of(request.user)
    if isinstance(scope, Decision):
        raise PermissionDenied(scope.reason)
    return scope


def _place(scope: Scope, form: AreaForm, geography: Geography) -> Place | Decision:
    """The place the valid form asks for, or the reason it is not shown (404 beyond the viewer's scope)."""
    result = place_for(scope, form.choice(), geography.kecamatans, wilayah_members=geography.members)
    if isinstance(result, Decision) and result.code == OUTSIDE_SCOPE:
        raise Http404(result.reason)
    return result


def _url(name: str, params: Mapping[str, Any]) -> str:
    query = urlencode({key: value for key, value in params.items() if value is not None})
    return f"{reverse(name)}?{query}" if query else reverse(name)


# --- what the dashboard shows --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str | None  # None: the viewer may not go there (or it is the page itself)


@dataclass(frozen=True)
class Card:
    measure: Measure
    label: str
    achieved: int
    target: int | None
    percent: int | None
    url: str

    @property
    def bar(self) -> int:
        """The progress bar's value: the percent of target, at most 100."""
        return min(self.percent or 0, 100)


@dataclass(frozen=True)
class Step:
    label: str
    reached: int
    url: str
    conversion: int | None
    median_days: int | None


@dataclass(frozen=True)
class Cell:
    n: int
    url: str | None  # None: no list behind it (the participants with no mentor yet)


@dataclass(frozen=True)
class Month:
    label: str
    cells: list[Cell]  # one per measure, in Measure's order


@dataclass(frozen=True)
class Ranked:
    name: str
    url: str | None  # drilling down to it (None: no page of its own)
    achieved: Cell
    target: int | None
    percent: int | None


@dataclass(frozen=True)
class Ranking:
    key: str  # "wilayah", "kecamatan", "mentor": the table's id and the level it lists
    caption: str
    rows: list[Ranked]


@dataclass(frozen=True)
class ThemeRow:
    kecamatan: str
    category: str
    posts: int
    open: int
    supporters: int
    url: str


class Links:
    """The links of one dashboard: to its participants and down to a part of it, keeping the year and rank."""

    def __init__(self, place: Place, year: int | None, rank: Measure | None = None) -> None:
        self.place, self.year, self.rank = place, year, rank

    def participants(self, measure: Measure, query: Mapping[str, Any] | None = None, **params: Any) -> str:
        where = self.place.query if query is None else query
        return _url("targets:participants", {"measure": measure.value, **params, **where})

    def dashboard(self, query: Mapping[str, Any]) -> str:
        rank = self.rank.value if self.rank is not None else None
        return _url("targets:dashboard", {"year": self.year, "rank": rank, **query})


def _breadcrumbs(scope: Scope, place: Place, links: Links, *, here: bool = True) -> list[Crumb]:
    """Program > wilayah > kecamatan > mentor, each linked where the viewer may go; the last one is the page
    itself when `here` (the dashboard), else a link back to it (the participants behind a number)."""
    if scope.reach == Reach.PARTNER:
        assert scope.organisation is not None
        label = _("Participants who consented to %(name)s") % {"name": scope.organisation.name}
        return [Crumb(label, None if here else links.dashboard({}))]
    program_wide = scope.reach == Reach.PROGRAM
    crumbs = [Crumb(_("Program"), links.dashboard({}) if program_wide else None)]
    if place.wilayah is not None:
        wilayah_url = links.dashboard({"wilayah": place.wilayah.pk}) if program_wide else None
        crumbs.append(Crumb(place.wilayah.name, wilayah_url))
    if place.kecamatan is not None:
        may = scope.reach in (Reach.PROGRAM, Reach.KECAMATAN)
        crumbs.append(Crumb(place.kecamatan.name, links.dashboard({"kecamatan": place.kecamatan.pk}) if may else None))
    if place.mentor is not None:
        crumbs.append(Crumb(place.mentor.full_name, links.dashboard({"mentor": place.mentor.pk})))
    if here:
        crumbs[-1] = Crumb(crumbs[-1].label, None)
    return crumbs


def _cards(rows: list[figures.ProgressRow], year: int, links: Links) -> list[Card]:
    return [
        Card(
            measure=row.measure,
            label=str(row.measure.label),
            achieved=row.achieved,
            target=row.target,
            percent=row.percent,
            url=links.participants(row.measure, year=year),
        )
        for row in rows
    ]


def _funnel(rows: list[figures.FunnelRow], year: int, links: Links) -> list[Step]:
    return [
        Step(
            label=str(row.measure.label),
            reached=row.reached,
            url=links.participants(row.measure, cohort=year),
            conversion=row.conversion,
            median_days=row.median_days,
        )
        for row in rows
    ]


def _trend(rows: list[tuple[datetime.date, dict[Measure, int]]], year: int, links: Links) -> list[Month]:
    return [
        Month(
            label=formats.date_format(month, "M Y"),
            cells=[
                Cell(counts[measure], links.participants(measure, year=year, month=month.month)) for measure in Measure
            ],
        )
        for month, counts in rows
    ]


def _ranked(rows: Iterable[Ranked]) -> list[Ranked]:
    """Those with a target by their percent of it, then the others by what they achieved; then by name."""
    return sorted(
        rows,
        key=lambda row: (
            row.percent is None,
            -(row.percent or 0),
            -row.achieved.n,
            row.name,
        ),
    )


def _ranking(
    key: str,
    caption: str,
    names: Mapping[int | None, str],
    breakdown: list[figures.BreakdownRow],
    links: Links,
    *,
    extra: Mapping[int | None, str] | None = None,
) -> Ranking:
    """Every part in `names` (those with nothing counted too), and any other the counts name (`extra`)."""
    rank, year = links.rank or DEFAULT_RANK, links.year
    found = {row.key: row for row in breakdown}
    parts: dict[int | None, str] = {**names, **(extra or {})}
    rows = []
    for pk, name in parts.items():
        row = found.get(pk)
        achieved = row.achieved.get(rank, 0) if row else 0
        query = {key: pk} if pk is not None else None
        rows.append(
            Ranked(
                name=name,
                url=links.dashboard(query) if query else None,
                achieved=Cell(achieved, links.participants(rank, query, year=year) if query else None),
                target=row.targets.get(rank) if row else None,
                percent=row.percent(rank) if row else None,
            )
        )
    return Ranking(key=key, caption=caption, rows=_ranked(rows))


def _mentors(place: Place, keys: Iterable[int | None]) -> tuple[list[User], dict[int, User]]:
    """The kecamatan's active mentors (the filter's options) and, by id, every user the counts name (one query)."""
    assert place.kecamatan is not None
    wanted = [key for key in keys if key is not None]
    users = list(
        User.objects.filter(Q(role=Role.MENTOR, office_id=place.kecamatan.pk, is_active=True) | Q(pk__in=wanted))
        .only("full_name", "role", "office_id", "is_active")
        .order_by("full_name", "pk")
    )
    options = [
        user for user in users if user.role == Role.MENTOR and user.office_id == place.kecamatan.pk and user.is_active
    ]
    return options, {user.pk: user for user in users}


def _rankings(scope: Scope, place: Place, geography: Geography, links: Links, form: DashboardForm) -> list[Ranking]:
    """Program: its wilayah and kecamatan; a wilayah: its kecamatan; a kecamatan: its mentors; a mentor or a
    partner's participants: none. The mentor filter is offered wherever a kecamatan is known (one query)."""
    area, year, level = place.area, links.year, place.level
    assert year is not None
    if scope.reach in (Reach.PARTNER, Reach.MENTOR):
        return []
    if level in (Level.PROGRAM, Level.WILAYAH):
        rankings = []
        if level == Level.PROGRAM:
            wilayahs: dict[int | None, str] = {pk: wilayah.name for pk, wilayah in geography.wilayahs.items()}
            by_wilayah = figures.breakdown(area, year, Level.WILAYAH)
            rankings.append(_ranking("wilayah", _("Wilayah"), wilayahs, by_wilayah, links))
        kecamatans: dict[int | None, str] = {
            pk: kecamatan.name
            for pk, kecamatan in geography.kecamatans.items()
            if area.kecamatan_ids is None or pk in area.kecamatan_ids
        }
        by_kecamatan = figures.breakdown(area, year, Level.KECAMATAN)
        rankings.append(_ranking("kecamatan", _("Kecamatan"), kecamatans, by_kecamatan, links))
        return rankings
    if level == Level.MENTOR:
        options, _users = _mentors(place, [])
        form.offer_mentors(options)
        return []
    by_mentor = figures.breakdown(area, year, Level.MENTOR)
    options, users = _mentors(place, (row.key for row in by_mentor))
    form.offer_mentors(options)
    extra: dict[int | None, str] = {
        row.key: users[row.key].full_name for row in by_mentor if row.key is not None and row.key in users
    }
    if any(row.key is None for row in by_mentor):
        extra[None] = _("No mentor yet")
    names: dict[int | None, str] = {user.pk: user.full_name for user in options}
    return [_ranking("mentor", _("Mentors"), names, by_mentor, links, extra=extra)]


def _themes(scope: Scope, place: Place, geography: Geography, year: int) -> list[ThemeRow] | None:
    """The forum's themes in the place (agency staff and the secretariat; None: not shown)."""
    if not scope.shows_themes:
        return None
    rows = []
    for theme in themes(kecamatan_ids=place.kecamatan_ids, year=year):
        kecamatan = geography.kecamatans.get(theme.kecamatan_id)
        rows.append(
            ThemeRow(
                kecamatan=kecamatan.name if kecamatan else "",
                category=str(Category(theme.category).label),
                posts=theme.posts,
                open=theme.open,
                supporters=theme.supporters,
                url=_url("feedback:list", {"category": theme.category, "kecamatan": theme.kecamatan_id, "year": year}),
            )
        )
    return rows


def _chart(funnel: list[Step], trend: list[Month]) -> dict[str, Any]:
    """The numbers the charts draw (the tables beside them hold the same), for json_script."""
    return {
        "funnel": {"labels": [step.label for step in funnel], "reached": [step.reached for step in funnel]},
        "names": {"reached": _("Reached")},
        "trend": {
            "labels": [month.label for month in trend],
            "series": [
                {
                    "label": str(measure.label),
                    "data": [month.cells[index].n for month in trend],
                    "hidden": measure in (Measure.FORMAL, Measure.MOVED_UP),
                }
                for index, measure in enumerate(Measure)
            ],
        },
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard of the place and year the query string names, within the viewer's scope (404 beyond it);
    filters that are not valid are marked on the form and nothing is counted (400). A partner user whom the menu
    offers it but whose account belongs to no active organisation yet is told so, and whom to ask (as on the
    partner's home page)."""
    scope = scope_of(request.user)
    if isinstance(scope, Decision):
        if scope.code == "no_organisation":
            return render(request, "partners/partner/unlinked.html")
        raise PermissionDenied(scope.reason)
    geography = Geography()
    form = DashboardForm(request.GET, geography=geography)
    context: dict[str, Any] = {"form": form, "scope": scope, "measures": [str(m.label) for m in Measure]}
    if not form.is_valid():
        return render(request, "targets/dashboard.html", context, status=400)
    place = _place(scope, form, geography)
    if isinstance(place, Decision):
        form.add_error(None, place.reason)
        return render(request, "targets/dashboard.html", context, status=400)
    year, rank = form.cleaned_data["year"], form.cleaned_data["rank"]
    links = Links(place, year, rank)
    counted = figures.dashboard(place.area, year)
    funnel, trend = _funnel(counted.funnel, year, links), _trend(counted.trend, year, links)
    context.update(
        place=place,
        year=year,
        rank=rank,
        rank_label=str(rank.label),
        breadcrumbs=_breadcrumbs(scope, place, links),
        cards=_cards(counted.progress, year, links),
        counted_at=counted.counted_at,
        kept_minutes=figures.KEPT_SECONDS // 60,
        funnel=funnel,
        trend=trend,
        rankings=_rankings(scope, place, geography, links, form),
        themes=_themes(scope, place, geography, year),
        chart=_chart(funnel, trend),
        targets_apply=scope.reach != Reach.PARTNER,
        sees_reports=bool(can_read_reports(request.user)),
        sees_partner_performance=bool(can_view_partner_performance(request.user)),
        shows_mentor_filter=scope.reach in (Reach.PROGRAM, Reach.KECAMATAN) and place.kecamatan is not None,
        shows_rank=scope.reach in (Reach.PROGRAM, Reach.KECAMATAN) and place.level != Level.MENTOR,
    )
    return render(request, "targets/dashboard.html", context)


# --- the participants behind a number ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    kecamatan: str
    mentor: str
    reached_on: datetime.date | None
    url: str | None  # the staff participant page, for those who may open it


@login_required
@require_GET
def participants(request: HttpRequest) -> HttpResponse:
    """The participants behind one number: of the measure, reached in the year (or its month) or of the cohort,
    in the place, within the viewer's scope; 25 a page. A partner's user sees their names alone."""
    scope = _scope(request)
    geography = Geography()
    form = ParticipantsForm(request.GET, geography=geography)
    context: dict[str, Any] = {"form": form, "scope": scope}
    if not form.is_valid():
        return render(request, "targets/participants.html", context, status=400)
    place = _place(scope, form, geography)
    if isinstance(place, Decision):
        form.add_error(None, place.reason)
        return render(request, "targets/participants.html", context, status=400)
    data = form.cleaned_data
    measure: Measure = data["measure"]
    year, cohort, month = data.get("year"), data.get("cohort"), data.get("month")
    rows = figures.participants(place.area, measure, year=year, cohort=cohort, month=month)
    page = paginate(rows, request.GET.get("page"))
    name = DATE_FIELDS[measure]
    partner = scope.reach == Reach.PARTNER
    people = [
        Person(
            name=row.participant.full_name,
            kecamatan="" if partner else row.kecamatan.name,
            mentor="" if partner or row.mentor is None else row.mentor.full_name,
            reached_on=None if partner else getattr(row, name),
            url=reverse("registration:participant", args=[row.participant_id])
            if scope.may_open_participant(row.kecamatan_id)
            else None,
        )
        for row in page.items
    ]
    links = Links(place, year or cohort)
    context.update(
        place=place,
        measure_label=str(measure.label),
        year=year,
        cohort=cohort,
        month=datetime.date(year, month, 1) if year and month else None,
        page=page,
        people=people,
        partner=partner,
        breadcrumbs=_breadcrumbs(scope, place, links, here=False),
        back=links.dashboard(place.query),
    )
    return render(request, "targets/participants.html", context)
