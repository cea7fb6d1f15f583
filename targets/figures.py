"""The dashboard's and the reports' figures, read from the summary tables (never by counting the program):
progress against target, the P1 -> P7 funnel with its conversions and median times, the monthly trend, the
breakdown by wilayah, kecamatan or mentor, and the participants behind a number.

What is counted is an `Area`: the program, a wilayah, a kecamatan, a mentor's participants, or a given set of
participants (a partner's consenting ones, each counted only for the measures their consents cover). The first
four read AreaCount (a mentor's MeasureCount) and GapCount, a fixed number of queries whatever the program's
size; a mentor's medians and a set of participants are counted on Progress, which their index keeps to that
mentor's or that set's rows. Who may see which area is the caller's question (`targets.permissions`)."""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import caches
from django.db.models import Aggregate, Case, Count, IntegerField, Q, QuerySet, Sum, When
from django.db.models.functions import Cast, ExtractMonth
from django.utils import timezone

from core.dates import month_end
from geography.models import Kecamatan
from registration.measures import FUNNEL, Measure

from .choices import Level
from .models import AreaCount, GapCount, MeasureCount, Progress, Target
from .summary import DATE_FIELDS, GAPS, days_between


@dataclass(frozen=True)
class Area:
    """What to count. `level` and the ids say which target applies; `kecamatan_ids` (None: all) and `mentor_id`
    narrow the counts; `participants` (a queryset of participant ids) counts only those, on Progress, and
    `by_measure` narrows some measures to a part of them (`counts`)."""

    level: Level = Level.PROGRAM
    wilayah_id: int | None = None
    kecamatan_id: int | None = None
    mentor_id: int | None = None
    kecamatan_ids: frozenset[int] | None = None
    participants: QuerySet[Any] | None = field(default=None, compare=False)
    by_measure: Mapping[Measure, QuerySet[Any]] = field(default_factory=dict, compare=False)
    # a set whose dashboard figures may be kept a while: the name to keep them under, which changes with the set
    kept_as: Callable[[], str] | None = field(default=None, compare=False)

    @classmethod
    def program(cls) -> "Area":
        return cls()

    @classmethod
    def of_wilayah(cls, wilayah_id: int, kecamatan_ids: Iterable[int]) -> "Area":
        """A wilayah, counted over its kecamatan (`kecamatan_ids`: the caller has them, no query here)."""
        return cls(level=Level.WILAYAH, wilayah_id=wilayah_id, kecamatan_ids=frozenset(kecamatan_ids))

    @classmethod
    def of_kecamatan(cls, kecamatan_id: int) -> "Area":
        return cls(level=Level.KECAMATAN, kecamatan_id=kecamatan_id, kecamatan_ids=frozenset({kecamatan_id}))

    @classmethod
    def of_mentor(cls, mentor_id: int) -> "Area":
        return cls(level=Level.MENTOR, mentor_id=mentor_id)

    @classmethod
    def of_participants(
        cls,
        participant_ids: QuerySet[Any],
        by_measure: Mapping[Measure, QuerySet[Any]] | None = None,
        *,
        kept_as: Callable[[], str] | None = None,
    ) -> "Area":
        """A set of participants (no target applies): `participant_ids` is a values("pk")-style queryset;
        `by_measure` (the same kind of queryset, by measure) counts only those of the set for that measure (a
        partner's: who consented for the measure's step); a measure it leaves out counts the whole set. With
        `kept_as`, its dashboard figures are counted at most once every KEPT_SECONDS (`dashboard`)."""
        return cls(participants=participant_ids, by_measure=dict(by_measure or {}), kept_as=kept_as)

    @property
    def on_progress(self) -> bool:
        return self.participants is not None

    def cells(self) -> Q:
        """The filter on MeasureCount, GapCount or Progress rows of this area (kecamatan and mentor)."""
        where = Q()
        if self.kecamatan_ids is not None:
            where &= Q(kecamatan_id__in=self.kecamatan_ids)
        if self.mentor_id is not None:
            where &= Q(mentor_id=self.mentor_id)
        return where

    def counts(self, measure: Measure) -> Q:
        """The filter on this area's Progress rows of those who count for `measure` (Q(): all of them)."""
        ids = self.by_measure.get(measure)
        return Q() if ids is None else Q(participant_id__in=ids)

    def progress(self) -> QuerySet[Progress]:
        rows = Progress.objects.filter(self.cells())
        if self.participants is not None:
            rows = rows.filter(participant_id__in=self.participants)
        return rows

    def target_filter(self) -> Q:
        return Q(
            level=self.level, wilayah_id=self.wilayah_id, kecamatan_id=self.kecamatan_id, mentor_id=self.mentor_id
        )


