"""The forum's pages: the list (filters in the URL), a post with its answers and the support button, the
participant's form, and the program's answer and moderation forms. Thin: each asks a predicate, binds a form,
calls a service, renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions as account_permissions
from accounts.permissions import AnyUser
from accounts.web import request_user
from core.pagination import paginate
from core.web import add_service_errors
from registration.models import Participant
from registration.selectors import participant_of

from . import permissions, selectors, services
from .forms import AnswerForm, ModerationForm, PostFilterForm, PostForm
from .models import Post

PER_PAGE = 20


def _member(request: HttpRequest) -> AnyUser:
    """The forum is for the program's members; anyone else logged in (a partner organisation) is refused."""
    if not permissions.is_member(request.user):
        raise PermissionDenied
    return request.user


def _participant(user: AnyUser) -> Participant | None:
    """The user's own participant record (with its registration), for the predicates; staff have none."""
    return participant_of(user) if account_permissions.is_entrepreneur(user) else None


def _post(user: AnyUser, pk: int) -> Post:
    """A post the user may open, or 404 (a hidden post is not found by those who may not see it)."""
    post = selectors.post_detail(user, pk)
    if post is None:
        raise Http404
    return post


@login_required
@require_GET
def post_list(request: HttpRequest) -> HttpResponse:
    """The forum: filters and order in the query string (a view can be shared), twenty posts a page. Filters that
    are not valid are marked on the form and nothing is listed (400)."""
    user = _member(request)
    participant = _participant(user)
    is_participant = account_permissions.is_entrepreneur(user)
    form = PostFilterForm(request.GET, moderator=permissions.is_answerer(user), participant=is_participant)
    valid = form.is_valid()
    page = paginate(selectors.post_list(user, form.filters()), request.GET.get("page"), PER_PAGE) if valid else None
    return render(
        request,
        "feedback/list.html",
        {
            "form": form,
            "page": page,
            "filters_used": form.filters().used if valid else 0,
            "may_post": permissions.can_post(user, participant),
            "is_participant": is_participant,
            "office_id": getattr(user, "office_id", None) if account_permissions.is_secretariat(user) else None,
        },
        status=200 if valid else 400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_new(request: HttpRequest) -> HttpResponse:
    """A participant posts. Until they are verified the page says so, and a post is refused."""
    user = _member(request)
    if not account_permissions.is_entrepreneur(user):
        raise PermissionDenied
    participant = _participant(user)
    decision = permissions.can_post(user, participant)
    form = PostForm(request.POST or None, kecamatan=participant.kecamatan if participant else None)
    if request.method == "POST":
        if not decision:
            raise PermissionDenied
        if form.is_valid():
            try:
                post = services.post_create(
                    category=form.cleaned_data["category"],
                    kecamatan=form.cleaned_data["kecamatan"],
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    acting_user=request_user(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your post is on the forum. You will be told when the program answers."))
                return redirect("feedback:detail", pk=post.pk)
        messages.error(request, _("Your post was not sent: see below."))
    return render(
        request,
        "feedback/new.html",
        {"form": form, "decision": decision},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _member(request)
    post = _post(user, pk)
    participant = _participant(user)
    may_moderate = permissions.can_moderate(user, post)
    return render(
        request,
        "feedback/detail.html",
        {
            "post": post,
            "answers": selectors.answers_of(post),
            "moderations": selectors.moderations_of(post) if may_moderate else [],
            "support": permissions.can_support(user, participant, post),
            "is_participant": account_permissions.is_entrepreneur(user),
            "is_author": participant is not None and post.author_id == participant.pk,
            "may_answer": permissions.can_answer(user, post),
            "may_moderate": may_moderate,
        },
    )


@login_required
@require_POST
def post_support(request: HttpRequest, pk: int) -> HttpResponse:
    user = _member(request)
    post = _post(user, pk)
    if not permissions.can_support(user, _participant(user), post):
        raise PermissionDenied
    services.post_support(post=post, acting_user=request_user(request))
    messages.success(request, _("Thank you: your support is counted."))
    return redirect("feedback:detail", pk=post.pk)


@login_required
@require_POST
def post_withdraw_support(request: HttpRequest, pk: int) -> HttpResponse:
    user = _member(request)
    post = _post(user, pk)
    services.post_withdraw_support(post=post, acting_user=request_user(request))
    messages.success(request, _("Your support is withdrawn."))
    return redirect("feedback:detail", pk=post.pk)


@login_required
@require_http_methods(["GET", "POST"])
def post_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The program answers a post and sets where it stands."""
    user = _member(request)
    post = _post(user, pk)
    if not permissions.can_answer(user, post):
        raise PermissionDenied
    form = AnswerForm(request.POST or None, current=post.status)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.post_answer(
                    post=post,
                    body=form.cleaned_data["body"],
                    status=form.cleaned_data["status"],
                    acting_user=request_user(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your answer is on the forum; the author is told."))
                return redirect("feedback:detail", pk=post.pk)
        messages.error(request, _("The answer was not sent: see below."))
    return render(
        request,
        "feedback/answer.html",
        {"post": post, "answers": selectors.answers_of(post), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """Hide a shown post, or show a hidden one again: with a reason, which the author is told."""
    user = _member(request)
    post = _post(user, pk)
    if not permissions.can_moderate(user, post):
        raise PermissionDenied
    form = ModerationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            move = services.post_unhide if post.hidden else services.post_hide
            try:
                move(post=post, reason=form.cleaned_data["reason"], acting_user=request_user(request))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                done = (
                    _("The post is shown again. The author is told why.")
                    if post.hidden
                    else _("The post is hidden. The author is told why.")
                )
                messages.success(request, done)
                return redirect("feedback:detail", pk=post.pk)
        messages.error(request, _("Nothing changed: see below."))
    return render(
        request,
        "feedback/moderate.html",
        {"post": post, "form": form, "moderations": selectors.moderations_of(post)},
        status=400 if request.method == "POST" else 200,
    )
