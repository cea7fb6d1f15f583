"""Reads of the financial statements issued: a participant's own, those the user may download, and the public
check of a code (only what the public page shows is read)."""

import re

from django.db.models import QuerySet

from accounts.permissions import AnyUser
from registration.models import Participant
from registration.selectors import scope_of

from ..models import Statement

_NOT_CODE = re.compile(r"[^0-9A-Z]")


def normalised_code(code: str) -> str:
    """A code as a person may type it (lower case, with spaces or dashes) as it is stored."""
    return _NOT_CODE.sub("", code.upper())


def statements_of(participant: Participant) -> QuerySet[Statement]:
    """The participant's statements, newest first, without their figures."""
    return Statement.objects.filter(participant=participant).defer("figures").order_by("-issued_at", "-pk")


def statements_for(user: AnyUser) -> QuerySet[Statement]:
    """Statements of the participants the user sees, with the participant (whose kecamatan the caller's
    `permissions.can_view_books` reads): a statement found here still needs that decision."""
    return Statement.objects.filter(scope_of(user, "participant__")).select_related("participant")


def statement_by_code(code: str) -> Statement | None:
    """The public check of a statement: its code, business, period, issue date and figures, nothing else."""
    return (
        Statement.objects.filter(code=normalised_code(code))
        .only("code", "business_name", "period_start", "period_end", "language", "issued_at", "figures")
        .first()
    )
