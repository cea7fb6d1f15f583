"""The participant's own registration: what they sent (answers and documents), its reference, date and status,
read-only; and their contact, which they change themselves ("Ubah kontak"). Only their own: anyone else (staff
have their own pages) gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import permissions
from accounts.web import request_user
from core.web import add_service_errors

from .. import services
from ..choices import DocumentKind
from ..forms import ContactForm
from ..journey import waiting_time_text
from ..models import Participant


def _own_participant(request: HttpRequest, *related: str) -> Participant:
    """The user's own participant record, of a registration (one query with `related` joined); else a 404, for an
    entrepreneur not registered yet as for anyone not an entrepreneur."""
    if not permissions.is_entrepreneur(request.user):
        raise Http404
    participant = (
        Participant.objects.filter(user=request_user(request), registration__isnull=False)
        .select_related(*related)
        .first()
    )
    if participant is None:
        raise Http404
    return participant


@login_required
@require_GET
def my_registration(request: HttpRequest) -> HttpResponse:
    participant = _own_participant(request, "kecamatan__wilayah", "kelurahan", "business__kecamatan", "registration")
    documents = list(participant.documents.order_by("kind"))
    registration = participant.registration
    labels = dict(DocumentKind.choices)
    to_follow = participant.missing_documents(d.kind for d in documents) if registration.awaits_documents else []
    return render(
        request,
        "registration/mine.html",
        {
            "participant": participant,
            "registration": registration,
            "business": getattr(participant, "business", None),
            "documents": documents,
            "documents_to_follow": [labels[kind] for kind in to_follow],
            "waiting_time": waiting_time_text(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_contact(request: HttpRequest) -> HttpResponse:
    """The participant changes their mobile number, email, domicile address and kelurahan (UU PDP: they correct
    what they may themselves) through the service staff use too; what the rules refuse is shown on the fields,
    with what was typed kept."""
    participant = _own_participant(request, "kecamatan")
    posted = request.method == "POST"
    form = ContactForm(
        request.POST if posted else None,
        initial=ContactForm.initial_of(participant),
        kecamatan=participant.kecamatan,
    )
    if posted and form.is_valid():
        try:
            services.participant_update_contact(
                participant=participant, contact=form.values(), acting_user=request_user(request)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your contact details are saved."))
            return redirect("registration:mine")
    return render(
        request,
        "registration/my_contact.html",
        {"participant": participant, "form": form},
        status=400 if posted else 200,
    )
