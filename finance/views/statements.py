"""The financial statements: the participant issues them for a period (and sees those issued with their codes);
the PDF for those who may see the books (the participant, a mentor of their kecamatan, agency staff); the PUBLIC
page where a bank checks a code and compares the main totals with the PDF (nothing else of the person)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.web import request_user
from core import audit
from core.pagination import paginate
from core.web import add_service_errors

from .. import permissions, selectors, services
from ..forms import StatementCodeForm, StatementForm
from ..selectors import statements as statement_selectors
from ..statements import statement_pdf_response
from .books import keeper_of

REPORTED_MONTHS_SHOWN = 24


@login_required
@require_http_methods(["GET", "POST"])
def statements(request: HttpRequest) -> HttpResponse:
    """Choose a period (two months) and a language, issue the statements; the statements issued, newest first."""
    keeper = keeper_of(request)
    if isinstance(keeper, HttpResponse):
        return keeper
    form = StatementForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                statement = services.statement_issue(
                    participant=keeper,
                    period_start=form.cleaned_data["period_start"],
                    period_end=form.cleaned_data["period_end"],
                    language=form.cleaned_data["language"],
                    acting_user=request_user(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The statements are issued, with the verification code %(code)s. Download the PDF below.")
                    % {"code": statement.code},
                )
                return redirect("finance:statements")
        messages.error(request, _("The statements were not issued: see below."))
        status = 400
    return render(
        request,
        "finance/statements.html",
        {
            "participant": keeper,
            "form": form,
            "page": paginate(statement_selectors.statements_of(keeper), request.GET.get("page")),
            "reported": selectors.participant_records(keeper, limit=REPORTED_MONTHS_SHOWN),
        },
        status=status,
    )


@login_required
@require_GET
def statement_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The statements as a PDF, for those who may see the business's books; anyone else gets a 404."""
    statement = get_object_or_404(
        statement_selectors.statements_for(request.user), code=statement_selectors.normalised_code(code)
    )
    if not permissions.can_view_books(request.user, statement.participant):
        raise Http404
    if statement.participant.user_id != request.user.pk:
        audit.record_view(statement, user=request_user(request))
    return statement_pdf_response(statement)


@require_GET
def statement_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: are these statements genuine? The business's name, the period, the issue date and the main totals,
    for a bank to compare with the PDF; nothing else."""
    statement = statement_selectors.statement_by_code(code)
    return render(
        request,
        "finance/statement_verify.html",
        {"statement": statement, "code": code, "form": StatementCodeForm(initial={"code": code})},
        status=200 if statement else 404,
    )


@require_GET
def statement_check(request: HttpRequest) -> HttpResponse:
    """Public: the form where a bank types a code; a valid one goes to its verification page."""
    form = StatementCodeForm(request.GET or None)
    if form.is_bound and form.is_valid():
        code = statement_selectors.normalised_code(form.cleaned_data["code"])
        if code:
            return redirect("finance:statement_verify", code=code)
        form.add_error("code", _("Type the code printed at the foot of the statements."))
    return render(
        request,
        "finance/statement_check.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )
