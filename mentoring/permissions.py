"""Who may do what in P3 mentoring, by role. Which objects they reach is the selectors' business."""

from accounts import permissions
from accounts.models import Role, User
from accounts.permissions import AnyUser


def is_mentor(user: AnyUser) -> bool:
    """A mentor working from a kecamatan office."""
    return isinstance(user, User) and permissions.is_office_staff(user) and user.role == Role.MENTOR


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
