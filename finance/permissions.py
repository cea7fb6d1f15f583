"""Who may record P6 figures. Predicates check role AND state and return a `core.decisions.Decision` with the
reason a person reads; the services enforce them, the pages and the admin ask them. Finance sits above
mentoring: whether a user is a mentor of the participant's kecamatan is mentoring's rule, asked here."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import permissions as account_permissions
from accounts.models import User
from accounts.permissions import AnyUser
from core.dates import EARLIEST_MONTH, FIRST_PROGRAM_YEAR, first_of_month
from core.decisions import ALLOWED, Decision, deny
from mentoring import permissions as mentoring_permissions
from registration.models import Participant

NOT_ALLOWED = _("Only the participant, a mentor of their kecamatan or agency staff record their monthly figures.")
FUTURE_MONTH = _("This month has not come yet.")
TOO_EARLY = _("Give a month from the year %(year)s on.")


def can_record_on_behalf(user: AnyUser, participant: Participant) -> Decision:
    """A mentor's monthly-indicator page for this participant: an active mentor of the participant's kecamatan
    (staff record in the admin, the participant on their own pages later)."""
    if not mentoring_permissions.is_active_mentor_of(user, participant.kecamatan_id):
        return deny("not_allowed", _("Only a mentor of the participant's kecamatan records on their behalf."))
    return ALLOWED


def check_month_decision(month: datetime.date, *, today: datetime.date | None = None) -> Decision:
    month = first_of_month(month)
    if month > first_of_month(today or timezone.localdate()):
        return deny("future_month", FUTURE_MONTH)
    if month < EARLIEST_MONTH:
        return deny("month_too_early", TOO_EARLY % {"year": FIRST_PROGRAM_YEAR})
    return ALLOWED


def _of_the_book(user: AnyUser, participant: Participant) -> bool:
    """Who reads a participant's figures and records them: the participant, an active mentor of their kecamatan,
    agency staff (no query)."""
    return isinstance(user, User) and (
        participant.user_id == user.pk
        or mentoring_permissions.is_active_mentor_of(user, participant.kecamatan_id)
        or account_permissions.is_program_wide(user)
    )


def can_record_month(user: AnyUser, participant: Participant, month: datetime.date) -> Decision:
    """Recording a participant's figures of `month`: the participant themself, an active mentor of their
    kecamatan, or agency staff (in the admin); for a month of the program that has come."""
    if not _of_the_book(user, participant):
        return deny("not_allowed", NOT_ALLOWED)
    return check_month_decision(month)


# --- the books: the cash book, money owed, imports, statements ----------------------------------------------------

BOOKS_NOT_YOURS = _("Only the participant, a mentor of their kecamatan and agency staff see a business's books.")
KEEP_NOT_YOURS = _("Only the participant keeps their own books.")
NOT_VERIFIED = _("Bookkeeping opens once your registration is verified.")
MONTH_CLOSED = _("The books are closed up to %(month)s. Reopen that month first to change them.")
REOPEN_NOT_ALLOWED = _("Only the participant and agency staff reopen a closed month.")
CLOSE_NOT_ALLOWED = _("Only the participant and agency staff close a month.")
MONTH_NOT_OVER = _("A month closes once it is over.")


def can_view_books(user: AnyUser, participant: Participant) -> Decision:
    """Reading a business's books, reports and statements: the participant, an active mentor of their
    kecamatan, agency staff."""
    if not _of_the_book(user, participant):
        return deny("not_allowed", BOOKS_NOT_YOURS)
    return ALLOWED


def can_keep_books(user: AnyUser, participant: Participant, *, verified: bool) -> Decision:
    """Writing the cash book, money owed, imports and statements: the participant themself, once verified
    (`verified`: the caller knows it, e.g. registration.selectors.is_verified). Mentors help in person and
    record monthly figures on the participant's behalf (`can_record_month`), never the book."""
    if not isinstance(user, User) or participant.user_id != user.pk:
        return deny("not_allowed", KEEP_NOT_YOURS)
    if not verified:
        return deny("not_verified", NOT_VERIFIED)
    return ALLOWED


def month_open_decision(month: datetime.date, *, latest_closed: datetime.date | None) -> Decision:
    """A change dated in `month` (an entry, money owed, the month's report): refused while that month or a later
    one is closed, since a closed month's figures (its assets above all) rest on every month before it. Closing a
    month closes the earlier ones; reopening one reopens the later ones (`services.records`). `latest_closed`:
    the caller read it (`selectors.latest_closed_month`)."""
    if latest_closed is not None and first_of_month(month) <= latest_closed:
        return deny("month_closed", MONTH_CLOSED % {"month": f"{latest_closed:%Y-%m}"})
    return ALLOWED


def _is_participant_or_staff(user: AnyUser, participant: Participant) -> bool:
    return isinstance(user, User) and (participant.user_id == user.pk or account_permissions.is_program_wide(user))


def can_close_month(user: AnyUser, participant: Participant) -> Decision:
    """Closing a month's books (and the earlier ones): the participant and agency staff."""
    if not _is_participant_or_staff(user, participant):
        return deny("not_allowed", CLOSE_NOT_ALLOWED)
    return ALLOWED


def month_close_decision(month: datetime.date, *, today: datetime.date) -> Decision:
    """A month closes once it is over: the current month may still get entries."""
    if first_of_month(month) >= first_of_month(today):
        return deny("month_not_over", MONTH_NOT_OVER)
    return ALLOWED


def can_reopen_month(user: AnyUser, participant: Participant) -> Decision:
    if not _is_participant_or_staff(user, participant):
        return deny("not_allowed", REOPEN_NOT_ALLOWED)
    return ALLOWED


def can_view_program(user: AnyUser) -> Decision:
    """The program's before-and-after and changes of class, over every participant: agency staff."""
    if not isinstance(user, User) or not account_permissions.is_program_wide(user):
        return deny("not_allowed", _("Only agency staff see the program's figures."))
    return ALLOWED
