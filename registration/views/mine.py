"""The participant's own registration, read-only: what they sent (answers and documents), its reference, date
and status. Only their own: anyone else (staff have their own pages) gets a 404."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import permissions
from accounts.web import request_user

from ..choices import DocumentKind
from ..journey import waiting_time_text
from ..models import Participant


@login_required
@require_GET
def my_registration(request: HttpRequest) -> HttpResponse:
    if not permissions.is_entrepreneur(request.user):
        raise Http404
    participant = (
        Participant.objects.filter(user=request_user(request), registration__isnull=False)
        .select_related("kecamatan__wilayah", "kelurahan", "business__kecamatan", "registration")
        .first()
    )
    if participant is None:
        raise Http404
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
