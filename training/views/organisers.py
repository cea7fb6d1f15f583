"""P2 pages of organisers: agency staff run every course, a partner's users their organisation's. Objects come
through selectors scoped to the organiser: another organiser's answer 404."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.web import request_user
from core.pagination import paginate
from core.web import add_service_errors, error_text

from .. import permissions, selectors, services
from ..forms import AttendanceForm, CourseForm, SessionForm
from ..models import Course, Session
from ..permissions import OrganiserScope, organiser_scope


def _scope(request: HttpRequest) -> OrganiserScope:
    scope = organiser_scope(request.user)
    if scope is None:
        raise PermissionDenied
    return scope


def _organiser_session(request: HttpRequest, pk: int) -> tuple[OrganiserScope, Session]:
    """A session of the organiser's scope; another organiser's answers 404."""
    scope = _scope(request)
    session = get_object_or_404(
        selectors.sessions_for(scope).select_related("course__organiser_partner", "wilayah"), pk=pk
    )
    return scope, session


@login_required
@require_GET
def organiser(request: HttpRequest) -> HttpResponse:
    """The organiser's home: their sessions, upcoming (soonest first) or past. A partner user whom the menu offers
    this page but whose account belongs to no active organisation yet is told so, and whom to ask."""
    scope = organiser_scope(request.user)
    if scope is None:
        if request.user.is_authenticated and request.user.role == Role.PARTNER:
            return render(request, "training/organiser_unlinked.html")
        raise PermissionDenied
    upcoming = request.GET.get("when") != "past"
    page = paginate(selectors.organiser_sessions(scope, upcoming=upcoming), request.GET.get("page"))
    return render(request, "training/organiser.html", {"scope": scope, "page": page, "upcoming": upcoming})


@login_required
@require_GET
def courses(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    page = paginate(selectors.organiser_courses(scope), request.GET.get("page"))
    return render(request, "training/courses.html", {"scope": scope, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    form = CourseForm(
        request.POST or None,
        choose_organiser=scope.program_wide,
        instance=Course(organiser_partner=scope.partner),
    )
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(
                details=form.details(), organiser=form.organiser(scope), acting_user=request_user(request)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Course saved. Now add its first session."))
            return redirect("training:course", pk=course.pk)
    return render(
        request,
        "training/course_form.html",
        {"form": form, "course": None},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_GET
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request)
    course = get_object_or_404(selectors.courses_for(scope).select_related("organiser_partner"), pk=pk)
    page = paginate(selectors.course_sessions(course), request.GET.get("page"))
    return render(
        request,
        "training/course_detail.html",
        {"course": course, "page": page, "ratings": selectors.course_rating_summary(course)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request)
    course = get_object_or_404(selectors.courses_for(scope).select_related("organiser_partner"), pk=pk)
    form = CourseForm(request.POST or None, choose_organiser=scope.program_wide, instance=course)
    if request.method == "POST" and form.is_valid():
        try:  # a partner's course stays its organisation's: form.organiser gives the same partner back
            services.course_update(
                course=course,
                details=form.details(),
                organiser=form.organiser(scope),
                acting_user=request_user(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Course saved."))
            return redirect("training:course", pk=course.pk)
    return render(
        request,
        "training/course_form.html",
        {"form": form, "course": course},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request)
    course = get_object_or_404(selectors.courses_for(scope).select_related("organiser_partner"), pk=pk)
    form = SessionForm(request.POST or None, instance=Session(course=course))
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(course=course, details=form.details(), acting_user=request_user(request))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Session saved as a draft. Announce it when it is ready."))
            return redirect("training:organiser_session", pk=session.pk)
    return render(
        request,
        "training/session_form.html",
        {"form": form, "course": course, "session": None},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _organiser_session(request, pk)[1]
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(session=session, details=form.details(), acting_user=request_user(request))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Session saved."))
            return redirect("training:organiser_session", pk=session.pk)
    return render(
        request,
        "training/session_form.html",
        {"form": form, "course": session.course, "session": session},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_GET
def organiser_session(request: HttpRequest, pk: int) -> HttpResponse:
    """A session for its organiser: details, days with their attendance sheets, and the enrolments."""
    scope, session = _organiser_session(request, pk)
    page = paginate(selectors.session_enrolments(session), request.GET.get("page"), per_page=50)
    user, today, now = request.user, timezone.localdate(), timezone.now()
    return render(
        request,
        "training/organiser_session.html",
        {
            "session": session,
            "course": session.course,
            "page": page,
            "days": [
                {"day": d, "open": permissions.can_take_attendance(user, session, d, today=today, scope=scope)}
                for d in session.days
            ],
            "can_change": permissions.can_edit_session(user, session, now=now, scope=scope),
            "can_announce": permissions.can_announce(user, session, now=now, scope=scope),
        },
    )


@login_required
@require_POST
def session_announce(request: HttpRequest, pk: int) -> HttpResponse:
    session = _organiser_session(request, pk)[1]
    try:
        services.session_announce(session=session, acting_user=request_user(request))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Session announced: participants can enrol now."))
    return redirect("training:organiser_session", pk=pk)


@login_required
@require_POST
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = _organiser_session(request, pk)[1]
    try:
        services.session_cancel(session=session, acting_user=request_user(request))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Session cancelled; everyone enrolled or waiting is told."))
    return redirect("training:organiser_session", pk=pk)


def _session_day(session: Session, day: str) -> datetime.date:
    try:
        parsed = datetime.date.fromisoformat(day)
    except ValueError as exc:
        raise Http404 from exc
    if parsed not in session.days:
        raise Http404
    return parsed


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int, day: str) -> HttpResponse:
    """The attendance sheet of one session day: tick who is present, save."""
    scope, session = _organiser_session(request, pk)
    date = _session_day(session, day)
    sheet = list(selectors.attendance_sheet(session, date))
    # Bound on every POST: with nobody ticked, the form sends no field at all.
    form = AttendanceForm(request.POST if request.method == "POST" else None, enrolment_ids=[e.pk for e in sheet])
    if request.method == "POST":
        if form.is_valid():
            try:
                outcome = services.attendance_record(
                    session=session, day=date, present=form.cleaned_data["present"], acting_user=request_user(request)
                )
            except ValidationError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("Attendance saved."))
                if issued := len(outcome.issued):
                    messages.info(
                        request,
                        ngettext(
                            "%(count)d participant completed the training; the certificate is issued.",
                            "%(count)d participants completed the training; their certificates are issued.",
                            issued,
                        )
                        % {"count": issued},
                    )
                if withdrawn := len(outcome.withdrawn):
                    messages.warning(
                        request,
                        ngettext(
                            "%(count)d participant no longer reaches the attendance needed: the completion and "
                            "the certificate are withdrawn.",
                            "%(count)d participants no longer reach the attendance needed: their completions and "
                            "certificates are withdrawn.",
                            withdrawn,
                        )
                        % {"count": withdrawn},
                    )
                return redirect("training:organiser_session", pk=pk)
        else:
            messages.error(request, _("The attendance was not saved: the list changed. Please try again."))
        return redirect(reverse("training:attendance", args=[pk, day]))
    return render(
        request,
        "training/attendance.html",
        {
            "session": session,
            "course": session.course,
            "day": date,
            "sheet": sheet,
            "can_record": permissions.can_take_attendance(request.user, session, date, scope=scope),
        },
    )


@login_required
@require_GET
def ratings(request: HttpRequest) -> HttpResponse:
    """Participants' ratings of the scope's courses, newest first (no names: ratings are given freely)."""
    scope = _scope(request)
    page = paginate(selectors.ratings_for(scope), request.GET.get("page"))
    return render(request, "training/ratings.html", {"page": page, "scope": scope})
