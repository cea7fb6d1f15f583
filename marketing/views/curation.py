"""P5 curation pages: open calls and submitting a product (the business), a submission with its timeline and
the action its viewer may take, the queues of the mentor (submissions and online stores), the kecamatan and the
curator, and the calls for agency staff."""

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

from accounts.web import request_user
from core.pagination import paginate
from core.web import add_service_errors, error_text
from mentoring import permissions as mentoring_permissions

from .. import permissions
from ..choices import Category, Criterion, SubmissionStatus
from ..forms.curation import CallForm, DecisionForm, GradeForm, SubmitForm
from ..models import ProductCall, Submission
from ..selectors import curation as selectors
from ..selectors import products as product_selectors
from ..services import curation as services
from ..services import products as services_products

QUEUE_PAGE = 50  # submissions a queue's page (or a call's) shows; the next ones a keyset step away

# --- the business: open calls, submitting ----------------------------------------------------------------------


@login_required
@require_GET
def calls(request: HttpRequest) -> HttpResponse:
    """Calls taking submissions today, with a "submit a product" button for a business that may."""
    business = product_selectors.business_of(request.user)
    return render(
        request,
        "marketing/curation/calls.html",
        {
            "calls": [
                (call, [Category(value).label for value in call.categories])
                for call in selectors.open_calls(today=timezone.localdate())
            ],
            "business": business,
            "can_edit": bool(business and permissions.can_edit_business(request.user, business)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit one of the business's products to an open call."""
    today = timezone.localdate()
    call = get_object_or_404(selectors.open_calls(today=today), pk=pk)
    business = product_selectors.business_of(request.user)
    if business is None:
        raise PermissionDenied(_("Only a registered business submits products."))
    decision = permissions.can_edit_business(request.user, business)
    if not decision:
        messages.info(request, str(decision.reason))
        return redirect("marketing:calls")
    submitted = selectors.submissions_of(business).filter(call=call).exclude(status=SubmissionStatus.WITHDRAWN)
    products = product_selectors.products_of(business).exclude(pk__in=submitted.values("product_id"))
    if call.categories:
        products = products.filter(category__in=call.categories)
    form = SubmitForm(request.POST if request.method == "POST" else None, products=products)
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.submission_submit(
                product=form.cleaned_data["product"], call=call, acting_user=request_user(request)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Submitted. Your mentor checks it first; we will tell you how it goes."))
            return redirect("marketing:submission", pk=submission.pk)
    return render(
        request,
        "marketing/curation/submit.html",
        {"call": call, "form": form, "has_products": products.exists()},
        status=400 if form.is_bound else 200,
    )


# --- a submission -----------------------------------------------------------------------------------------------


def _submission(request: HttpRequest, pk: int) -> Submission:
    submission = selectors.submission_for(request.user, pk)
    if submission is None:
        raise Http404
    return submission


def _detail(request: HttpRequest, submission: Submission, **forms: Any) -> HttpResponse:
    """The submission's page with the action forms its viewer may use (bound ones given, to show errors)."""
    user = request.user
    can_check = permissions.can_check_submission(user, submission)
    can_validate = permissions.can_validate_submission(user, submission)
    can_grade = permissions.can_grade_submission(user, submission)
    comments = {c.criterion: c.comment for c in submission.criterion_comments.all()}
    context = {
        "submission": submission,
        "product": submission.product,
        "photos": list(submission.product.photos.all()),
        "criteria": [(criterion.label, comments.get(criterion.value, "")) for criterion in Criterion],
        "is_owner": permissions.owns_business(user, submission.product.business),
        "can_check": can_check,
        "can_validate": can_validate,
        "can_grade": can_grade,
        "can_resubmit": permissions.can_resubmit_submission(user, submission),
        "can_withdraw": permissions.can_withdraw_submission(user, submission),
        "check_form": forms.get("check_form") or (DecisionForm(prefix="check") if can_check else None),
        "validate_form": forms.get("validate_form") or (DecisionForm(prefix="validate") if can_validate else None),
    }
    bound = any(form.is_bound for form in forms.values())
    return render(request, "marketing/curation/submission.html", context, status=400 if bound else 200)


@login_required
@require_GET
def submission(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _submission(request, pk))


def _decide(request: HttpRequest, pk: int, *, step: str) -> HttpResponse:
    """The mentor's check (step "check") or the kecamatan's validation ("validate") of a submission."""
    found = _submission(request, pk)
    rule = permissions.can_check_submission if step == "check" else permissions.can_validate_submission
    decision = rule(request.user, found)
    if not decision:
        messages.error(request, str(decision.reason))
        return redirect("marketing:submission", pk=pk)
    form = DecisionForm(request.POST, prefix=step)
    if form.is_valid():
        service = services.submission_check if step == "check" else services.submission_validate
        try:
            done = service(
                submission=found,
                passed=form.passed,
                reason=form.cleaned_data["reason"],
                acting_user=request_user(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if done.status == SubmissionStatus.RETURNED:
                messages.success(request, _("Returned to the business with what to change; it has been told."))
            elif step == "check":
                messages.success(request, _("Checked: it goes to the kecamatan for validation."))
            else:
                messages.success(request, _("Validated: it goes to the curators."))
            queue = "marketing:check_queue" if step == "check" else "marketing:validation_queue"
            return redirect(queue)
    return _detail(request, found, **{f"{step}_form": form})


@login_required
@require_POST
def submission_check(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, step="check")


@login_required
@require_POST
def submission_validate(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, step="validate")


@login_required
@require_http_methods(["GET", "POST"])
def submission_grade(request: HttpRequest, pk: int) -> HttpResponse:
    """A curator of the call grades a validated submission, with a comment on every criterion."""
    found = _submission(request, pk)
    decision = permissions.can_grade_submission(request.user, found)
    if not decision:
        messages.error(request, str(decision.reason))
        return redirect("marketing:submission", pk=pk)
    form = GradeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submission_grade(submission=found, data=form.data_values(), acting_user=request_user(request))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Graded. The business has been told and can read your comments."))
            return redirect("marketing:grading_queue")
    return render(
        request,
        "marketing/curation/grade.html",
        {"submission": found, "product": found.product, "photos": list(found.product.photos.all()), "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def submission_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _submission(request, pk)
    try:
        services.submission_resubmit(submission=found, acting_user=request_user(request))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Submitted again: your mentor checks it."))
    return redirect("marketing:submission", pk=pk)


@login_required
@require_POST
def submission_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    found = _submission(request, pk)
    try:
        services.submission_withdraw(submission=found, acting_user=request_user(request))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Submission withdrawn."))
    return redirect("marketing:submission", pk=pk)


# --- queues -----------------------------------------------------------------------------------------------------


@login_required
@require_GET
def check_queue(request: HttpRequest) -> HttpResponse:
    """The mentor's queue: their participants' submissions waiting for a check, and their unchecked stores."""
    if not mentoring_permissions.is_mentor(request.user):
        raise PermissionDenied(_("This queue is a mentor's."))
    return render(
        request,
        "marketing/curation/check_queue.html",
        {
            "submissions": list(selectors.check_queue(request.user)),
            "stores": list(product_selectors.unchecked_stores_for(request.user)),
        },
    )


@login_required
@require_POST
def store_check(request: HttpRequest, pk: int) -> HttpResponse:
    store = product_selectors.unchecked_stores_for(request.user).filter(pk=pk).first()
    if store is None:
        raise Http404
    try:
        services_products.store_check(store=store, acting_user=request_user(request))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Store checked; the business has been told."))
    return redirect("marketing:check_queue")


@login_required
@require_GET
def validation_queue(request: HttpRequest) -> HttpResponse:
    """The kecamatan's queue: submissions checked by the mentor, waiting for validation."""
    if not permissions.validates_anywhere(request.user):
        raise PermissionDenied(_("This queue is the kecamatan secretariat's."))
    page = paginate(selectors.validation_queue(request.user), request.GET.get("page"), QUEUE_PAGE)
    return render(request, "marketing/curation/validation_queue.html", {"page": page, "submissions": page.items})


@login_required
@require_GET
def grading_queue(request: HttpRequest) -> HttpResponse:
    """The curator's queue: validated submissions of the calls they curate."""
    if not permissions.may_curate(request.user):
        raise PermissionDenied(_("This queue is the curators'."))
    page = paginate(selectors.grading_queue(request.user), request.GET.get("page"), QUEUE_PAGE)
    return render(request, "marketing/curation/grading_queue.html", {"page": page, "submissions": page.items})


# --- staff: calls -----------------------------------------------------------------------------------------------


def _run_calls(request: HttpRequest) -> None:
    decision = permissions.can_run_calls(request.user)
    if not decision:
        raise PermissionDenied(decision.reason)


@login_required
@require_GET
def staff_calls(request: HttpRequest) -> HttpResponse:
    _run_calls(request)
    return render(
        request,
        "marketing/curation/staff_calls.html",
        {"calls": list(selectors.calls_for_staff(request.user)), "today": timezone.localdate()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Open a call for products, or change one."""
    _run_calls(request)
    call = get_object_or_404(ProductCall, pk=pk) if pk is not None else None
    form = CallForm(request.POST if request.method == "POST" else None, instance=call)
    if request.method == "POST" and form.is_valid():
        try:
            if call is None:
                saved = services.call_create(data=form.data_values(), acting_user=request_user(request))
                messages.success(request, _("The call is saved. Businesses can submit between its dates."))
            else:
                saved = services.call_update(call=call, data=form.data_values(), acting_user=request_user(request))
                messages.success(request, _("The call is saved."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("marketing:call_detail", pk=saved.pk)
    return render(
        request,
        "marketing/curation/call_form.html",
        {"form": form, "call": call},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_GET
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _run_calls(request)
    call = get_object_or_404(selectors.calls_for_staff(request.user), pk=pk)
    counts = [(status.label, getattr(call, f"n_{status.value}")) for status in SubmissionStatus]
    page = paginate(selectors.call_submissions(call), request.GET.get("page"), QUEUE_PAGE)
    return render(
        request,
        "marketing/curation/call_detail.html",
        {"call": call, "counts": counts, "page": page, "submissions": page.items},
    )


urls: list[URLPattern] = [
    path("pemasaran/kurasi/", calls, name="calls"),
    path("pemasaran/kurasi/<int:pk>/ajukan/", call_submit, name="call_submit"),
    path("pemasaran/pengajuan/<int:pk>/", submission, name="submission"),
    path("pemasaran/pengajuan/<int:pk>/periksa/", submission_check, name="submission_check"),
    path("pemasaran/pengajuan/<int:pk>/validasi/", submission_validate, name="submission_validate"),
    path("pemasaran/pengajuan/<int:pk>/nilai/", submission_grade, name="submission_grade"),
    path("pemasaran/pengajuan/<int:pk>/ajukan-lagi/", submission_resubmit, name="submission_resubmit"),
    path("pemasaran/pengajuan/<int:pk>/tarik/", submission_withdraw, name="submission_withdraw"),
    path("pemasaran/antrean/pendamping/", check_queue, name="check_queue"),
    path("pemasaran/toko/<int:pk>/periksa/", store_check, name="store_check"),
    path("pemasaran/antrean/kecamatan/", validation_queue, name="validation_queue"),
    path("pemasaran/antrean/kurator/", grading_queue, name="grading_queue"),
    path("pemasaran/staf/kurasi/", staff_calls, name="staff_calls"),
    path("pemasaran/staf/kurasi/baru/", call_form, name="call_new"),
    path("pemasaran/staf/kurasi/<int:pk>/", call_detail, name="call_detail"),
    path("pemasaran/staf/kurasi/<int:pk>/ubah/", call_form, name="call_edit"),
]
