"""The choices of P2 training, shared by models, forms, filters and services."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SkillType(models.TextChoices):
    HARD = "hard", _("Hard skill")
    SOFT = "soft", _("Soft skill")


class Topic(models.TextChoices):
    CULINARY = "culinary", _("Culinary")
    FASHION = "fashion", _("Fashion")
    CRAFTS = "crafts", _("Crafts")
    SOAP_MAKING = "soap_making", _("Soap making")
    BUSINESS_MANAGEMENT = "business_management", _("Business management")
    DIGITAL_MARKETING = "digital_marketing", _("Growing a business in the digital era")
    FINANCIAL_LITERACY = "financial_literacy", _("Bookkeeping and financial literacy")
    OTHER = "other", _("Other")


# Which skill type each topic belongs to; "other" fits either.
TOPIC_SKILL = {
    Topic.CULINARY: SkillType.HARD,
    Topic.FASHION: SkillType.HARD,
    Topic.CRAFTS: SkillType.HARD,
    Topic.SOAP_MAKING: SkillType.HARD,
    Topic.BUSINESS_MANAGEMENT: SkillType.SOFT,
    Topic.DIGITAL_MARKETING: SkillType.SOFT,
    Topic.FINANCIAL_LITERACY: SkillType.SOFT,
}


class TrackFit(models.TextChoices):
    PEMULA = "pemula", _("Starting entrepreneurs (Wirausaha Pemula)")
    NAIK_KELAS = "naik_kelas", _("Growing entrepreneurs (Wirausaha Naik Kelas)")
    BOTH = "both", _("Both tracks")


class Agency(models.TextChoices):
    """Provincial agencies (OPD) that run trainings themselves. Dinas PPKUKM leads the program."""

    PPKUKM = "ppkukm", _("Dinas PPKUKM")
    PAREKRAF = "parekraf", _("Dinas Pariwisata dan Ekonomi Kreatif")
    NAKERTRANSGI = "nakertransgi", _("Dinas Tenaga Kerja, Transmigrasi dan Energi")


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ANNOUNCED = "announced", _("Announced")
    CANCELLED = "cancelled", _("Cancelled")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITLISTED = "waitlisted", _("On the waitlist")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")


# Enrolments that hold a seat or wait for one.
ACTIVE_STATUSES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED)
# Enrolments whose attendance is taken.
ATTENDING_STATUSES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)
