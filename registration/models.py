"""P1 registration: the Participant (the one person every step shares), their Business, the Registration
that is verified, its decisions, uploaded Documents and the online wizard's Draft."""

import datetime
import re
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import OpClass
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Upper
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from core import audit
from core.crypto import EncryptedTextField, keyed_hash
from geography.models import Kecamatan, Kelurahan

from . import eligibility
from .choices import (
    BusinessClass,
    Channel,
    Decision,
    DocumentKind,
    ImportStatus,
    NonJakartaBasis,
    Sector,
    Sex,
    Status,
    Track,
)
from .nik import mask_nik

# The usual waiting time for a verification decision: what a participant is told to expect, and past which staff
# see a registration flagged in the queue (`Registration.waiting_too_long`). The one place it is set.
USUAL_WAITING_DAYS = 7
USUAL_WAITING_TIME = datetime.timedelta(days=USUAL_WAITING_DAYS)

# PP 7/2021 art. 35: the upper limit of each class, by capital (excluding land and buildings) and by yearly sales,
# in rupiah. A business takes the higher class either figure gives.
CLASS_LIMITS: list[tuple[str, int, int]] = [
    (BusinessClass.MICRO, 1_000_000_000, 2_000_000_000),
    (BusinessClass.SMALL, 5_000_000_000, 15_000_000_000),
    (BusinessClass.MEDIUM, 10_000_000_000, 50_000_000_000),
]


def business_class(*, capital: int, yearly_sales: int) -> str:
    """The class of a business with this capital and these yearly sales."""
    for name, capital_limit, sales_limit in CLASS_LIMITS:
        if capital <= capital_limit and yearly_sales <= sales_limit:
            return name
    return BusinessClass.LARGE


def business_class_filter(classes: Iterable[str], prefix: str = "") -> Q:
    """The same rule in SQL, on the baseline a business gave at registration: its assets plus any planned
    capital, and twelve times its monthly turnover. `prefix` reaches the business from another model."""
    capital = F(f"{prefix}assets") + Coalesce(F(f"{prefix}planned_capital"), Value(0))
    sales = F(f"{prefix}monthly_turnover") * Value(12)
    wanted = set(classes)
    found, below = Q(pk__in=[]), Q(pk__in=[])
    for name, capital_limit, sales_limit in CLASS_LIMITS:
        within = Q(LessThanOrEqual(capital, Value(capital_limit))) & Q(LessThanOrEqual(sales, Value(sales_limit)))
        if name in wanted:
            found |= within & ~below
        below |= within
    if BusinessClass.LARGE in wanted:
        found |= ~below
    return found


MASKED_NIK_LENGTH = 16  # a NIK's length: a value that is not one (never valid) is cut to it


