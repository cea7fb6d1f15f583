from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Where a target applies, from the whole program down to one mentor."""

    PROGRAM = "program", _("Program")
    WILAYAH = "wilayah", _("Wilayah")
    KECAMATAN = "kecamatan", _("Kecamatan")
    MENTOR = "mentor", _("Mentor")
