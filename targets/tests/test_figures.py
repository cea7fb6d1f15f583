"""The figures read from the summary tables, on a known data set written as Progress rows and recounted: the
progress against target, the funnel with its conversions and medians (the histogram's and PostgreSQL's
percentile_disc agree), the trend, the breakdown, the participants behind a number, and a query count that does
not grow with the data."""

import datetime
from typing import Any

import pytest

from accounts.tests.factories import UserFactory
from geography.models import Kecamatan
from registration.measures import FUNNEL, Measure
from targets import figures, summary
from targets.choices import Level
from targets.figures import Area
from targets.models import Progress, Target

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR = 2026


def _row(pk: int, kecamatan: Kecamatan, mentor: Any, **days: D) -> Progress:
    registered = days.pop("registered", D(YEAR, 1, 10))
    return Progress(
        participant_id=pk,
        kecamatan=kecamatan,
        mentor=mentor,
        cohort=registered.year,
        registered_on=registered,
        **{f"{name}_on": day for name, day in days.items()},
    )


@pytest.fixture
def world() -> dict[str, Any]:
    tebet = Kecamatan.objects.get(name="Tebet")
    gambir = Kecamatan.objects.get(name="Gambir")
    ani, budi = UserFactory(full_name="Ani Mentor"), UserFactory(full_name="Budi Mentor")
    rows = [
        # Tebet, Ani: verified after 2, 4 and 10 days; trained 5 and 7 days after verification
        _row(1, tebet, ani, verified=D(YEAR, 1, 12), trained=D(YEAR, 1, 17)),
        _row(2, tebet, ani, verified=D(YEAR, 1, 14), trained=D(YEAR, 1, 21), mentored=D(YEAR, 2, 1)),
        _row(3, tebet, ani, verified=D(YEAR, 1, 20)),
        # Tebet, no mentor: not verified
        _row(4, tebet, None),
        # Gambir, Budi: verified in February after 31 days; trained before verification (a 0-day gap)
        _row(5, gambir, budi, verified=D(YEAR, 2, 10), trained=D(YEAR, 2, 1), licensed=D(YEAR, 3, 3)),
        # an older cohort: verified this year, registered last year
        _row(6, gambir, budi, registered=D(YEAR - 1, 12, 20), verified=D(YEAR, 1, 5)),
    ]
    Progress.objects.bulk_create(rows)
    summary.recount()
    return {"tebet": tebet, "gambir": gambir, "ani": ani, "budi": budi}


def test_progress_against_the_programs_target(world: dict[str, Any]) -> None:
    Target.objects.create(year=YEAR, measure=Measure.VERIFIED, level=Level.PROGRAM, value=10, updated_by=world["ani"])
    rows = {row.measure: row for row in figures.progress(Area.program(), YEAR)}
    assert rows[Measure.REGISTERED].achieved == 5  # the one of last year's cohort registered in December
    assert rows[Measure.VERIFIED].achieved == 5
    assert (rows[Measure.VERIFIED].target, rows[Measure.VERIFIED].percent) == (10, 50)
    assert rows[Measure.TRAINED].achieved == 3 and rows[Measure.TRAINED].target is None
    assert figures.achieved(Area.program(), YEAR - 1)[Measure.REGISTERED] == 1


def test_the_funnel_of_a_cohort_with_conversions_and_medians(world: dict[str, Any]) -> None:
    rows = {row.measure: row for row in figures.funnel(Area.program(), YEAR)}
    assert [row.measure for row in figures.funnel(Area.program(), YEAR)] == list(FUNNEL)
    assert rows[Measure.REGISTERED].reached == 5 and rows[Measure.REGISTERED].conversion is None
    assert (rows[Measure.VERIFIED].reached, rows[Measure.VERIFIED].conversion) == (4, 80)
    assert (rows[Measure.TRAINED].reached, rows[Measure.TRAINED].conversion) == (3, 75)
    assert (rows[Measure.MENTORED].reached, rows[Measure.MENTORED].conversion) == (1, 33)
    # licensed without a mentor: of the one mentored, none went on to a licence
    licensed = rows[Measure.LICENSED]
    assert (licensed.reached, licensed.previous, licensed.both, licensed.conversion) == (1, 1, 0, 0)
    # registration to verification: 2, 4, 10, 31 days: percentile_disc(0.5) is 4
    assert rows[Measure.VERIFIED].median_days == 4
    # verification to training: 5, 7 and 0 (trained before verified): 5
    assert rows[Measure.TRAINED].median_days == 5
    assert rows[Measure.CAPITALISED].reached == 0 and rows[Measure.CAPITALISED].median_days is None


