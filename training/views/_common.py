"""Helpers shared by the training pages."""

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest

from accounts.models import User


def user_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def add_errors(form: BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: by field where the form has that field."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
