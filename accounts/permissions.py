"""Who may do what, by role. Views and selectors ask these instead of testing roles inline."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from core.decisions import ALLOWED, Decision, deny

from .models import OFFICE_ROLES, Role, User

AnyUser = User | AnonymousUser


def is_program_wide(user: AnyUser) -> bool:
    """Agency staff and administrators see the whole program."""
    return isinstance(user, User) and user.sees_whole_program


def is_office_staff(user: AnyUser) -> bool:
    """Mentors and secretariat members, who work from one kecamatan office."""
    return user.is_authenticated and user.role in OFFICE_ROLES and user.office_id is not None


def works_in(user: AnyUser, kecamatan_id: int | None) -> bool:
    """Office staff (a mentor or the secretariat) of that kecamatan's office (no query)."""
    return is_office_staff(user) and kecamatan_id is not None and user.office_id == kecamatan_id  # type: ignore[union-attr]


def serves(user: AnyUser, kecamatan_id: int | None) -> bool:
    """Program staff of that kecamatan: agency staff anywhere, office staff of its office (no query)."""
    return is_program_wide(user) or works_in(user, kecamatan_id)


def can_register_walk_ins(user: AnyUser) -> bool:
    return is_office_staff(user)


def is_secretariat(user: AnyUser) -> bool:
    """A member of a kecamatan secretariat, working from their office (the one secretariat rule)."""
    return isinstance(user, User) and is_office_staff(user) and user.role == Role.SECRETARIAT


def can_verify_registrations(user: AnyUser) -> bool:
    return is_program_wide(user) or is_secretariat(user)


def is_entrepreneur(user: AnyUser) -> bool:
    return user.is_authenticated and user.role == Role.ENTREPRENEUR


# --- managing accounts (the admin, later imports): who may change whom --------------------------------------

PRIVILEGED_ROLES = (Role.AGENCY, Role.ADMINISTRATOR)


def is_privileged(user: User) -> bool:
    """An account with admin access or a program-wide role."""
    return user.is_superuser or user.is_staff or user.role in PRIVILEGED_ROLES


def can_change_account(actor: AnyUser | None, account: User) -> Decision:
    """Agency staff manage program accounts (entrepreneurs, mentors, secretariat, partners); accounts with admin
    access or a program-wide role stay with administrators, so nobody can raise their own reach. None is the
    system (a shell, a task)."""
    if actor is None or actor.is_superuser or not is_privileged(account):
        return ALLOWED
    return deny("privileged_account", _("Only an administrator may change an account with admin access."))


def roles_given_by(actor: AnyUser | None) -> list[str]:
    """The roles an actor may give an account."""
    if actor is None or actor.is_superuser:
        return list(Role.values)
    return [role.value for role in Role if role not in PRIVILEGED_ROLES]


def can_give_role(actor: AnyUser | None, role: str) -> Decision:
    if role in roles_given_by(actor):
        return ALLOWED
    return deny("privileged_role", _("Only an administrator may give this role."))


def can_change_access(actor: AnyUser | None) -> Decision:
    """Admin access, superuser status, groups and permissions: administrators only."""
    if actor is None or actor.is_superuser:
        return ALLOWED
    return deny("admin_access", _("Only an administrator may change admin access."))


# --- the second factor -----------------------------------------------------------------------------------------

# Everyone who reads or changes other people's data logs in with a second factor; entrepreneurs may choose to.
# Partner users read consented participants' data: all of them, not only their organisation's administrators.
SECOND_FACTOR_ROLES = (Role.MENTOR, Role.SECRETARIAT, Role.AGENCY, Role.PARTNER, Role.ADMINISTRATOR)


def requires_second_factor(user: User) -> bool:
    """Staff of every kind, partner users and anyone with admin access (the admin asks it of all of them)."""
    return user.is_staff or user.is_superuser or user.role in SECOND_FACTOR_ROLES


def can_remove_second_factor(user: User) -> Decision:
    """An entrepreneur may turn their second factor off again; those who must have one may only replace it."""
    if requires_second_factor(user):
        return deny(
            "second_factor_required", _("Your role requires a second factor: you can replace it, not turn it off.")
        )
    return ALLOWED


def can_reset_second_factor(actor: AnyUser | None, account: User) -> Decision:
    """Someone who lost their phone and their recovery codes asks staff: agency staff reset a program account's
    second factor, administrators a privileged one, never their own (another person checks who is asking)."""
    if actor is None:
        return ALLOWED
    if actor.pk == account.pk:
        return deny("own_account", _("Ask another staff member to reset your own second factor."))
    if not is_program_wide(actor):
        return deny("not_program_staff", _("Only agency staff may reset a second factor."))
    return can_change_account(actor, account)
