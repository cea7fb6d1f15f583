"""Model fields shared by the apps."""

from typing import Any

from django import forms
from django.db import models


class HttpsURLField(models.URLField):  # type: ignore[type-arg]
    """A URL whose form field completes a bare host with https:// (Django 6's default, today)."""

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": forms.URLField, "assume_scheme": "https", **kwargs})
