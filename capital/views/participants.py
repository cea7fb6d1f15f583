"""P7 pages of participants: the loans on offer with what they lack for each, a product, asking to be referred,
their referrals, one referral's timeline and withdrawing it (its page is also their mentor's and staff's)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.web import request_user
from core.pagination import paginate
from core.web import add_service_errors, error_text, help_line
from partners.choices import ConsentChannel, Purpose
from partners.models import ConsentText
from partners.selectors import current_text, data_shared
from registration.models import Participant
from registration.selectors import is_verified

from .. import permissions, selectors, services
from .. import readiness as ready
from ..choices import ReferralStatus
from ..forms import NoteForm, ReferralForm
from ..models import FinancingProduct
from ._common import referral_or_404, render_referral


def _language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _own_participant(request: HttpRequest) -> Participant | None:
    """The entrepreneur's own participant record, with what readiness reads (None: not registered yet); any other
    role is refused."""
    if not permissions.asks_for_loans(request.user):
        raise PermissionDenied
    return (
        selectors.participants_in_scope(request.user).select_related("registration", "business", "kecamatan").first()
    )


def _product_or_404(request: HttpRequest, code: str) -> FinancingProduct:
    found = selectors.product_of(request.user, code)
    if found is None:
        if not permissions.sees_products(request.user):
            raise PermissionDenied
        raise Http404
    return found


@login_required
@require_GET
def readiness(request: HttpRequest) -> HttpResponse:
    """Every loan on offer: those the participant qualifies for now, and for the others what is missing, each with
    the step that fixes it."""
    participant = _own_participant(request)
    return render(
        request,
        "capital/readiness.html",
        {
            "participant": participant,
            "verified": is_verified(participant),
            "readiness": ready.readiness_of(participant) if participant is not None else None,
            "help_line": help_line(),
        },
    )


@login_required
@require_GET
def product(request: HttpRequest, code: str) -> HttpResponse:
    """A product: its amounts, tenor, price, collateral and criteria; for a participant, what they lack for it."""
    found = _product_or_404(request, code)
    participant = None
    judged = None
    if permissions.asks_for_loans(request.user):
        participant = _own_participant(request)
        if participant is not None:
            judged = ready.ProductReadiness(
                found,
                ready.missing_for(found, ready.facts_of(participant)),
                selectors.open_referral_for(participant, found),
            )
    return render(
        request,
        "capital/product.html",
        {
            "product": found,
            "participant": participant,
            "verified": is_verified(participant),
            "judged": judged,
            "criteria": ready.criteria_of(found),
            "back": reverse("capital:readiness" if permissions.asks_for_loans(request.user) else "capital:queue"),
            "help_line": help_line(),
        },
    )


def _form_page(
    request: HttpRequest,
    *,
    participant: Participant,
    product: FinancingProduct,
    text: ConsentText,
    form: ReferralForm,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "capital/referral_form.html",
        {
            "form": form,
            "participant": participant,
            "product": product,
            "consent_text": text.text_for(product.lender, _language()),
            "text_version": text.version,
            "data_shared": data_shared(Purpose.LOAN_ASSESSMENT),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest, code: str) -> HttpResponse:
    """Ask to be referred to a product's lender, consenting to share the data named with it. Offered to a verified
    participant who qualifies for the product now and has no open referral for it."""
    participant = _own_participant(request)
    found = _product_or_404(request, code)
    if participant is None:
        messages.info(request, _("Register for JakPreneur first: loan referrals come after."))
        return redirect("capital:readiness")
    decision = permissions.can_request(request_user(request), participant)
    if not decision:
        messages.info(request, str(decision.reason))
        return redirect("capital:product", code=found.code)
    open_referral = selectors.open_referral_for(participant, found)
    if open_referral is not None:
        messages.info(request, _("You have an open referral for this product already: follow it here."))
        return redirect("capital:referral_detail", pk=open_referral)
    missing = ready.missing_for(found, ready.facts_of(participant))
    if missing:
        messages.info(request, _("You do not qualify for this product yet: see what is missing below."))
        return redirect("capital:product", code=found.code)
    text = current_text(Purpose.LOAN_ASSESSMENT)
    form = ReferralForm(request.POST or None, product=found, text_version=text.version)
    if request.method != "POST":
        return _form_page(request, participant=participant, product=found, text=text, form=form)
    if form.is_valid():
        data = form.cleaned_data
        try:
            made = services.referral_create(
                participant=participant,
                product=found,
                amount_requested=data["amount_requested"],
                tenor_months=data["tenor_months"],
                use_of_funds=data["use_of_funds"],
                shared=list(data["shared"]),
                text_version=data["text_version"],
                channel=ConsentChannel.WEB,
                acting_user=request_user(request),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "text_version" in exc.error_dict:
                return _text_changed(request, participant=participant, product=found, text=text)
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Referral saved. Your mentor checks it and sends it to %(lender)s; you are told at every step.")
                % {"lender": found.lender.name},
            )
            return redirect("capital:referral_detail", pk=made.pk)
    elif "text_version" in form.errors:
        return _text_changed(request, participant=participant, product=found, text=text)
    messages.error(request, _("The referral was not sent: see below."))
    return _form_page(request, participant=participant, product=found, text=text, form=form, status=400)


def _text_changed(
    request: HttpRequest, *, participant: Participant, product: FinancingProduct, text: ConsentText
) -> HttpResponse:
    """The consent text changed since the page was shown (or its version came back mangled): the current text
    again, with everything typed kept, to read and agree to anew."""
    data = request.POST.copy()
    data["text_version"] = str(text.version)
    data.pop("agree", None)
    form = ReferralForm(data, product=product, text_version=text.version)
    form.is_valid()
    messages.error(request, _("The consent text has changed: read it again, and tick the box if you agree."))
    return _form_page(request, participant=participant, product=product, text=text, form=form, status=400)


@login_required
@require_GET
def referrals(request: HttpRequest) -> HttpResponse:
    """The participant's referrals, newest first."""
    participant = _own_participant(request)
    page = paginate(selectors.referrals_of(participant), request.GET.get("page")) if participant is not None else None
    return render(request, "capital/referrals.html", {"participant": participant, "page": page})


@login_required
@require_GET
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_referral(request, referral_or_404(request, pk))


@login_required
@require_POST
def referral_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant withdraws their referral (and, with the last open one to that lender, their consent to it)."""
    referral = referral_or_404(request, pk)
    decision = permissions.can_move(request.user, referral, ReferralStatus.WITHDRAWN)
    if not decision:
        if decision.code == "not_allowed":
            raise PermissionDenied
        messages.error(request, str(decision.reason))
        return redirect("capital:referral_detail", pk=pk)
    form = NoteForm(request.POST, auto_id=f"id_{ReferralStatus.WITHDRAWN}_%s")
    if not form.is_valid():
        messages.error(request, _("The referral was not withdrawn: see below."))
        return render_referral(request, referral, bound=form, bound_target=ReferralStatus.WITHDRAWN, status=400)
    try:
        withdrawn = services.referral_withdraw(
            referral=referral,
            note=form.cleaned_data["note"],
            channel=ConsentChannel.WEB,
            acting_user=request_user(request),
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("capital:referral_detail", pk=pk)
    withdrawn.consent.refresh_from_db(fields=["withdrawn_at"])
    if withdrawn.consent.is_active:
        messages.success(request, _("The referral is withdrawn."))
    else:
        messages.success(
            request,
            _("The referral is withdrawn, and so is your consent: %(lender)s no longer sees your data.")
            % {"lender": withdrawn.lender.name},
        )
    return redirect("capital:referral_detail", pk=pk)