def test_a_conversion_counts_only_those_who_reached_the_step_before(world: dict[str, Any]) -> None:
    """Two of three licensed in Tebet were never mentored: the licence's conversion from mentoring is of those who
    reached both (1 of the 2 mentored: 50%), never 150%, alike from the histogram (wilayah, kecamatan) and from
    Progress (a mentor, a set of participants); the median is of that one."""
    tebet, ani = world["tebet"], world["ani"]
    base = {"verified": D(YEAR, 1, 12), "trained": D(YEAR, 1, 20)}
    Progress.objects.bulk_create(
        [
            _row(11, tebet, ani, **base, mentored=D(YEAR, 2, 1), licensed=D(YEAR, 2, 10)),
            _row(12, tebet, ani, **base, licensed=D(YEAR, 2, 11)),
            _row(13, tebet, ani, **base, licensed=D(YEAR, 2, 12)),
        ]
    )
    summary.recount()
    chosen = Progress.objects.filter(participant_id__in=[2, 11, 12, 13]).values("participant_id")
    areas = [
        Area.of_kecamatan(tebet.pk),
        Area.of_wilayah(tebet.wilayah_id, [tebet.pk]),
        Area.of_mentor(ani.pk),
        Area.of_participants(chosen),
    ]
    for area in areas:
        licensed = {row.measure: row for row in figures.funnel(area, YEAR)}[Measure.LICENSED]
        # Tebet's mentored: Bela (2, not licensed) and 11
        assert (licensed.previous, licensed.reached, licensed.both) == (2, 3, 1), area
        assert licensed.conversion == 50 and licensed.median_days == 9
    program = {row.measure: row for row in figures.funnel(Area.program(), YEAR)}
    assert all(row.conversion is None or row.conversion <= 100 for row in program.values())


def test_a_mentors_medians_from_progress_agree_with_the_kecamatans_histogram(world: dict[str, Any]) -> None:
    """Ani holds every Tebet participant who has a gap, so her Progress medians equal Tebet's GapCount ones."""
    by_mentor = {row.measure: row.median_days for row in figures.funnel(Area.of_mentor(world["ani"].pk), YEAR)}
    by_kecamatan = {row.measure: row.median_days for row in figures.funnel(Area.of_kecamatan(world["tebet"].pk), YEAR)}
    assert by_mentor == by_kecamatan
    assert by_mentor[Measure.VERIFIED] == 4 and by_mentor[Measure.TRAINED] == 5 and by_mentor[Measure.MENTORED] == 11


def test_a_set_of_participants_is_counted_on_progress(world: dict[str, Any]) -> None:
    chosen = Progress.objects.filter(participant_id__in=[1, 5]).values("participant_id")
    area = Area.of_participants(chosen)
    assert figures.achieved(area, YEAR)[Measure.TRAINED] == 2
    assert figures.targets(area, YEAR) == {}
    funnel = {row.measure: row for row in figures.funnel(area, YEAR)}
    assert funnel[Measure.VERIFIED].reached == 2 and funnel[Measure.VERIFIED].median_days == 2
    trend = dict(figures.trend(area, YEAR))
    assert trend[D(YEAR, 2, 1)][Measure.TRAINED] == 1 and trend[D(YEAR, 1, 1)][Measure.TRAINED] == 1


