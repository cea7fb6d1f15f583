"""The summary tables, kept current: after each change (`participants_changed`, a listener of
`registration.measures`, queues `refresh` after the commit) and rebuilt from scratch nightly (`rebuild`).

Both paths compute a participant's row with the same expressions (`registration.measures.reached_on`). The rebuild
counts every cell from `Progress` (`_recount`); a refresh moves only the counts its participants' old and new rows
differ by (`_add_changes`: a registration moves a few; recounting its kecamatan's cells from their tens of thousands
of rows took 293 ms at a million participants, this takes 17), and recounts the cells it touches from `Progress`
only when a count it would take from is missing or would go below 0 (drift), so a rebuild gives exactly the
incremental numbers. Writers serialise per kecamatan (a transaction-scoped advisory lock), and compute the
participants' rows only once they hold it, so two refreshes never count from each other's half-written rows, and
a refresh adds to counts no one else is writing."""

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

import kombu.exceptions
from celery import current_app
from django.db import OperationalError, connection, models, transaction
from django.db.models import Count, DateField, F, Func, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Greatest, TruncDate, TruncMonth

from registration.measures import FUNNEL, Measure, mentor_of, reached_on

from .models import AreaCount, GapCount, MeasureCount, Progress

REFRESH_TASK = "targets.tasks.refresh_participants"
CHUNK = 2000
logger = logging.getLogger(__name__)
_KECAMATAN_LOCK = 7311  # the advisory lock's first key: "targets, kecamatan"

DATE_FIELDS = {measure: f"{measure.value}_on" for measure in Measure}
# Each funnel step after the first, with the step before it (the gap is counted from that one).
GAPS: tuple[tuple[Measure, Measure], ...] = tuple(zip(FUNNEL[1:], FUNNEL[:-1], strict=True))


def participants_changed(participant_ids: set[int]) -> None:
    """Queue the refresh of these participants (the listener `targets.apps` registers; runs after the commit)."""
    ids = sorted(participant_ids)
    for start in range(0, len(ids), CHUNK):
        try:
            current_app.tasks[REFRESH_TASK].delay(ids[start : start + CHUNK])
        except kombu.exceptions.OperationalError:  # the broker is down: the change itself is committed
            logger.warning("Summary refresh not queued for %s participants; the nightly rebuild counts them", len(ids))
            return


def _participants() -> QuerySet[Any]:
    return Progress._meta.get_field("participant").related_model._default_manager.all()


def _computed(participant_ids: Iterable[int] | None = None, *, kecamatan_id: int | None = None) -> list[Progress]:
    """The participants' rows as the step apps tell them now (unsaved)."""
    queryset = _participants()
    if participant_ids is not None:
        queryset = queryset.filter(pk__in=list(participant_ids))
    if kecamatan_id is not None:
        queryset = queryset.filter(kecamatan_id=kecamatan_id)
    registered = Coalesce(reached_on(Measure.REGISTERED), TruncDate("created_at"), output_field=DateField())
    annotations = {DATE_FIELDS[measure]: reached_on(measure) for measure in Measure if measure != Measure.REGISTERED}
    rows = queryset.annotate(
        progress_registered_on=registered,
        progress_mentor_id=mentor_of(),
        **{f"progress_{name}": expression for name, expression in annotations.items()},
    ).values(
        "pk", "kecamatan_id", "progress_registered_on", "progress_mentor_id", *(f"progress_{n}" for n in annotations)
    )
    return [
        Progress(
            participant_id=row["pk"],
            kecamatan_id=row["kecamatan_id"],
            mentor_id=row["progress_mentor_id"],
            cohort=row["progress_registered_on"].year,
            registered_on=row["progress_registered_on"],
            **{name: row[f"progress_{name}"] for name in annotations},
        )
        for row in rows
    ]


FIELDS = ["kecamatan_id", "mentor_id", "cohort", *DATE_FIELDS.values()]


def _same(a: Progress, b: Progress) -> bool:
    return all(getattr(a, name) == getattr(b, name) for name in FIELDS)


def _lock_kecamatans(kecamatan_ids: Iterable[int]) -> None:
    with connection.cursor() as cursor:
        for kecamatan_id in sorted(set(kecamatan_ids)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_KECAMATAN_LOCK, kecamatan_id])


