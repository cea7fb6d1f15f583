"""The choices of the feedback forum: what a post is about, where it stands, and the moderators' moves."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """What a post is about: the program's steps a participant meets (P2 to P7), this portal, or anything else."""

    TRAINING = "training", _("Training (P2)")
    MENTORING = "mentoring", _("Mentoring (P3)")
    LICENSING = "licensing", _("Licences (P4)")
    MARKETING = "marketing", _("Marketing and selling (P5)")
    FINANCE = "finance", _("Bookkeeping and financial reports (P6)")
    CAPITAL = "capital", _("Capital and loans (P7)")
    PORTAL = "portal", _("This portal")
    OTHER = "other", _("Something else")


class Status(models.TextChoices):
    """Where a post stands: open until the program answers; then answered, planned (the program will act on it)
    or done. Staff set it with each answer; the author never does."""

    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")


# What an answer may set a post to (an answer never leaves a post open).
ANSWER_STATUSES = (Status.ANSWERED, Status.PLANNED, Status.DONE)
ANSWER_STATUS_CHOICES = [(status.value, status.label) for status in ANSWER_STATUSES]


class ModerationAction(models.TextChoices):
    HIDE = "hide", _("Hidden")
    UNHIDE = "unhide", _("Shown again")


class Sort(models.TextChoices):
    NEWEST = "newest", _("Newest first")
    SUPPORTED = "supported", _("Most supported first")
