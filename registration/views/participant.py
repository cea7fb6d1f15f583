"""P1 pages of the entrepreneur: the online wizard and the fix page of a registration sent back."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.logins import client_address
from accounts.models import User
from accounts.web import request_user
from core.decisions import Refused
from core.forms import figure_warnings
from core.web import add_service_errors, add_service_errors_to_forms, error_text

from .. import probes, selectors, services
from .. import wizard as online
from ..choices import Channel
from ..eligibility import required_documents
from ..forms import (
    BUSINESS_FIGURE_WARNINGS,
    NIK_ERRORS,
    BusinessForm,
    DocumentsForm,
    PersonForm,
    documents_required_by,
    summary,
)
from ..models import Draft
from ..permissions import (
    can_fix,
)

WIZARD_STEPS = [*online.WIZARD_STEPS, "review"]
WIZARD_TITLES = {
    "person": gettext_lazy("About you"),
    "business": gettext_lazy("Your business"),
    "documents": gettext_lazy("Documents"),
    "review": gettext_lazy("Review and submit"),
}


def _entrepreneur_draft(request: HttpRequest) -> Draft:
    """The current user's draft, created on first use. Only entrepreneurs not yet registered have one."""
    try:
        return services.draft_open(user=request_user(request))
    except Refused as exc:
        raise PermissionDenied from exc


def _registered(request: HttpRequest) -> bool:
    return selectors.registration_of(request.user) is not None


def _wizard_context(step: str, state: online.DraftState, **extra: Any) -> dict[str, Any]:
    steps = [
        {"name": name, "title": WIZARD_TITLES[name], "number": i + 1, "done": state.complete.get(name, False)}
        for i, name in enumerate(WIZARD_STEPS)
    ]
    return {"step": step, "steps": steps, "step_title": WIZARD_TITLES[step], **extra}


def _to_step(step: str) -> HttpResponse:
    return redirect("registration:wizard_step", step=step)


@login_required
def wizard(request: HttpRequest) -> HttpResponse:
    """Send the person to the first step they have not finished. The JAKI app opens `?via=jaki`."""
    if _registered(request):
        return redirect("home")
    draft = _entrepreneur_draft(request)
    if request.GET.get("via") == Channel.JAKI:
        services.draft_set_channel(draft=draft, channel=Channel.JAKI)
    return _to_step(online.draft_state(draft).first_incomplete() or "review")


@login_required
@require_http_methods(["GET", "POST"])
def wizard_step(request: HttpRequest, step: str) -> HttpResponse:
    if step not in WIZARD_STEPS:
        raise Http404
    if _registered(request):
        messages.info(request, _("You have registered already."))
        return redirect("home")
    draft = _entrepreneur_draft(request)
    state = online.draft_state(draft, shown=step if request.method == "GET" else "")
    if step == "review":
        return _wizard_review(request, draft, state)
    if step == "documents":
        return _wizard_documents(request, draft, state)

    form: PersonForm | BusinessForm
    if request.method == "POST":
        data = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        services.draft_save_step(draft=draft, step=step, data=data)
        if step == "person":
            user, address = request_user(request), client_address(request)
            decision = probes.can_check_nik(user, address)
            if not decision:  # no NIK is checked, so nothing is told about any; what was typed is kept
                messages.error(request, decision.reason)
                form = PersonForm(initial=data)
                return render(request, "registration/wizard_form.html", _wizard_context(step, state, form=form))
            form = PersonForm(data, listed=False)  # the list is read only if an answer needs a fix
            if not form.is_valid() and form.has_error("nik", code="already_registered"):
                probes.nik_probe_record(nik=form.data.get("nik", ""), address=address, acting_user=user)
        else:
            form = BusinessForm(data, track=state.person.data.get("track", ""))
        if form.is_valid():
            return _to_step(WIZARD_STEPS[WIZARD_STEPS.index(step) + 1])
        messages.error(request, _("Some answers need a fix; they are marked below. What you typed is kept."))
    elif step == "person":
        form = state.person if state.person.data else PersonForm(initial=_person_initial(request_user(request)))
    else:
        form = state.business if state.business.data else BusinessForm(track=state.person.data.get("track", ""))
    return render(request, "registration/wizard_form.html", _wizard_context(step, state, form=form))


