"""P2 pages of participants: browse open sessions, enrol or wait, cancel, my trainings, rating, the certificate
(PDF) and its public verification page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.web import request_user
from core.pagination import paginate
from core.web import error_text
from registration.selectors import is_verified, participant_of

from .. import permissions, selectors, services
from ..certificates import certificate_pdf_response
from ..choices import EnrolmentStatus
from ..forms import RatingForm, SessionFilter
from ..models import Session


@login_required
@require_GET
def sessions(request: HttpRequest) -> HttpResponse:
    """Open sessions, soonest first, filtered by skill, sector, wilayah, online or in person, and dates."""
    participant = participant_of(request.user)
    filterset = SessionFilter(request.GET, queryset=selectors.open_sessions(participant=participant))
    valid = filterset.is_valid()
    page = paginate(filterset.qs if valid else Session.objects.none(), request.GET.get("page"))
    return render(
        request,
        "training/sessions.html",
        {
            "filter": filterset,
            "page": page,
            "verified": is_verified(participant),
            "filters_used": sum(1 for name in filterset.filters if request.GET.get(name)),
        },
        status=200 if valid else 400,
    )


@login_required
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    participant = participant_of(request.user)
    session = get_object_or_404(selectors.visible_sessions(participant=participant), pk=pk)
    now = timezone.now()
    mine = selectors.my_enrolment(session, participant)
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "course": session.course,
            "verified": is_verified(participant),
            "is_participant": participant is not None,
            "open_for_enrolment": session.is_open_for_enrolment(now),
            "enrol_decision": permissions.can_enrol(request.user, session, participant=participant, now=now),
            "my_status": mine.status if mine else None,
            "can_cancel": permissions.can_cancel(request.user, mine, now=now) if mine else False,
            "holds_seat": mine is not None and mine.holds_seat,
        },
    )


@login_required
@require_POST
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol in a session, or join its waitlist (`join_waitlist`) when it is full."""
    participant = participant_of(request.user)
    session = get_object_or_404(selectors.visible_sessions(participant=participant), pk=pk)
    decision = permissions.can_enrol(request.user, session, participant=participant)
    if participant is None or not decision:
        messages.error(request, str(decision.reason))
        return redirect("training:session", pk=pk)
    try:
        enrolment = services.enrolment_enrol(
            session=session,
            participant=participant,
            acting_user=request_user(request),
            join_waitlist=request.POST.get("join_waitlist") == "1",
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("training:session", pk=pk)
    if enrolment.status == EnrolmentStatus.ENROLLED:
        messages.success(request, _("You are enrolled. We will remind you the day before."))
    else:
        messages.info(request, _("You are on the waitlist. We will tell you if a seat frees up."))
    return redirect("training:session", pk=pk)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_object_or_404(selectors.enrolments_of(request.user), pk=pk)
    try:
        services.enrolment_cancel(enrolment=enrolment, acting_user=request_user(request))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Your enrolment is cancelled."))
    return redirect("training:mine")


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The participant's trainings: enrolled, waiting, done (with certificate and rating), cancelled."""
    page = paginate(selectors.enrolments_of(request.user), request.GET.get("page"))
    now = timezone.now()
    rows = [
        {
            "enrolment": e,
            "can_cancel": permissions.can_cancel(request.user, e, now=now),
            "can_rate": permissions.can_rate(request.user, e, now=now),
            "certificate": getattr(e, "certificate", None),
            "rating": getattr(e, "rating", None),
        }
        for e in page.items
    ]
    participant = participant_of(request.user)
    return render(
        request,
        "training/mine.html",
        {"page": page, "rows": rows, "verified": is_verified(participant)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_object_or_404(selectors.enrolments_of(request.user), pk=pk)
    decision = permissions.can_rate(request.user, enrolment)
    if not decision:
        messages.info(request, str(decision.reason))
        return redirect("training:mine")
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_submit(
                enrolment=enrolment,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                acting_user=request_user(request),
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Thank you for your rating."))
        return redirect("training:mine")
    return render(
        request,
        "training/rate.html",
        {"form": form, "enrolment": enrolment},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_GET
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The certificate as a PDF, for its holder (and agency staff)."""
    certificate = get_object_or_404(
        selectors.certificates_for(request.user).select_related("enrolment__session__course__organiser_partner"),
        code=code,
    )
    return certificate_pdf_response(request, certificate)


@require_GET
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: is this certificate genuine? Shows the name, the course and the date, nothing else."""
    certificate = selectors.certificate_by_code(code)
    return render(
        request,
        "training/certificate_verify.html",
        {"certificate": certificate, "code": code},
        status=200 if certificate else 404,
    )
