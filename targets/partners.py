"""Partner performance (the paper's third recommendation): per partner and agreement, side by side, the activities
run in each step the agreement covers, the participants served and their outcomes in those steps, with the
agreement's end date, so staff see which collaborations to renew.

- The agreements listed: in force today, or ended (expired, or ended early) within the last year
  (`LOOKBACK_DAYS`); where each stands is the partners' rule (`partners.selectors.agreements_in_state`, the SQL of
  `Agreement.state`). Agency staff see every partner's; a partner's user only their own organisation's.
- An agreement's period: from its start to its end, the day before it ended early, or today, whichever comes first.
- Activities: each step app tells what a partner did in its step over a period (`<app>.selectors
  .partner_activity`, one query per step for every agreement: `partners.performance`): P2 the sessions of its
  courses held, P4 the licence requests its office decided, P5 the submissions its curators graded, P7 the loan
  referrals it received. P1, P3 and P6 have no partner's work the portal records (mentors are the program's own
  staff; a partner neither registers nor keeps the books): the agreement serves them through consent alone.
- Served: the distinct participants with a consent to the partner under one of the agreement's purposes in
  effect at some time of its period (`partners.selectors.agreement_consents`) and, for agency staff, those who
  took part in its activities too. A partner's user learns of its consenting participants alone: anyone else who
  came to its sessions is in its activity counts, not in the people it is told about.
- Outcomes: of those served, how many reached each covered step's measure (`STEP_MEASURES`) for the first time
  within the agreement's period, counted on the summary table (`targets.figures.Area.of_participants`, Progress):
  one query for all the agreements listed (a UNION ALL of one aggregate per agreement, each over its served set).
  For a partner's user, a step's outcome counts only those whose consent is for a purpose of that step (as its
  dashboard does: `targets.permissions.MEASURE_STEPS`); P1's (verified), any of them.

The served and outcomes are counted each night for both audiences (`outcomes_count`, kept in
`targets.AgreementOutcome`); a page reads them, and counts live only the agreements the night's count does not
fit (its steps or start changed since, or it ended before the day counted to). Activities are counted live.

A page costs a fixed number of queries whatever the data: the agreements, one per step covered, the nightly
counts, and the live outcomes of those they do not fit (none when they fit all)."""

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import cast

from django.db.models import Count, IntegerField, Q, QuerySet, TextChoices, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import AnyUser, is_program_wide
from capital import selectors as capital_selectors
from core.decisions import Decision, deny
from core.pagination import MAX_PAGE, Page
from licensing import selectors as licensing_selectors
from marketing.selectors import curation as marketing_selectors
from partners.choices import AgreementState, Step, purposes_of_steps
from partners.models import Agreement, PartnerOrganisation
from partners.performance import Period, StepActivity
from partners.selectors import agreement_consents, agreements_in_state, organisation_of
from registration.measures import Measure
from training import selectors as training_selectors

from .figures import Area
from .models import AgreementOutcome, Audience
from .permissions import NO_ORGANISATION, can_view_partner_performance
from .summary import DATE_FIELDS

PER_PAGE = 20
LOOKBACK_DAYS = 365  # an agreement that ended within the last year is still listed
RENEWAL_DAYS = 90  # an agreement in force ending within these days is marked: time to talk about renewing it

# The measure of each step's outcome: what a participant served reached in that step.
STEP_MEASURES: dict[str, Measure] = {
    Step.P1: Measure.VERIFIED,
    Step.P2: Measure.TRAINED,
    Step.P3: Measure.MENTORED,
    Step.P4: Measure.LICENSED,
    Step.P5: Measure.MARKETED,
    Step.P6: Measure.REPORTING,
    Step.P7: Measure.CAPITALISED,
}

# The steps in which the portal records a partner's own work, each told by the app that owns the step.
StepActivities = Callable[[Mapping[int, Period]], dict[int, StepActivity]]
STEP_ACTIVITIES: dict[str, StepActivities] = {
    Step.P2: training_selectors.partner_activity,
    Step.P4: licensing_selectors.partner_activity,
    Step.P5: marketing_selectors.partner_activity,
    Step.P7: capital_selectors.partner_activity,
}

# The states an agreement is listed in.
LISTED_STATES = (AgreementState.ACTIVE, AgreementState.EXPIRED, AgreementState.ENDED)


