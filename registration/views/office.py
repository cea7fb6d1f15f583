"""P1 at the kecamatan office: a mentor or secretariat member registers a walk-in, and prints a receipt."""

import itertools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.web import request_user
from core.web import absolute_url, add_service_errors_to_forms

from .. import selectors, services
from ..choices import DocumentKind, NonJakartaBasis, Track
from ..eligibility import required_documents
from ..forms import NIK_ERRORS, BusinessForm, DocumentsForm, PersonForm, documents_required_by
from ..permissions import can_register_walk_in

# What the officer asks the person for, per document (the form's labels speak to the entrepreneur online).
ASK_FOR = {
    DocumentKind.KTP: gettext_lazy("Ask the person for their KTP: scan it or take a sharp photo."),
    DocumentKind.PLAN_STATEMENT: gettext_lazy("Ask for their signed statement of the business plan."),
    DocumentKind.DEVELOPMENT_PLAN_STATEMENT: gettext_lazy(
        "Ask for their signed statement of the business development plan."
    ),
    DocumentKind.OWNERSHIP_PROOF: gettext_lazy(
        "Ask for a proof that they own the business (for example an NIB, a business licence or a letter from the "
        "lurah)."
    ),
    DocumentKind.LURAH_LETTER: gettext_lazy("Ask for their letter from the lurah showing two years in Jakarta."),
}
# The person's questions, put to the officer about the person in front of them.
ABOUT_THE_PERSON = {
    "nik": ("help_text", gettext_lazy("The 16-digit number on their KTP: copy it from the card.")),
    "jakarta_ktp": ("label", gettext_lazy("Does the person have a Jakarta (DKI) KTP?")),
    "non_jakarta_basis": ("label", gettext_lazy("Without a Jakarta KTP, how may they join?")),
    "phone": (
        "help_text",
        gettext_lazy("Their own mobile number: the link to claim their account goes there by SMS."),
    ),
    "email": ("help_text", gettext_lazy("Their own email address, if they have one: the link goes there too.")),
}


def document_rules() -> dict[str, list[str]]:
    """Which documents each combination of answers calls for, from `eligibility.required_documents` itself: the
    page carries it as JSON so that walk_in.js narrows the list without a rule of its own.
    Key: "<track>|<True/False>|<basis>" (the basis is empty with a Jakarta KTP)."""
    rules = {}
    for track, jakarta, basis in itertools.product(Track.values, (True, False), ["", *NonJakartaBasis.values]):
        if jakarta and basis:
            continue
        rules[f"{track}|{jakarta}|{basis}"] = required_documents(track=track, jakarta_ktp=jakarta, basis=basis)
    return rules


def always_required(rules: dict[str, list[str]]) -> list[str]:
    """The documents every answer calls for (the KTP): marked required before anything is answered."""
    kinds = set.intersection(*(set(kinds) for kinds in rules.values()))
    return [kind for kind in DocumentKind.values if kind in kinds]


def _needed_when(rules: dict[str, list[str]]) -> dict[str, str]:
    """For the page without JavaScript: when each document is needed, in words."""
    always = set(always_required(rules))
    when = {}
    for kind in DocumentKind.values:
        tracks = {key.split("|")[0] for key, kinds in rules.items() if kind in kinds}
        if kind in always:
            when[kind] = _("Needed for everyone.")
        elif kind == DocumentKind.LURAH_LETTER:
            when[kind] = _("Needed without a Jakarta KTP, when they join with a lurah letter.")
        elif tracks == {Track.PEMULA}:
            when[kind] = _("Needed for a starting entrepreneur.")
        elif tracks == {Track.NAIK_KELAS}:
            when[kind] = _("Needed for a growing entrepreneur.")
    return when


def _speak_to_the_officer(person: BaseForm, documents: BaseForm, rules: dict[str, list[str]]) -> None:
    for name, (attribute, text) in ABOUT_THE_PERSON.items():
        if name in person.fields:
            setattr(person.fields[name], attribute, text)
    when = _needed_when(rules)
    for kind, field in documents.fields.items():
        field.label = ASK_FOR.get(DocumentKind(kind), field.label)
        field.help_text = " ".join(str(part) for part in (when.get(kind, ""), field.help_text) if part)
        field.widget.attrs["data-document-kind"] = kind


@login_required
@require_http_methods(["GET", "POST"])
def assisted(request: HttpRequest) -> HttpResponse:
    """A mentor or secretariat member registers a walk-in at the kecamatan office; then the receipt."""
    if not can_register_walk_in(request.user):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    office = request_user(request).office_id
    # a walk-in registers at the office of the kecamatan they live in
    person = PersonForm(data, prefix="person", initial={"kecamatan": office, "jakarta_ktp": True}, office_id=office)
    track = data.get("person-track", "") if data else ""
    business = BusinessForm(data, prefix="business", track=track, initial={"kecamatan": office})
    rules = document_rules()
    # every kind is offered (without JavaScript the officer sees them all); the answers decide which are required
    kinds = documents_required_by(person) if data else always_required(rules)
    documents = DocumentsForm(
        data,
        request.FILES or None,
        required_kinds=kinds,
        present=set(),
        offered_kinds=DocumentKind.values,
        prefix="documents",
    )
    _speak_to_the_officer(person, documents, rules)
    if request.method == "POST":
        if person.is_valid() & business.is_valid() & documents.is_valid():
            # a file chosen for a document the answers do not call for is not kept
            uploads = {kind: upload for kind, upload in documents.uploads().items() if kind in kinds}
            try:
                registration = services.registration_register_walk_in(
                    person=person.values(),
                    business=business.values(),
                    uploads=uploads,
                    acting_user=request_user(request),
                )
            except ValidationError as exc:
                add_service_errors_to_forms([person, business, documents], exc, code_fields=NIK_ERRORS)
            else:
                messages.success(
                    request,
                    _("%(name)s is registered with reference %(reference)s.")
                    % {"name": registration.participant.full_name, "reference": registration.reference},
                )
                return redirect("registration:walk_in_receipt", reference=registration.reference)
        messages.error(request, _("Some answers need a fix; they are marked below. Files must be chosen again."))
    return render(
        request,
        "registration/assisted.html",
        {
            "person": person,
            "business": business,
            "documents": documents,
            "document_rules": rules,
            "required_kinds": kinds,
        },
    )


@login_required
def walk_in_receipt(request: HttpRequest, reference: str) -> HttpResponse:
    """The printable receipt of a walk-in registration: for the office staff who registered it and the staff of
    that office; a 404 for anyone else."""
    registration = get_object_or_404(selectors.walk_in_receipts_for(request.user), reference=reference)
    participant = registration.participant
    order = {kind: position for position, kind in enumerate(DocumentKind.values)}
    received = sorted(participant.documents.all(), key=lambda d: order.get(d.kind, len(order)))
    context: dict[str, Any] = {
        "registration": registration,
        "participant": participant,
        "received": received,
        "login_url": absolute_url("accounts:login"),
        "claim_url": absolute_url("accounts:claim"),
    }
    return render(request, "registration/walk_in_receipt.html", context)
