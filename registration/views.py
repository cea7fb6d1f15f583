"""P1 pages: the online wizard, the fix page, the office form, the verification queue and documents.
Thin: check who asks, bind a form, call a service, render."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts import permissions
from accounts.models import User
from accounts.web import request_user
from core import audit
from core.decisions import Refused
from core.files import private_file_response
from core.pagination import paginate
from core.web import add_service_errors, error_text

from . import selectors, services
from . import wizard as online
from .choices import Channel, DocumentKind, Status
from .documents import ALLOWED_TYPES
from .eligibility import required_documents
from .forms import BusinessForm, DecisionForm, DocumentsForm, PersonForm, documents_required_by, summary
from .links import participant_links
from .models import Document, Draft, Registration
from .permissions import (
    can_decide,
    can_fix,
    can_register_walk_in,
    can_view_document,
    can_view_full_nik,
    can_view_history,
    owns_document,
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
    state = online.draft_state(draft)
    if step == "review":
        return _wizard_review(request, draft, state)
    if step == "documents":
        return _wizard_documents(request, draft, state)

    form: PersonForm | BusinessForm
    if request.method == "POST":
        data = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        form = PersonForm(data) if step == "person" else BusinessForm(data, track=state.person.data.get("track", ""))
        services.draft_save_step(draft=draft, step=step, data=data)
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
        _wizard_context("documents", state, form=form, present=present),
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
            documents=[d for kind, d in state.documents.items() if kind in state.required_kinds],
        ),
    )


def _show_service_errors(exc: ValidationError, *forms: BaseForm) -> None:
    """A service's refusal on the forms of a page: each field on the first form that has it."""
    if not hasattr(exc, "error_dict"):
        add_service_errors(forms[0], exc, code_fields={"already_registered": "nik"})
        return
    for field, errors in exc.error_dict.items():
        target = next((form for form in forms if field in form.fields), forms[0])
        target.add_error(field if field in target.fields else None, errors)


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
                _show_service_errors(exc, person, business, documents)
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


@login_required
@require_http_methods(["GET", "POST"])
def assisted(request: HttpRequest) -> HttpResponse:
    """A mentor or secretariat member registers a walk-in at the kecamatan office."""
    if not can_register_walk_in(request.user):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    office = request_user(request).office_id
    # a walk-in registers at the office of the kecamatan they live in
    person = PersonForm(data, prefix="person", initial={"kecamatan": office, "jakarta_ktp": True}, office_id=office)
    track = data.get("person-track", "") if data else ""
    business = BusinessForm(data, prefix="business", track=track, initial={"kecamatan": office})
    kinds = documents_required_by(person) if data else []
    documents = DocumentsForm(
        data,
        request.FILES or None,
        required_kinds=kinds,
        present=set(),
        offered_kinds=DocumentKind.values,
        prefix="documents",
    )
    if request.method == "POST":
        if person.is_valid() & business.is_valid() & documents.is_valid():
            try:
                registration = services.registration_register_walk_in(
                    person=person.values(),
                    business=business.values(),
                    uploads=documents.uploads(),
                    acting_user=request_user(request),
                )
            except ValidationError as exc:
                _show_service_errors(exc, person, business, documents)
            else:
                messages.success(
                    request,
                    _("%(name)s is registered with reference %(reference)s.")
                    % {"name": registration.participant.full_name, "reference": registration.reference},
                )
                return redirect("registration:participant", pk=registration.participant_id)
        messages.error(request, _("Some answers need a fix; they are marked below. Files must be chosen again."))
    return render(
        request,
        "registration/assisted.html",
        {"person": person, "business": business, "documents": documents},
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The verification queue of a secretariat (their kecamatan) or agency staff (all)."""
    if not permissions.can_verify_registrations(request.user):
        raise PermissionDenied
    status = request.GET.get("status", Status.SUBMITTED)
    if status not in Status.values:
        status = Status.SUBMITTED
    page = paginate(selectors.verification_queue(request.user, status=status), request.GET.get("page"))
    return render(request, "registration/queue.html", {"page": page, "status": status, "statuses": Status.choices})


@login_required
def participant_list(request: HttpRequest) -> HttpResponse:
    """Participants of the user's kecamatan (office staff) or of the whole program (agency staff)."""
    if not (permissions.is_office_staff(request.user) or permissions.is_program_wide(request.user)):
        raise PermissionDenied
    page = paginate(selectors.participant_list(request.user), request.GET.get("page"))
    return render(request, "registration/participant_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def participant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant's file; a verifier decides on a submitted registration here (POST). Staff see its history."""
    participant = get_object_or_404(selectors.participant_detail(request.user), pk=pk)
    registration: Registration = participant.registration
    decision = can_decide(request.user, registration)
    form = DecisionForm(request.POST or None) if decision else None
    if request.method == "POST":
        if form is None:
            if decision.code in ("not_verifier", "other_office"):
                raise PermissionDenied
            messages.error(request, decision.reason)  # someone else decided a moment ago
            return redirect("registration:participant", pk=pk)
        if form.is_valid():
            try:
                services.registration_decide(
                    registration=registration,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                    acting_user=request_user(request),
                )
            except ValidationError as exc:
                messages.error(request, error_text(exc))
                return redirect("registration:participant", pk=pk)
            messages.success(request, _("Decision saved; the participant is told."))
            return redirect("registration:queue")
        messages.error(request, _("The decision was not saved; see below."))
    history = audit.history_about(participant) if can_view_history(request.user, participant) else None
    return render(
        request,
        "registration/participant_detail.html",
        {
            "participant": participant,
            "registration": registration,
            "documents": list(selectors.documents_for(request.user).filter(participant=participant)),
            "decisions": list(registration.decisions.select_related("decided_by")),
            "show_full_nik": can_view_full_nik(request.user, participant),
            "decision_form": form,
            "history": history,
            "links": participant_links(request.user, participant),
        },
        status=400 if form is not None and form.is_bound and not form.is_valid() else 200,
    )


@login_required
def document(request: HttpRequest, public_id: str) -> FileResponse:
    """Serve a document to someone allowed to see it; anyone else gets a 404. Staff opening a participant's
    document is recorded in its history (who, which, when). A PDF downloads; an image shows in the page."""
    doc = get_object_or_404(Document.objects.select_related("participant", "draft"), public_id=public_id)
    if not can_view_document(request.user, doc):
        raise Http404
    user = request_user(request)
    if not owns_document(user, doc):
        audit.record_view(doc, user=user)
    return private_file_response(
        doc.file.open("rb"),
        content_type=doc.content_type,
        filename=f"{doc.kind}.{ALLOWED_TYPES.get(doc.content_type, 'bin')}",
    )
