"""P1 pages: the online wizard, the fix page, the office form, the verification queue and documents.
Thin: check who asks, bind a form, call a service, render."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts import permissions
from accounts.models import User
from accounts.web import request_user
from core.pagination import paginate
from core.web import add_service_errors

from . import selectors, services
from .choices import Channel, DocumentKind, Status
from .eligibility import required_documents
from .forms import BusinessForm, DecisionForm, DocumentsForm, PersonForm, documents_required_by, summary
from .links import participant_links
from .models import Draft, Registration

WIZARD_STEPS = [*services.WIZARD_STEPS, "review"]
WIZARD_TITLES = {
    "person": gettext_lazy("About you"),
    "business": gettext_lazy("Your business"),
    "documents": gettext_lazy("Documents"),
    "review": gettext_lazy("Review and submit"),
}


def _entrepreneur_draft(request: HttpRequest) -> Draft:
    """The current user's draft, created on first use. Only entrepreneurs not yet registered have one."""
    user = request_user(request)
    if not permissions.is_entrepreneur(user):
        raise PermissionDenied
    draft, _created = Draft.objects.get_or_create(user=user)
    return draft


def _registered(request: HttpRequest) -> bool:
    return selectors.registration_of(request.user) is not None


def _wizard_context(step: str, state: services.DraftState, **extra: Any) -> dict[str, Any]:
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
    return _to_step(services.draft_state(draft).first_incomplete() or "review")


@login_required
@require_http_methods(["GET", "POST"])
def wizard_step(request: HttpRequest, step: str) -> HttpResponse:
    if step not in WIZARD_STEPS:
        raise Http404
    if _registered(request):
        messages.info(request, _("You have registered already."))
        return redirect("home")
    draft = _entrepreneur_draft(request)
    state = services.draft_state(draft)
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


def _wizard_documents(request: HttpRequest, draft: Draft, state: services.DraftState) -> HttpResponse:
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
            present[kind] = services.document_attach(
                kind=kind, upload=upload, content_type=content_type, acting_user=request_user(request), draft=draft
            )
        if valid and set(kinds) <= set(present):
            return _to_step("review")
        messages.error(request, _("Some files were not accepted; see the reasons below. Accepted files are kept."))
        form = form if not valid else DocumentsForm(required_kinds=kinds, present=set(present))
    return render(
        request,
        "registration/wizard_documents.html",
        _wizard_context("documents", state, form=form, present=present),
    )


def _wizard_review(request: HttpRequest, draft: Draft, state: services.DraftState) -> HttpResponse:
    step = state.first_incomplete()
    if step is not None:
        messages.info(request, _("Please finish this step first."))
        return _to_step(step)
    if request.method == "POST":
        try:
            registration = services.registration_submit_draft(draft=draft, acting_user=request_user(request))
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


@login_required
@require_http_methods(["GET", "POST"])
def fix(request: HttpRequest) -> HttpResponse:
    """A registration sent back for a fix: the participant corrects it and sends it again."""
    registration = selectors.registration_of(request.user)
    if registration is None or registration.status != Status.NEEDS_FIX:
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
                    person=person,
                    business=business,
                    uploads=documents.uploads(),
                    acting_user=request_user(request),
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("home")
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
    if not permissions.can_register_walk_ins(request.user):
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
                    person=person, business=business, uploads=documents.uploads(), acting_user=request_user(request)
                )
            except ValidationError as exc:
                add_service_errors(person, exc, code_fields={"already_registered": "nik"})
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
    """A participant's file; a verifier decides on a submitted registration here (POST)."""
    participant = get_object_or_404(selectors.participant_detail(request.user), pk=pk)
    registration: Registration = participant.registration
    can_decide = permissions.can_verify_registrations(request.user) and registration.status == Status.SUBMITTED
    form = DecisionForm(request.POST or None) if can_decide else None
    if request.method == "POST":
        if form is None:
            if not permissions.can_verify_registrations(request.user):
                raise PermissionDenied
            messages.error(request, services.STATUS_CHANGED)  # someone else decided a moment ago
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
                messages.error(request, " ".join(exc.messages))
                return redirect("registration:participant", pk=pk)
            messages.success(request, _("Decision saved; the participant is told."))
            return redirect("registration:queue")
        messages.error(request, _("The decision was not saved; see below."))
    return render(
        request,
        "registration/participant_detail.html",
        {
            "participant": participant,
            "registration": registration,
            "documents": list(selectors.documents_for(request.user).filter(participant=participant)),
            "decisions": list(registration.decisions.select_related("decided_by")),
            "show_full_nik": permissions.can_verify_registrations(request.user)
            or participant.user_id == request.user.pk,
            "decision_form": form,
            "links": participant_links(request.user, participant),
        },
        status=400 if form is not None and form.is_bound and not form.is_valid() else 200,
    )


@login_required
def document(request: HttpRequest, public_id: str) -> FileResponse:
    """Serve a document to someone allowed to see it; anyone else gets a 404."""
    doc = get_object_or_404(selectors.documents_for(request.user), public_id=public_id)
    response = FileResponse(doc.file.open("rb"), content_type=doc.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response
