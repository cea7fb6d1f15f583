"""The choices of P5 marketing: product categories, online store platforms, curation and selling spaces."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    FOOD = "food", _("Food and drink")
    FASHION = "fashion", _("Fashion")
    CRAFTS = "crafts", _("Crafts and home goods")
    BEAUTY = "beauty", _("Beauty and care")
    AGRICULTURE = "agriculture", _("Farm and fishery products")
    SERVICES = "services", _("Services")
    OTHER = "other", _("Other")


class Platform(models.TextChoices):
    """Where a business sells online. Each known platform's store links live on its own hosts
    (`PLATFORM_HOSTS`); a business's own site may be anywhere, over https."""

    SHOPEE = "shopee", "Shopee"
    TOKOPEDIA = "tokopedia", "Tokopedia"
    GOFOOD = "gofood", "GoFood"
    GRABFOOD = "grabfood", "GrabFood"
    WEBSITE = "website", _("Own website")


PLATFORM_HOSTS: dict[str, tuple[str, ...]] = {
    Platform.SHOPEE: ("shopee.co.id",),
    Platform.TOKOPEDIA: ("tokopedia.com",),
    Platform.GOFOOD: ("gofood.co.id", "gojek.com"),
    Platform.GRABFOOD: ("grab.com", "food.grab.com"),
}


class SubmissionStatus(models.TextChoices):
    """Curation as the program runs it: the business submits, its mentor checks, the kecamatan validates, a
    curator grades. A mentor or the kecamatan may return a submission with what to fix."""

    SUBMITTED = "submitted", _("Submitted")
    CHECKED = "checked", _("Checked by the mentor")
    VALIDATED = "validated", _("Validated by the kecamatan")
    GRADED = "graded", _("Graded")
    RETURNED = "returned", _("Returned for changes")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_SUBMISSION_STATUSES = (SubmissionStatus.SUBMITTED, SubmissionStatus.CHECKED, SubmissionStatus.VALIDATED)


class Grade(models.TextChoices):
    A = "A", _("A: ready for selling spaces and partners")
    B = "B", _("B: ready, with improvements")
    C = "C", _("C: not ready yet")


# The grades the public catalogue shows (the pages and the partner API): ready to sell. C is "not ready yet".
PUBLIC_GRADES = (Grade.A, Grade.B)
PUBLIC_GRADE_CHOICES = [(grade.value, grade.label) for grade in PUBLIC_GRADES]


class Criterion(models.TextChoices):
    """What a curator comments on, one comment each."""

    QUALITY = "quality", _("Product quality")
    PACKAGING = "packaging", _("Packaging and label")
    PRICE = "price", _("Price")
    PRESENTATION = "presentation", _("Photos and description")
    READINESS = "readiness", _("Licences and market readiness")


class SpaceKind(models.TextChoices):
    PERMANENT = "permanent", _("Permanent selling space")
    BAZAAR = "bazaar", _("Bazaar or event")


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