def year_months(year: int) -> Q:
    return Q(month__gte=datetime.date(year, 1, 1), month__lte=datetime.date(year, 12, 1))


def _in_year(measure: Measure, year: int) -> Q:
    name = DATE_FIELDS[measure]
    return Q(**{f"{name}__gte": datetime.date(year, 1, 1), f"{name}__lte": datetime.date(year, 12, 31)})


# --- progress against target --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressRow:
    measure: Measure
    achieved: int
    target: int | None

    @property
    def percent(self) -> int | None:
        return None if not self.target else round(100 * self.achieved / self.target)


def _counts(area: Area) -> QuerySet[Any]:
    """The area's monthly counts: a mentor's from MeasureCount; the program's, a wilayah's or a kecamatan's from
    AreaCount (the same counts without the mentor, a sixteenth of the rows)."""
    table = MeasureCount if area.mentor_id is not None else AreaCount
    return table.objects.filter(area.cells())


def achieved(area: Area, year: int) -> dict[Measure, int]:
    """How many of the area reached each measure in `year` (one query)."""
    if area.on_progress:
        counts = area.progress().aggregate(
            **{m.value: Count("pk", filter=_in_year(m, year) & area.counts(m)) for m in Measure}
        )
        return {m: counts[m.value] for m in Measure}
    rows = _counts(area).filter(year_months(year)).values("measure").annotate(total=Sum("n")).order_by()
    totals = {row["measure"]: row["total"] for row in rows}
    return {m: totals.get(m.value, 0) for m in Measure}


def targets(area: Area, year: int) -> dict[Measure, int]:
    """The area's own targets for `year`, by measure (one query; none for a set of participants)."""
    if area.on_progress:
        return {}
    rows = Target.objects.filter(area.target_filter(), year=year).values_list("measure", "value")
    return {Measure(measure): value for measure, value in rows}


def progress(area: Area, year: int) -> list[ProgressRow]:
    """Every measure's achievement in `year` against the area's target (two queries)."""
    done, wanted = achieved(area, year), targets(area, year)
    return [ProgressRow(measure, done[measure], wanted.get(measure)) for measure in Measure]


# --- the funnel -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelRow:
    measure: Measure
    reached: int
    previous: int | None  # reached the step before (None for the first)
    median_days: int | None  # from the step before, for those who reached both
    both: int | None  # reached this step and the step before (None for the first)

    @property
    def conversion(self) -> int | None:
        """Percent of those who reached the step before who reached this one too (never above 100: those who
        skipped the step before are not counted)."""
        return None if not self.previous else round(100 * (self.both or 0) / self.previous)


class _PercentileDisc(Aggregate):
    """PostgreSQL's percentile_disc(0.5): the smallest value with half the rows at or below it (the median as
    GapCount's cumulative counts give it)."""

    function = "percentile_disc"
    template = "percentile_disc(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = IntegerField()


def median_from_counts(counts: Iterable[tuple[int, int]]) -> int | None:
    """The median (percentile_disc 0.5) of values given as (value, how many), in ascending value order."""
    pairs = list(counts)
    total = sum(n for _value, n in pairs)
    running = 0
    for value, n in pairs:
        running += n
        if 2 * running >= total:
            return value
    return None


@dataclass(frozen=True)
class _Gap:
    median_days: int | None
    both: int  # how many reached the step and the one before it


