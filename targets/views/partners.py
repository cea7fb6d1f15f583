"""Partner performance, for agency staff (every partner) and a partner organisation's users (their own rows):
per partner and agreement, side by side, the activities in each step it covers, the participants served and their
outcomes, with the end date (`targets.partners` gives every number). The filters and the order are the query
string, so a view can be shared; a page runs a fixed number of queries, whatever the data."""

from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.decisions import Decision
from partners.choices import OrganisationKind, Step

from ..partners import (
    LISTED_STATES,
    LOOKBACK_DAYS,
    PER_PAGE,
    RENEWAL_DAYS,
    AgreementRow,
    Filters,
    Sort,
    StepRow,
    performance_page,
    viewer_of,
)


class PerformanceForm(forms.Form):
    """The filters of the table, from the query string: each an empty value for "any"."""

    kind = forms.ChoiceField(
        label=_("Kind of partner"), required=False, choices=[("", _("Any kind")), *OrganisationKind.choices]
    )
    state = forms.ChoiceField(
        label=_("State today"),
        required=False,
        choices=[("", _("In force, or ended within a year")), *((s.value, s.label) for s in LISTED_STATES)],
    )
    step = forms.ChoiceField(label=_("Step covered"), required=False, choices=[("", _("Any step")), *Step.choices])
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=Sort.choices)

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(kind=data["kind"], state=data["state"], step=data["step"], sort=data["sort"] or Sort.ENDS)


@dataclass(frozen=True)
class SortLink:
    """A sortable column's header: the order it asks for when followed, and how the table is sorted by it now."""

    sort: str
    current: str  # "ascending", "descending" or "" (not sorted by it): its aria-sort


def _sort_link(current: str, ascending: str, descending: str, *, first: str) -> SortLink:
    """The column sorts by `ascending` or `descending`; followed, it turns the current order round, else asks for
    `first`."""
    if current == ascending:
        return SortLink(descending, "ascending")
    if current == descending:
        return SortLink(ascending, "descending")
    return SortLink(first, "")


def _cells(rows: list[AgreementRow], steps: list[Step]) -> list[tuple[AgreementRow, list[StepRow | None]]]:
    """Each row with its cell for each step shown (None: the agreement does not cover it)."""
    return [(row, [row.step(step) for step in steps]) for row in rows]


@login_required
@require_GET
def partners(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request.user)
    if isinstance(viewer, Decision):
        raise PermissionDenied(viewer.reason)
    form = PerformanceForm(request.GET)
    context: dict[str, object] = {
        "form": form,
        "own": viewer.organisation,
        "lookback_days": LOOKBACK_DAYS,
        "renewal_days": RENEWAL_DAYS,
        "per_page": PER_PAGE,
    }
    if not form.is_valid():
        return render(request, "targets/partners.html", context, status=400)
    filters = form.filters()
    page, rows = performance_page(viewer, filters, request.GET.get("page"), timezone.localdate())
    steps = [step for step in Step if any(row.step(step) is not None for row in rows)]
    context |= {
        "page": page,
        "steps": steps,
        "table": _cells(rows, steps),
        "sort_ends": _sort_link(filters.sort, Sort.ENDS, Sort.ENDS_LATEST, first=Sort.ENDS),
        "sort_served": _sort_link(filters.sort, Sort.FEWEST_SERVED, Sort.MOST_SERVED, first=Sort.MOST_SERVED),
    }
    return render(request, "targets/partners.html", context)