@audit.track(exclude=["nik", "nik_masked"])  # the NIK is encrypted: never in the trail (its keyed hash may be)
class Participant(models.Model):
    """A person in the program. The NIK is stored encrypted; `nik_hash` carries uniqueness and exact search, and
    `nik_masked` the masked form every list shows (`nik.mask_nik`: the first four and last four digits, what any
    staff page shows already), so a list or export of thousands of rows decrypts none."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="participant", verbose_name=_("account")
    )
    full_name = models.CharField(_("full name (as on the KTP)"), max_length=150)
    nik = EncryptedTextField(_("NIK"))
    nik_hash = models.CharField(max_length=64, unique=True, editable=False)
    # db_default: a process of the release before, still running during a deploy, inserts without it
    nik_masked = models.CharField(
        _("NIK (masked)"), max_length=MASKED_NIK_LENGTH, editable=False, default="", db_default=""
    )
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    phone = models.CharField(_("mobile number"), max_length=16, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    address = models.CharField(_("domicile address"), max_length=255)
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="participants", verbose_name=_("kecamatan")
    )
    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("kelurahan")
    )
    jakarta_ktp = models.BooleanField(_("has a Jakarta KTP"))
    non_jakarta_basis = models.CharField(
        _("basis for joining without a Jakarta KTP"), max_length=20, choices=NonJakartaBasis.choices, blank=True
    )
    domicile_since = models.DateField(_("living in Jakarta since"), null=True, blank=True)
    partner_activity = models.CharField(_("partner activity"), max_length=200, blank=True)
    track = models.CharField(_("track"), max_length=12, choices=Track.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [
            # the newest-first participant lists: the whole program, and one kecamatan
            models.Index(fields=["-created_at", "-id"], name="participant_created"),
            models.Index(fields=["kecamatan", "-created_at", "-id"], name="participant_kec_created"),
            # the lists by name (licences of the participants, a partner's consenting participants): the whole
            # program, and one kecamatan
            models.Index(fields=["full_name", "id"], name="participant_name"),
            models.Index(fields=["kecamatan", "full_name", "id"], name="participant_kec_name"),
            # the search by the start of a name, whatever its case (Django's istartswith: UPPER() LIKE), in the
            # admin and the verification queue; the name and id included so that the matches are read from the
            # index alone (PostgreSQL's index-only scan needs the columns under an expression): counting a common
            # name's 10,000 at a million takes 3 ms, not 170
            models.Index(
                OpClass(Upper("full_name"), name="text_pattern_ops"),
                include=["full_name", "id"],
                name="participant_name_upper_prefix",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(jakarta_ktp=True) | ~Q(non_jakarta_basis=""), name="participant_non_jakarta_has_basis"
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.masked_nik})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.nik_hash, self.nik_masked = keyed_hash(self.nik), mask_nik(self.nik)[:MASKED_NIK_LENGTH]
        super().save(*args, **kwargs)

    @property
    def masked_nik(self) -> str:
        return self.nik_masked or mask_nik(self.nik)  # an unsaved participant has none stored yet

    @property
    def required_documents(self) -> list[str]:
        """The document kinds the participant's answers call for (`eligibility.required_documents`)."""
        return eligibility.required_documents(
            track=self.track, jakarta_ktp=self.jakarta_ktp, basis=self.non_jakarta_basis
        )

    def missing_documents(self, present: Iterable[str]) -> list[str]:
        """The required document kinds not among `present` (the kinds uploaded), in the order they are asked."""
        have = set(present)
        return [kind for kind in self.required_documents if kind not in have]


class InParticipantKecamatan(models.Model):
    """A row of a participant's (its `participant` key) that keeps their kecamatan beside it, set on insert, so an
    office's queue or list reads a kecamatan's rows from the row's own indexes: a filter through the participant
    read every row of the program first (bench/FIGURES.md). Each model says how its copy stays true (licensing's
    requests move with the participant, a mentor assignment ends: both on registration's `participant_moved`)."""

    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name=_("kecamatan")
    )
    participant: Participant

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and self.kecamatan_id is None:
            self.kecamatan_id = self.participant.kecamatan_id
        super().save(*args, **kwargs)


@audit.track()
class Business(models.Model):
    """The participant's business: running (naik kelas), with its baseline figures at registration (start date,
    workers, assets, monthly turnover), or planned (pemula), with its planned start month and capital instead."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="business", verbose_name=_("participant")
    )
    name = models.CharField(_("business name"), max_length=150)
    sector = models.CharField(_("sector"), max_length=12, choices=Sector.choices)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    address = models.CharField(_("business address"), max_length=255)
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="+", verbose_name=_("kecamatan"))
    workers = models.PositiveIntegerField(_("workers"), default=0)
    assets = models.BigIntegerField(_("assets (Rp)"), default=0)
    monthly_turnover = models.BigIntegerField(_("monthly turnover (Rp)"), default=0)
    planned_start = models.DateField(
        _("planned start (month)"), null=True, blank=True, help_text=_("The first day of the month.")
    )
    planned_capital = models.BigIntegerField(_("planned capital (Rp)"), null=True, blank=True)

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("businesses")
        constraints = [
            models.CheckConstraint(
                condition=Q(assets__gte=0) & Q(monthly_turnover__gte=0), name="business_money_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(planned_capital__isnull=True) | Q(planned_capital__gte=0),
                name="business_planned_capital_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_planned(self) -> bool:
        """A starting entrepreneur's business: planned, not running yet."""
        return self.participant.track == Track.PEMULA

    @property
    def business_class(self) -> str:
        """Its class by the baseline given at registration (PP 7/2021)."""
        capital = self.assets + (self.planned_capital or 0)
        return business_class(capital=capital, yearly_sales=self.monthly_turnover * 12)


