"""What a partner did in one program step over a period, as the step app that owns the step answers it: each step
app's `selectors.partner_activity(periods)` (training, licensing, marketing, capital) returns a `StepActivity` per
period, and the partner performance table (`targets.partners`) sets them side by side.

A `Period` is one agreement's: its partner and its days (Asia/Jakarta, both included), clipped to today. Many
periods are answered in one query per step (`count_by_period`: one filtered count per period and figure), so a
page of agreements costs the same whatever the number of partners or rows."""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Aggregate, Q, QuerySet
from django.utils import timezone
from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Period:
    """One agreement's period: the partner (`organisation_id`) and the days from `start` to `end`, both included
    (an `end` before `start` is an empty period)."""

    organisation_id: int
    start: datetime.date
    end: datetime.date

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as moments: from the start day's midnight (Jakarta time) to the midnight after the end day,
        that one excluded."""
        zone = timezone.get_default_timezone()
        first = datetime.datetime.combine(self.start, datetime.time.min)
        after = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min)
        return timezone.make_aware(first, zone), timezone.make_aware(after, zone)

    def of(self, partner: str, moment: str) -> Q:
        """Rows of this partner (`partner`: the path to its organisation's id) at a moment of the period
        (`moment`: the path to a datetime)."""
        start, after = self.bounds()
        return Q(**{partner: self.organisation_id, f"{moment}__gte": start, f"{moment}__lt": after})


@dataclass(frozen=True)
class Figure:
    """One more count of a step's activity (enrolments, completions; approved, disbursed), `money` in rupiah."""

    label: StrOrPromise
    value: int
    money: bool = False


@dataclass(frozen=True)
class StepActivity:
    """A partner's activity in one step over a period: `activities` (what `label` names: sessions held, requests
    decided, submissions graded, referrals received), a few `details`, and `participants`, the ids of those who
    took part (a queryset of one column, `participant_id`, to nest in another query: no query of its own)."""

    activities: int
    label: StrOrPromise
    participants: QuerySet[Any]
    details: tuple[Figure, ...] = ()


# A figure's aggregate, given the filter of the rows of one period: Count("pk", filter=within), ...
Counter = Callable[[Q], Aggregate]


def count_by_period(
    rows: QuerySet[Any], periods: Mapping[int, Period], *, partner: str, moment: str, counters: Mapping[str, Counter]
) -> dict[int, dict[str, int]]:
    """For each period (by its key) and each named figure, the figure over the rows of `rows` that belong to the
    period's partner at a moment of its period (`Period.of(partner, moment)`): ONE query for every period (none
    for none). Periods of one partner may overlap (an MoU and a PKS at once): each counts its own rows."""
    if not periods:
        return {}
    organisations = sorted({period.organisation_id for period in periods.values()})
    starts, afters = zip(*(period.bounds() for period in periods.values()), strict=True)
    row = (
        rows.filter(**{f"{partner}__in": organisations, f"{moment}__gte": min(starts), f"{moment}__lt": max(afters)})
        .order_by()
        .aggregate(
            **{
                f"{name}_{key}": counter(period.of(partner, moment))
                for key, period in periods.items()
                for name, counter in counters.items()
            }
        )
    )
    return {key: {name: row[f"{name}_{key}"] or 0 for name in counters} for key in periods}