class Sort(TextChoices):
    ENDS = "ends", _("End date, soonest first")
    ENDS_LATEST = "-ends", _("End date, latest first")
    MOST_SERVED = "-served", _("Participants served, most first")
    FEWEST_SERVED = "served", _("Participants served, fewest first")


@dataclass(frozen=True)
class Filters:
    """What the URL asks for (each value checked by the page's form): the partner's kind, the agreement's state
    today, a step it covers ("" for any), and the order."""

    kind: str = ""
    state: str = ""
    step: str = ""
    sort: str = Sort.ENDS


@dataclass(frozen=True)
class Viewer:
    """Who looks: agency staff (every partner: `organisation` None) or a partner's user (their organisation)."""

    organisation: PartnerOrganisation | None = None


def viewer_of(user: AnyUser) -> Viewer | Decision:
    """The viewer, or the refusal (`targets.permissions.can_view_partner_performance`; for a partner's user, one
    query: their organisation, refused when their account belongs to no active one)."""
    decision = can_view_partner_performance(user)
    if not decision:
        return decision
    if is_program_wide(user):
        return Viewer()
    organisation = organisation_of(user)
    if organisation is None:
        return deny("no_organisation", NO_ORGANISATION)
    return Viewer(organisation=organisation)


@dataclass(frozen=True)
class StepRow:
    """One covered step of an agreement: the partner's activity in it (None: none the portal records), its
    measure and how many of those served reached it in the agreement's period."""

    step: Step
    activity: StepActivity | None
    measure: Measure
    reached: int


@dataclass(frozen=True)
class AgreementRow:
    agreement: Agreement
    state: AgreementState
    period: Period
    ends_on: datetime.date  # its end date, or the day it ended early
    days_left: int | None  # to its end date, while in force
    served: int
    steps: list[StepRow]
    counted_to: datetime.date | None = None  # served and outcomes as the nightly count found them up to this day

    @property
    def renewal_due(self) -> bool:
        """In force and ending within RENEWAL_DAYS."""
        return self.days_left is not None and self.days_left <= RENEWAL_DAYS

    def step(self, code: str) -> StepRow | None:
        return next((row for row in self.steps if row.step == code), None)


def listed_agreements(viewer: Viewer, filters: Filters, today: datetime.date) -> QuerySet[Agreement]:
    """The agreements the viewer sees with the filters: in force, or ended within the last year, with their partner
    (one query when read)."""
    agreements = Agreement.objects.select_related("organisation")
    if viewer.organisation is not None:
        agreements = agreements.filter(organisation=viewer.organisation)
    if filters.kind:
        agreements = agreements.filter(organisation__kind=filters.kind)
    if filters.step:
        agreements = agreements.filter(steps__contains=[filters.step])
    cutoff = today - datetime.timedelta(days=LOOKBACK_DAYS)
    in_state = {
        AgreementState.ACTIVE: agreements_in_state(agreements, AgreementState.ACTIVE, today),
        AgreementState.EXPIRED: agreements_in_state(agreements, AgreementState.EXPIRED, today).filter(
            ends_on__gte=cutoff
        ),
        AgreementState.ENDED: agreements_in_state(agreements, AgreementState.ENDED, today).filter(
            ended_on__gte=cutoff
        ),
    }
    chosen = [in_state[AgreementState(filters.state)]] if filters.state else list(in_state.values())
    return reduce(or_, chosen)


def period_of(agreement: Agreement, today: datetime.date) -> Period:
    """The days the agreement's figures count: from its start to its end, the day before it ended early, or today,
    whichever comes first (listed agreements are signed: they have both dates)."""
    assert agreement.starts_on is not None and agreement.ends_on is not None
    ends = [agreement.ends_on, today]
    if agreement.ended_on is not None:
        ends.append(agreement.ended_on - datetime.timedelta(days=1))
    return Period(organisation_id=agreement.organisation_id, start=agreement.starts_on, end=min(ends))


def end_of(agreement: Agreement) -> datetime.date:
    """Its end date, or the day it ended early."""
    assert agreement.ends_on is not None  # listed agreements are signed
    return min(agreement.ends_on, agreement.ended_on) if agreement.ended_on else agreement.ends_on


def _activities(agreements: list[Agreement], periods: dict[int, Period]) -> dict[str, dict[int, StepActivity]]:
    """Each step's activities for the agreements covering it: one query per step any of them covers."""
    found: dict[str, dict[int, StepActivity]] = {}
    for step, activities in STEP_ACTIVITIES.items():
        covering = {agreement.pk: periods[agreement.pk] for agreement in agreements if step in agreement.steps}
        if covering:
            found[step] = activities(covering)
    return found