# a registration reference, as a search tells it from a name: "JP-" and letters or digits, nothing else
# (services._new_reference makes eight of its alphabet; older and imported ones vary)
REFERENCE_SHAPE = re.compile(r"JP-[A-Z0-9]+", re.IGNORECASE)


@audit.track()
class Registration(models.Model):
    """The P1 application of a participant: how it came in, and where verification stands."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="registration", verbose_name=_("participant")
    )
    reference = models.CharField(_("reference"), max_length=12, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="registrations_made",
        verbose_name=_("registered by"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("kecamatan")
    )
    submitted_at = models.DateTimeField(_("submitted"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    last_reason = models.TextField(_("reason given"), blank=True)
    documents_to_follow = models.BooleanField(
        _("documents still to bring"),
        default=False,
        help_text=_(
            "Registered from an office's spreadsheet without its documents: it cannot be approved until the "
            "documents its answers call for are uploaded."
        ),
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [
            models.Index(fields=["kecamatan", "status", "submitted_at"], name="registration_queue"),
            models.Index(fields=["status", "submitted_at"], name="registration_status"),
            # verified participants by the day they were verified: those waiting for a mentor, longest first
            # (mentoring.selectors.unassigned_participants), walked in order instead of sorting every approval
            models.Index(
                fields=["decided_at", "participant"],
                condition=Q(status=Status.APPROVED),
                name="registration_approved_decided",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def awaits_decision(self) -> bool:
        """Submitted, waiting for a verifier."""
        return self.status == Status.SUBMITTED

    @property
    def awaits_fix(self) -> bool:
        """Sent back: waiting for the participant's fix."""
        return self.status == Status.NEEDS_FIX

    @property
    def is_approved(self) -> bool:
        return self.status == Status.APPROVED

    @property
    def awaits_documents(self) -> bool:
        """Waiting (for a decision or a fix) with documents still to bring: not approvable until they are in."""
        return self.documents_to_follow and self.status in (Status.SUBMITTED, Status.NEEDS_FIX)

    def waited(self, now: datetime.datetime) -> datetime.timedelta:
        """How long it has waited since it was submitted (or sent again after a fix)."""
        return max(now - self.submitted_at, datetime.timedelta(0))

    def waiting_too_long(self, now: datetime.datetime) -> bool:
        """Still waiting for a decision, for longer than the usual waiting time (USUAL_WAITING_TIME)."""
        return self.awaits_decision and self.waited(now) > USUAL_WAITING_TIME

    @staticmethod
    def waiting_too_long_since(now: datetime.datetime) -> datetime.datetime:
        """The submission time before which a registration still waiting has waited too long (for a query)."""
        return now - USUAL_WAITING_TIME


@audit.track()
class RegistrationDecision(models.Model):
    """One verification decision: who decided what, when and why. Never edited."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("registration")
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("registration decision")
        verbose_name_plural = _("registration decisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(decision=Decision.APPROVE) | ~Q(reason=""), name="decision_reason_unless_approved"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.decided_at:%Y-%m-%d})"


class Draft(models.Model):
    """The online wizard's draft, one per account, kept between visits. Its answers are personal data, so the
    whole of them is stored encrypted."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="registration_draft",
        verbose_name=_("account"),
    )
    payload = EncryptedTextField(_("answers"), default="{}")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("registration draft")
        verbose_name_plural = _("registration drafts")

    def __str__(self) -> str:
        return f"draft {self.pk}"


