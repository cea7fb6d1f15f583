"""The choices of P1 registration, shared by models, forms and the eligibility rules."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Track(models.TextChoices):
    PEMULA = "pemula", _("Starting entrepreneur (Wirausaha Pemula)")
    NAIK_KELAS = "naik_kelas", _("Growing entrepreneur (Wirausaha Naik Kelas)")


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    JAKI = "jaki", _("JAKI app")
    OFFICE = "office", _("Kecamatan office")
    IMPORT = "import", _("Kecamatan office spreadsheet")


class NonJakartaBasis(models.TextChoices):
    LURAH_LETTER = "lurah_letter", _("Letter from the lurah: lived and worked in Jakarta for at least two years")
    PARTNER_ACTIVITY = "partner_activity", _("Came through an activity run with a partner")


class Sector(models.TextChoices):
    CULINARY = "culinary", _("Culinary")
    FASHION = "fashion", _("Fashion")
    CRAFTS = "crafts", _("Crafts")
    REPAIR = "repair", _("Repair services")
    OTHER = "other", _("Other")


class DocumentKind(models.TextChoices):
    KTP = "ktp", _("KTP scan")
    PLAN_STATEMENT = "plan_statement", _("Signed statement of the business plan")
    DEVELOPMENT_PLAN_STATEMENT = "development_plan_statement", _("Signed statement of the business development plan")
    OWNERSHIP_PROOF = "ownership_proof", _("Proof of owning the business")
    LURAH_LETTER = "lurah_letter", _("Lurah letter of two years' domicile")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for verification")
    NEEDS_FIX = "needs_fix", _("Sent back for a fix")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    NEEDS_FIX = "needs_fix", _("Send back for a fix")
    REJECT = "reject", _("Reject")


class BusinessClass(models.TextChoices):
    """PP 7/2021's classes (art. 35): by capital excluding land and buildings, or by yearly sales; a business
    takes the higher class either figure gives (`registration.models.business_class`)."""

    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


class ImportStatus(models.TextChoices):
    """Where an import of participants from a spreadsheet stands (`ParticipantImport`)."""

    CHECKING = "checking", _("Being checked")
    CHECKED = "checked", _("Checked, waiting for a decision")
    SAVING = "saving", _("Being saved")
    SAVED = "saved", _("Saved")
    DISCARDED = "discarded", _("Discarded")
    FAILED = "failed", _("Failed: nothing saved")