def _served(viewer: Viewer, agreement: Agreement, period: Period, activities: Iterable[StepActivity]) -> Area:
    """The participants the agreement serves in its period (subqueries): who consented to the partner under it
    then and, for agency staff, who took part in its steps' activities. For a partner's user, each step's outcome
    counts only those whose consent was for a purpose of that step."""
    consents = agreement_consents(agreement, period).order_by()
    consented = consents.values("participant_id")
    if viewer.organisation is not None:
        by_measure = {
            STEP_MEASURES[step]: consents.filter(purpose__in=purposes_of_steps([step])).values("participant_id")
            for step in agreement.steps
            if step != Step.P1  # verified: any consent
        }
        return Area.of_participants(consented, by_measure)
    taking_part = [activity.participants for activity in activities]
    return Area.of_participants(consented.union(*taking_part) if taking_part else consented)


def _outcomes(served: Mapping[int, tuple[Area, Period]]) -> dict[int, dict[str, int]]:
    """For each agreement (by id), how many it served (`served`) and how many of them reached each step's measure
    within its period (by the measure's value): ONE query for them all (none for none)."""
    parts = []
    for pk, (area, period) in served.items():
        reached = {
            measure.value: Count(
                "pk",
                filter=Q(**{f"{DATE_FIELDS[measure]}__gte": period.start, f"{DATE_FIELDS[measure]}__lte": period.end})
                & area.counts(measure),
            )
            for measure in STEP_MEASURES.values()
        }
        parts.append(
            area.progress()
            .annotate(agreement=Value(pk, output_field=IntegerField()))
            .values("agreement")
            .annotate(served=Count("pk"), **reached)
            .order_by()
        )
    if not parts:
        return {}
    first, *rest = parts
    rows = cast(Iterable[dict[str, int]], first.union(*rest, all=True) if rest else first)  # every value a count
    return {row["agreement"]: row for row in rows}


def _activities_of(agreements: list[Agreement], periods: dict[int, Period]) -> dict[int, dict[str, StepActivity]]:
    """Each agreement's activities by the step (one query per step any of them covers)."""
    by_step = _activities(agreements, periods)
    return {
        agreement.pk: {step: by_step[step][agreement.pk] for step in agreement.steps if step in by_step}
        for agreement in agreements
    }


def _counted_live(
    viewer_for: Callable[[Agreement], Viewer],
    agreements: list[Agreement],
    periods: dict[int, Period],
    activities_of: dict[int, dict[str, StepActivity]],
) -> dict[int, dict[str, int]]:
    """The agreements' served and outcomes counted now, each as its viewer sees it (one query; none for none)."""
    return _outcomes(
        {
            agreement.pk: (
                _served(viewer_for(agreement), agreement, periods[agreement.pk], activities_of[agreement.pk].values()),
                periods[agreement.pk],
            )
            for agreement in agreements
        }
    )


def _audience_of(viewer: Viewer) -> Audience:
    """Whose nightly counts the viewer reads: agency staff's, or the partner's (its own users')."""
    return Audience.AGENCY if viewer.organisation is None else Audience.PARTNER


def _counted_at_night(
    viewer: Viewer, agreements: list[Agreement], periods: dict[int, Period]
) -> dict[int, AgreementOutcome]:
    """The nightly counts of these agreements for the viewer that still fit them (one query): counted on the same
    start and steps, up to a day of the period. An agreement whose terms changed since, or that ended earlier than
    the day counted to, has none (it is counted live)."""
    by_pk = {agreement.pk: agreement for agreement in agreements}
    stored = AgreementOutcome.objects.filter(agreement_id__in=by_pk, audience=_audience_of(viewer))
    return {
        row.agreement_id: row
        for row in stored
        if row.start == periods[row.agreement_id].start
        and row.end <= periods[row.agreement_id].end
        and sorted(row.steps) == sorted(by_pk[row.agreement_id].steps)
    }


