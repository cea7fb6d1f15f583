"""An export of a list: who asked for which list, with which filter, in which format, how many rows, and where it
stands. Every one is recorded in the audit trail (created, each change, each download), so "who exported what,
when" is answered by the trail itself."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit

from .writers import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE

# How long a prepared file is kept for its owner to download; the daily task deletes older files.
KEEP_DAYS = 7
KEEP_FOR = datetime.timedelta(days=KEEP_DAYS)


class Format(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class Status(models.TextChoices):
    DIRECT = "direct", _("downloaded at once")  # small enough to stream in the answer: no file kept
    RUNNING = "running", _("being prepared")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")
    EXPIRED = "expired", _("expired")  # the file was deleted after KEEP_DAYS


def export_path(instance: "Export", filename: str) -> str:
    """A server-made name: nothing a person typed reaches the disk."""
    return f"exports/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}.{instance.format}"


@audit.track(views=True)  # each download of the file is recorded too
class Export(models.Model):
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exports", verbose_name=_("requested by")
    )
    list_name = models.CharField(_("list"), max_length=64)
    params = models.JSONField(_("filter"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    file = models.FileField(_("file"), upload_to=export_path, max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            # a person's exports, newest first (the /ekspor/ page)
            models.Index(fields=["requested_by", "-created_at", "-id"], name="export_owner_created"),
            # the daily clean-up of old files
            models.Index(fields=["status", "finished_at"], name="export_status_finished"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(format__in=Format.values), name="export_format_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="export_status_valid"),
            models.CheckConstraint(condition=Q(status=Status.READY) | Q(file=""), name="export_file_only_when_ready"),
        ]

    def __str__(self) -> str:
        return f"{self.list_name} ({self.format}, {self.get_status_display()})"

    @property
    def expires_at(self) -> datetime.datetime | None:
        """When the prepared file is deleted (None unless it is ready)."""
        if self.status != Status.READY or self.finished_at is None:
            return None
        return self.finished_at + KEEP_FOR

    @property
    def filter_shown(self) -> list[tuple[str, str]]:
        """The recorded filter as its owner reads it: each parameter with its value (several joined)."""
        return [
            (key, value if isinstance(value, str) else ", ".join(str(item) for item in value))
            for key, value in (self.params or {}).items()
        ]

    @property
    def filename(self) -> str:
        """The name the file downloads under: the list and the moment it was asked for."""
        moment = timezone.localtime(self.created_at)
        return f"{self.list_name.replace('.', '-')}-{moment:%Y%m%d-%H%M}.{self.format}"

    @property
    def content_type(self) -> str:
        return CSV_CONTENT_TYPE if self.format == Format.CSV else XLSX_CONTENT_TYPE
