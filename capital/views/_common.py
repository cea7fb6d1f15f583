"""What the capital pages share: a referral the user may see (else 404), and its page."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from core.web import help_line

from .. import permissions, selectors
from ..choices import ReferralStatus, SharedData
from ..forms import NoteForm
from ..models import LoanReferral


def referral_or_404(request: HttpRequest, pk: int) -> LoanReferral:
    """A referral of a participant the user sees; a role that sees none is turned away (403), another's is 404."""
    if not (permissions.asks_for_loans(request.user) or permissions.follows_participants(request.user)):
        raise PermissionDenied
    found: LoanReferral = get_object_or_404(selectors.referral_page(request.user), pk=pk)
    return found


def render_referral(
    request: HttpRequest,
    referral: LoanReferral,
    *,
    bound: NoteForm | None = None,
    bound_target: str = "",
    status: int = 200,
) -> HttpResponse:
    """The referral with its timeline and the moves the user may make on it here (a form each; `bound` is the one
    just sent back with its errors, for `bound_target`, so nothing typed is lost)."""
    offered = permissions.moves_offered(request.user, referral)
    move_forms = [
        (target, bound if bound is not None and target == bound_target else NoteForm(auto_id=f"id_{target}_%s"))
        for target in offered
    ]
    is_owner = referral.participant.user_id == request.user.pk
    return render(
        request,
        "capital/referral_detail.html",
        {
            "referral": referral,
            "participant": referral.participant,
            "moves": selectors.moves_of(referral),
            "shared": [(data.value, data.label) for data in SharedData if referral.shares(data.value)],
            "move_forms": move_forms,
            "is_owner": is_owner,
            "withdrawn": ReferralStatus.WITHDRAWN,
            "help_line": help_line(),
        },
        status=status,
    )
