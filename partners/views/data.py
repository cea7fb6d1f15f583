"""The participant's own "Data saya" pages (UU PDP 27/2022): the partners they may consent to and for what, giving
and withdrawing consent against the text shown, the history of their consents, every partner read of their data
("who looked at my data"), and the code that links their JAKI account.

Only an entrepreneur reaches these pages (anyone else: 403); one without a participant record is asked to
register first. A consent is always the person's own: another's is not found."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions as account_permissions
from accounts.web import request_user
from core.pagination import paginate
from core.web import add_service_errors, error_text, help_line
from registration.models import Participant
from registration.selectors import participant_of

from .. import selectors, services
from ..choices import ConsentChannel, Purpose
from ..forms import ConsentGrantForm
from ..models import AccessLog, ConsentText, PartnerOrganisation
from ..selectors import purposes_in_force

RECENT_READS = 5
READS_PER_PAGE = 25
TEXT_CHANGED = "text_changed"


def _own_participant(request: HttpRequest) -> Participant | None:
    """The entrepreneur's own participant record (None: not registered yet); any other role is refused."""
    if not account_permissions.is_entrepreneur(request.user):
        raise PermissionDenied
    return participant_of(request.user)


def _register_first(request: HttpRequest) -> HttpResponse:
    return render(request, "partners/data/register_first.html", {"help_line": help_line()})


def _language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _read_rows(reads: Iterable[AccessLog]) -> list[dict[str, Any]]:
    return [{"read": read, "what": selectors.read_description(read.endpoint)} for read in reads]


def _codes(exc: ValidationError) -> set[str]:
    errors = [e for field in exc.error_dict.values() for e in field] if hasattr(exc, "error_dict") else exc.error_list
    return {str(error.code) for error in errors}


@login_required
@require_GET
def data(request: HttpRequest) -> HttpResponse:
    """Data saya: the partners and purposes one may consent to, one's consents and their history, the latest
    reads, the JAKI link."""
    participant = _own_participant(request)
    if participant is None:
        return _register_first(request)
    rows, uncovered = selectors.partners_to_consent(participant, timezone.localdate())
    return render(
        request,
        "partners/data/home.html",
        {
            "participant": participant,
            "rows": rows,
            "uncovered": uncovered,
            "history": selectors.consent_history(participant),
            "recent_reads": _read_rows(selectors.reads_of(participant)[:RECENT_READS]),
            "jaki_consent": selectors.jaki_organisation_consented(participant),
            "jaki_link": selectors.jaki_link_of(participant),
            "help_line": help_line(),
        },
    )


