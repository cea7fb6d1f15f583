"""A partner's own pages, for the users of an active partner organisation: the organisation, its agreements (how
each stands today and how many participants match it), its keys' use, and the participants who consented to it.

Another partner's agreement is not found (404), so a partner cannot learn what other agreements exist."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.text import slugify

from accounts.web import request_user
from core import audit
from core.files import private_file_response
from core.pagination import paginate
from registration.choices import BusinessClass, Sector, Track

from .. import permissions, selectors
from ..choices import AgreementState, Purpose, Step
from ..forms import ParticipantsFilterForm
from ..models import Agreement, AgreementDocument, AgreementMatch, PartnerOrganisation
from ..navigation import is_partner_user
from ..selectors import agreement_of, consenting_participants, key_state, keys_of_organisation


def _organisation(request: HttpRequest) -> PartnerOrganisation:
    """The organisation the user acts for, or 403 for anyone who is not a user of an active partner."""
    organisation = selectors.organisation_of(request.user)
    if not permissions.can_see_partner_pages(request.user, organisation):
        raise PermissionDenied
    assert organisation is not None
    return organisation


def _labels(choices: type[models.TextChoices], values: Iterable[str]) -> list[str]:
    """The labels of stored choice values, in the choices' own order (P1 before P7, whatever was saved)."""
    wanted = set(values)
    return [str(label) for value, label in choices.choices if value in wanted]


@dataclass(frozen=True)
class AgreementRow:
    agreement: Agreement
    state: AgreementState
    steps: list[str]
    match: AgreementMatch | None  # as last counted; None before the first count


def _row(agreement: Agreement) -> AgreementRow:
    return AgreementRow(
        agreement=agreement,
        state=AgreementState(agreement.state(timezone.localdate())),
        steps=_labels(Step, agreement.steps),
        match=selectors.counted_match(agreement),
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The organisation, its agreements with their state today, steps, end date and match counts as last counted
    (in the agreements' query), and its keys with their use (never a secret: only its prefix is kept). A
    partner user whom the menu offers this page but whose account belongs to no active organisation yet is told
    so, and whom to ask."""
    if selectors.organisation_of(request.user) is None and is_partner_user(request.user):
        return render(request, "partners/partner/unlinked.html")
    organisation = _organisation(request)
    now = timezone.now()
    administrator = selectors.is_partner_administrator(request.user, organisation)
    keys = [(key, key_state(key, now)) for key in keys_of_organisation(organisation, now)] if administrator else []
    return render(
        request,
        "partners/partner/home.html",
        {
            "organisation": organisation,
            "agreements": [_row(agreement) for agreement in selectors.agreements_of(organisation)],
            "keys": keys,
            "administrator": administrator,
        },
    )


@login_required
def participants(request: HttpRequest) -> HttpResponse:
    """The participants who hold an active consent to the organisation, by name, with their kecamatan, the
    purposes they consented to and since when; filtered by purpose.

    This page is not written to the access log, which records key reads (`partners.scope.record_reads`): it
    shows only a participant's name, kecamatan and purposes, what the consent itself tells the partner, and no
    data the purposes open (contact, business, reports, NIK), which a partner reads through its keys, logged."""
    organisation = _organisation(request)
    form = ParticipantsFilterForm(request.GET)
    purpose = form.cleaned_data["purpose"] if form.is_valid() else ""
    page = paginate(consenting_participants(organisation, purpose=purpose), request.GET.get("page"))
    rows = [(person, _labels(Purpose, person.consented_purposes)) for person in page.items]  # type: ignore[attr-defined]
    return render(
        request,
        "partners/partner/participants.html",
        {"organisation": organisation, "form": form, "page": page, "rows": rows, "purpose": purpose},
        status=200 if form.is_valid() else 400,
    )


@login_required
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the organisation's agreements: terms, criteria, the meetings of the talks, its documents (titles)
    and the match count. Another partner's agreement is 404."""
    organisation = _organisation(request)
    found = agreement_of(organisation, pk)
    if found is None:
        raise Http404
    found.organisation = organisation  # its purposes read it
    return render(
        request,
        "partners/partner/agreement.html",
        {
            "organisation": organisation,
            "row": _row(found),
            "criteria": {
                "tracks": _labels(Track, found.criteria_tracks),
                "sectors": _labels(Sector, found.criteria_sectors),
                "classes": _labels(BusinessClass, found.criteria_classes),
                "steps_done": _labels(Step, found.criteria_steps_done),
                "kecamatan": [kecamatan.name for kecamatan in found.criteria_kecamatan.all()],
            },
            "purposes": _labels(Purpose, found.purposes),
        },
    )


@login_required
def agreement_document(request: HttpRequest, pk: int, public_id: uuid.UUID) -> HttpResponseBase:
    """A PDF of one of the organisation's agreements; the opening is recorded in the document's history.
    Another partner's document is 404."""
    organisation = _organisation(request)
    document = get_object_or_404(
        AgreementDocument.objects.select_related("agreement"),
        public_id=public_id,
        agreement_id=pk,
        agreement__organisation=organisation,
    )
    if not permissions.can_see_agreement_document(request.user, document):
        raise Http404
    audit.record_view(document, user=request_user(request))
    return private_file_response(
        document.file.open("rb"), content_type="application/pdf", filename=f"{slugify(document.title) or 'pks'}.pdf"
    )


urls: list[URLPattern] = [
    path("mitra/", home, name="partner_home"),
    path("mitra/peserta/", participants, name="partner_participants"),
    path("mitra/perjanjian/<int:pk>/", agreement, name="partner_agreement"),
    path("mitra/perjanjian/<int:pk>/dokumen/<uuid:public_id>/", agreement_document, name="partner_agreement_document"),
]