def rows_for(viewer: Viewer, agreements: list[Agreement], today: datetime.date) -> list[AgreementRow]:
    """The performance rows of these agreements as the viewer sees them, in their order: one query per step
    covered, one for the nightly counts, and one more counting live those the nightly counts do not fit."""
    periods = {agreement.pk: period_of(agreement, today) for agreement in agreements}
    activities_of = _activities_of(agreements, periods)
    at_night = _counted_at_night(viewer, agreements, periods)
    outcomes = {pk: {"served": row.served, **row.reached} for pk, row in at_night.items()}
    outcomes |= _counted_live(
        lambda _agreement: viewer,
        [agreement for agreement in agreements if agreement.pk not in at_night],
        periods,
        activities_of,
    )
    rows = []
    for agreement in agreements:
        state = AgreementState(agreement.state(today))
        counts = outcomes[agreement.pk]
        night = at_night.get(agreement.pk)
        steps = [
            StepRow(
                step=Step(step),
                activity=activities_of[agreement.pk].get(step),
                measure=STEP_MEASURES[step],
                reached=counts[STEP_MEASURES[step].value],
            )
            for step in Step.values
            if step in agreement.steps
        ]
        rows.append(
            AgreementRow(
                agreement=agreement,
                state=state,
                period=periods[agreement.pk],
                ends_on=end_of(agreement),
                days_left=(end_of(agreement) - today).days if state == AgreementState.ACTIVE else None,
                served=counts["served"],
                steps=steps,
                counted_to=night.end if night is not None and night.end < periods[agreement.pk].end else None,
            )
        )
    return rows


def outcomes_count(today: datetime.date) -> int:
    """Count the served and outcomes of every listed agreement (in force, or ended within LOOKBACK_DAYS) for both
    audiences and keep them, replacing the earlier counts (nightly: `targets.tasks.count_agreement_outcomes`).
    A fixed number of queries: the agreements, one per step covered, one count per audience, one write each.
    Returns how many agreements were counted."""
    agreements = list(listed_agreements(Viewer(), Filters(), today))
    periods = {agreement.pk: period_of(agreement, today) for agreement in agreements}
    activities_of = _activities_of(agreements, periods)
    counted_at = timezone.now()
    viewers: dict[Audience, Callable[[Agreement], Viewer]] = {
        Audience.AGENCY: lambda _agreement: Viewer(),
        Audience.PARTNER: lambda agreement: Viewer(organisation=agreement.organisation),
    }
    for audience, viewer_for in viewers.items():
        counts = _counted_live(viewer_for, agreements, periods, activities_of)
        AgreementOutcome.objects.bulk_create(
            [
                AgreementOutcome(
                    agreement=agreement,
                    audience=audience,
                    start=periods[agreement.pk].start,
                    end=periods[agreement.pk].end,
                    steps=sorted(agreement.steps),
                    served=counts[agreement.pk]["served"],
                    reached={measure.value: counts[agreement.pk][measure.value] for measure in STEP_MEASURES.values()},
                    counted_at=counted_at,
                )
                for agreement in agreements
            ],
            update_conflicts=True,
            unique_fields=["agreement", "audience"],
            update_fields=["start", "end", "steps", "served", "reached", "counted_at"],
        )
    return len(agreements)


def _end_key(agreement: Agreement) -> tuple[datetime.date, str, int]:
    return end_of(agreement), agreement.organisation.name.lower(), agreement.pk


def page_number(raw: str | None) -> int:
    """The page asked for; anything but a whole number from 1 to MAX_PAGE is the first (or the last allowed)."""
    try:
        return min(max(1, int(raw or 1)), MAX_PAGE)
    except ValueError:
        return 1


def performance_page(
    viewer: Viewer, filters: Filters, raw_page: str | None, today: datetime.date
) -> tuple[Page[Agreement], list[AgreementRow]]:
    """One page of PER_PAGE rows, in the order asked for, and the page's agreements (for its links): a fixed
    number of queries (the agreements, one per step covered, the outcomes). By end date, only the page's figures
    are counted; by participants served, every listed agreement's are, to order them."""
    agreements = sorted(listed_agreements(viewer, filters, today), key=_end_key)
    if filters.sort == Sort.ENDS_LATEST:
        agreements.reverse()
    number = page_number(raw_page)
    start = (number - 1) * PER_PAGE
    if filters.sort in (Sort.MOST_SERVED, Sort.FEWEST_SERVED):
        every = rows_for(viewer, agreements, today)  # stable: equal counts keep the end date's order
        every.sort(key=lambda row: row.served, reverse=filters.sort == Sort.MOST_SERVED)
        rows = every[start : start + PER_PAGE]
    else:
        rows = rows_for(viewer, agreements[start : start + PER_PAGE], today)
    page = Page(items=[row.agreement for row in rows], number=number, has_next=len(agreements) > start + PER_PAGE)
    return page, rows
