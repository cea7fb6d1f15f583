"""A participant's download of their own data ("Data saya"): who, in which format, how many rows, when. The
exports app's `Export` records lists exported as CSV or XLSX by staff, with a filter and a file kept for days;
this download is neither (JSON or PDF, of one person, made in the answer and never kept), so it is a row of its
own, in the audit trail like every export."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit


class Format(models.TextChoices):
    JSON = "json", "JSON"
    PDF = "pdf", "PDF"


@audit.track()
class DataDownload(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_downloads", verbose_name=_("account")
    )
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    row_count = models.PositiveIntegerField(_("rows"))
    created_at = models.DateTimeField(_("downloaded"), default=timezone.now)

    class Meta:
        verbose_name = _("download of own data")
        verbose_name_plural = _("downloads of own data")
        indexes = [models.Index(fields=["user", "-created_at"], name="privacy_download_user")]
        constraints = [
            models.CheckConstraint(condition=Q(format__in=Format.values), name="privacy_download_format_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.format} {self.created_at:%Y-%m-%d %H:%M}"


class DeletionState(models.TextChoices):
    ASKED = "asked", _("Asked")
    DONE = "done", _("Done: data erased")
    REFUSED = "refused", _("Refused")


@audit.track(exclude=["reason", "decision_note"])  # free text a person wrote: the row shows it, the trail need not
class DeletionRequest(models.Model):
    """A participant's request that the program erase their data (UU PDP art. 8), decided by agency staff. It
    outlives the erasure: the record that it was asked and done, by whom and when, and which partners received the
    data before and must be told (`partners_to_notify`: each organisation's id and name, taken at the erasure)."""

    participant = models.ForeignKey(
        "registration.Participant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deletion_requests",
        verbose_name=_("participant"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deletion_requests", verbose_name=_("account")
    )
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    state = models.CharField(_("state"), max_length=8, choices=DeletionState.choices, default=DeletionState.ASKED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)
    partners_to_notify = models.JSONField(_("partners to notify"), default=list, blank=True)

    class Meta:
        verbose_name = _("deletion request")
        verbose_name_plural = _("deletion requests")
        indexes = [
            # the staff queue: the open requests, oldest first
            models.Index(fields=["asked_at", "id"], condition=Q(state="asked"), name="privacy_deletion_open"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=DeletionState.values), name="privacy_deletion_state_valid"),
            models.UniqueConstraint(fields=["user"], condition=Q(state="asked"), name="privacy_deletion_one_open"),
            models.CheckConstraint(
                condition=Q(state="asked", decided_at__isnull=True, decided_by__isnull=True)
                | (~Q(state="asked") & Q(decided_at__isnull=False, decided_by__isnull=False)),
                name="privacy_deletion_decided_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.state} {self.asked_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.state == DeletionState.ASKED
