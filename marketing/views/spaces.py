"""P5 pages of the selling spaces. Businesses browse the spaces open now or coming, apply for days, follow and
withdraw their applications; agency staff run the spaces and their booths, accept an application with a free booth
or decline it, see a booth calendar and cancel an allocation. The coverage by wilayah is public. Thin: ask a
predicate, bind a form, call a service, render."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import is_entrepreneur
from accounts.web import request_user
from core.dates import is_program_year
from core.pagination import paginate
from core.web import add_service_errors, error_text, help_line

from .. import permissions
from ..choices import ApplicationStatus
from ..forms.spaces import AcceptForm, ApplicationForm, BoothForm, DeclineForm, SpaceForm
from ..models import Booth, BoothAllocation, SellingSpace, SpaceApplication
from ..selectors import spaces as selectors
from ..selectors.products import business_of
from ..services import spaces as services

# A refusal of a service without a field of its own, shown on the form's field it is about.
CODE_FIELDS = {"booth_taken": "booth", "other_space": "booth", "code_taken": "code"}


def _staff(request: HttpRequest) -> None:
    """Only agency staff run spaces: anyone else may never act here."""
    if not permissions.can_run_spaces(request.user):
        raise PermissionDenied


def _entrepreneur(request: HttpRequest) -> None:
    """Applying is a business's own: staff, mentors, secretariats and partners may never act here."""
    if not is_entrepreneur(request.user):
        raise PermissionDenied


def _posted(request: HttpRequest) -> Any:
    """What a form is bound to: the POST (even an empty one), or nothing on a GET."""
    return request.POST if request.method == "POST" else None


# --- businesses -------------------------------------------------------------------------------------------------


@login_required
@require_GET
def spaces(request: HttpRequest) -> HttpResponse:
    """The spaces open now or coming, soonest first, with the business's own status at each."""
    business = business_of(request.user)
    grade = selectors.best_grade(business) if business is not None else ""
    today = timezone.localdate()
    page = paginate(selectors.current_spaces(today, business=business), request.GET.get("page"))
    rows = [
        {
            "space": space,
            "can_apply": business is not None
            and permissions.can_apply(request.user, business, space, best_grade=grade, today=today),
        }
        for space in page.items
    ]
    return render(
        request,
        "marketing/spaces/spaces.html",
        {
            "page": page,
            "rows": rows,
            "business": business,
            "grade": grade,
            "staff": permissions.is_agency(request.user),
        },
    )


@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    """Public: which wilayah have selling spaces open now or coming, their booths and how many are free this week;
    wilayah with none stand out."""
    today = timezone.localdate()
    regions = selectors.coverage(today)
    week = selectors.this_week(today)
    return render(
        request,
        "marketing/spaces/coverage.html",
        {
            "regions": regions,
            "without": [region.wilayah for region in regions if not region.spaces],
            "week_first": week.lower,
            "week_last": week.upper,
        },
    )


