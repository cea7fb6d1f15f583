"""The P3 predicates: role AND state, with the reason a person reads (its code here)."""

import pytest
from django.utils import translation

from accounts.models import User
from accounts.tests.factories import office
from mentoring import permissions
from mentoring.tests.factories import (
    AssignmentFactory,
    FollowUpFactory,
    HelpRequestFactory,
    MentorFactory,
    VisitFactory,
    verified_participant,
)
from registration.choices import Status
from registration.models import Participant

pytestmark = pytest.mark.django_db


def unverified(participant: Participant) -> Participant:
    participant.registration.status = Status.SUBMITTED
    return participant


def test_a_kecamatan_mentor_logs_a_visit_of_a_verified_participant(siti: Participant, mentor_tebet: User) -> None:
    assert permissions.can_log_visit(mentor_tebet, siti)
    assert permissions.can_log_visit(mentor_tebet, siti).reason == ""


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("mentor_gambir", "wrong_kecamatan"),
        ("secretariat_tebet", "not_mentor"),
        ("agency_staff", "not_mentor"),
        ("entrepreneur", "not_mentor"),
    ],
)
def test_who_may_not_log_a_visit_and_why(
    request: pytest.FixtureRequest, siti: Participant, who: str, code: str
) -> None:
    decision = permissions.can_log_visit(request.getfixturevalue(who), siti)
    assert not decision
    assert decision.code == code
    with translation.override("en"):
        assert str(decision.reason)


def test_an_inactive_mentor_or_an_unverified_participant_is_refused(siti: Participant, mentor_tebet: User) -> None:
    assert permissions.can_log_visit(mentor_tebet, unverified(siti)).code == "not_verified"
    gone = MentorFactory(is_active=False)
    assert permissions.can_log_visit(gone, verified_participant("Tebet")).code == "wrong_kecamatan"


@pytest.mark.parametrize(
    ("who", "ok", "code"),
    [
        ("mentor_tebet", True, ""),
        ("secretariat_tebet", True, ""),
        ("agency_staff", True, ""),
        ("mentor_gambir", False, "not_allowed"),
        ("entrepreneur", False, "not_allowed"),
        ("partner_user", False, "not_allowed"),
    ],
)
def test_who_opens_a_participants_mentoring_page(
    request: pytest.FixtureRequest, siti: Participant, who: str, ok: bool, code: str
) -> None:
    decision = permissions.can_open_participant(request.getfixturevalue(who), siti)
    assert (decision.ok, decision.code) == (ok, code)


def test_opening_an_unverified_participant_is_refused(siti: Participant, mentor_tebet: User) -> None:
    assert permissions.can_open_participant(mentor_tebet, unverified(siti)).code == "not_verified"


@pytest.mark.parametrize(
    ("who", "ok", "code"),
    [
        ("secretariat_tebet", True, ""),
        ("agency_staff", True, ""),
        ("mentor_tebet", False, "not_allowed"),
        ("entrepreneur", False, "not_allowed"),
    ],
)
def test_who_assigns_a_mentor(
    request: pytest.FixtureRequest, siti: Participant, who: str, ok: bool, code: str
) -> None:
    decision = permissions.can_assign_mentor(request.getfixturevalue(who), siti)
    assert (decision.ok, decision.code) == (ok, code)


def test_a_secretariat_assigns_in_its_own_kecamatan_only(secretariat_tebet: User) -> None:
    assert permissions.can_assign_mentor(secretariat_tebet, verified_participant("Gambir")).code == "not_allowed"
    assert permissions.can_assign_mentor(secretariat_tebet, unverified(verified_participant())).code == "not_verified"


def test_only_the_participant_and_the_threads_mentor_write_in_it(
    siti: Participant, mentor_tebet: User, entrepreneur: User, secretariat_tebet: User
) -> None:
    thread = HelpRequestFactory(participant=siti, mentor=mentor_tebet)
    assert permissions.can_reply_in_thread(entrepreneur, thread)
    assert permissions.can_reply_in_thread(mentor_tebet, thread)
    assert permissions.can_close_thread(mentor_tebet, thread)
    colleague = MentorFactory()
    for outsider in (colleague, secretariat_tebet):
        assert permissions.can_reply_in_thread(outsider, thread).code == "not_allowed"
        assert permissions.can_close_thread(outsider, thread).code == "not_allowed"


def test_asking_for_help_is_the_participants_own(siti: Participant, entrepreneur: User, mentor_tebet: User) -> None:
    assert permissions.can_ask_for_help(entrepreneur, siti)
    assert permissions.can_ask_for_help(mentor_tebet, siti).code == "not_allowed"
    assert permissions.can_ask_for_help(entrepreneur, unverified(siti)).code == "not_verified"


def test_follow_ups_are_marked_done_by_a_mentor_of_the_kecamatan(
    siti: Participant, mentor_tebet: User, mentor_gambir: User, secretariat_tebet: User
) -> None:
    follow_up = FollowUpFactory(visit=VisitFactory(participant=siti, mentor=mentor_tebet))
    assert permissions.can_mark_follow_up_done(mentor_tebet, follow_up)
    assert permissions.can_mark_follow_up_done(mentor_gambir, follow_up).code == "wrong_kecamatan"
    assert permissions.can_mark_follow_up_done(secretariat_tebet, follow_up).code == "not_mentor"


def test_the_stage_of_an_ended_assignment_is_history(agency_staff: User, mentor_tebet: User) -> None:
    active = AssignmentFactory(mentor=mentor_tebet)
    assert permissions.can_change_stage(agency_staff, active)
    active.active = False
    assert permissions.can_change_stage(agency_staff, active).code == "ended"
    assert permissions.can_change_stage(MentorFactory(office=office("Gambir")), AssignmentFactory()).code == (
        "not_allowed"
    )


def test_the_secretariat_rule_is_accounts_one(secretariat_tebet: User, agency_staff: User, mentor_tebet: User) -> None:
    assert permissions.is_mentoring_staff(secretariat_tebet) and permissions.is_mentoring_staff(agency_staff)
    assert not permissions.is_mentoring_staff(mentor_tebet)
    secretariat_tebet.office = None
    assert not permissions.is_mentoring_staff(secretariat_tebet)