@transaction.atomic
def refresh(participant_ids: Iterable[int]) -> None:
    """Recompute these participants' rows and recount the cells (kecamatan and mentor) they were or are in.

    The kecamatans locked are those the participants are in and those their rows are in, read again once the
    locks are held: a participant moved meanwhile adds its kecamatan, and the rows are computed again, so every row
    is computed, and every cell recounted, under the lock of its kecamatan. A lock taken in a second round may
    wait out of order: PostgreSQL then aborts one of two refreshes waiting for each other (a deadlock), and the
    task retries it."""
    ids = sorted(set(participant_ids))
    if not ids:
        return
    wanted = set(_participants().filter(pk__in=ids).values_list("kecamatan_id", flat=True))
    wanted |= set(Progress.objects.filter(pk__in=ids).values_list("kecamatan_id", flat=True))
    locked: set[int] = set()
    while True:
        _lock_kecamatans(wanted - locked)
        locked |= wanted
        new = {row.participant_id: row for row in _computed(ids)}
        old = {row.participant_id: row for row in Progress.objects.filter(pk__in=ids)}
        wanted = {row.kecamatan_id for row in new.values()} | {row.kecamatan_id for row in old.values()}
        if wanted <= locked:
            break
    touched = {(row.kecamatan_id, row.mentor_id) for row in old.values()} | {
        (row.kecamatan_id, row.mentor_id) for row in new.values()
    }
    gone = old.keys() - new.keys()
    if gone:
        Progress.objects.filter(pk__in=gone).delete()
    changed = [row for pk, row in new.items() if pk not in old or not _same(row, old[pk])]
    _save(changed)
    left = [old[pk] for pk in gone] + [old[row.participant_id] for row in changed if row.participant_id in old]
    if (changed or gone) and not _add_changes(left, changed):
        logger.warning("Summary counts of kecamatan %s drifted: recounting them", sorted(locked))
        _recount(_cells_filter(touched), {kecamatan_id for kecamatan_id, _mentor in touched})


REBUILD_ATTEMPTS = 3


def rebuild() -> dict[str, int]:
    """Rebuild every row and every count from scratch, one kecamatan at a time (each its own transaction, tried
    again when PostgreSQL aborts it in a deadlock with a refresh). Returns how many rows each table holds then."""
    kecamatans = set(_participants().values_list("kecamatan_id", flat=True).distinct())
    for table in (Progress, MeasureCount, AreaCount, GapCount):
        kecamatans |= set(table.objects.values_list("kecamatan_id", flat=True).distinct())
    for kecamatan_id in sorted(kecamatans):
        for attempt in range(1, REBUILD_ATTEMPTS + 1):
            try:
                _rebuild_kecamatan(kecamatan_id)
            except OperationalError as exc:
                if attempt == REBUILD_ATTEMPTS or not _is_deadlock(exc):
                    raise
                logger.warning("The rebuild of kecamatan %s met a deadlock: trying again", kecamatan_id)
            else:
                break
    return {
        "progress": Progress.objects.count(),
        "measure_counts": MeasureCount.objects.count(),
        "area_counts": AreaCount.objects.count(),
        "gap_counts": GapCount.objects.count(),
    }


def _is_deadlock(exc: OperationalError) -> bool:
    cause = exc.__cause__
    return DEADLOCK_DETECTED in {getattr(cause, "pgcode", None), getattr(cause, "sqlstate", None)}


DEADLOCK_DETECTED = "40P01"  # PostgreSQL's SQLSTATE


@transaction.atomic
def _rebuild_kecamatan(kecamatan_id: int) -> None:
    """Every row of the kecamatan's participants computed under its lock. A participant whose row is still in
    another kecamatan (moved there, its refresh not run yet) takes the row away from there: that kecamatan is
    locked too, and the cells the row leaves are recounted with this kecamatan's."""
    _lock_kecamatans([kecamatan_id])
    locked = {kecamatan_id}
    while True:
        rows = _computed(kecamatan_id=kecamatan_id)
        moving = list(
            Progress.objects.filter(participant__kecamatan_id=kecamatan_id).exclude(kecamatan_id=kecamatan_id)
        )
        elsewhere = {row.kecamatan_id for row in moving}
        if elsewhere <= locked:
            break
        _lock_kecamatans(elsewhere - locked)
        locked |= elsewhere
    keep = {row.participant_id for row in rows}
    # rows of participants who left the kecamatan or are gone; one who moved here is written below
    Progress.objects.filter(kecamatan_id=kecamatan_id).exclude(pk__in=keep).delete()
    _save(rows)
    left = {(row.kecamatan_id, row.mentor_id) for row in moving}
    _recount(Q(kecamatan_id=kecamatan_id) | _cells_filter(left), {kecamatan_id} | elsewhere)


