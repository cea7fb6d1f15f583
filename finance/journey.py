"""P6 on the participant's journey: not started (no month reported), in progress (n of three months in a row) or
done (three consecutive months reported, at any time: the program's "bankable" habit). One query, or none when the
registration the page loaded says the participant is not verified yet."""

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from core.dates import month_number
from registration.choices import Status
from registration.journey import State, StepStatus, known_unverified
from registration.models import Participant

from . import permissions
from .models import MonthlyRecord
from .selectors import current_run, longest_run

STREAK_DONE = 3  # consecutive months reported

NOT_VERIFIED = StepStatus(State.NOT_STARTED, permissions.NOT_VERIFIED)


class ReportingStep:
    code = "P6"

    def done_filter(self) -> Q:
        """P6 is done with three consecutive months reported: a month n with months n+1 and n+2."""
        following = MonthlyRecord.objects.filter(participant=OuterRef("participant"))
        return Q(
            Exists(
                MonthlyRecord.objects.filter(participant=OuterRef("pk")).filter(
                    Exists(following.filter(month_number=OuterRef("month_number") + 1)),
                    Exists(following.filter(month_number=OuterRef("month_number") + 2)),
                )
            )
        )

    def status(self, user: User) -> StepStatus:
        if known_unverified(user):
            return NOT_VERIFIED
        found = (
            Participant.objects.filter(user=user)
            .annotate(
                status=F("registration__status"),
                months=ArrayAgg("monthly_records__month_number", default=[], distinct=True),
            )
            .values("status", "months")
            .first()
        )
        if found is None or found["status"] != Status.APPROVED:
            return NOT_VERIFIED
        numbers = {number for number in found["months"] if number is not None}
        if longest_run(numbers) >= STREAK_DONE:
            return StepStatus(
                State.DONE,
                _("You report your business's figures every month: your books are ready for a bank."),
                _("See your monthly reports"),
                reverse("finance:reports"),
            )
        if not numbers:
            return StepStatus(
                State.NOT_STARTED,
                _("Keep a cash book of your money in and out: your monthly report comes from it."),
                _("Open your cash book"),
                reverse("finance:book"),
            )
        count = current_run(numbers, this_month=month_number(timezone.localdate()))
        return StepStatus(
            State.IN_PROGRESS,
            ngettext(
                "%(count)d of %(needed)d months in a row reported.",
                "%(count)d of %(needed)d months in a row reported.",
                count,
            )
            % {"count": count, "needed": STREAK_DONE},
            _("See your monthly reports"),
            reverse("finance:reports"),
        )