def _gaps(area: Area, cohort: int) -> dict[Measure, _Gap]:
    """For each funnel step after the first, of the cohort who reached it and the step before: how many, and the
    median days between the two (one query)."""
    if area.on_progress or area.mentor_id is not None:
        both = {
            measure: Q(**{f"{DATE_FIELDS[measure]}__isnull": False, f"{DATE_FIELDS[before]}__isnull": False})
            & area.counts(measure)
            & area.counts(before)
            for measure, before in GAPS
        }
        progress_rows = area.progress().filter(cohort=cohort)
        values = progress_rows.aggregate(
            **{
                f"{measure.value}__median": _PercentileDisc(
                    days_between(DATE_FIELDS[measure], DATE_FIELDS[before]), filter=both[measure]
                )
                for measure, before in GAPS
            },
            **{f"{measure.value}__both": Count("pk", filter=both[measure]) for measure, _before in GAPS},
        )
        return {
            measure: _Gap(values[f"{measure.value}__median"], values[f"{measure.value}__both"])
            for measure, _before in GAPS
        }
    rows = (
        GapCount.objects.filter(area.cells(), cohort=cohort)
        .values_list("measure", "days")
        .annotate(total=Sum("n"))
        .order_by("measure", "days")
    )
    by_measure: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for measure, days, total in rows:
        by_measure[measure].append((days, total))
    return {
        measure: _Gap(
            median_from_counts(by_measure.get(measure.value, [])),
            sum(total for _days, total in by_measure.get(measure.value, [])),
        )
        for measure, _before in GAPS
    }


def funnel(area: Area, cohort: int) -> list[FunnelRow]:
    """P1 -> P7 for those who registered in `cohort`: how many reached each step (at any time), the conversion
    from the step before (of those who reached it, the share who reached this step too) and the median days from
    it (two queries)."""
    if area.on_progress:
        counts = (
            area.progress()
            .filter(cohort=cohort)
            .aggregate(
                **{
                    m.value: Count("pk", filter=Q(**{f"{DATE_FIELDS[m]}__isnull": False}) & area.counts(m))
                    for m in FUNNEL
                }
            )
        )
        reached = {m: counts[m.value] for m in FUNNEL}
    else:
        rows = (
            _counts(area)
            .filter(cohort=cohort, measure__in=FUNNEL)
            .values("measure")
            .annotate(total=Sum("n"))
            .order_by()
        )
        totals = {row["measure"]: row["total"] for row in rows}
        reached = {m: totals.get(m.value, 0) for m in FUNNEL}
    gaps = _gaps(area, cohort)
    result: list[FunnelRow] = []
    for index, measure in enumerate(FUNNEL):
        previous = reached[FUNNEL[index - 1]] if index else None
        gap = gaps.get(measure)
        median, both = (gap.median_days, gap.both) if gap is not None else (None, None)
        result.append(FunnelRow(measure, reached[measure], previous, median, both))
    return result


# --- the trend by month ---------------------------------------------------------------------------------------------


def trend(area: Area, year: int) -> list[tuple[datetime.date, dict[Measure, int]]]:
    """Each month of `year` with how many reached each measure in it (one query)."""
    months = [datetime.date(year, month, 1) for month in range(1, 13)]
    table: dict[datetime.date, dict[Measure, int]] = {month: dict.fromkeys(Measure, 0) for month in months}
    if area.on_progress:
        rows: Iterable[tuple[str, datetime.date, int]] = _progress_trend(area, year)
    else:
        rows = (
            _counts(area).filter(year_months(year)).values_list("measure", "month").annotate(total=Sum("n")).order_by()
        )
    for measure, month, total in rows:
        table[month][Measure(measure)] += total
    return [(month, table[month]) for month in months]


def _progress_trend(area: Area, year: int) -> list[tuple[str, datetime.date, int]]:
    """The trend of a set of participants: every (measure, month) count in one aggregate query. Each row's month of
    each measure (NULL: not that year, or not counted for it) is worked out once, in a subquery that the DISTINCT
    keeps PostgreSQL from folding into the counts (each of the 12 months' counts would otherwise test the measure's
    year and the area's subquery again: 210 against 70 ms for a partner's 13,000 participants). The rows are
    distinct already (the primary key is among them)."""
    months = {
        f"month_{measure.value}": Cast(
            Case(When(_in_year(measure, year) & area.counts(measure), then=ExtractMonth(DATE_FIELDS[measure]))),
            IntegerField(),
        )
        for measure in Measure
    }
    rows_of_months = area.progress().annotate(**months).values("pk", *months).order_by().distinct()
    counts = rows_of_months.aggregate(
        **{
            f"{measure.value}__{month}": Count("pk", filter=Q(**{f"month_{measure.value}": month}))
            for measure in Measure
            for month in range(1, 13)
        }
    )
    rows: list[tuple[str, datetime.date, int]] = []
    for key, total in counts.items():
        measure, month = key.split("__")
        if total:
            rows.append((measure, datetime.date(year, int(month), 1), total))
    return rows


