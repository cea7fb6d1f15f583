"""P3 pages around a participant: the mentor's caseload, the participant's page, visits and follow-ups,
monthly indicators, and staff assigning mentors."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.web import request_user
from core.files import private_file_response
from core.pagination import paginate
from core.web import add_service_errors
from registration.models import Participant

from .. import permissions, selectors, services
from ..forms import AssignForm, CaseloadSearchForm, FollowUpFormSet, VisitForm
from ..sections import participant_sections

logger = logging.getLogger(__name__)

# --- mentor: caseload, participant, visits ----------------------------------------------------------------------


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    """The mentor's participants, who needs attention first."""
    if not permissions.is_mentor(request.user):
        raise PermissionDenied
    form = CaseloadSearchForm(request.GET)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    page = paginate(selectors.caseload(request.user, search=search), request.GET.get("page"))
    return render(
        request,
        "mentoring/caseload.html",
        {"page": page, "q": search, "search_form": form, "today": timezone.localdate()},
        status=200 if form.is_valid() else 400,
    )


def _participant(request: HttpRequest, pk: int) -> Participant:
    if not permissions.can_open_participants(request.user):
        raise Http404
    participant: Participant = get_object_or_404(selectors.participant_page(request.user), pk=pk)
    return participant


@login_required
def participant(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant as their mentor (or staff) sees them: mentors, visits with all notes, follow-ups, help
    threads and monthly indicators."""
    person = _participant(request, pk)
    assignments = selectors.assignments_of(person)
    page = paginate(selectors.visits_of(person), request.GET.get("page"), per_page=10)
    return render(
        request,
        "mentoring/participant.html",
        {
            "participant": person,
            "active": next((a for a in assignments if a.active), None),
            "assignments": assignments,
            "page": page,
            "open_follow_ups": list(selectors.open_follow_ups(person)[:50]),
            "help_requests": list(selectors.help_requests_for(request.user).filter(participant=person)[:5]),
            "sections": participant_sections(request.user, person),
            "today": timezone.localdate(),
            "can_log": permissions.can_log_visit(request.user, person),
            "can_assign": permissions.can_assign_mentor(request.user, person),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def log_visit(request: HttpRequest, pk: int) -> HttpResponse:
    """A mentor logs a visit, with the follow-ups agreed and a photo; made to be used on a phone."""
    person = _participant(request, pk)
    if not permissions.can_log_visit(request.user, person):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = VisitForm(data, request.FILES or None)
    visit_date = None
    if data is not None and form.is_valid():
        visit_date = form.cleaned_data["date"]
    follow_ups = FollowUpFormSet(data, prefix="followups", visit_date=visit_date)
    if request.method == "POST":
        if form.is_valid() & follow_ups.is_valid():
            cleaned = form.cleaned_data
            try:
                services.visit_log(
                    participant=person,
                    date=cleaned["date"],
                    kind=cleaned["kind"],
                    steps=cleaned["steps"],
                    notes=cleaned["notes"],
                    shared=cleaned["shared"],
                    follow_ups=[services.FollowUpData(what, due) for what, due in follow_ups.agreed()],
                    photo=cleaned["photo"] or None,
                    stage=cleaned["stage"],
                    acting_user=request_user(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Visit saved."))
                return redirect("mentoring:participant", pk=person.pk)
        messages.error(request, _("The visit was not saved: see below. A photo must be chosen again."))
    return render(
        request,
        "mentoring/log_visit.html",
        {"participant": person, "form": form, "follow_ups": follow_ups},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.is_mentor(request.user):
        raise Http404
    follow_up = get_object_or_404(selectors.follow_ups_for(request.user), pk=pk)
    services.follow_up_mark_done(follow_up=follow_up, acting_user=request_user(request))
    messages.success(request, _("Follow-up marked done."))
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("mentoring:participant", pk=follow_up.participant_id)


@login_required
def visit_photo(request: HttpRequest, public_id: str) -> FileResponse:
    """Serve a visit's photo to someone allowed to see the visit; anyone else gets a 404."""
    visit = get_object_or_404(selectors.visits_for(request.user).exclude(photo=""), public_id=public_id)
    try:
        photo = visit.photo.open("rb")
    except FileNotFoundError as exc:
        logger.warning("The photo of visit %s is missing from storage.", visit.public_id)
        raise Http404 from exc
    extension = {"image/jpeg": "jpg", "image/png": "png"}.get(visit.photo_content_type, "bin")
    return private_file_response(
        photo, content_type=visit.photo_content_type, filename=f"kunjungan-{visit.date:%Y%m%d}.{extension}"
    )


# --- staff: assignment ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff assign a mentor of the participant's kecamatan, or change it; the earlier one stays in the history."""
    if not permissions.is_mentoring_staff(request.user):
        raise Http404
    person = _participant(request, pk)
    if not permissions.can_assign_mentor(request.user, person):
        raise Http404
    active = selectors.active_assignment(person)
    form = AssignForm(request.POST or None, mentors=selectors.active_mentors(person.kecamatan_id))
    if request.method == "POST":
        if form.is_valid():
            try:
                services.assignment_change(
                    participant=person,
                    mentor=form.cleaned_data["mentor"],
                    reason=form.cleaned_data["reason"],
                    acting_user=request_user(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(mentor)s now mentors %(name)s.")
                    % {"mentor": form.cleaned_data["mentor"].full_name, "name": person.full_name},
                )
                return redirect("mentoring:participant", pk=person.pk)
        messages.error(request, _("The mentor was not changed: see below."))
    form.list_mentors()
    return render(
        request,
        "mentoring/assign.html",
        {"participant": person, "active": active, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def unassigned(request: HttpRequest) -> HttpResponse:
    """Verified participants still without a mentor (no mentor in their kecamatan when they were verified)."""
    if not permissions.is_mentoring_staff(request.user):
        raise PermissionDenied
    page = paginate(selectors.unassigned_participants(request.user), request.GET.get("page"))
    return render(request, "mentoring/unassigned.html", {"page": page})
