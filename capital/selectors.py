"""Reads of P7 capital, always scoped to the user who asks. Each is a fixed number of queries, whatever the number
of rows: a list is one query (joined), with the moves of its referrals one more; the program's figures are one
grouped query."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import permissions as account_permissions
from accounts.permissions import AnyUser
from core.dates import FIRST_PROGRAM_YEAR
from mentoring.selectors import year_bounds
from partners.performance import Figure, Period, StepActivity, count_by_period
from registration.models import Participant
from registration.selectors import NOBODY, scope_of

from . import permissions
from .choices import OPEN_STATUSES, ReferralStatus
from .models import FinancingProduct, LoanReferral, ReferralMove
from .readiness import on_offer

# the figures' groups: what a row is, and the columns naming it
GROUPS: dict[str, tuple[str, ...]] = {
    "lender": ("lender_id", "lender__name"),
    "product": ("product_id", "product__name", "lender__name"),
    "kecamatan": ("participant__kecamatan_id", "participant__kecamatan__name"),
}


# --- what a user reaches ----------------------------------------------------------------------------------------


def _in_scope(user: AnyUser, through: str = "") -> Q:
    """Participants whose readiness and referrals the user sees, as a filter (`registration.selectors.scope_of`):
    a participant themself, a mentor their kecamatan's, agency staff all (no condition); nobody for anyone else
    (the secretariat, partners' users, anonymous)."""
    if not (permissions.asks_for_loans(user) or permissions.follows_participants(user)):
        return NOBODY
    return scope_of(user, through)


def participants_in_scope(user: AnyUser) -> QuerySet[Participant]:
    return Participant.objects.filter(_in_scope(user))


def referrals_for(user: AnyUser) -> QuerySet[LoanReferral]:
    return LoanReferral.objects.filter(_in_scope(user, "participant__"))


def referral_page(user: AnyUser) -> QuerySet[LoanReferral]:
    """A referral with what its page shows and the predicates read: the product and lender, the participant with
    their registration and kecamatan, the consent."""
    return referrals_for(user).select_related(
        "product", "lender", "consent", "participant__registration", "participant__kecamatan", "participant__user"
    )


def moves_of(referral: LoanReferral) -> list[ReferralMove]:
    """The referral's timeline, oldest first, with who made each move (one query)."""
    return list(referral.moves.select_related("moved_by").order_by("moved_at", "pk"))


def referrals_of(participant: Participant) -> QuerySet[LoanReferral]:
    """The participant's referrals, newest first, each with its product, lender and moves (two queries)."""
    return (
        LoanReferral.objects.filter(participant=participant)
        .select_related("product", "lender")
        .prefetch_related(
            Prefetch("moves", queryset=ReferralMove.objects.select_related("moved_by").order_by("moved_at", "pk"))
        )
        .order_by("-created_at", "-pk")
    )


def open_referral_for(participant: Participant, product: FinancingProduct) -> int | None:
    """The id of the participant's open referral for the product, if any (one query)."""
    found: int | None = (
        LoanReferral.objects.filter(participant=participant, product=product, status__in=OPEN_STATUSES)
        .values_list("pk", flat=True)
        .first()
    )
    return found


def latest_referrals_of(participant: Participant, *, limit: int = 5) -> list[LoanReferral]:
    """The participant's latest referrals with their product and lender, without their moves (one query)."""
    return list(
        LoanReferral.objects.filter(participant=participant)
        .select_related("product", "lender")
        .order_by("-created_at", "-pk")[:limit]
    )


def product_of(user: AnyUser, code: str) -> FinancingProduct | None:
    """A product on offer (readiness.on_offer), for those who see products (one query)."""
    if not permissions.sees_products(user):
        return None
    offered = on_offer(timezone.localdate())
    return FinancingProduct.objects.filter(offered, code=code).select_related("lender").first()


# --- the program's queue: requested referrals to send to the lender ---------------------------------------------


def queue(user: AnyUser, *, kecamatan_id: int | None = None) -> QuerySet[LoanReferral]:
    """Requested referrals the user sends on, the longest waiting first (the index capital_referral_status): an
    active mentor their kecamatan's, agency staff all (or one kecamatan)."""
    if not permissions.follows_participants(user):
        return LoanReferral.objects.none()
    referrals = referrals_for(user).filter(status=ReferralStatus.REQUESTED)
    if kecamatan_id is not None and account_permissions.is_program_wide(user):
        referrals = referrals.filter(participant__kecamatan_id=kecamatan_id)
    return referrals.select_related(
        "product", "lender", "consent", "participant__kecamatan", "participant__business", "participant__user"
    ).order_by("created_at", "pk")


# --- the program's figures --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureRow:
    key: int
    name: str
    lender: str  # the product's lender (by product), else ""
    referred: int
    approved: int
    disbursed: int
    disbursed_amount: int


@dataclass(frozen=True)
class Figures:
    year: int
    by: str
    rows: list[FigureRow]

    @property
    def total(self) -> FigureRow:
        return FigureRow(
            key=0,
            name="",
            lender="",
            referred=sum(r.referred for r in self.rows),
            approved=sum(r.approved for r in self.rows),
            disbursed=sum(r.disbursed for r in self.rows),
            disbursed_amount=sum(r.disbursed_amount for r in self.rows),
        )


def figure_years(today: datetime.date) -> list[int]:
    """The years the figures may be asked for, newest first."""
    return list(range(today.year, FIRST_PROGRAM_YEAR - 1, -1))


def figures(user: AnyUser, *, year: int, by: str) -> Figures:
    """For agency staff, in ONE grouped query: referrals made in `year`, approved in it (their move to approved),
    disbursed in it (the day of disbursement) and the amount disbursed, by lender, product or kecamatan (`by`, one
    of GROUPS), the largest group first."""
    if not permissions.sees_figures(user):
        return Figures(year, by, [])
    start, end = year_bounds(year)
    referred = Q(created_at__gte=start, created_at__lt=end)
    approved = Exists(
        ReferralMove.objects.filter(
            referral=OuterRef("pk"), to_status=ReferralStatus.APPROVED, moved_at__gte=start, moved_at__lt=end
        )
    )
    disbursed = Q(disbursed_on__gte=datetime.date(year, 1, 1), disbursed_on__lte=datetime.date(year, 12, 31))
    columns = GROUPS[by]
    rows = (
        LoanReferral.objects.filter(referred | approved | disbursed)
        .order_by()
        .values(*columns)
        .annotate(
            referred=Count("pk", filter=referred),
            approved=Count("pk", filter=approved),
            disbursed=Count("pk", filter=disbursed),
            amount=Coalesce(Sum("amount_disbursed", filter=disbursed), 0),
        )
        .order_by("-referred", columns[1], columns[0])
    )
    return Figures(
        year=year,
        by=by,
        rows=[
            FigureRow(
                key=row[columns[0]],
                name=row[columns[1]],
                lender=row["lender__name"] if by == "product" else "",
                referred=row["referred"],
                approved=row["approved"],
                disbursed=row["disbursed"],
                disbursed_amount=row["amount"],
            )
            for row in rows
        ],
    )


# --- partner performance (targets.partners) ---------------------------------------------------------------------


def partner_activity(periods: Mapping[int, Period]) -> dict[int, StepActivity]:
    """P7 as each lender worked in each period (by the caller's key): the referrals the program sent it then (to
    its financing products: how many products they were for), those it approved and disbursed then, with the
    amount disbursed; served: the participants of the referrals it received. ONE query whatever the number of
    periods; the participants are a subquery."""
    moves = ReferralMove.objects.filter(
        to_status__in=[ReferralStatus.SENT, ReferralStatus.APPROVED, ReferralStatus.DISBURSED]
    )
    partner, moment = "referral__lender_id", "moved_at"
    sent, disbursed = Q(to_status=ReferralStatus.SENT), Q(to_status=ReferralStatus.DISBURSED)
    figures = count_by_period(
        moves,
        periods,
        partner=partner,
        moment=moment,
        counters={
            "received": lambda within: Count("pk", filter=within & sent),
            "products": lambda within: Count("referral__product_id", filter=within & sent, distinct=True),
            "approved": lambda within: Count("pk", filter=within & Q(to_status=ReferralStatus.APPROVED)),
            "disbursed": lambda within: Count("pk", filter=within & disbursed),
            "amount": lambda within: Sum("referral__amount_disbursed", filter=within & disbursed),
        },
    )
    return {
        key: StepActivity(
            activities=figures[key]["received"],
            label=_("Referrals received"),
            participants=moves.filter(sent, period.of(partner, moment)).order_by().values("referral__participant_id"),
            details=(
                Figure(_("Financing products"), figures[key]["products"]),
                Figure(_("Approved"), figures[key]["approved"]),
                Figure(_("Disbursed"), figures[key]["disbursed"]),
                Figure(_("Amount disbursed"), figures[key]["amount"], money=True),
            ),
        )
        for key, period in periods.items()
    }
