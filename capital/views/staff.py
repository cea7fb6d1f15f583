"""P7 pages of mentors and agency staff: the queue of requested referrals with "send to the lender", one
participant's readiness and referrals, and (agency staff) the program's figures for a year."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions as account_permissions
from accounts.web import request_user
from core.pagination import paginate
from core.web import add_service_errors

from .. import permissions, selectors, services
from ..choices import ReferralStatus
from ..forms import FiguresFilter, NoteForm, QueueFilter
from ..readiness import readiness_of
from ._common import referral_or_404, render_referral


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Requested referrals to send to their lenders, the longest waiting first: a mentor their kecamatan's, agency
    staff all (or one kecamatan)."""
    if not permissions.follows_participants(request.user):
        raise PermissionDenied
    program_wide = account_permissions.is_program_wide(request.user)
    form = QueueFilter(request.GET) if program_wide else None
    valid = form is None or form.is_valid()
    kecamatan = form.cleaned_data.get("kecamatan") if form is not None and valid else None
    found = selectors.queue(request.user, kecamatan_id=kecamatan.pk if kecamatan else None)
    page = paginate(found if valid else found.none(), request.GET.get("page"))
    return render(
        request,
        "capital/queue.html",
        {"form": form, "page": page, "send": ReferralStatus.SENT},
        status=200 if valid else 400,
    )


@login_required
@require_POST
def referral_send(request: HttpRequest, pk: int) -> HttpResponse:
    """A mentor of the participant's kecamatan, or agency staff, send a requested referral to its lender (whose
    agreement must cover referrals, and to whom the participant's consent must still be active)."""
    referral = referral_or_404(request, pk)
    decision = permissions.can_move(request.user, referral, ReferralStatus.SENT)
    if not decision:
        if decision.code == "not_allowed":
            raise PermissionDenied
        messages.error(request, str(decision.reason))
        return redirect("capital:referral_detail", pk=pk)
    form = NoteForm(request.POST, auto_id=f"id_{ReferralStatus.SENT}_%s")
    if form.is_valid():
        try:
            services.referral_move(
                referral=referral,
                to_status=ReferralStatus.SENT,
                note=form.cleaned_data["note"],
                acting_user=request_user(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Sent to %(lender)s. The participant is told.") % {"lender": referral.lender.name},
            )
            return redirect("capital:queue")
    messages.error(request, _("The referral was not sent: see below."))
    return render_referral(request, referral, bound=form, bound_target=ReferralStatus.SENT, status=400)


@login_required
@require_GET
def participant(request: HttpRequest, pk: int) -> HttpResponse:
    """One participant's readiness for every loan on offer and their referrals, for a mentor of their kecamatan and
    agency staff."""
    if not permissions.follows_participants(request.user):
        raise PermissionDenied
    person = get_object_or_404(
        selectors.participants_in_scope(request.user).select_related("registration", "business", "kecamatan"), pk=pk
    )
    return render(
        request,
        "capital/participant.html",
        {
            "participant": person,
            "readiness": readiness_of(person),
            "page": paginate(selectors.referrals_of(person), request.GET.get("page")),
        },
    )


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    """Referred, approved and disbursed (count and amount) for a year, by lender, product or kecamatan: agency
    staff. The year and the grouping are in the address."""
    if not permissions.sees_figures(request.user):
        raise PermissionDenied
    years = selectors.figure_years(timezone.localdate())
    form = FiguresFilter(
        {"year": request.GET.get("year", str(years[0])), "by": request.GET.get("by", "lender")}, years=years
    )
    if not form.is_valid():
        return render(request, "capital/figures.html", {"form": form, "figures": None}, status=400)
    found = selectors.figures(request.user, year=form.cleaned_data["year"], by=form.cleaned_data["by"])
    return render(request, "capital/figures.html", {"form": form, "figures": found})