# --- the dashboard's figures together -------------------------------------------------------------------------------

# A set of participants is counted on Progress, over its rows alone: a partner's 13,000 take about 250 ms at a million
# participants, where an area's counts are read from the summary tables. The figures of a set given a name to keep
# them under (`Area.kept_as`: the partner dashboard's) are kept this long in each process's memory (the fragments
# cache: no network round trip, nothing lost if Redis is down), and the page says when they were counted.
KEPT_SECONDS = 600


@dataclass(frozen=True)
class Figures:
    """What the dashboard shows of an area in a year: progress against target, the funnel of that year's cohort
    and the monthly trend; `counted_at` when they were kept (a set of participants' `kept_as`), else None."""

    progress: list[ProgressRow]
    funnel: list[FunnelRow]
    trend: list[tuple[datetime.date, dict[Measure, int]]]
    counted_at: datetime.datetime | None = None


def dashboard(area: Area, year: int) -> Figures:
    """The area's dashboard figures for `year`: counted now, or, for a set kept under a name, as counted within the
    last KEPT_SECONDS in this process while the name stays the same."""
    if area.kept_as is None:
        return Figures(progress(area, year), funnel(area, year), trend(area, year))
    kept = caches["fragments"]
    key = f"targets:figures:{area.kept_as()}:{year}"
    found = kept.get(key)
    if isinstance(found, Figures):
        return found
    counted = Figures(progress(area, year), funnel(area, year), trend(area, year), counted_at=timezone.now())
    kept.set(key, counted, KEPT_SECONDS)
    return counted


# --- breakdown by wilayah, kecamatan or mentor ---------------------------------------------------------------------


@dataclass(frozen=True)
class BreakdownRow:
    key: int | None  # the wilayah's, kecamatan's or mentor's id (None: participants with no mentor)
    achieved: dict[Measure, int]
    targets: dict[Measure, int]

    def percent(self, measure: Measure) -> int | None:
        target = self.targets.get(measure)
        return None if not target else round(100 * self.achieved.get(measure, 0) / target)


def breakdown(area: Area, year: int, by: Level) -> list[BreakdownRow]:
    """The area's achievement in `year` split by wilayah, kecamatan or mentor, each with its own targets (three
    queries at most: the counts, the kecamatans' wilayah, the targets)."""
    if area.on_progress:
        raise ValueError("A set of participants has no breakdown")
    group = {Level.WILAYAH: "kecamatan_id", Level.KECAMATAN: "kecamatan_id", Level.MENTOR: "mentor_id"}[by]
    by_cell = MeasureCount.objects.filter(area.cells()) if by == Level.MENTOR else _counts(area)
    rows = by_cell.filter(year_months(year)).values_list(group, "measure").annotate(total=Sum("n")).order_by()
    done: dict[int | None, dict[Measure, int]] = defaultdict(lambda: dict.fromkeys(Measure, 0))
    if by == Level.WILAYAH:
        wilayah_of = dict(Kecamatan.objects.values_list("pk", "wilayah_id"))
        for kecamatan_id, measure, total in rows:
            done[wilayah_of[kecamatan_id]][Measure(measure)] += total
    else:
        for key, measure, total in rows:
            done[key][Measure(measure)] += total
    target_key = {Level.WILAYAH: "wilayah_id", Level.KECAMATAN: "kecamatan_id", Level.MENTOR: "mentor_id"}[by]
    wanted: dict[int | None, dict[Measure, int]] = defaultdict(dict)
    target_rows = Target.objects.filter(level=by, year=year)
    if by == Level.KECAMATAN and area.kecamatan_ids is not None:
        target_rows = target_rows.filter(kecamatan_id__in=area.kecamatan_ids)
    if by == Level.MENTOR and area.kecamatan_ids is not None:  # the area's mentors, whether they reached any or not
        target_rows = target_rows.filter(mentor__office_id__in=area.kecamatan_ids)
    if by == Level.MENTOR and area.mentor_id is not None:
        target_rows = target_rows.filter(mentor_id=area.mentor_id)
    for key, measure, value in target_rows.values_list(target_key, "measure", "value"):
        wanted[key][Measure(measure)] = value
    keys = set(done) | set(wanted)
    return [BreakdownRow(key, done[key], wanted.get(key, {})) for key in keys]


