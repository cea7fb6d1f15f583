"""Who may do what, by role. Views and selectors ask these instead of testing roles inline."""

from django.contrib.auth.models import AnonymousUser

from .models import OFFICE_ROLES, Role, User

AnyUser = User | AnonymousUser


def is_program_wide(user: AnyUser) -> bool:
    """Agency staff and administrators see the whole program."""
    return isinstance(user, User) and user.sees_whole_program


def is_office_staff(user: AnyUser) -> bool:
    """Mentors and secretariat members, who work from one kecamatan office."""
    return user.is_authenticated and user.role in OFFICE_ROLES and user.office_id is not None


def can_register_walk_ins(user: AnyUser) -> bool:
    return is_office_staff(user)


def is_secretariat(user: AnyUser) -> bool:
    """A member of a kecamatan secretariat, working from their office (the one secretariat rule)."""
    return is_office_staff(user) and user.role == Role.SECRETARIAT


def can_verify_registrations(user: AnyUser) -> bool:
    return is_program_wide(user) or is_secretariat(user)


def is_entrepreneur(user: AnyUser) -> bool:
    return user.is_authenticated and user.role == Role.ENTREPRENEUR
