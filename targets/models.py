"""Targets and the summary tables the dashboard reads.

- `Target`: a yearly number to reach, for one measure, at the program, a wilayah, a kecamatan or a mentor.
- `Progress`: one row per participant, the day each measure was reached (from the step apps' expressions,
  `registration.measures`), their kecamatan, current mentor and cohort (the year they registered).
- `MeasureCount`: how many reached a measure in a month, by cohort, kecamatan and mentor.
- `AreaCount`: the same without the mentor (what the program, a wilayah or a kecamatan counts).
- `GapCount`: how many took a given number of days from one funnel step to the next, by cohort and kecamatan
  (the median time between steps of the program, a wilayah or a kecamatan comes from it, exactly; a mentor's is
  asked of Progress).

The three summaries are written only by `targets.summary` (after each change and rebuilt nightly); a page
never counts the program itself.

- `AgreementOutcome`: an agreement's participants served and how many of them reached each covered step's measure in
  its period, as agency staff or the partner's own users count them (`targets.partners`), counted nightly; the
  partner performance page reads it and counts live only an agreement it does not fit (terms changed since)."""

import datetime
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core import audit
from geography.models import Kecamatan, Wilayah
from partners.models import Agreement
from registration.measures import Measure

from .choices import Level

MEASURE_LENGTH = 12


@audit.track()
class Target(models.Model):
    """The number of participants to reach `measure` in `year`, for the area or mentor its level names."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2020), MaxValueValidator(2100)])
    measure = models.CharField(_("measure"), max_length=MEASURE_LENGTH, choices=Measure.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    wilayah = models.ForeignKey(
        Wilayah, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("wilayah")
    )
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("kecamatan")
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mentor"),
    )
    value = models.PositiveIntegerField(_("target"), validators=[MinValueValidator(1)])
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("updated by")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["-year", "level", "measure"]
        constraints = [
            models.CheckConstraint(
                name="target_level_names_its_area",
                condition=(
                    Q(level=Level.PROGRAM, wilayah__isnull=True, kecamatan__isnull=True, mentor__isnull=True)
                    | Q(level=Level.WILAYAH, wilayah__isnull=False, kecamatan__isnull=True, mentor__isnull=True)
                    | Q(level=Level.KECAMATAN, wilayah__isnull=True, kecamatan__isnull=False, mentor__isnull=True)
                    | Q(level=Level.MENTOR, wilayah__isnull=True, kecamatan__isnull=True, mentor__isnull=False)
                ),
            ),
            models.UniqueConstraint(
                fields=["year", "measure", "level", "wilayah", "kecamatan", "mentor"],
                nulls_distinct=False,
                name="one_target_per_year_measure_and_area",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_measure_display()} {self.get_level_display()}: {self.value}"


class Progress(models.Model):
    """When one participant reached each measure (NULL: not yet). Derived data, rewritten by targets.summary."""

    # No cascade: a deleted participant's row stays until the refresh that follows (or the nightly rebuild)
    # removes it and recounts the cells it was in.
    participant = models.OneToOneField(
        "registration.Participant",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="progress",
    )
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="+")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cohort = models.PositiveSmallIntegerField(help_text="The year the participant registered.")
    registered_on = models.DateField()
    verified_on = models.DateField(null=True)
    trained_on = models.DateField(null=True)
    mentored_on = models.DateField(null=True)
    licensed_on = models.DateField(null=True)
    marketed_on = models.DateField(null=True)
    reporting_on = models.DateField(null=True)
    capitalised_on = models.DateField(null=True)
    formal_on = models.DateField(null=True)
    moved_up_on = models.DateField(null=True)

    class Meta:
        indexes = [
            *(
                models.Index(fields=["kecamatan", f"{measure.value}_on"], name=f"progress_kec_{measure.value}")
                for measure in Measure
            ),
            # the participants behind a number of the whole program, newest first: the rows of one measure in a
            # year, read in the page's order (sorting the year's 250,000 verified took 150 ms at a million)
            *(
                models.Index(
                    fields=[f"-{measure.value}_on", "-participant"],
                    condition=Q(**{f"{measure.value}_on__isnull": False}),
                    name=f"progress_{measure.value}_newest",
                )
                for measure in Measure
            ),
            models.Index(fields=["kecamatan", "mentor"], name="progress_kec_mentor"),
            models.Index(fields=["mentor", "cohort"], name="progress_mentor_cohort"),
            models.Index(fields=["kecamatan", "cohort"], name="progress_kec_cohort"),
        ]

    def __str__(self) -> str:
        return f"progress of participant {self.participant_id}"


class Audience(models.TextChoices):
    """Who the partner performance figures are counted for: agency staff (those who consented to the partner
    under the agreement and those who took part in its activities) or the partner's own users (its consenting
    participants alone, each step's outcome only for those whose consent is for that step)."""

    AGENCY = "agency", _("agency staff")
    PARTNER = "partner", _("the partner")


