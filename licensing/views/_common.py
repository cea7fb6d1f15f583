"""What the licensing pages share: a request the user may see (else 404), and its page."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from core.web import help_line

from .. import permissions, selectors
from ..choices import RequestStatus
from ..forms import MoveForm
from ..models import LicenceRequest


def request_or_404(request: HttpRequest, pk: int) -> LicenceRequest:
    """A request of a participant the user sees; a role that sees none is turned away (403), another's is 404."""
    if not permissions.sees_licensing(request.user):
        raise PermissionDenied
    found: LicenceRequest = get_object_or_404(selectors.request_page(request.user), pk=pk)
    return found


def render_request(
    request: HttpRequest, licence_request: LicenceRequest, *, bound: MoveForm | None = None, status: int = 200
) -> HttpResponse:
    """The request with its history and the moves the user may make now (a form each; `bound` is the one just
    sent back with its errors, so nothing typed is lost)."""
    standing = permissions.standing_of(request.user, licence_request.participant)
    decisions = permissions.move_decisions(request.user, licence_request, standing=standing)
    offered = [target for target, decision in decisions.items() if decision]
    # a move the user would make but for a prerequisite not held yet: said, not offered
    held_back = next((d.reason for d in decisions.values() if d.code == "prerequisite_not_held"), "")
    move_forms: list[tuple[str, Any]] = []
    for target in offered:
        if target == RequestStatus.ISSUED:
            continue
        sent = bound is not None and bound.data.get("target") == target
        move_forms.append((target, bound if sent else MoveForm(initial={"target": target}, auto_id=f"id_{target}_%s")))
    if standing.owner:
        back = reverse("licensing:mine")
    elif permissions.follows_participants(request.user):
        back = reverse("licensing:participant", args=[licence_request.participant_id])
    else:
        back = ""
    return render(
        request,
        "licensing/request_detail.html",
        {
            "back": back,
            "licence_request": licence_request,
            "participant": licence_request.participant,
            "licence": getattr(licence_request, "licence", None),
            "moves": selectors.moves_of(licence_request),
            "move_forms": move_forms,
            "can_issue": RequestStatus.ISSUED in offered,
            "held_back": held_back,
            "is_owner": standing.owner,
            "help_line": help_line(),
        },
        status=status,
    )