# --- the participants behind a number ------------------------------------------------------------------------------


def participants(
    area: Area, measure: Measure, *, year: int | None = None, cohort: int | None = None, month: int | None = None
) -> QuerySet[Progress]:
    """The area's participants who reached `measure` in `year` (progress, breakdown), in `month` (1-12) of
    `year` (the trend) or, of `cohort`, at any time (the funnel), newest first; the caller pages it."""
    name = DATE_FIELDS[measure]
    rows = area.progress().filter(area.counts(measure), **{f"{name}__isnull": False})
    if year is not None:
        rows = rows.filter(_in_year(measure, year))
        if month is not None:
            first = datetime.date(year, month, 1)
            rows = rows.filter(**{f"{name}__gte": first, f"{name}__lte": month_end(first)})
    if cohort is not None:
        rows = rows.filter(cohort=cohort)
    return rows.select_related("participant", "kecamatan", "mentor").order_by(f"-{name}", "-participant_id")


# --- what was reached between two days (the weekly report's new counts) -----------------------------------------


@dataclass(frozen=True)
class NewCounts:
    """How many of an area reached each measure between two days, by (kecamatan, mentor) cell, to be summed to any
    level (`total`, `by`)."""

    cells: dict[tuple[int, int | None], dict[Measure, int]]
    wilayah_of: dict[int, int]  # kecamatan id -> its wilayah's

    def total(self) -> dict[Measure, int]:
        counts = dict.fromkeys(Measure, 0)
        for cell in self.cells.values():
            for measure, n in cell.items():
                counts[measure] += n
        return counts

    def by(self, level: Level) -> dict[int | None, dict[Measure, int]]:
        """The counts by wilayah, kecamatan or mentor (None: participants with no mentor); keys with nothing new
        are left out."""
        result: dict[int | None, dict[Measure, int]] = defaultdict(lambda: dict.fromkeys(Measure, 0))
        for (kecamatan_id, mentor_id), cell in self.cells.items():
            key = {
                Level.WILAYAH: self.wilayah_of.get(kecamatan_id),
                Level.KECAMATAN: kecamatan_id,
                Level.MENTOR: mentor_id,
            }[level]
            for measure, n in cell.items():
                result[key][measure] += n
        return dict(result)


def _between(measure: Measure, start: datetime.date, end: datetime.date) -> Q:
    name = DATE_FIELDS[measure]
    return Q(**{f"{name}__gte": start, f"{name}__lte": end})


def reached_between(area: Area, start: datetime.date, end: datetime.date) -> NewCounts:
    """How many of the area reached each measure from `start` to `end` (both included), by kecamatan and mentor:
    days finer than MeasureCount's months, so counted on Progress, only the rows with a day in the range (two
    queries: the counts, the kecamatans' wilayah)."""
    any_in_range = Q(pk__in=[])
    for measure in Measure:
        any_in_range |= _between(measure, start, end)
    rows = (
        area.progress()
        .filter(any_in_range)
        .values_list("kecamatan_id", "mentor_id")
        .annotate(**{m.value: Count("pk", filter=_between(m, start, end) & area.counts(m)) for m in Measure})
        .order_by()
    )
    cells: dict[tuple[int, int | None], dict[Measure, int]] = {}
    for kecamatan_id, mentor_id, *counts in rows:
        cells[(kecamatan_id, mentor_id)] = dict(zip(Measure, counts, strict=True))
    wilayah_of = dict(Kecamatan.objects.values_list("pk", "wilayah_id"))
    return NewCounts(cells, wilayah_of)
