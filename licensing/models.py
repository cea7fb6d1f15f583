"""P4 licensing: the licence types staff set (what each needs, who issues it, whether it expires), participants'
requests for help with a licence and each move of a request, and the licences issued. Workflow lives in
services.py; here are data and invariants."""

import calendar
import datetime
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit
from core.fields import HttpsURLField
from registration.models import InParticipantKecamatan, Participant

from .choices import CLOSED_STATUSES, MOVES, OPEN_STATUSES, RequestStatus

EXPIRES_BEFORE_ISSUE = _("A licence cannot expire before it is issued.")
NUMBER_DIGITS = _("A %(type)s number has %(digits)s digits.")
OWN_PREREQUISITE = _("A licence type cannot be its own prerequisite.")
NUMBER_SEPARATORS = frozenset(" -./")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole months; the 31st of a shorter month becomes its last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


@audit.track()
class LicenceType(models.Model):
    """A licence the program helps with (NIB, P-IRT, halal, merek, HKI, BPOM), set by agency staff: laws change,
    so what it needs, who issues it and how long it is valid are data, not code."""

    code = models.SlugField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("what it is"), blank=True)
    issuer = models.CharField(_("issued by"), max_length=150)
    official_url = HttpsURLField(_("official service"), max_length=300, blank=True)
    documents_needed = ArrayField(
        models.CharField(max_length=200),
        default=list,
        blank=True,
        verbose_name=_("documents needed"),
        help_text=_("One document per line."),
    )
    prerequisites = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="needed_for",
        verbose_name=_("prerequisites"),
        help_text=_("Licences the participant must hold (or have requested) first, e.g. an NIB."),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1200)],
        help_text=_("Leave empty for a licence that does not expire."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("remind before expiry (days)"),
        default=90,
        validators=[MaxValueValidator(730)],
        help_text=_("How long before the expiry date the holder and their mentor are reminded."),
    )
    number_digits = models.PositiveSmallIntegerField(
        _("digits in the number"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(40)],
        help_text=_("For a number of a fixed length (an NIB has 13 digits); separators are ignored."),
    )
    is_business_number = models.BooleanField(
        _("business identification number"),
        default=False,
        help_text=_("The NIB: holding it makes a business formal, a figure the program counts."),
    )
    active = models.BooleanField(_("open for requests"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("licence type")
        verbose_name_plural = _("licence types")
        constraints = [
            models.UniqueConstraint(
                fields=["is_business_number"], condition=Q(is_business_number=True), name="one_business_number_type"
            ),
            models.CheckConstraint(
                condition=Q(validity_months__isnull=True) | Q(validity_months__gte=1), name="licence_validity_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def expiry_for(self, issued_on: datetime.date) -> datetime.date | None:
        """The usual expiry date of a licence of this type issued on `issued_on` (None: it does not expire)."""
        if self.validity_months is None:
            return None
        return add_months(issued_on, self.validity_months)

    def check_number(self, number: str) -> None:
        """Raise ValidationError unless `number` has this type's digits (when it has a fixed length)."""
        if self.number_digits is None:
            return
        digits = "".join(ch for ch in number if ch not in NUMBER_SEPARATORS)
        if not (digits.isascii() and digits.isdigit()) or len(digits) != self.number_digits:
            raise ValidationError(
                NUMBER_DIGITS % {"type": self.name, "digits": self.number_digits}, code="number_digits"
            )


class LicenceRequestQuerySet(models.QuerySet["LicenceRequest"]):
    def open(self) -> "LicenceRequestQuerySet":
        return self.filter(status__in=OPEN_STATUSES)


# Its kecamatan is left out of the trail: a copy of the participant's, whose own history records each change
@audit.track(exclude=["kecamatan"])
class LicenceRequest(InParticipantKecamatan):
    """A participant's request for help with one licence, made by them or by their mentor for them. It moves
    requested → documents complete → submitted to the issuing office → issued or refused (MOVES); each move is a
    RequestMove row. `status_changed_at` is when it entered its status: the staff queue's waiting time."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="licence_requests", verbose_name=_("participant")
    )
    # `kecamatan` (InParticipantKecamatan) moves with the participant: services.requests_follow_participant
    licence_type = models.ForeignKey(
        LicenceType, on_delete=models.PROTECT, related_name="requests", verbose_name=_("licence")
    )
    subject = models.CharField(
        _("for"), max_length=150, blank=True, help_text=_("The product or brand the licence is for, if any.")
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("in this status since"), default=timezone.now)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)

    objects = LicenceRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("licence request")
        verbose_name_plural = _("licence requests")
        indexes = [
            models.Index(fields=["status", "licence_type", "status_changed_at"], name="licreq_queue"),
            models.Index(fields=["participant", "-created_at"], name="licreq_participant"),
            # the whole open queue, longest waiting first, whatever the status and type (agency staff's queue)
            models.Index(
                fields=["status_changed_at", "id"], condition=Q(status__in=OPEN_STATUSES), name="licreq_open_waiting"
            ),
            # a kecamatan's open queue, longest waiting first, and its counts by type and status (index only)
            models.Index(
                fields=["kecamatan", "status_changed_at", "id"],
                condition=Q(status__in=OPEN_STATUSES),
                name="licreq_kec_open_waiting",
            ),
            models.Index(
                fields=["kecamatan", "licence_type", "status"],
                condition=Q(status__in=OPEN_STATUSES),
                name="licreq_kec_open_types",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "licence_type"],
                condition=Q(status__in=OPEN_STATUSES),
                name="one_open_request_per_licence",
                violation_error_message=_("There is an open request for this licence already."),
            ),
            models.CheckConstraint(
                condition=~Q(status=RequestStatus.REFUSED) | ~Q(refusal_reason=""),
                name="refusal_has_reason",
            ),
            models.CheckConstraint(condition=Q(status_changed_at__gte=F("created_at")), name="licreq_dates_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.licence_type} · {self.participant}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def can_move_to(self, status: str) -> bool:
        """Whether the request may move from its status to `status` (issuing goes through the licence)."""
        return status in MOVES.get(self.status, ())

    def waiting_days(self, now: datetime.datetime | None = None) -> int:
        """Whole days since the request entered its status."""
        return max(0, ((now or timezone.now()) - self.status_changed_at).days)


@audit.track()
class RequestMove(models.Model):
    """One move of a licence request: from which status to which, who moved it, when and why."""

    request = models.ForeignKey(
        LicenceRequest, on_delete=models.CASCADE, related_name="moves", verbose_name=_("request")
    )
    from_status = models.CharField(_("from"), max_length=10, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=RequestStatus.choices)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    moved_at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["moved_at", "pk"]
        verbose_name = _("request move")
        verbose_name_plural = _("request moves")
        indexes = [models.Index(fields=["request", "moved_at"], name="licmove_request")]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


def licence_scan_path(instance: "Licence", filename: str) -> str:
    """A server-made name: nothing of the uploaded file name reaches the disk."""
    return f"licensing/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


@audit.track(views=True)  # staff opening a licence scan is recorded too
class Licence(models.Model):
    """A licence a participant holds: issued after a request, or recorded by staff when they held it already.
    Its scan follows the document rules of P1 (registration.documents)."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="licences", verbose_name=_("participant")
    )
    licence_type = models.ForeignKey(
        LicenceType, on_delete=models.PROTECT, related_name="licences", verbose_name=_("licence")
    )
    request = models.OneToOneField(
        LicenceRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="licence",
        verbose_name=_("request"),
    )
    number = models.CharField(_("number"), max_length=40)
    subject = models.CharField(_("for"), max_length=150, blank=True)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    scan = models.FileField(_("scan"), upload_to=licence_scan_path, max_length=200, blank=True)
    scan_content_type = models.CharField(_("scan type"), max_length=32, blank=True)
    scan_size = models.PositiveIntegerField(_("scan size (bytes)"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    reminded_for = models.DateField(
        _("reminded for expiry on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The expiry date the last reminder was sent for: each expiry date is reminded once."),
    )

    class Meta:
        ordering = ["licence_type__position", "-issued_on", "-pk"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        indexes = [
            models.Index(fields=["expires_on"], name="licence_expiry", condition=Q(expires_on__isnull=False)),
            models.Index(fields=["participant", "licence_type"], name="licence_holder"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["licence_type", "number"],
                name="one_licence_per_number",
                violation_error_message=_("A licence of this type with this number is recorded already."),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("issued_on")),
                name="licence_expires_after_issue",
                violation_error_message=EXPIRES_BEFORE_ISSUE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.licence_type} {self.number}"

    def clean(self) -> None:
        super().clean()
        if self.expires_on is not None and self.issued_on is not None and self.expires_on < self.issued_on:
            raise ValidationError({"expires_on": ValidationError(EXPIRES_BEFORE_ISSUE, code="expires_before_issue")})

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.issued_on <= day and (self.expires_on is None or day <= self.expires_on)
