"""Helpers shared by the P3 pages."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts.models import User

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
REPORT_MAX_MONTHS = 12


def current_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def add_service_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