def _person_initial(user: User) -> dict[str, Any]:
    return {"full_name": user.full_name, "email": user.email, "phone": user.phone}


def _wizard_documents(request: HttpRequest, draft: Draft, state: online.DraftState) -> HttpResponse:
    if not state.complete["person"]:
        messages.info(request, _("First tell us about yourself: the documents depend on it."))
        return _to_step("person")
    kinds = state.required_kinds
    present = {kind: doc for kind, doc in state.documents.items() if kind in kinds}
    posted = request.method == "POST"
    form = DocumentsForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        required_kinds=kinds,
        present=set(present),
    )
    if posted:
        valid = form.is_valid()
        for kind, (upload, content_type) in form.uploads().items():
            try:
                present[kind] = services.document_attach(
                    kind=kind, upload=upload, content_type=content_type, acting_user=request_user(request), draft=draft
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                valid = False
        if valid and set(kinds) <= set(present):
            return _to_step("review")
        messages.error(request, _("Some files were not accepted; see the reasons below. Accepted files are kept."))
        form = form if not valid else DocumentsForm(required_kinds=kinds, present=set(present))
    return render(
        request,
        "registration/wizard_documents.html",
        _wizard_context("documents", state, form=form, present=present, kinds=kinds),
    )


def _wizard_review(request: HttpRequest, draft: Draft, state: online.DraftState) -> HttpResponse:
    step = state.first_incomplete()
    if step is not None:
        messages.info(request, _("Please finish this step first."))
        return _to_step(step)
    if request.method == "POST":
        try:
            registration = online.submit(draft, acting_user=request_user(request))
        except services.AlreadyRegistered as exc:
            messages.error(request, str(exc.message))
            return _to_step("person")
        except services.IncompleteStep as exc:
            messages.error(request, str(exc.message))
            return _to_step(exc.step)
        messages.success(
            request,
            _("Registration sent. Your reference is %(reference)s. We will tell you when it is verified.")
            % {"reference": registration.reference},
        )
        return redirect("home")
    return render(
        request,
        "registration/wizard_review.html",
        _wizard_context(
            "review",
            state,
            person=summary(state.person),
            business=summary(state.business),
            figure_notes=[
                (state.business.fields[name].label, note)
                for name, note in figure_warnings(state.business.cleaned_data, BUSINESS_FIGURE_WARNINGS)
            ],
            documents=[d for kind, d in state.documents.items() if kind in state.required_kinds],
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def fix(request: HttpRequest) -> HttpResponse:
    """A registration sent back for a fix: the participant corrects it and sends it again."""
    registration = selectors.registration_of(request.user)
    if registration is None or not can_fix(request.user, registration):
        raise Http404
    participant = registration.participant
    data = request.POST if request.method == "POST" else None
    person = PersonForm(data, instance=participant, prefix="person", initial={"nik": participant.nik})
    person.fields["nik"].disabled = True  # the NIK is what was verified; a wrong one means a new registration
    track = (data.get("person-track") if data else None) or participant.track
    business = BusinessForm(data, instance=participant.business, prefix="business", track=track)
    kinds = (
        documents_required_by(person)
        if data
        else required_documents(
            track=participant.track, jakarta_ktp=participant.jakarta_ktp, basis=participant.non_jakarta_basis
        )
    )
    present = {d.kind: d for d in participant.documents.all()}
    documents = DocumentsForm(
        data, request.FILES or None, required_kinds=kinds, present=set(present), prefix="documents"
    )
    if request.method == "POST":
        if person.is_valid() & business.is_valid() & documents.is_valid():
            try:
                services.registration_resubmit(
                    registration=registration,
                    person=person.values(),
                    business=business.values(),
                    uploads=documents.uploads(),
                    acting_user=request_user(request),
                )
            except Refused as exc:  # someone acted on it a moment ago
                messages.error(request, error_text(exc))
                return redirect("home")
            except ValidationError as exc:
                add_service_errors_to_forms([person, business, documents], exc, code_fields=NIK_ERRORS)
            else:
                messages.success(request, _("Thank you. Your registration is back in the verification queue."))
                return redirect("home")
        messages.error(request, _("Some answers need a fix; they are marked below. Files must be chosen again."))
    return render(
        request,
        "registration/fix.html",
        {
            "registration": registration,
            "person": person,
            "business": business,
            "documents": documents,
            "present": present,
        },
    )
