"""P3 mentoring (pendampingan): which mentor follows which participant, the visits they log with the follow-ups
agreed, the participant's help requests, the mentors' yearly targets and their own trainings."""

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from core import audit
from core.dates import FIRST_PROGRAM_YEAR, LAST_PROGRAM_YEAR
from registration.journey import STEPS
from registration.models import InParticipantKecamatan, Participant

STEP_CODES = [code for code, _title, _title_id in STEPS]
STEP_CHOICES = [(code, format_lazy("{} · {}", code, title)) for code, title, _title_id in STEPS]
MENTORS_ONLY = {"role": Role.MENTOR}


class EndReason(models.TextChoices):
    REASSIGNED = "reassigned", _("Another mentor took over")
    MENTOR_LEFT = "mentor_left", _("The mentor left the kecamatan or the program")
    PARTICIPANT_MOVED = "moved", _("The participant moved to another kecamatan")


# Its kecamatan is left out of the trail: the participant's when assigned, never changed afterwards
@audit.track(exclude=["kecamatan"])
class MentorAssignment(InParticipantKecamatan):
    """A participant followed by a mentor. Reassigning ends the active row and starts a new one, so the
    history stays; at most one row per participant is active. An assignment also ends, without a successor,
    when its mentor leaves (account deactivated, no longer a mentor, moved to another office) or its participant
    moves to another kecamatan."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="mentor_assignments", verbose_name=_("participant")
    )
    # `kecamatan` (InParticipantKecamatan) never changes: a participant who moves leaves the assignment
    # (services.assignment_end_for_moved_participant). The caseload, active assignments whose kecamatan is the
    # mentor's office, is then read from the assignments alone (the index mentoring_caseload_kec), where reading
    # each participant's kecamatan cost a mentors' progress page 4,900 lookups twice.
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mentee_assignments",
        limit_choices_to=MENTORS_ONLY,
        verbose_name=_("mentor"),
    )
    active = models.BooleanField(_("active"), default=True)
    stage = models.CharField(
        _("stage"),
        max_length=2,
        choices=STEP_CHOICES,
        default="P2",
        help_text=_("The step of the program the participant is working on now."),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned by")
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    reason = models.CharField(_("reason for the change"), max_length=200, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=12, choices=EndReason.choices, blank=True)

    class Meta:
        ordering = ["-assigned_at", "-pk"]
        verbose_name = _("mentor assignment")
        verbose_name_plural = _("mentor assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["participant"], condition=Q(active=True), name="mentoring_one_active_mentor"
            ),
            models.CheckConstraint(
                condition=Q(active=True, ended_at__isnull=True) | Q(active=False, ended_at__isnull=False),
                name="mentoring_assignment_ended_iff_inactive",
            ),
            models.CheckConstraint(condition=Q(stage__in=STEP_CODES), name="mentoring_assignment_stage_valid"),
            models.CheckConstraint(
                condition=Q(end_reason__in=["", *EndReason.values]), name="mentoring_assignment_end_reason_valid"
            ),
        ]
        indexes = [
            # a mentor's caseload, and the load of each mentor when assigning
            models.Index(fields=["mentor", "participant"], condition=Q(active=True), name="mentoring_caseload"),
            models.Index(
                fields=["mentor", "kecamatan", "participant"], condition=Q(active=True), name="mentoring_caseload_kec"
            ),
            # a kecamatan's assignments, newest first (the admin's list filtered by kecamatan)
            models.Index(fields=["kecamatan", "-id"], name="mentoring_assign_kec_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} → {self.mentor_id}"


class VisitKind(models.TextChoices):
    FIELD = "field", _("Field visit")
    OFFICE = "office", _("At the kecamatan office")
    ONLINE = "online", _("Online")
    PHONE = "phone", _("Phone call")


def validate_steps(value: Any) -> None:
    """A list of distinct program step codes (P1 to P7)."""
    if not isinstance(value, list) or any(code not in STEP_CODES for code in value) or len(set(value)) != len(value):
        raise ValidationError(_("Choose program steps from P1 to P7."), code="invalid_steps")


def visit_photo_path(instance: "Visit", filename: str) -> str:
    """A server-made name: nothing of the uploaded file name reaches the disk."""
    return f"mentoring/visits/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


@audit.track()
class Visit(models.Model):
    """A mentor's contact with a participant. Its notes reach the participant only when marked shared."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits",
        limit_choices_to=MENTORS_ONLY,
        verbose_name=_("mentor"),
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="visits", verbose_name=_("participant")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=VisitKind.choices)
    # A JSON list of step codes: portable (SQLite and PostgreSQL), read whole, never filtered on.
    steps = models.JSONField(_("program steps discussed"), default=list, blank=True, validators=[validate_steps])
    notes = models.TextField(_("notes"))
    shared = models.BooleanField(
        _("share the notes with the participant"),
        default=False,
        help_text=_("Shared notes, follow-ups and photo are shown to the participant; others stay with the mentors."),
    )
    photo = models.FileField(_("photo"), upload_to=visit_photo_path, max_length=200, blank=True)
    photo_content_type = models.CharField(_("photo type"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [
            models.Index(fields=["-date", "-id"], name="mentoring_visit_newest"),  # the admin list
            models.Index(fields=["participant", "-date"], name="mentoring_visit_participant"),
            models.Index(fields=["mentor", "date"], name="mentoring_visit_mentor_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=VisitKind.values), name="mentoring_visit_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"

    @property
    def step_labels(self) -> list[str]:
        labels = dict(STEP_CHOICES)
        return [str(labels[code]) for code in self.steps if code in labels]


@audit.track()
class FollowUp(models.Model):
    """Something agreed at a visit, to be done by a date. `participant` repeats the visit's, so that the
    caseload finds open follow-ups through one index."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("visit"))
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("participant")
    )
    what = models.CharField(_("what"), max_length=200)
    due_date = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [
            models.Index(fields=["-due_date", "-id"], name="mentoring_fu_newest"),  # the admin list
            models.Index(
                fields=["participant", "due_date"], condition=Q(done_at__isnull=True), name="mentoring_fu_open"
            ),
            models.Index(
                fields=["due_date"],
                condition=Q(done_at__isnull=True, reminded_at__isnull=True),
                name="mentoring_fu_remind",
            ),
            models.Index(fields=["done_by", "done_at"], name="mentoring_fu_done"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, done_by__isnull=True)
                | Q(done_at__isnull=False, done_by__isnull=False),
                name="mentoring_fu_done_has_who",
            )
        ]

    def __str__(self) -> str:
        return self.what

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class HelpTopic(models.TextChoices):
    TRAINING = "P2", _("Training")
    LICENSING = "P4", _("Licences (NIB, P-IRT, halal, trademark)")
    MARKETING = "P5", _("Selling and marketing")
    FINANCE = "P6", _("Bookkeeping and financial reports")
    CAPITAL = "P7", _("Capital and loans")
    BUSINESS = "business", _("Running my business")
    OTHER = "other", _("Something else")


class HelpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


@audit.track()
class HelpRequest(models.Model):
    """A participant asks their mentor for help; both write in the thread until one of them closes it."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="help_requests", verbose_name=_("participant")
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="help_requests",
        limit_choices_to=MENTORS_ONLY,
        verbose_name=_("mentor"),
    )
    topic = models.CharField(_("topic"), max_length=10, choices=HelpTopic.choices)
    subject = models.CharField(_("subject"), max_length=120)
    status = models.CharField(_("status"), max_length=8, choices=HelpStatus.choices, default=HelpStatus.OPEN)
    awaiting_mentor = models.BooleanField(_("waiting for the mentor"), default=True)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message"), default=timezone.now)

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        indexes = [
            models.Index(fields=["-last_message_at", "-id"], name="mentoring_help_newest"),  # the admin list
            models.Index(fields=["mentor", "status", "last_message_at"], name="mentoring_help_inbox"),
            models.Index(fields=["participant", "-last_message_at"], name="mentoring_help_participant"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(topic__in=HelpTopic.values), name="mentoring_help_topic_valid"),
            models.CheckConstraint(condition=Q(status__in=HelpStatus.values), name="mentoring_help_status_valid"),
        ]

    def __str__(self) -> str:
        return self.subject


@audit.track()
class HelpMessage(models.Model):
    request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="messages", verbose_name=_("help request")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("help message")
        verbose_name_plural = _("help messages")

    def __str__(self) -> str:
        return self.body[:60]


class TargetBasis(models.TextChoices):
    REGISTERED = "registered", _("Registered by the mentor")
    VERIFIED = "verified", _("Registered by the mentor and verified")


@audit.track()
class MentorTarget(models.Model):
    """A mentor's yearly target: new participants (counted when registered, or only once verified) and visits."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentor_targets",
        limit_choices_to=MENTORS_ONLY,
        verbose_name=_("mentor"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    participants = models.PositiveIntegerField(_("target of new participants"))
    basis = models.CharField(
        _("new participants count when"),
        max_length=10,
        choices=TargetBasis.choices,
        default=TargetBasis.VERIFIED,
    )
    visits = models.PositiveIntegerField(_("target of visits"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("set by")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-year", "mentor"]
        verbose_name = _("mentor target")
        verbose_name_plural = _("mentor targets")
        constraints = [
            models.UniqueConstraint(fields=["mentor", "year"], name="mentoring_one_target_per_year"),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_PROGRAM_YEAR, year__lte=LAST_PROGRAM_YEAR),
                name="mentoring_target_year_range",
            ),
            models.CheckConstraint(condition=Q(basis__in=TargetBasis.values), name="mentoring_target_basis_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} {self.year}"


class MentorTrainingKind(models.TextChoices):
    TECHNICAL = "technical", _("Technical")
    TAX = "tax", _("Tax")
    BPOM = "bpom", _("Food safety (BPOM)")
    OTHER = "other", _("Other")


@audit.track()
class MentorTraining(models.Model):
    """A training a mentor attended (mentor development), recorded by staff."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="trainings_attended",
        limit_choices_to=MENTORS_ONLY,
        verbose_name=_("mentor"),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=MentorTrainingKind.choices)
    date = models.DateField(_("date"))
    organiser = models.CharField(_("organiser"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("mentor training")
        verbose_name_plural = _("mentor trainings")
        indexes = [models.Index(fields=["mentor", "-date"], name="mentoring_training_mentor")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MentorTrainingKind.values), name="mentoring_training_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return self.title
