"""Readiness: for a participant, each product on offer with what they still lack for it, in plain words, and a link
to the step that fixes each lack: the track, months of financial reports (P6), an NIB (P4), the business class and
a minimum monthly turnover.

The participant's facts are read once (`facts_of`: the report streak, the NIB, the class now: three queries), and
each product is judged against them without a query (`missing_for`); `readiness_of` reads the products with the NIB
in one query, so a participant's readiness costs three queries, whatever the number of products. Referral services
judge the product asked for with the same `missing_for`."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.money import format_rupiah
from finance.classes import class_now
from finance.selectors import report_streak
from licensing.selectors import formal_filter
from partners.choices import Step
from partners.models import Agreement
from registration.choices import BusinessClass, Track
from registration.models import Participant

from .choices import OPEN_STATUSES
from .models import FinancingProduct, LoanReferral

# the criteria a product may set, in the order they are said
TRACK, REPORTS, NIB, CLASS, TURNOVER = "track", "reports", "nib", "class", "turnover"


@dataclass(frozen=True)
class Fix:
    """A link to the step that fixes what is missing."""

    label: str | Promise
    url: str


@dataclass(frozen=True)
class Missing:
    """One criterion of a product the participant does not meet now, said in plain words."""

    criterion: str
    text: str
    fixes: tuple[Fix, ...] = ()


@dataclass(frozen=True)
class Facts:
    """What the products ask of a participant, read once."""

    track: str
    report_months: int  # consecutive months reported, up to last month (or this one)
    formal: bool  # holds an NIB valid today
    business_class: str | None  # by the latest twelve months of reports, else the baseline; None: no business
    class_from_reports: bool
    average_monthly_turnover: int | None  # of the months reported in the last twelve; None: none reported


@dataclass(frozen=True)
class ProductReadiness:
    product: FinancingProduct
    missing: tuple[Missing, ...]
    open_referral: int | None = None  # the participant's open referral for it, if any

    @property
    def qualifies(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class Readiness:
    participant: Participant
    facts: Facts
    products: list[ProductReadiness] = field(default_factory=list)

    @property
    def qualifying(self) -> list[ProductReadiness]:
        return [p for p in self.products if p.qualifies]

    @property
    def lacking(self) -> list[ProductReadiness]:
        return [p for p in self.products if not p.qualifies]


def _holds_nib(participant: Participant, today: datetime.date) -> QuerySet[Participant]:
    return Participant.objects.filter(formal_filter(today), pk=participant.pk)


def facts_of(participant: Participant, *, today: datetime.date | None = None, formal: bool | None = None) -> Facts:
    """The participant's track, report streak, NIB (unless the caller knows: `formal`) and class now (three
    queries, two with `formal`; the business is read from the participant, loaded with it or one query more)."""
    today = today or timezone.localdate()
    months = report_streak(participant, up_to=today)
    if formal is None:
        formal = _holds_nib(participant, today).exists()
    try:
        business = participant.business
    except ObjectDoesNotExist:
        return Facts(participant.track, months, formal, None, False, None)
    now = class_now(participant, business, today=today)
    return Facts(
        track=participant.track,
        report_months=months,
        formal=formal,
        business_class=now.current or now.baseline,
        class_from_reports=now.current is not None,
        average_monthly_turnover=now.average_monthly_turnover,
    )


def _names(values: list[str], choices: type[Track] | type[BusinessClass]) -> str:
    return ", ".join(str(choices(value).label) for value in values)


def _report_fixes() -> tuple[Fix, ...]:
    return (
        Fix(_("Keep your cash book"), reverse("finance:book")),
        Fix(_("Report your months"), reverse("finance:reports")),
    )


def missing_for(product: FinancingProduct, facts: Facts) -> tuple[Missing, ...]:
    """What the participant lacks for the product now, in the order of its criteria (no query)."""
    missing: list[Missing] = []
    if product.tracks and facts.track not in product.tracks:
        missing.append(
            Missing(
                TRACK,
                str(
                    _("This product is for the track: %(tracks)s. You are on the track: %(track)s.")
                    % {"tracks": _names(list(product.tracks), Track), "track": Track(facts.track).label}
                ),
            )
        )
    if facts.report_months < product.min_report_months:
        needed = product.min_report_months
        missing.append(
            Missing(
                REPORTS,
                str(
                    ngettext(
                        "It needs %(needed)d month of financial reports up to last month; you have %(have)d.",
                        "It needs %(needed)d months of financial reports in a row, up to last month; you have "
                        "%(have)d.",
                        needed,
                    )
                    % {"needed": needed, "have": facts.report_months}
                ),
                _report_fixes(),
            )
        )
    if product.needs_nib and not facts.formal:
        missing.append(
            Missing(
                NIB,
                str(_("It needs an NIB (business identification number) valid today. The program helps you get one.")),
                (Fix(_("Ask for help with an NIB"), reverse("licensing:request_create")),),
            )
        )
    if product.classes and facts.business_class not in product.classes:
        classes = _names(list(product.classes), BusinessClass)
        if facts.business_class is None:
            text = _("It is for %(classes)s businesses; your business is not registered yet.") % {"classes": classes}
        else:
            text = _("It is for %(classes)s businesses; yours is %(class)s now.") % {
                "classes": classes,
                "class": BusinessClass(facts.business_class).label.lower(),
            }
        missing.append(Missing(CLASS, str(text), () if facts.class_from_reports else _report_fixes()[1:]))
    minimum = product.min_monthly_turnover
    if minimum and (facts.average_monthly_turnover is None or facts.average_monthly_turnover < minimum):
        if facts.average_monthly_turnover is None:
            text = _("It needs a monthly turnover of at least %(minimum)s; report your months to show yours.") % {
                "minimum": format_rupiah(minimum)
            }
        else:
            text = _(
                "It needs a monthly turnover of at least %(minimum)s; yours is %(turnover)s on average (last 12 "
                "months reported)."
            ) % {"minimum": format_rupiah(minimum), "turnover": format_rupiah(facts.average_monthly_turnover)}
        missing.append(Missing(TURNOVER, str(text), _report_fixes()[1:]))
    return tuple(missing)


def criteria_of(product: FinancingProduct) -> list[str]:
    """Who qualifies for the product, in plain words, a line a criterion (no query)."""
    lines = [
        str(_("Track: %(tracks)s") % {"tracks": _names(list(product.tracks), Track)})
        if product.tracks
        else str(_("Both tracks"))
    ]
    if product.min_report_months:
        lines.append(
            ngettext(
                "%(months)d month of financial reports",
                "%(months)d months of financial reports in a row",
                product.min_report_months,
            )
            % {"months": product.min_report_months}
        )
    if product.needs_nib:
        lines.append(str(_("An NIB (business identification number)")))
    if product.classes:
        lines.append(str(_("Business class: %(classes)s") % {"classes": _names(list(product.classes), BusinessClass)}))
    if product.min_monthly_turnover:
        lines.append(
            str(
                _("A monthly turnover of at least %(amount)s")
                % {"amount": format_rupiah(product.min_monthly_turnover)}
            )
        )
    return lines


def on_offer(day: datetime.date) -> Q:
    """Products on offer on `day`, as a filter: active, of an active lender with an agreement in force covering P7
    (so a referral to it can be made: partners.permissions.can_ask_consent)."""
    covering = Agreement.objects.in_force(day).filter(organisation=OuterRef("lender_id"), steps__contains=[Step.P7])
    return Q(active=True, lender__active=True) & Q(Exists(covering))


def products_for(participant: Participant, *, today: datetime.date) -> QuerySet[FinancingProduct]:
    """The products on offer (`on_offer`), each with the participant's open referral for it
    (`open_referral`) and whether they hold an NIB (`formal`, the same on every row), by lender and name: one
    query."""
    open_referral = LoanReferral.objects.filter(
        participant=participant, product=OuterRef("pk"), status__in=OPEN_STATUSES
    ).values("pk")[:1]
    return (
        FinancingProduct.objects.filter(on_offer(today))
        .select_related("lender")
        .annotate(open_referral=Subquery(open_referral), formal=Exists(_holds_nib(participant, today)))
        .order_by("lender__name", "name", "pk")
    )


def readiness_of(participant: Participant, *, today: datetime.date | None = None) -> Readiness:
    """Each product on offer with what the participant lacks for it (three queries, whatever the products)."""
    today = today or timezone.localdate()
    products: list[Any] = list(products_for(participant, today=today))
    facts = facts_of(participant, today=today, formal=bool(products and products[0].formal))
    return Readiness(
        participant=participant,
        facts=facts,
        products=[ProductReadiness(p, missing_for(p, facts), p.open_referral) for p in products],
    )
