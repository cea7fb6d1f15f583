"""Targets and the summary tables the dashboard reads.

- `Target`: a yearly number to reach, for one measure, at the program, a wilayah, a kecamatan or a mentor.
- `Progress`: one row per participant, the day each measure was reached (from the step apps' expressions,
  `registration.measures`), their kecamatan, current mentor and cohort (the year they registered).
- `MeasureCount`: how many reached a measure in a month, by cohort, kecamatan and mentor.
- `GapCount`: how many took a given number of days from one funnel step to the next, by cohort, kecamatan
  and mentor (the median time between steps comes from it, exactly).

The three summaries are written only by `targets.summary` (after each change and rebuilt nightly); a page
never counts the program itself."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import audit
from geography.models import Kecamatan, Wilayah
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
            models.Index(fields=["kecamatan", "mentor"], name="progress_kec_mentor"),
            models.Index(fields=["mentor", "cohort"], name="progress_mentor_cohort"),
            models.Index(fields=["kecamatan", "cohort"], name="progress_kec_cohort"),
        ]

    def __str__(self) -> str:
        return f"progress of participant {self.participant_id}"


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
