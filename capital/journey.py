"""P7 on the participant's journey: not verified yet; not started (the loans on offer, and the readiness page that
says which they qualify for); a referral in progress; done with a loan disbursed. One query (the participant's
registration, the statuses of their referrals and the count of products on offer, in one row), or none when the
registration the page loaded says the participant is not verified yet."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from registration.choices import Status
from registration.journey import State, StepStatus, known_unverified
from registration.models import Participant

from .choices import OPEN_STATUSES, ReferralStatus
from .models import FinancingProduct, LoanReferral
from .readiness import on_offer

NOT_VERIFIED = StepStatus(State.NOT_STARTED, _("Loan referrals open once your registration is verified."))


class CapitalStep:
    code = "P7"

    def done_filter(self) -> Q:
        """P7 is done with a loan disbursed through a referral of the program."""
        return Q(Exists(LoanReferral.objects.filter(participant=OuterRef("pk"), status=ReferralStatus.DISBURSED)))

    def status(self, user: User) -> StepStatus:
        if known_unverified(user):
            return NOT_VERIFIED
        offered = (  # one row: the count of the products on offer
            FinancingProduct.objects.filter(on_offer(timezone.localdate()))
            .order_by()
            .values("active")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )
        row = (
            Participant.objects.filter(user_id=user.pk)
            .annotate(
                statuses=ArraySubquery(
                    LoanReferral.objects.filter(participant=OuterRef("pk")).order_by().values("status")
                ),
                offered=Coalesce(Subquery(offered, output_field=IntegerField()), Value(0)),
            )
            .values("registration__status", "statuses", "offered")
            .first()
        )
        if row is None or row["registration__status"] != Status.APPROVED:
            return NOT_VERIFIED
        statuses = set(row["statuses"])
        if ReferralStatus.DISBURSED in statuses:
            return StepStatus(
                State.DONE, _("You received a loan through the program."), url=reverse("capital:referrals")
            )
        if statuses & OPEN_STATUSES:
            return StepStatus(
                State.IN_PROGRESS,
                _("Your loan referral is in progress."),
                _("See your referrals"),
                reverse("capital:referrals"),
            )
        count = row["offered"]
        return StepStatus(
            State.NOT_STARTED,
            ngettext(
                "%(count)d loan is on offer: see whether you qualify now and what is missing.",
                "%(count)d loans are on offer: see which you qualify for now and what is missing.",
                count,
            )
            % {"count": count},
            _("See the loans you qualify for"),
            reverse("capital:readiness"),
        )
