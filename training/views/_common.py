"""Helpers shared by the training pages."""

from django.core.exceptions import ValidationError


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)