def test_a_set_counts_some_measures_over_a_part_of_it(world: dict[str, Any]) -> None:
    """`by_measure` (a partner's participants by the step of their consents): 1 and 5 are counted, but only 1
    for training and only 5 for a licence, in every figure and list."""
    chosen = Progress.objects.filter(participant_id__in=[1, 5]).values("participant_id")
    only = {
        Measure.TRAINED: Progress.objects.filter(participant_id=1).values("participant_id"),
        Measure.LICENSED: Progress.objects.filter(participant_id=5).values("participant_id"),
        Measure.MENTORED: Progress.objects.none().values("participant_id"),
    }
    area = Area.of_participants(chosen, only)
    done = figures.achieved(area, YEAR)
    assert (done[Measure.VERIFIED], done[Measure.TRAINED], done[Measure.LICENSED]) == (2, 1, 1)
    assert done[Measure.MENTORED] == 0
    funnel = {row.measure: row for row in figures.funnel(area, YEAR)}
    assert (funnel[Measure.TRAINED].reached, funnel[Measure.TRAINED].both) == (1, 1)
    assert funnel[Measure.TRAINED].conversion == 50 and funnel[Measure.TRAINED].median_days == 5
    # 5 is licensed, yet not mentored as this set counts: no conversion from nobody
    assert (funnel[Measure.LICENSED].reached, funnel[Measure.LICENSED].conversion) == (1, None)
    trend = dict(figures.trend(area, YEAR))
    assert trend[D(YEAR, 2, 1)][Measure.TRAINED] == 0 and trend[D(YEAR, 1, 1)][Measure.TRAINED] == 1
    trained = figures.participants(area, Measure.TRAINED, year=YEAR).values_list("participant_id", flat=True)
    assert list(trained) == [1]
    assert list(figures.participants(area, Measure.MENTORED, cohort=YEAR)) == []
    new = figures.reached_between(area, D(YEAR, 1, 1), D(YEAR, 12, 31)).total()
    assert (new[Measure.VERIFIED], new[Measure.TRAINED], new[Measure.LICENSED]) == (2, 1, 1)


def test_the_trend_by_month(world: dict[str, Any]) -> None:
    trend = figures.trend(Area.program(), YEAR)
    assert [month for month, _counts in trend] == [D(YEAR, month, 1) for month in range(1, 13)]
    by_month = dict(trend)
    assert by_month[D(YEAR, 1, 1)][Measure.VERIFIED] == 4 and by_month[D(YEAR, 2, 1)][Measure.VERIFIED] == 1
    assert by_month[D(YEAR, 3, 1)][Measure.LICENSED] == 1


def test_the_breakdown_by_wilayah_kecamatan_and_mentor(world: dict[str, Any]) -> None:
    tebet, gambir, ani, budi = world["tebet"], world["gambir"], world["ani"], world["budi"]
    Target.objects.create(
        year=YEAR, measure=Measure.VERIFIED, level=Level.KECAMATAN, kecamatan=tebet, value=6, updated_by=ani
    )
    by_kecamatan = {row.key: row for row in figures.breakdown(Area.program(), YEAR, Level.KECAMATAN)}
    assert (
        by_kecamatan[tebet.pk].achieved[Measure.VERIFIED] == 3
        and by_kecamatan[tebet.pk].percent(Measure.VERIFIED) == 50
    )
    assert by_kecamatan[gambir.pk].achieved[Measure.VERIFIED] == 2
    by_wilayah = {row.key: row for row in figures.breakdown(Area.program(), YEAR, Level.WILAYAH)}
    assert by_wilayah[tebet.wilayah_id].achieved[Measure.REGISTERED] == 4
    by_mentor = {row.key: row for row in figures.breakdown(Area.of_kecamatan(tebet.pk), YEAR, Level.MENTOR)}
    assert set(by_mentor) == {ani.pk, None} and by_mentor[ani.pk].achieved[Measure.TRAINED] == 2
    assert budi.pk not in by_mentor


def test_the_participants_behind_a_number(world: dict[str, Any]) -> None:
    area = Area.of_kecamatan(world["tebet"].pk)
    # (these rows have no Participant behind them, which the list's own join would drop: ask for the ids)
    trained = figures.participants(area, Measure.TRAINED, year=YEAR).values_list("participant_id", flat=True)
    assert list(trained) == [2, 1]
    older = figures.participants(Area.program(), Measure.VERIFIED, cohort=YEAR - 1)
    assert list(older.values_list("participant_id", flat=True)) == [6]


def test_the_figures_cost_a_fixed_number_of_queries(world: dict[str, Any], django_assert_num_queries: Any) -> None:
    tebet = world["tebet"]
    more = [_row(100 + n, tebet, world["ani"], verified=D(YEAR, 1 + n % 12, 1 + n % 27)) for n in range(300)]
    Progress.objects.bulk_create(more)
    summary.recount()
    with django_assert_num_queries(10):
        figures.progress(Area.program(), YEAR)  # the counts and the targets
        figures.funnel(Area.program(), YEAR)  # the counts and the gap histogram
        figures.trend(Area.program(), YEAR)
        figures.breakdown(Area.program(), YEAR, Level.WILAYAH)  # the counts, the kecamatans' wilayah, the targets
        figures.funnel(Area.of_mentor(world["ani"].pk), YEAR)  # the counts and the medians on Progress
