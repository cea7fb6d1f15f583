"""Who may manage which account: the predicates the admin asks and the services enforce."""

import pytest

from accounts.models import Role, User
from accounts.permissions import can_change_access, can_change_account, can_give_role, roles_given_by
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_agency_staff_change_program_accounts_but_not_privileged_ones(agency_staff: User, mentor_tebet: User) -> None:
    administrator = UserFactory(email="root@example.id", is_staff=True, is_superuser=True, role=Role.ADMINISTRATOR)
    assert can_change_account(agency_staff, mentor_tebet)
    refusal = can_change_account(agency_staff, administrator)
    assert (refusal.ok, refusal.code) == (False, "privileged_account")
    assert "administrator" in str(refusal.reason)
    assert can_change_account(administrator, agency_staff)
    assert can_change_account(None, administrator)  # the system (a shell, a migration)


def test_only_administrators_give_privileged_roles_and_admin_access(agency_staff: User) -> None:
    administrator = UserFactory(email="root@example.id", is_staff=True, is_superuser=True, role=Role.ADMINISTRATOR)
    assert set(roles_given_by(agency_staff)) == {"entrepreneur", "mentor", "secretariat", "partner"}
    assert set(roles_given_by(administrator)) == set(Role.values)
    assert can_give_role(agency_staff, Role.MENTOR)
    assert can_give_role(agency_staff, Role.AGENCY).code == "privileged_role"
    assert can_give_role(administrator, Role.AGENCY)
    assert can_change_access(agency_staff).code == "admin_access"
    assert can_change_access(administrator)
