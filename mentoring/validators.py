"""The domain rules of what a mentor logs, called by the services (so a shell, an import or the API gets the
same answers with the same codes) and by the forms, to show them next to the field."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.documents import validate_document

PHOTO_TYPES = {"image/jpeg", "image/png"}
# How far back a visit may be logged: enough for a mentor catching up, short enough to catch a mistyped year.
VISIT_MAX_AGE_DAYS = 366
FOLLOW_UP_MAX_DAYS = 366
NOT_A_PHOTO = _("Only JPEG or PNG photos are accepted; this file is not one, whatever its name.")


def validate_photo(upload: Any) -> str:
    """The content type of an acceptable visit photo (JPEG or PNG, checked as documents are), or why not."""
    try:
        content_type = validate_document(upload)
    except ValidationError as exc:
        if exc.code == "file_type":
            raise ValidationError(NOT_A_PHOTO, code="file_type") from exc
        raise
    if content_type not in PHOTO_TYPES:
        raise ValidationError(NOT_A_PHOTO, code="file_type")
    return content_type


def check_visit_date(date: datetime.date, *, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    if date > today:
        raise ValidationError(_("A visit cannot be in the future."), code="future")
    if date < today - datetime.timedelta(days=VISIT_MAX_AGE_DAYS):
        raise ValidationError(_("Log visits of the last twelve months only."), code="too_old")


def check_follow_up_due(
    due: datetime.date, *, visit_date: datetime.date | None = None, today: datetime.date | None = None
) -> None:
    today = today or timezone.localdate()
    if due > today + datetime.timedelta(days=FOLLOW_UP_MAX_DAYS):
        raise ValidationError(_("Choose a date within the next twelve months."), code="too_far")
    if visit_date is not None and due < visit_date:
        raise ValidationError(_("A follow-up falls due on or after the visit."), code="before_visit")