def _grant_page(
    request: HttpRequest,
    *,
    organisation: PartnerOrganisation,
    purpose: str,
    text: ConsentText,
    form: ConsentGrantForm,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "partners/data/consent_grant.html",
        {
            "organisation": organisation,
            "purpose": purpose,
            "purpose_label": Purpose(purpose).label,
            "text": text,
            "consent_text": text.text_for(organisation, _language()),
            "shared": selectors.data_shared(purpose),
            "form": form,
            "help_line": help_line(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_grant(request: HttpRequest, partner: int, purpose: str) -> HttpResponse:
    """Give consent to a partner for a purpose, against the text shown (its version travels with the form); or
    renew a consent given on an older text on the current one."""
    participant = _own_participant(request)
    if participant is None:
        return _register_first(request)
    organisation = get_object_or_404(PartnerOrganisation, pk=partner, active=True)
    if purpose not in purposes_in_force(organisation, timezone.localdate()):
        raise Http404
    if selectors.has_current_consent(participant, organisation, purpose):
        messages.info(request, _("You already consent to this. You can withdraw it on this page."))
        return redirect("partners:data")
    try:
        text = selectors.current_text(purpose)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("partners:data")
    form = ConsentGrantForm(request.POST or None, text_version=text.version)
    if request.method != "POST":
        return _grant_page(request, organisation=organisation, purpose=purpose, text=text, form=form)
    if not form.is_valid():
        if "text_version" not in form.errors:
            return _grant_page(request, organisation=organisation, purpose=purpose, text=text, form=form, status=400)
        codes = {TEXT_CHANGED}  # a version missing or mangled: show the current text again, as for a change
    else:
        try:
            services.consent_grant(
                participant=participant,
                organisation=organisation,
                purpose=purpose,
                text_version=form.cleaned_data["text_version"],
                channel=ConsentChannel.WEB,
                acting_user=request_user(request),
            )
        except ValidationError as exc:
            codes = _codes(exc)
            if TEXT_CHANGED not in codes:
                add_service_errors(form, exc)
                return _grant_page(
                    request, organisation=organisation, purpose=purpose, text=text, form=form, status=400
                )
        else:
            messages.success(
                request,
                _("Thank you. %(partner)s may now use your data for: %(purpose)s. You can withdraw at any time.")
                % {"partner": organisation.name, "purpose": Purpose(purpose).label},
            )
            return redirect("partners:data")
    text = selectors.current_text(purpose)
    messages.warning(request, _("The consent text has changed since you opened this page: please read it again."))
    return _grant_page(
        request,
        organisation=organisation,
        purpose=purpose,
        text=text,
        form=ConsentGrantForm(text_version=text.version),
        status=409,
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw one's own consent, after a confirmation page: it takes effect at once for every key."""
    participant = _own_participant(request)
    if participant is None:
        return _register_first(request)
    consent = selectors.own_consent(participant, pk)
    if consent is None:
        raise Http404
    if not consent.is_active:
        messages.info(request, _("This consent is already withdrawn."))
        return redirect("partners:data")
    if request.method == "POST":
        try:
            services.consent_withdraw(consent=consent, channel=ConsentChannel.WEB, acting_user=request_user(request))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("Your consent is withdrawn. From now on %(partner)s no longer receives your data for: %(purpose)s.")
                % {"partner": consent.organisation.name, "purpose": consent.get_purpose_display()},
            )
        return redirect("partners:data")
    return render(
        request,
        "partners/data/consent_withdraw.html",
        {"consent": consent, "shared": selectors.data_shared(consent.purpose), "help_line": help_line()},
    )


@login_required
@require_GET
def data_reads(request: HttpRequest) -> HttpResponse:
    """Who looked at my data: every partner read, newest first, a page at a time (no count of the whole)."""
    participant = _own_participant(request)
    if participant is None:
        return _register_first(request)
    page = paginate(selectors.reads_of(participant), request.GET.get("page"), per_page=READS_PER_PAGE)
    return render(
        request,
        "partners/data/reads.html",
        {"page": page, "rows": _read_rows(page.items), "help_line": help_line()},
    )


@login_required
@require_POST
def jaki_link_code(request: HttpRequest) -> HttpResponse:
    """A fresh code to type into the JAKI app, shown once on this answer (only its hash is kept)."""
    participant = _own_participant(request)
    if participant is None:
        return _register_first(request)
    try:
        code = services.jaki_link_code_create(participant=participant, acting_user=request_user(request))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("partners:data")
    messages.success(request, _("Your link code is ready. Type it into the JAKI app before it expires."))
    return render(
        request,
        "partners/data/jaki_code.html",
        {"code": code, "expires_at": selectors.link_code_expiry(participant), "help_line": help_line()},
    )


urls: list[URLPattern] = [
    path("data-saya/", data, name="data"),
    path("data-saya/beri-izin/<int:partner>/<slug:purpose>/", consent_grant, name="consent_grant"),
    path("data-saya/tarik-izin/<int:pk>/", consent_withdraw, name="consent_withdraw"),
    path("data-saya/dilihat/", data_reads, name="data_reads"),
    path("data-saya/jaki/", jaki_link_code, name="jaki_link_code"),
]