def document_path(instance: "Document", filename: str) -> str:
    """A server-made name: nothing of the uploaded file name reaches the disk."""
    return f"documents/{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}"


@audit.track(views=True)  # staff opening a participant's document is recorded too
class Document(models.Model):
    """An uploaded document, of a draft or of a participant. Served only through a permission-checked view."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("participant"),
    )
    draft = models.ForeignKey(
        Draft, on_delete=models.CASCADE, null=True, blank=True, related_name="documents", verbose_name=_("draft")
    )
    kind = models.CharField(_("document"), max_length=32, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    content_type = models.CharField(_("file type"), max_length=32)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"))

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(participant__isnull=True) ^ Q(draft__isnull=True), name="document_has_one_owner"
            ),
            models.UniqueConstraint(
                fields=["participant", "kind"], condition=Q(participant__isnull=False), name="one_document_per_kind"
            ),
            models.UniqueConstraint(
                fields=["draft", "kind"], condition=Q(draft__isnull=False), name="one_draft_document_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


@audit.track()
class NikProbe(models.Model):
    """One "this NIK is already registered" answer the online wizard gave an account: the answer tells whoever
    types a NIK that it is in the program, so each is recorded (in the audit trail too) and counted per account
    and per address (registration.probes)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    nik_hash = models.CharField(max_length=64, editable=False)
    at = models.DateTimeField(_("answered"), auto_now_add=True)

    class Meta:
        verbose_name = _("NIK check")
        verbose_name_plural = _("NIK checks")
        indexes = [
            models.Index(fields=["user", "at"], name="nikprobe_user_at"),
            models.Index(fields=["address", "at"], name="nikprobe_address_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.at:%Y-%m-%d %H:%M}"


@audit.track(exclude=["rows"])  # the rows are personal data (NIKs, names), encrypted: never in the trail
class ParticipantImport(models.Model):
    """A kecamatan office's spreadsheet of participants, checked row by row through the walk-in's rules before
    anything is registered. Its good rows wait here as typed values (`rows`: JSON, encrypted whole as the
    wizard's draft is), with the errors of the others by row and field (`errors`) and the rows not registered
    because their NIK is (`duplicates`: registered already, or on an earlier row of the file), until a member of
    the office saves all (no errors), saves the good rows, or discards it. Messages are in `language`, the one
    of the person who sent the file. The check and the save run as tasks; `rows_total` and `rows_done` count
    the check's progress."""

    office = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="+", verbose_name=_("kecamatan office")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    file_name = models.CharField(_("file"), max_length=200)
    file_hash = models.CharField(max_length=64, editable=False)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKING)
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    rows = EncryptedTextField(_("rows"), default="[]")
    good_count = models.PositiveIntegerField(_("good rows"), default=0)
    errors = models.JSONField(_("errors"), default=list)
    duplicates = models.JSONField(_("duplicates by NIK"), default=list)
    saved = models.JSONField(_("registered"), default=list)
    only_good_rows = models.BooleanField(_("good rows only"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    failure = models.TextField(_("why it failed"), blank=True)
    created_at = models.DateTimeField(_("sent"))
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("participant import")
        verbose_name_plural = _("participant imports")
        indexes = [models.Index(fields=["office", "-created_at", "-id"], name="participant_import_office")]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_running(self) -> bool:
        """A task is checking or saving it: the page shows the progress."""
        return self.status in (ImportStatus.CHECKING, ImportStatus.SAVING)

    @property
    def awaits_decision(self) -> bool:
        """Checked: waiting for "save all", "save the good rows" or "discard"."""
        return self.status == ImportStatus.CHECKED

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    @property
    def progress_key(self) -> str:
        """The cache key of the save's progress (the save is one transaction: its rows are seen only at the end);
        its time makes it this batch's alone, whichever database shares the cache."""
        return f"registration:participant-import:{self.pk}:{self.created_at.timestamp()}:saved"