def _save(rows: list[Progress]) -> None:
    """Insert or update these rows."""
    for chunk in _chunks(rows, CHUNK):
        Progress.objects.bulk_create(
            chunk,
            update_conflicts=True,
            unique_fields=["participant"],
            update_fields=[name.removesuffix("_id") if name.endswith("_id") else name for name in FIELDS],
        )


@transaction.atomic
def recount(kecamatan_ids: Iterable[int] | None = None) -> None:
    """Recount the cells of these kecamatans (None: every one) from Progress as it stands, without asking the
    step apps again: for the benchmarks and tests that write Progress rows themselves."""
    wanted = set(kecamatan_ids) if kecamatan_ids is not None else None
    if wanted is None:
        wanted = set(Progress.objects.values_list("kecamatan_id", flat=True).distinct())
        for table in (MeasureCount, AreaCount, GapCount):
            wanted |= set(table.objects.values_list("kecamatan_id", flat=True).distinct())
    _lock_kecamatans(wanted)
    _recount(Q(kecamatan_id__in=wanted), wanted)


def _chunks(rows: list[Progress], size: int) -> Iterator[list[Progress]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


# The fields of each count table's cell (its unique constraint), in the order of `_cells_of`'s keys.
MEASURE_CELL = ("measure", "month", "cohort", "kecamatan_id", "mentor_id")
AREA_CELL = ("kecamatan_id", "measure", "month", "cohort")
GAP_CELL = ("measure", "cohort", "kecamatan_id", "days")


def _cells_of(
    row: Progress,
    sign: int,
    measures: Counter[tuple[Any, ...]],
    areas: Counter[tuple[Any, ...]],
    gaps: Counter[tuple[Any, ...]],
) -> None:
    """Add `sign` to each cell `row` counts in: the cells `_recount`'s queries would count it in."""
    for measure, field in DATE_FIELDS.items():
        day = getattr(row, field)
        if day is not None:
            month = day.replace(day=1)
            measures[(measure.value, month, row.cohort, row.kecamatan_id, row.mentor_id)] += sign
            areas[(row.kecamatan_id, measure.value, month, row.cohort)] += sign
    for measure, before in GAPS:
        reached, since = getattr(row, DATE_FIELDS[measure]), getattr(row, DATE_FIELDS[before])
        if reached is not None and since is not None:
            gaps[(measure.value, row.cohort, row.kecamatan_id, max((reached - since).days, 0))] += sign


@dataclass
class _Plan:
    """The writes that add a table's changes: new cells, cells with another count, cells that fell to 0."""

    model: type[models.Model]
    created: list[models.Model]
    updated: list[models.Model]
    emptied: list[int]


def _plan(model: type[models.Model], cell: tuple[str, ...], changes: Counter[tuple[Any, ...]]) -> _Plan | None:
    """How to add `changes` (cell -> how many more or fewer) to `model`'s counts (one query reads the cells), or
    None when a count would go below 0 or is missing where one is taken from: the counts drifted."""
    wanted = {key: change for key, change in changes.items() if change}
    plan = _Plan(model, [], [], [])
    if not wanted:
        return plan
    among = {f"{name}__in": {key[i] for key in wanted} for i, name in enumerate(cell) if name != "mentor_id"}
    existing = {tuple(getattr(row, name) for name in cell): row for row in model._default_manager.filter(**among)}
    for key, change in wanted.items():
        row: Any = existing.get(key)
        if row is None:
            if change < 0:
                return None
            plan.created.append(model(**dict(zip(cell, key, strict=True)), n=change))
            continue
        row.n += change
        if row.n < 0:
            return None
        if row.n == 0:
            plan.emptied.append(row.pk)
        else:
            plan.updated.append(row)
    return plan


def _add_changes(left: list[Progress], entered: list[Progress]) -> bool:
    """Take the participants' old rows (`left`) out of the count tables and put their new rows (`entered`) in;
    False, writing nothing, when the counts drifted from Progress (the caller recounts them)."""
    measures: Counter[tuple[Any, ...]] = Counter()
    areas: Counter[tuple[Any, ...]] = Counter()
    gaps: Counter[tuple[Any, ...]] = Counter()
    for rows, sign in ((left, -1), (entered, 1)):
        for row in rows:
            _cells_of(row, sign, measures, areas, gaps)
    plans = [
        _plan(MeasureCount, MEASURE_CELL, measures),
        _plan(AreaCount, AREA_CELL, areas),
        _plan(GapCount, GAP_CELL, gaps),
    ]
    if any(plan is None for plan in plans):
        return False
    for plan in plans:
        assert plan is not None
        manager = plan.model._default_manager
        if plan.emptied:
            manager.filter(pk__in=plan.emptied).delete()
        if plan.updated:
            manager.bulk_update(plan.updated, ["n"], batch_size=CHUNK)
        if plan.created:
            manager.bulk_create(plan.created, batch_size=CHUNK)
    return True


def _cells_filter(cells: set[tuple[int, int | None]]) -> Q:
    where = Q(pk__in=[])
    for kecamatan_id, mentor_id in cells:
        where |= (
            Q(kecamatan_id=kecamatan_id, mentor_id=mentor_id)
            if mentor_id is not None
            else Q(kecamatan_id=kecamatan_id, mentor__isnull=True)
        )
    return where


def days_between(later: str, earlier: str) -> Func:
    """Whole days from `earlier` to `later` (PostgreSQL's date minus date), never below 0."""
    days = Func(F(later), F(earlier), template="(%(expressions)s)", arg_joiner=" - ", output_field=IntegerField())
    return Greatest(days, Value(0), output_field=IntegerField())


def area_counts(kecamatan_ids: set[int] | None = None) -> QuerySet[Any]:
    """The area counts of these kecamatans (None: all) from their measure counts, the mentors summed."""
    counts = MeasureCount.objects.order_by()
    if kecamatan_ids is not None:
        counts = counts.filter(kecamatan_id__in=kecamatan_ids)
    return counts.values("kecamatan_id", "measure", "month", "cohort").annotate(n=Sum("n"))


def _recount(where: Q, kecamatan_ids: set[int]) -> None:
    """Replace the measure counts of the (kecamatan, mentor) cells `where` selects, and the area and gap counts of
    `kecamatan_ids` (the kecamatans of those cells), from Progress (the area counts from the measure counts just
    written). Each table is counted in one query (the measures, and the funnel's steps, joined by UNION ALL) and
    written in one insert per CHUNK rows."""
    MeasureCount.objects.filter(where).delete()
    GapCount.objects.filter(kecamatan_id__in=kecamatan_ids).delete()
    progress = Progress.objects.filter(where).order_by()
    reached = [
        progress.filter(**{f"{field}__isnull": False})
        .values("kecamatan_id", "mentor_id", "cohort", month=TruncMonth(field, output_field=DateField()))
        .annotate(measure=Value(measure.value), n=Count("pk"))
        for measure, field in DATE_FIELDS.items()
    ]
    counts = reached[0].union(*reached[1:], all=True)
    MeasureCount.objects.bulk_create((MeasureCount(**row) for row in counts), batch_size=CHUNK)
    AreaCount.objects.filter(kecamatan_id__in=kecamatan_ids).delete()
    AreaCount.objects.bulk_create((AreaCount(**row) for row in area_counts(kecamatan_ids)), batch_size=CHUNK)
    in_kecamatans = Progress.objects.filter(kecamatan_id__in=kecamatan_ids).order_by()
    steps = [
        in_kecamatans.filter(**{f"{DATE_FIELDS[measure]}__isnull": False, f"{DATE_FIELDS[before]}__isnull": False})
        .annotate(days=days_between(DATE_FIELDS[measure], DATE_FIELDS[before]))
        .values("kecamatan_id", "cohort", "days")
        .annotate(measure=Value(measure.value), n=Count("pk"))
        for measure, before in GAPS
    ]
    gaps = steps[0].union(*steps[1:], all=True)
    GapCount.objects.bulk_create((GapCount(**row) for row in gaps), batch_size=CHUNK)
