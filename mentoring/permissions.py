"""Who may do what in P3 mentoring, by role. Which objects they reach is the selectors' business."""

from typing import TYPE_CHECKING

from accounts import permissions
from accounts.models import Role, User
from accounts.permissions import AnyUser

if TYPE_CHECKING:
    from .models import HelpRequest


def is_mentor(user: AnyUser) -> bool:
    """A mentor working from a kecamatan office."""
    return isinstance(user, User) and permissions.is_office_staff(user) and user.role == Role.MENTOR


def is_active_mentor_of(user: AnyUser, kecamatan_id: int | None) -> bool:
    """An active mentor account of that kecamatan office: the only kind of account that follows, is reminded
    about or is asked by a participant of that kecamatan (selectors.active_mentors lists them)."""
    return (
        isinstance(user, User)
        and user.is_active
        and user.role == Role.MENTOR
        and kecamatan_id is not None
        and user.office_id == kecamatan_id
    )


def is_mentoring_staff(user: AnyUser) -> bool:
    """Staff who oversee mentors: the kecamatan secretariat (their office) and agency staff (all)."""
    return permissions.is_program_wide(user) or (
        isinstance(user, User) and permissions.is_office_staff(user) and user.role == Role.SECRETARIAT
    )


def can_open_participants(user: AnyUser) -> bool:
    """The mentoring page of a participant: mentors and mentoring staff (scoped by the selectors)."""
    return is_mentor(user) or is_mentoring_staff(user)


def can_log_visits(user: AnyUser) -> bool:
    return is_mentor(user)


def can_assign_mentors(user: AnyUser) -> bool:
    return is_mentoring_staff(user)


def can_record_indicators(user: AnyUser) -> bool:
    return is_mentor(user)


def can_see_mentors(user: AnyUser) -> bool:
    """Every mentor's progress and the incentive report."""
    return is_mentoring_staff(user)


def can_write_help(user: AnyUser, help_request: "HelpRequest") -> bool:
    """Writing in a help thread, and closing it: its participant and its mentor only. Colleagues of the mentor
    and staff may read it (selectors.help_requests_for) but never answer in the mentor's place."""
    if not isinstance(user, User):
        return False
    return help_request.participant.user_id == user.pk or (is_mentor(user) and help_request.mentor_id == user.pk)
