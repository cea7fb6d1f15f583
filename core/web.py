"""Small helpers every app's views share."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse


def add_service_errors(form: Any, exc: ValidationError, *, code_fields: Mapping[str, str] | None = None) -> None:
    """Put a service's ValidationError on a form: by field where the form has that field, else on the form.
    `code_fields` sends a field-less error of a given code to a field (e.g. "already_registered" -> "nik")."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error((code_fields or {}).get(str(exc.code)), exc)


def add_service_errors_to_forms(
    forms: Sequence[Any], exc: ValidationError, *, code_fields: Mapping[str, str] | None = None
) -> None:
    """A service's refusal on the several forms of one page: each field's errors on the first form that has the
    field; the rest on the first form (as add_service_errors does)."""
    if not hasattr(exc, "error_dict"):
        add_service_errors(forms[0], exc, code_fields=code_fields)
        return
    for field, errors in exc.error_dict.items():
        target = next((form for form in forms if field in form.fields), forms[0])
        target.add_error(field if field in target.fields else None, errors)


def error_text(exc: ValidationError) -> str:
    """A service's refusal as one sentence for a message."""
    return " ".join(exc.messages)


def absolute_url(name: str, *args: Any) -> str:
    """A link for a message or a document: the portal's configured address, never a request's Host header."""
    return str(settings.SITE_URL) + reverse(name, args=args)


def help_line() -> dict[str, str]:
    """The program's help line (settings.HELP_LINE), for every "ask a person" box; an empty value is not shown."""
    configured: dict[str, Any] = getattr(settings, "HELP_LINE", {}) or {}
    return {key: str(configured.get(key) or "").strip() for key in ("phone", "whatsapp", "email", "hours")}
