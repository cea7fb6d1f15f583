"""P5 marketing: a business's public listing, its products (with photos and online stores), the program's calls
for products and their curation, and the selling spaces with their booths. Workflow lives in services/; here are
data and invariants.

The public catalogue reads only what a business chose to publish: its listing (a public name, a description and
the contacts it typed for the public) and its graded products. Nothing of the participant's registration shows."""

import datetime
import uuid

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, RangeOperators
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit
from core.fields import HttpsURLField
from geography.models import Wilayah
from registration.models import Business

from .choices import (
    OPEN_SUBMISSION_STATUSES,
    ApplicationStatus,
    Category,
    Criterion,
    Grade,
    Platform,
    SpaceKind,
    SubmissionStatus,
)

# The most a product shows; a curator judges from these.
MAX_PHOTOS = 5
ENDS_BEFORE_START = _("The end date must not be before the start date.")
PRICE_POSITIVE = _("The price must be more than Rp 0.")


@audit.track(exclude=["search_vector"])  # derived from the fields recorded
class Listing(models.Model):
    """What a business shows the public in the catalogue: only what it typed here, and only once published."""

    business = models.OneToOneField(
        Business, on_delete=models.CASCADE, related_name="listing", verbose_name=_("business")
    )
    public_name = models.CharField(_("name shown"), max_length=150)
    description = models.TextField(_("about the business"), blank=True, max_length=2000)
    public_phone = models.CharField(
        _("phone or WhatsApp for buyers"), max_length=16, blank=True, help_text=_("Stored as +62…; optional.")
    )
    public_email = models.EmailField(_("email for buyers"), blank=True)
    eorder_url = HttpsURLField(
        _("e-order catalogue listing"),
        max_length=300,
        blank=True,
        help_text=_("The business's page in the government procurement catalogue (BPPBJ e-order), if it has one."),
    )
    published = models.BooleanField(_("shown in the public catalogue"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("catalogue listing")
        verbose_name_plural = _("catalogue listings")
        indexes = [GinIndex(fields=["search_vector"], name="listing_search")]

    def __str__(self) -> str:
        return self.public_name


@audit.track(exclude=["search_vector"])  # derived from the fields recorded
class Product(models.Model):
    """A product of a business. `grade` is the grade of its latest graded submission (kept by the curation
    services): a graded product of a published listing is in the public catalogue."""

    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="products", verbose_name=_("business")
    )
    name = models.CharField(_("product name"), max_length=150)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    price = models.BigIntegerField(_("price (Rp)"), validators=[MinValueValidator(1)])
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    grade = models.CharField(_("curation grade"), max_length=1, choices=Grade.choices, blank=True, editable=False)
    graded_at = models.DateTimeField(_("graded"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            GinIndex(fields=["search_vector"], name="product_search"),
            models.Index(fields=["business", "name"], name="product_business"),
            models.Index(fields=["category", "grade"], name="product_category_grade", condition=~Q(grade="")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gt=0), name="product_price_positive", violation_error_message=PRICE_POSITIVE
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_curated(self) -> bool:
        return bool(self.grade)


def product_photo_path(instance: "ProductPhoto", filename: str) -> str:
    """A server-made name: nothing of the uploaded file name reaches the disk."""
    return f"marketing/products/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


@audit.track()
class ProductPhoto(models.Model):
    """A photo of a product, re-encoded without metadata before it is stored (registration.documents). Public
    once its product is in the catalogue."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos", verbose_name=_("product"))
    image = models.FileField(_("photo"), upload_to=product_photo_path, max_length=200)
    content_type = models.CharField(_("file type"), max_length=32)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("product photo")
        verbose_name_plural = _("product photos")
        indexes = [models.Index(fields=["product", "position"], name="photo_product")]

    def __str__(self) -> str:
        return f"{self.product} #{self.position}"


@audit.track()
class OnlineStore(models.Model):
    """Where a business sells online: an https link on the platform's own hosts (choices.PLATFORM_HOSTS), or
    its own site. Its mentor checks that the store is real and the business's: a checked store counts for P5."""

    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="online_stores", verbose_name=_("business")
    )
    platform = models.CharField(_("platform"), max_length=12, choices=Platform.choices)
    url = HttpsURLField(_("store link"), max_length=300)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["platform", "pk"]
        verbose_name = _("online store")
        verbose_name_plural = _("online stores")
        constraints = [
            models.UniqueConstraint(
                fields=["business", "url"],
                name="one_store_per_link",
                violation_error_message=_("This store link is listed already."),
            ),
            models.CheckConstraint(
                condition=Q(checked_by__isnull=True, checked_at__isnull=True)
                | Q(checked_by__isnull=False, checked_at__isnull=False),
                name="store_check_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()}: {self.url}"

    @property
    def is_checked(self) -> bool:
        return self.checked_at is not None


@audit.track()
class ProductCall(models.Model):
    """A call for products that agency staff open: a theme, its dates, the categories it takes (none: all) and
    the curators who grade its submissions (agency staff or a partner's users, named per call)."""

    title = models.CharField(_("title"), max_length=150)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    categories = ArrayField(
        models.CharField(max_length=12, choices=Category.choices),
        default=list,
        blank=True,
        verbose_name=_("categories"),
        help_text=_("Leave empty to take every category."),
    )
    curators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="curated_calls", verbose_name=_("curators")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("call for products")
        verbose_name_plural = _("calls for products")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="call_closes_after_opening",
                violation_error_message=ENDS_BEFORE_START,
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open_on(self, day: datetime.date) -> bool:
        return self.opens_on <= day <= self.closes_on

    def takes(self, category: str) -> bool:
        return not self.categories or category in self.categories


@audit.track()
class Submission(models.Model):
    """A product submitted to a call, and its way through curation (choices.SubmissionStatus): the mentor's
    check, the kecamatan's validation and the curator's grade, each with who and when."""

    call = models.ForeignKey(ProductCall, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("call"))
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("product")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validated by"),
    )
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("graded by"),
    )
    graded_at = models.DateTimeField(_("graded"), null=True, blank=True)
    comment = models.TextField(_("overall comment"), blank=True)
    returned_reason = models.TextField(_("what to change"), blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        indexes = [
            models.Index(fields=["call", "status"], name="submission_call_status"),
            # a call's submissions newest first, and the queues (a status, oldest first), a page at a time
            models.Index(fields=["call", "-submitted_at", "-id"], name="submission_call_newest"),
            models.Index(fields=["status", "submitted_at", "id"], name="submission_status_oldest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "product"],
                name="one_submission_per_call",
                violation_error_message=_("This product is submitted to this call already."),
            ),
            models.CheckConstraint(
                condition=(Q(status=SubmissionStatus.GRADED) & ~Q(grade=""))
                | (~Q(status=SubmissionStatus.GRADED) & Q(grade="")),
                name="graded_has_grade",
            ),
            models.CheckConstraint(
                condition=~Q(status=SubmissionStatus.RETURNED) | ~Q(returned_reason=""), name="returned_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} · {self.call}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_SUBMISSION_STATUSES


@audit.track()
class CriterionComment(models.Model):
    """A curator's comment on one criterion of a submission: what is good, what to improve."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="criterion_comments", verbose_name=_("submission")
    )
    criterion = models.CharField(_("criterion"), max_length=12, choices=Criterion.choices)
    comment = models.TextField(_("comment"), max_length=2000)

    class Meta:
        ordering = ["submission", "criterion"]
        verbose_name = _("criterion comment")
        verbose_name_plural = _("criterion comments")
        constraints = [
            models.UniqueConstraint(fields=["submission", "criterion"], name="one_comment_per_criterion"),
        ]

    def __str__(self) -> str:
        return str(self.get_criterion_display())


@audit.track()
class SellingSpace(models.Model):
    """A place to sell: a permanent space (such as Thamrin 10) or a bazaar, in a wilayah, open between its dates
    (a permanent space may have no end), with booths. Businesses graded as `accepts_grades` may apply."""

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=SpaceKind.choices)
    wilayah = models.ForeignKey(Wilayah, on_delete=models.PROTECT, related_name="+", verbose_name=_("wilayah"))
    venue = models.CharField(_("venue"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), null=True, blank=True, help_text=_("Empty for a permanent space."))
    accepts_grades = ArrayField(
        models.CharField(max_length=1, choices=Grade.choices),
        default=list,
        verbose_name=_("grades accepted"),
        help_text=_("Businesses with a product graded so may apply."),
    )
    active = models.BooleanField(_("taking applications"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["opens_on", "name"]
        verbose_name = _("selling space")
        verbose_name_plural = _("selling spaces")
        indexes = [models.Index(fields=["wilayah", "opens_on"], name="space_wilayah")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(closes_on__gte=F("opens_on")),
                name="space_closes_after_opening",
                violation_error_message=ENDS_BEFORE_START,
            ),
        ]

    def __str__(self) -> str:
        return self.name


@audit.track()
class Booth(models.Model):
    """One booth (stand, kiosk, table) of a selling space."""

    space = models.ForeignKey(SellingSpace, on_delete=models.CASCADE, related_name="booths", verbose_name=_("space"))
    code = models.CharField(_("booth"), max_length=20)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        ordering = ["space", "code"]
        verbose_name = _("booth")
        verbose_name_plural = _("booths")
        constraints = [models.UniqueConstraint(fields=["space", "code"], name="one_booth_per_code")]

    def __str__(self) -> str:
        return f"{self.space} · {self.code}"


@audit.track()
class SpaceApplication(models.Model):
    """A business applying to sell at a space for some days; staff accept it (with a booth) or decline it."""

    space = models.ForeignKey(
        SellingSpace, on_delete=models.CASCADE, related_name="applications", verbose_name=_("space")
    )
    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="space_applications", verbose_name=_("business")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    note = models.TextField(_("note"), blank=True, max_length=1000)
    status = models.CharField(
        _("status"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.APPLIED
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("applied by")
    )
    applied_at = models.DateTimeField(_("applied"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-applied_at", "-pk"]
        verbose_name = _("space application")
        verbose_name_plural = _("space applications")
        indexes = [models.Index(fields=["space", "status"], name="application_space_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="application_ends_after_start",
                violation_error_message=ENDS_BEFORE_START,
            ),
            models.UniqueConstraint(
                fields=["space", "business"],
                condition=Q(status=ApplicationStatus.APPLIED),
                name="one_open_application_per_space",
                violation_error_message=_("This business has applied to this space already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business} · {self.space}"


@audit.track()
class BoothAllocation(models.Model):
    """A booth given to a business for some days. The database refuses two live allocations of one booth whose
    days overlap (an exclusion constraint over the booth and the day range): no double booking, whatever the
    concurrency. `days` is a PostgreSQL daterange, stored canonically as [first day, day after the last)."""

    booth = models.ForeignKey(Booth, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("booth"))
    application = models.OneToOneField(
        SpaceApplication, on_delete=models.CASCADE, related_name="allocation", verbose_name=_("application")
    )
    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="booth_allocations", verbose_name=_("business")
    )
    days = DateRangeField(_("days"))
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("allocated by")
    )
    allocated_at = models.DateTimeField(_("allocated"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["booth", "days"]
        verbose_name = _("booth allocation")
        verbose_name_plural = _("booth allocations")
        constraints = [
            ExclusionConstraint(
                name="no_double_booking",
                expressions=[("booth", RangeOperators.EQUAL), ("days", RangeOperators.OVERLAPS)],
                condition=Q(cancelled_at__isnull=True),
                violation_error_message=_("This booth is already given to another business on some of these days."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booth} · {self.days}"
