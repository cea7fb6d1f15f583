"""P6 pages. Thin: check who asks, get the participant through mentoring's scoped selector, bind a form, call
the service, render."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.web import request_user
from core.dates import BAD_MONTH, parse_month
from core.web import add_service_errors
from mentoring import selectors as mentoring_selectors
from registration.models import Participant

from .. import permissions, selectors, services
from ..forms import MonthlyRecordForm


def _wanted_month(request: HttpRequest) -> tuple[datetime.date | None, bool]:
    """The month of ?month=YYYY-MM (a recorded month to correct), and whether the text given was one."""
    text = request.GET.get("month", "")
    if not text.strip():
        return None, True
    month = parse_month(text)
    return month, month is not None


@login_required
@require_http_methods(["GET", "POST"])
def monthly_records(request: HttpRequest, pk: int) -> HttpResponse:
    """A mentor records a participant's turnover, workers and assets of a month, on their behalf."""
    person: Participant = get_object_or_404(mentoring_selectors.participant_page(request.user), pk=pk)
    if not permissions.can_record_on_behalf(request.user, person):
        raise PermissionDenied
    status = 200
    initial: dict[str, Any] = {}
    if request.method == "GET":
        wanted, given_right = _wanted_month(request)
        if not given_right:
            messages.error(request, BAD_MONTH)
            status = 400
        if wanted is not None:
            record = selectors.participant_record_of(person, wanted)
            if record is not None:
                initial = {f: getattr(record, f) for f in ("month", "turnover", "workers", "assets")}
    if not initial:
        initial = {"month": timezone.localdate().replace(day=1)}
    form = MonthlyRecordForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                _record, created = services.monthly_record_save(
                    participant=person,
                    month=form.cleaned_data["month"],
                    turnover=form.cleaned_data["turnover"],
                    workers=form.cleaned_data["workers"],
                    assets=form.cleaned_data["assets"],
                    acting_user=request_user(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Indicators saved.") if created else _("Indicators updated."))
                return redirect("finance:monthly_records", pk=person.pk)
        messages.error(request, _("The indicators were not saved: see below."))
        status = 400
    return render(
        request,
        "finance/monthly_records.html",
        {"participant": person, "form": form, "records": selectors.participant_records(person)},
        status=status,
    )
