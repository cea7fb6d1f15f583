"""P4 on the participant's journey: not started (no licence, no request), in progress (a request open) or done
(a licence held). One query (the wallet's), or none: none when the registration the page loaded says the
participant is not verified yet, and none when the page loaded the wallet already (the home page shows it)."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from registration.journey import State, StepStatus, known_unverified

from . import selectors
from .models import Licence

NOT_VERIFIED = StepStatus(State.NOT_STARTED, _("Help with licences opens once your registration is verified."))


class LicensingStep:
    code = "P4"

    def done_filter(self) -> Q:
        """P4 is done with a licence held: one issued after a request, or recorded by staff (the DONE below)."""
        return Q(Exists(Licence.objects.filter(participant=OuterRef("pk"))))

    def status(self, user: User) -> StepStatus:
        if known_unverified(user):
            return NOT_VERIFIED
        kept = getattr(user, selectors.KEPT_WALLET, None)
        wallet = kept if kept is not None else selectors.wallet_of(user)
        if wallet is None or not wallet.verified:
            return NOT_VERIFIED
        held, waiting = len(wallet.licences), len(wallet.open_requests)
        if held:
            summary = ngettext("You hold %(count)d licence.", "You hold %(count)d licences.", held) % {"count": held}
            if waiting:
                summary += " " + ngettext(
                    "%(count)d request is in progress.", "%(count)d requests are in progress.", waiting
                ) % {"count": waiting}
            return StepStatus(State.DONE, summary, url=reverse("licensing:mine"))
        if waiting:
            return StepStatus(
                State.IN_PROGRESS,
                ngettext(
                    "Your request for a licence is in progress.",
                    "Your %(count)d requests for licences are in progress.",
                    waiting,
                )
                % {"count": waiting},
                _("See your licences"),
                reverse("licensing:mine"),
            )
        return StepStatus(
            State.NOT_STARTED,
            _("Get help with your NIB, P-IRT, halal certificate or trademark."),
            _("Ask for help with a licence"),
            reverse("licensing:request_create"),
        )