class AgreementOutcome(models.Model):
    """An agreement's participants served in its period (`start` to `end`, both included) and, by measure value
    (`reached`), how many of them first reached that measure within it, for one audience, with the steps the
    agreement covered when counted. Derived data, rewritten by `targets.partners.outcomes_count` (nightly):
    never audited, never edited."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    start = models.DateField()
    end = models.DateField()
    steps = ArrayField(models.CharField(max_length=2))
    served = models.PositiveIntegerField()
    reached = models.JSONField()  # {measure value: count}
    counted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "audience"], name="agreement_outcome_unique"),
        ]

    def __str__(self) -> str:
        return f"outcomes of agreement {self.agreement_id} for {self.audience}"


class MeasureCount(models.Model):
    """How many participants of `cohort`, in `kecamatan`, with `mentor` (NULL: none), reached `measure` in `month`."""

    measure = models.CharField(max_length=MEASURE_LENGTH, choices=Measure.choices)
    month = models.DateField(help_text="The first day of the month.")
    cohort = models.PositiveSmallIntegerField()
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="+")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    n = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "month", "cohort", "kecamatan", "mentor"],
                nulls_distinct=False,
                name="one_measure_count_per_cell",
            ),
        ]
        indexes = [
            models.Index(fields=["month", "measure"], name="measurecount_month"),
            models.Index(fields=["cohort", "measure"], name="measurecount_cohort"),
            models.Index(fields=["kecamatan", "month"], name="measurecount_kec_month"),
            models.Index(fields=["mentor", "month"], name="measurecount_mentor_month"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.month:%Y-%m} cohort {self.cohort}: {self.n}"


class AreaCount(models.Model):
    """MeasureCount without the mentor: how many participants of `cohort`, in `kecamatan`, reached `measure` in
    `month`, whoever their mentor. The figures of the program, a wilayah or a kecamatan read it (at a million
    participants a sixteenth of MeasureCount's rows); a mentor's read MeasureCount. Kept by `targets.summary`
    with MeasureCount, from it."""

    measure = models.CharField(max_length=MEASURE_LENGTH, choices=Measure.choices)
    month = models.DateField(help_text="The first day of the month.")
    cohort = models.PositiveSmallIntegerField()
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="+")
    n = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kecamatan", "measure", "month", "cohort"], name="one_area_count_per_cell"
            ),
        ]
        indexes = [
            models.Index(fields=["month", "measure"], name="areacount_month"),
            models.Index(fields=["cohort", "measure"], name="areacount_cohort"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.month:%Y-%m} cohort {self.cohort} in {self.kecamatan_id}: {self.n}"


class GapCount(models.Model):
    """How many participants of `cohort` in `kecamatan` reached funnel step `measure` `days` days after the step
    before it (never negative: a step done before the previous one counts as 0 days). By kecamatan only: the
    median of a wilayah or the program comes from it exactly; a mentor's (a few hundred participants) is asked
    of Progress directly."""

    measure = models.CharField(max_length=MEASURE_LENGTH, choices=Measure.choices)
    cohort = models.PositiveSmallIntegerField()
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="+")
    days = models.PositiveIntegerField()
    n = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["measure", "cohort", "kecamatan", "days"], name="one_gap_count_per_cell"),
        ]
        indexes = [
            models.Index(fields=["cohort", "measure", "days"], name="gapcount_cohort"),
            models.Index(fields=["kecamatan", "cohort"], name="gapcount_kec_cohort"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} cohort {self.cohort} after {self.days} days: {self.n}"


# --- the targets' spreadsheet upload and the weekly reports (targets.services, targets.reports) --------------------


class ImportStatus(models.TextChoices):
    CHECKED = "checked", _("Checked, waiting for a decision")
    SAVED = "saved", _("Saved")
    DISCARDED = "discarded", _("Discarded")


@audit.track(exclude=["rows", "errors"])  # the rows saved are the targets' own trail
class TargetImport(models.Model):
    """A spreadsheet of targets checked row by row. Its good rows wait here (`rows`, typed values as JSON) with the
    errors of the others (`errors`, by row and field, in the language of the person who sent it), until they save
    all (no errors), save the good rows, or discard it."""

    file_name = models.CharField(_("file"), max_length=200)
    file_hash = models.CharField(max_length=64)
    rows = models.JSONField(default=list)
    errors = models.JSONField(default=list)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKED)
    saved_count = models.PositiveIntegerField(_("targets saved"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("checked"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("target import")
        verbose_name_plural = _("target imports")

    def __str__(self) -> str:
        return self.file_name


def report_path(instance: "Report", filename: str) -> str:
    """A server-made name in private storage: the week and a random part, the extension of the kind."""
    extension = filename.rsplit(".", 1)[-1]
    return f"reports/{instance.week_start:%Y}/{instance.week_start:%Y-%m-%d}-{uuid.uuid4().hex}.{extension}"


@audit.track(views=True)  # each download is recorded
class Report(models.Model):
    """The weekly target report of the week starting `week_start` (a Monday): an XLSX workbook and a PDF summary in
    private storage, built from the summary tables on `built_at` (by `built_by`, or by the scheduler when empty).
    One a week: building it again replaces its files."""

    week_start = models.DateField(_("week from"), unique=True)
    counted_to = models.DateField(_("counted to"), help_text=_("The week's last day counted: today, for this week."))
    year = models.PositiveSmallIntegerField(_("year"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    xlsx = models.FileField(_("workbook"), upload_to=report_path, max_length=200)
    pdf = models.FileField(_("PDF"), upload_to=report_path, max_length=200)
    built_at = models.DateTimeField(_("built"))
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("built by"),
        help_text=_("Empty: built by the weekly schedule."),
    )
    announced_at = models.DateTimeField(_("staff told"), null=True, blank=True)

    class Meta:
        ordering = ["-week_start"]
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        constraints = [
            models.CheckConstraint(name="report_week_starts_on_monday", condition=Q(week_start__iso_week_day=1)),
            models.CheckConstraint(
                name="report_counts_within_its_week",
                condition=Q(counted_to__gte=models.F("week_start"))
                & Q(counted_to__lte=models.F("week_start") + datetime.timedelta(days=6)),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Week of %(day)s") % {"day": date_format(self.week_start, "j M Y")})

    @property
    def week_end(self) -> datetime.date:
        return self.week_start + datetime.timedelta(days=6)
