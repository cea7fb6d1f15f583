"""A participant's download of their own data ("Data saya"): who, in which format, how many rows, when. The
exports app's `Export` records lists exported as CSV or XLSX by staff, with a filter and a file kept for days;
this download is neither (JSON or PDF, of one person, made in the answer and never kept), so it is a row of its
own, in the audit trail like every export."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core import audit
from core.crypto import EncryptedTextField


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


ASKED = "asked"  # the state of a request not decided yet, in every kind of request


class Decided(models.Model):
    """What every request a person makes of the program records of its decision: who, when, and the note (the
    reason of a refusal). `state` is each kind's own choices, ASKED while open."""

    state: "models.CharField[str, str]"
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

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.state == ASKED

    def decide(self, state: str, *, by: User, note: str) -> list[str]:
        """Record the decision on this (locked) row; returns the fields to save."""
        self.state, self.decided_by, self.decided_at, self.decision_note = state, by, timezone.now(), note
        return ["state", "decided_by", "decided_at", "decision_note"]


class DeletionState(models.TextChoices):
    ASKED = ASKED, _("Asked")
    DONE = "done", _("Done: data erased")
    REFUSED = "refused", _("Refused")


@audit.track(exclude=["reason", "decision_note"])  # free text a person wrote: the row shows it, the trail need not
class DeletionRequest(Decided):
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


class CorrectionField(models.TextChoices):
    """What a participant may not change themselves once registered: the identity the secretariat verified
    against the KTP, and the kecamatan, which decides who verifies and mentors them."""

    FULL_NAME = "full_name", _("Full name (as on the KTP)")
    NIK = "nik", _("NIK")
    BIRTH_DATE = "birth_date", _("Birth date")
    SEX = "sex", _("Sex")
    KECAMATAN = "kecamatan", _("Kecamatan")


class CorrectionState(models.TextChoices):
    ASKED = ASKED, _("Asked")
    APPLIED = "applied", _("Accepted")
    REFUSED = "refused", _("Refused")


@audit.track(exclude=["reason", "decision_note", "asked_nik"])  # free text, and a NIK the trail must not copy
class CorrectionRequest(Decided):
    """A participant's request that the program correct what they may not change themselves (UU PDP art. 6),
    decided by their kecamatan secretariat or agency staff. `current_value` and `asked_value` are what the pages
    show; for the NIK they hold the masked form only, and the number asked is in `asked_nik`, encrypted as the
    participant's own, and emptied once the request is decided (the staff who decide compare it with the KTP).
    Accepting one corrects the record (registration.services.participant_correct_identity)."""

    participant = models.ForeignKey(
        "registration.Participant",
        on_delete=models.PROTECT,
        related_name="correction_requests",
        verbose_name=_("participant"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="correction_requests",
        verbose_name=_("account"),
    )
    field = models.CharField(_("what to correct"), max_length=12, choices=CorrectionField.choices)
    current_value = models.CharField(_("current value"), max_length=150, blank=True)
    asked_value = models.CharField(_("asked value"), max_length=150)
    asked_nik = EncryptedTextField(_("NIK asked"), blank=True)
    # the kecamatan asked, for a kecamatan's correction (asked_value holds its name, as the pages show it)
    asked_kecamatan = models.ForeignKey(
        "geography.Kecamatan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kecamatan asked"),
    )
    reason = models.TextField(_("reason"), blank=True)
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)
    state = models.CharField(_("state"), max_length=8, choices=CorrectionState.choices, default=CorrectionState.ASKED)

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        indexes = [
            # the staff queue: the open requests, oldest first (a secretariat's filtered by the participant)
            models.Index(fields=["asked_at", "id"], condition=Q(state="asked"), name="privacy_correction_open"),
            models.Index(fields=["user", "-asked_at"], name="privacy_correction_user"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=CorrectionState.values), name="privacy_correction_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(field__in=CorrectionField.values), name="privacy_correction_field_valid"
            ),
            # one open request per thing to correct: a second one would only wait for the same decision
            models.UniqueConstraint(
                fields=["participant", "field"], condition=Q(state="asked"), name="privacy_correction_one_open"
            ),
            models.CheckConstraint(
                condition=Q(state="asked", decided_at__isnull=True, decided_by__isnull=True)
                | (~Q(state="asked") & Q(decided_at__isnull=False, decided_by__isnull=False)),
                name="privacy_correction_decided_when",
            ),
            # a kecamatan asked names it; no other correction does
            models.CheckConstraint(
                condition=Q(field="kecamatan", asked_kecamatan__isnull=False)
                | (~Q(field="kecamatan") & Q(asked_kecamatan__isnull=True)),
                name="privacy_correction_kecamatan_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.field} {self.state} {self.asked_at:%Y-%m-%d}"
