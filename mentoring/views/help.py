"""Two-way contact (help requests, both sides) and the participant's own "my mentor" page."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions as account_permissions
from accounts.web import request_user
from core.pagination import paginate
from core.web import add_service_errors
from registration.models import Participant
from registration.selectors import is_verified, participant_of

from .. import permissions, selectors, services
from ..forms import HelpReplyForm, HelpRequestForm
from ..models import HelpStatus

# --- help requests: both sides ----------------------------------------------------------------------------------


def _can_use_help(user: Any) -> bool:
    return account_permissions.is_entrepreneur(user) or permissions.can_open_participants(user)


@login_required
def help_list(request: HttpRequest) -> HttpResponse:
    """A mentor's inbox of help requests, or a participant's own requests."""
    if not _can_use_help(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "")
    page = paginate(selectors.help_inbox(request.user, status=status), request.GET.get("page"))
    return render(
        request,
        "mentoring/help_list.html",
        {
            "page": page,
            "status": status if status in HelpStatus.values else "",
            "statuses": HelpStatus.choices,
            "is_participant": account_permissions.is_entrepreneur(request.user),
        },
    )


def _own_participant(request: HttpRequest) -> Participant | None:
    """The entrepreneur's own participant record once verified, else None; other roles are refused."""
    if not account_permissions.is_entrepreneur(request.user):
        raise PermissionDenied
    person = participant_of(request.user)
    return person if is_verified(person) else None


@login_required
@require_http_methods(["GET", "POST"])
def help_new(request: HttpRequest) -> HttpResponse:
    """A participant asks their mentor for help."""
    person = _own_participant(request)
    mentor = selectors.current_mentor(person) if person is not None else None
    form = HelpRequestForm(request.POST or None)
    if request.method == "POST":
        if person is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                help_request = services.help_request_open(
                    participant=person,
                    topic=form.cleaned_data["topic"],
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    acting_user=request_user(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your question is sent to your mentor."))
                return redirect("mentoring:help_thread", pk=help_request.pk)
        messages.error(request, _("Your question was not sent: see below."))
    return render(
        request,
        "mentoring/help_new.html",
        {"participant": person, "mentor": mentor, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def help_thread(request: HttpRequest, pk: int) -> HttpResponse:
    """One help request: every message, and a reply form for the participant and the thread's mentor (the
    mentor's colleagues and staff read only)."""
    help_request = get_object_or_404(
        selectors.help_requests_for(request.user).select_related("participant", "mentor"), pk=pk
    )
    may_write = permissions.can_reply_in_thread(request.user, help_request).ok
    form = HelpReplyForm(request.POST or None) if may_write else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            services.help_request_reply(
                request=help_request, body=form.cleaned_data["body"], acting_user=request_user(request)
            )
            messages.success(request, _("Message sent."))
            return redirect("mentoring:help_thread", pk=help_request.pk)
        messages.error(request, _("The message was not sent: see below."))
    return render(
        request,
        "mentoring/help_thread.html",
        {
            "help_request": help_request,
            "thread": selectors.help_thread(help_request),
            "form": form,
            "is_participant": help_request.participant.user_id == request.user.pk,
        },
        status=400 if form is not None and form.is_bound and not form.is_valid() else 200,
    )


@login_required
@require_POST
def help_close(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = get_object_or_404(selectors.help_requests_for(request.user).select_related("participant"), pk=pk)
    if not permissions.can_close_thread(request.user, help_request):
        raise PermissionDenied
    services.help_request_close(request=help_request, acting_user=request_user(request))
    messages.success(request, _("The request is closed. Write again to open it."))
    return redirect("mentoring:help_thread", pk=help_request.pk)


# --- participant: my mentor -------------------------------------------------------------------------------------


@login_required
def my_mentor(request: HttpRequest) -> HttpResponse:
    """The participant's mentor, the shared notes of their visits (never the private ones), the follow-ups due
    and their help requests."""
    person = _own_participant(request)
    context: dict[str, Any] = {"participant": person, "active": None}
    if person is not None:
        context.update(
            active=selectors.active_assignment(person),
            page=paginate(selectors.visits_of(person, shared_only=True), request.GET.get("page"), per_page=10),
            open_follow_ups=list(selectors.open_follow_ups(person, shared_only=True)),
            help_requests=list(selectors.help_inbox(request.user)[:5]),
            today=timezone.localdate(),
        )
    return render(request, "mentoring/my_mentor.html", context)
