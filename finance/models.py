"""P6 financial reporting. For now the monthly indicator record: a participant's turnover, workers and assets for
one month, the three figures the program measures success by. A mentor may record it on the participant's
behalf; the participant's own financial reports fill the same record later."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import audit
from registration.models import Participant


class Source(models.TextChoices):
    MENTOR = "mentor", _("Mentor, on the participant's behalf")
    PARTICIPANT = "participant", _("The participant")


@audit.track()
class MonthlyRecord(models.Model):
    """One participant's indicators for one month (`month` is the first day of that month). Money in whole rupiah."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="monthly_records", verbose_name=_("participant")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    turnover = models.BigIntegerField(_("turnover (Rp)"))
    workers = models.PositiveIntegerField(_("workers"))
    assets = models.BigIntegerField(_("assets (Rp)"))
    source = models.CharField(_("recorded by whom"), max_length=12, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly indicator record")
        verbose_name_plural = _("monthly indicator records")
        constraints = [
            # also the index of "a participant's records, newest month first"
            models.UniqueConstraint(fields=["participant", "month"], name="finance_one_record_per_month"),
            models.CheckConstraint(
                condition=Q(turnover__gte=0) & Q(assets__gte=0), name="finance_record_money_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["month"], name="finance_record_month")]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.month:%Y-%m}"
