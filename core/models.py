"""The one model of core: what core.submissions needs to give a form sent twice one result."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """A form's submission id, claimed by its first request; where that request redirected once finished."""

    key = models.CharField(max_length=64, primary_key=True)  # sha256 of the browser's CSRF cookie and the id
    claimed_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished = models.BooleanField(default=False)
    location = models.CharField(max_length=2000, blank=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return self.key