@login_required
@require_GET
def space_detail(request: HttpRequest, pk: int) -> HttpResponse:
    space = selectors.space_with_booths(pk)
    if space is None:
        raise Http404
    business = business_of(request.user)
    decision = None
    mine: list[SpaceApplication] = []
    if business is not None:
        grade = selectors.best_grade(business)
        decision = permissions.can_apply(request.user, business, space, best_grade=grade, today=timezone.localdate())
        mine = list(selectors.applications_to(space, business))
    return render(
        request,
        "marketing/spaces/space_detail.html",
        {
            "space": space,
            "booths": list(space.booths.all()),
            "dates": services.space_dates(space),
            "business": business,
            "decision": decision,
            "mine": mine,
            "staff": permissions.is_agency(request.user),
            "help_line": help_line(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def space_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply for days at a space. A business that may not (not verified, not graded as the space accepts, the
    space not taking applications) is told why on the space's page."""
    _entrepreneur(request)
    space = get_object_or_404(SellingSpace.objects.select_related("wilayah"), pk=pk)
    business = business_of(request.user)
    if business is None:
        messages.info(request, _("Register your business in JakPreneur first: then you can apply for a space."))
        return redirect("marketing:space", pk=pk)
    if request.method == "GET":  # a POST meets the same rule in the service, its refusal shown on the form
        decision = permissions.can_apply(
            request.user, business, space, best_grade=selectors.best_grade(business), today=timezone.localdate()
        )
        if not decision:
            messages.info(request, str(decision.reason))
            return redirect("marketing:space", pk=pk)
    form = ApplicationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(
                space=space,
                business=business,
                days=form.days(),
                note=form.cleaned_data["note"],
                acting_user=request_user(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Application sent. The organisers will tell you their decision."))
            return redirect("marketing:space_applications_mine")
    return render(
        request,
        "marketing/spaces/apply.html",
        {"form": form, "space": space, "dates": services.space_dates(space)},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_GET
def my_applications(request: HttpRequest) -> HttpResponse:
    """The business's applications: status, the booth and days given, a reason when declined."""
    _entrepreneur(request)
    business = business_of(request.user)
    if business is None:
        return render(request, "marketing/spaces/mine.html", {"page": None, "rows": []})
    page = paginate(selectors.applications_of(business), request.GET.get("page"))
    rows = [
        {
            "application": application,
            "allocation": getattr(application, "allocation", None),
            "can_withdraw": permissions.can_withdraw_application(request.user, application),
        }
        for application in page.items
    ]
    return render(request, "marketing/spaces/mine.html", {"page": page, "rows": rows})


@login_required
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    _entrepreneur(request)
    business = business_of(request.user)
    if business is None:
        raise PermissionDenied
    application = get_object_or_404(selectors.applications_of(business), pk=pk)
    try:
        services.application_withdraw(application=application, acting_user=request_user(request))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect("marketing:space_applications_mine")


# --- agency staff -----------------------------------------------------------------------------------------------


@login_required
@require_GET
def staff_spaces(request: HttpRequest) -> HttpResponse:
    _staff(request)
    page = paginate(selectors.spaces_for_staff(), request.GET.get("page"))
    return render(request, "marketing/spaces/staff_spaces.html", {"page": page, "today": timezone.localdate()})


def _space_form(request: HttpRequest, space: SellingSpace | None) -> HttpResponse:
    form = SpaceForm(_posted(request), instance=space)
    if request.method == "POST" and form.is_valid():
        user = request_user(request)
        try:
            if space is None:
                saved = services.space_create(data=form.values(), acting_user=user)
            else:
                saved = services.space_update(space=space, data=form.values(), acting_user=user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if space is None:
                messages.success(request, _("Space saved. Now add its booths."))
                return redirect("marketing:space_booths", pk=saved.pk)
            messages.success(request, _("Space saved."))
            return redirect("marketing:space_staff", pk=saved.pk)
    return render(
        request,
        "marketing/spaces/space_form.html",
        {"form": form, "space": space},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def space_create(request: HttpRequest) -> HttpResponse:
    _staff(request)
    return _space_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def space_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    return _space_form(request, get_object_or_404(SellingSpace.objects.select_related("wilayah"), pk=pk))


@login_required
@require_GET
def staff_space(request: HttpRequest, pk: int) -> HttpResponse:
    """A space for staff: its facts and its applications (of one status, if asked), with accept and decline."""
    _staff(request)
    space = get_object_or_404(SellingSpace.objects.select_related("wilayah"), pk=pk)
    status = request.GET.get("status") or None
    if status not in ApplicationStatus.values:
        status = None
    page = paginate(selectors.space_applications(space, status=status), request.GET.get("page"))
    rows = [
        {
            "application": application,
            "allocation": getattr(application, "allocation", None),
            "can_decide": permissions.can_decide_application(request.user, application),
        }
        for application in page.items
    ]
    return render(
        request,
        "marketing/spaces/staff_space.html",
        {
            "space": space,
            "dates": services.space_dates(space),
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": ApplicationStatus.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def booths(request: HttpRequest, pk: int) -> HttpResponse:
    """The booths of a space, and a form to add one."""
    _staff(request)
    space = get_object_or_404(SellingSpace.objects.select_related("wilayah"), pk=pk)
    form = BoothForm(_posted(request), instance=Booth(space=space))
    if request.method == "POST" and form.is_valid():
        try:
            booth = services.booth_create(space=space, data=form.values(), acting_user=request_user(request))
        except ValidationError as exc:
            add_service_errors(form, exc, code_fields=CODE_FIELDS)
        else:
            messages.success(request, _("Booth %(code)s added.") % {"code": booth.code})
            return redirect("marketing:space_booths", pk=pk)
    return render(
        request,
        "marketing/spaces/booths.html",
        {"space": space, "booths": list(selectors.space_booths(space)), "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def booth_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    booth = get_object_or_404(Booth.objects.select_related("space"), pk=pk)
    form = BoothForm(_posted(request), instance=booth)
    if request.method == "POST" and form.is_valid():
        try:
            services.booth_update(booth=booth, data=form.values(), acting_user=request_user(request))
        except ValidationError as exc:
            add_service_errors(form, exc, code_fields=CODE_FIELDS)
        else:
            messages.success(request, _("Booth saved."))
            return redirect("marketing:space_booths", pk=booth.space_id)
    return render(
        request,
        "marketing/spaces/booth_form.html",
        {"form": form, "booth": booth, "space": booth.space},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def booth_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    booth = get_object_or_404(Booth, pk=pk)
    try:
        services.booth_delete(booth=booth, acting_user=request_user(request))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Booth %(code)s deleted.") % {"code": booth.code})
    return redirect("marketing:space_booths", pk=booth.space_id)


def _calendar_start(request: HttpRequest, space: SellingSpace) -> datetime.date:
    """The first day shown: the one asked for (?dari=YYYY-MM-DD), else today, or the opening of a space not open
    yet or already over."""
    try:
        asked = datetime.date.fromisoformat(request.GET.get("dari") or "")
    except ValueError:
        asked = None
    if asked is not None and is_program_year(asked.year):
        return asked
    today = timezone.localdate()
    if space.opens_on > today or (space.closes_on is not None and space.closes_on < today):
        return space.opens_on
    return today


@login_required
@require_GET
def calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """Which business holds which booth, day by day, two weeks at a time."""
    _staff(request)
    space = get_object_or_404(SellingSpace.objects.select_related("wilayah"), pk=pk)
    return render(
        request,
        "marketing/spaces/calendar.html",
        {"space": space, "calendar": selectors.booth_calendar(space, _calendar_start(request, space))},
    )


def _application(pk: int) -> SpaceApplication:
    return get_object_or_404(
        SpaceApplication.objects.select_related("space__wilayah", "business__participant__kecamatan"), pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept an application with a booth free on its days (the page lists them)."""
    _staff(request)
    application = _application(pk)
    decision = permissions.can_decide_application(request.user, application)
    if not decision:
        messages.info(request, str(decision.reason))
        return redirect("marketing:space_staff", pk=application.space_id)
    days = services.Days.applied(application)
    free = selectors.free_booths(application.space, days.range)
    form = AcceptForm(_posted(request), free=free)
    if request.method == "POST" and form.is_valid():
        try:
            allocation = services.application_accept(
                application=application, booth=form.cleaned_data["booth"], acting_user=request_user(request)
            )
        except ValidationError as exc:
            add_service_errors(form, exc, code_fields=CODE_FIELDS)
            form.offer(free.all())  # as they are now: the booth refused may have just been taken
        else:
            messages.success(
                request,
                _("Accepted: booth %(booth)s on %(days)s. The business is told.")
                % {"booth": allocation.booth.code, "days": days},
            )
            return redirect("marketing:space_staff", pk=application.space_id)
    return render(
        request,
        "marketing/spaces/accept.html",
        {"application": application, "form": form, "days": days},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_decline(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    application = _application(pk)
    decision = permissions.can_decide_application(request.user, application)
    if not decision:
        messages.info(request, str(decision.reason))
        return redirect("marketing:space_staff", pk=application.space_id)
    form = DeclineForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.application_decline(
                application=application, reason=form.cleaned_data["reason"], acting_user=request_user(request)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Application declined. The business is told why."))
            return redirect("marketing:space_staff", pk=application.space_id)
    return render(
        request,
        "marketing/spaces/decline.html",
        {"application": application, "form": form, "days": services.Days.applied(application)},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def allocation_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    allocation = get_object_or_404(BoothAllocation.objects.select_related("booth"), pk=pk)
    try:
        services.allocation_cancel(allocation=allocation, acting_user=request_user(request))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Booth %(booth)s is free again on those days.") % {"booth": allocation.booth.code})
    return redirect("marketing:space_staff", pk=allocation.booth.space_id)


urls: list[URLPattern] = [
    path("pemasaran/ruang-jualan/", spaces, name="spaces"),
    path("pemasaran/ruang-jualan/wilayah/", coverage, name="coverage"),
    path("pemasaran/ruang-jualan/<int:pk>/", space_detail, name="space"),
    path("pemasaran/ruang-jualan/<int:pk>/daftar/", space_apply, name="space_apply"),
    path("pemasaran/ruang-jualan/saya/", my_applications, name="space_applications_mine"),
    path("pemasaran/ruang-jualan/saya/<int:pk>/tarik/", application_withdraw, name="space_application_withdraw"),
    # agency staff
    path("pemasaran/kelola/ruang-jualan/", staff_spaces, name="spaces_staff"),
    path("pemasaran/kelola/ruang-jualan/baru/", space_create, name="space_create"),
    path("pemasaran/kelola/ruang-jualan/<int:pk>/", staff_space, name="space_staff"),
    path("pemasaran/kelola/ruang-jualan/<int:pk>/ubah/", space_edit, name="space_edit"),
    path("pemasaran/kelola/ruang-jualan/<int:pk>/booth/", booths, name="space_booths"),
    path("pemasaran/kelola/ruang-jualan/<int:pk>/kalender/", calendar, name="space_calendar"),
    path("pemasaran/kelola/ruang-jualan/booth/<int:pk>/ubah/", booth_edit, name="booth_edit"),
    path("pemasaran/kelola/ruang-jualan/booth/<int:pk>/hapus/", booth_delete, name="booth_delete"),
    path(
        "pemasaran/kelola/ruang-jualan/pendaftaran/<int:pk>/terima/",
        application_accept,
        name="space_application_accept",
    ),
    path(
        "pemasaran/kelola/ruang-jualan/pendaftaran/<int:pk>/tolak/",
        application_decline,
        name="space_application_decline",
    ),
    path("pemasaran/kelola/ruang-jualan/alokasi/<int:pk>/batal/", allocation_cancel, name="booth_allocation_cancel"),
]
