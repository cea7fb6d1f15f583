"""P7 capital: the financing products lenders offer (each lender a partner organisation), who qualifies for
each, and participants' loan referrals with every move of each. Workflow lives in services.py; here are data and
invariants."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit
from core.fields import HttpsURLField
from partners.choices import LENDER_KINDS
from partners.models import Consent, PartnerOrganisation
from registration.choices import BusinessClass, Track
from registration.models import Participant

from .choices import LIVE_STATUSES, MOVES, OPEN_STATUSES, RateKind, ReferralStatus, SharedData

MAX_TENOR_MONTHS = 360


@audit.track()
class FinancingProduct(models.Model):
    """A loan or financing a lender offers, and who qualifies: the track, months of reports, an NIB, the
    business class and a minimum monthly turnover (empty lists mean any)."""

    lender = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        related_name="financing_products",
        limit_choices_to={"kind__in": LENDER_KINDS},
        verbose_name=_("lender"),
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    amount_min = models.BigIntegerField(_("smallest amount (Rp)"))
    amount_max = models.BigIntegerField(_("largest amount (Rp)"))
    tenor_min_months = models.PositiveSmallIntegerField(
        _("shortest tenor (months)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_TENOR_MONTHS)]
    )
    tenor_max_months = models.PositiveSmallIntegerField(
        _("longest tenor (months)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_TENOR_MONTHS)]
    )
    rate_percent = models.DecimalField(
        _("rate (% a year)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    rate_kind = models.CharField(_("interest or margin"), max_length=10, choices=RateKind.choices)
    collateral = models.BooleanField(_("needs collateral"), default=False)
    tracks = ArrayField(
        models.CharField(max_length=12, choices=Track.choices),
        default=list,
        blank=True,
        verbose_name=_("tracks"),
        help_text=_("Empty: both tracks."),
    )
    min_report_months = models.PositiveSmallIntegerField(
        _("months of reports needed"),
        default=0,
        validators=[MaxValueValidator(60)],
        help_text=_("Consecutive months of financial reports, up to the last month."),
    )
    needs_nib = models.BooleanField(_("needs an NIB"), default=False)
    classes = ArrayField(
        models.CharField(max_length=8, choices=BusinessClass.choices),
        default=list,
        blank=True,
        verbose_name=_("business classes"),
        help_text=_("PP 7/2021 classes the product serves. Empty: any."),
    )
    min_monthly_turnover = models.BigIntegerField(
        _("minimum monthly turnover (Rp)"), default=0, help_text=_("The average of the last reported months.")
    )
    official_url = HttpsURLField(_("lender's page"), max_length=300, blank=True)
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["lender__name", "name"]
        verbose_name = _("financing product")
        verbose_name_plural = _("financing products")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_min__gt=0) & Q(amount_max__gte=F("amount_min")), name="capital_product_amounts"
            ),
            models.CheckConstraint(
                condition=Q(tenor_max_months__gte=F("tenor_min_months")), name="capital_product_tenor"
            ),
            models.CheckConstraint(condition=Q(min_monthly_turnover__gte=0), name="capital_product_turnover"),
        ]

    def __str__(self) -> str:
        return self.name


@audit.track(restricted=True)  # a participant's loans: read about them only by agency staff
class LoanReferral(models.Model):
    """A participant asks the program to refer them to a lender for a product, consenting to share the data they
    name (`shared`) with that lender (`consent`, the partners issue's consent, purpose loan assessment)."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="loan_referrals", verbose_name=_("participant")
    )
    product = models.ForeignKey(
        FinancingProduct, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("product")
    )
    lender = models.ForeignKey(  # the product's, kept here for the lender's list and the figures by lender
        PartnerOrganisation, on_delete=models.PROTECT, related_name="loan_referrals", verbose_name=_("lender")
    )
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="+", verbose_name=_("consent"))
    shared = ArrayField(
        models.CharField(max_length=12, choices=SharedData.choices), verbose_name=_("data shared with the lender")
    )
    amount_requested = models.BigIntegerField(_("amount asked (Rp)"))
    tenor_months = models.PositiveSmallIntegerField(_("tenor (months)"))
    use_of_funds = models.CharField(_("what the money is for"), max_length=500)
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.REQUESTED
    )
    lender_reference = models.CharField(_("lender's reference"), max_length=60, blank=True)
    amount_approved = models.BigIntegerField(_("amount approved (Rp)"), null=True, blank=True)
    amount_disbursed = models.BigIntegerField(_("amount disbursed (Rp)"), null=True, blank=True)
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    moved_at = models.DateTimeField(_("last move"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("loan referral")
        verbose_name_plural = _("loan referrals")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "product"],
                condition=Q(status__in=sorted(OPEN_STATUSES)),
                name="capital_one_open_referral_per_product",
            ),
            models.CheckConstraint(condition=Q(amount_requested__gt=0), name="capital_referral_amount"),
            models.CheckConstraint(
                # a disbursed referral has its amount and day; no other has them
                condition=Q(status=ReferralStatus.DISBURSED, amount_disbursed__gt=0, disbursed_on__isnull=False)
                | (~Q(status=ReferralStatus.DISBURSED) & Q(amount_disbursed__isnull=True, disbursed_on__isnull=True)),
                name="capital_referral_disbursed",
            ),
        ]
        indexes = [
            models.Index(fields=["lender", "-id"], name="capital_referral_lender"),
            models.Index(fields=["participant", "-created_at"], name="capital_referral_participant"),
            models.Index(fields=["status", "created_at"], name="capital_referral_status"),
        ]

    def __str__(self) -> str:
        return f"{self.product} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def can_move_to(self, status: str) -> bool:
        return status in MOVES[ReferralStatus(self.status)]

    def shares(self, data: str) -> bool:
        return data in self.shared

    @property
    def is_live_for_lender(self) -> bool:
        """The lender reads the data named in the referral only while it is live for it (sent, under review,
        approved, disbursed: LIVE_STATUSES) and the consent it rests on stands (the consent loaded)."""
        return self.status in LIVE_STATUSES and self.consent.is_active

    def shown_to_lender(self, data: str) -> bool:
        """The lender reads this part of the participant's data now: named, and the referral live for it."""
        return self.shares(data) and self.is_live_for_lender


SHARED_ALL = [choice.value for choice in SharedData]


@audit.track()
class ReferralMove(models.Model):
    """One move of a referral: from which status to which, who moved it, when and why."""

    referral = models.ForeignKey(
        LoanReferral, on_delete=models.CASCADE, related_name="moves", verbose_name=_("referral")
    )
    from_status = models.CharField(_("from"), max_length=12, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=ReferralStatus.choices)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    moved_at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["moved_at", "pk"]
        verbose_name = _("referral move")
        verbose_name_plural = _("referral moves")
        indexes = [models.Index(fields=["referral", "moved_at"], name="capital_move_referral")]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"
