"""Who may do what in P3 mentoring. The `can_<action>(user, obj)` predicates check role AND state and return a
`core.decisions.Decision` with the reason a person reads; services enforce them, views, templates and the admin
ask them. Which objects a user reaches at all is the selectors' business (a participant of another kecamatan is
a 404 before any predicate is asked)."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.models import Role, User
from accounts.permissions import AnyUser
from core.decisions import ALLOWED, Decision, deny
from registration.models import Participant
from registration.selectors import is_verified

if TYPE_CHECKING:
    from .models import FollowUp, HelpRequest, MentorAssignment

NOT_MENTOR = _("Only mentors log visits.")
NOT_HERE = _("Only a mentor of the participant's kecamatan does this.")
NOT_VERIFIED = _("The participant is not verified yet: mentoring starts once they are.")
NOT_STAFF = _("Only the kecamatan secretariat and agency staff assign mentors.")
NOT_IN_THREAD = _("Only the participant and their mentor write in this thread.")
NO_PAGE = _("Only mentors and mentoring staff open a participant's mentoring page.")


# --- roles (plain answers: menus, home page, selectors) -------------------------------------------------------


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
    return permissions.is_program_wide(user) or permissions.is_secretariat(user)


def can_open_participants(user: AnyUser) -> bool:
    """Mentoring pages of participants at all: mentors and mentoring staff (scoped by the selectors)."""
    return is_mentor(user) or is_mentoring_staff(user)


def can_see_mentors(user: AnyUser) -> bool:
    """Every mentor's progress and the incentive report."""
    return is_mentoring_staff(user)


# --- decisions on one object ----------------------------------------------------------------------------------


def _of_office(user: AnyUser, participant: Participant) -> bool:
    """Program-wide staff reach every kecamatan; office staff their own."""
    return permissions.serves(user, participant.kecamatan_id)


def can_open_participant(user: AnyUser, participant: Participant) -> Decision:
    """The mentoring page of a verified participant: mentors and secretariat of their kecamatan, agency staff."""
    if not can_open_participants(user) or not _of_office(user, participant):
        return deny("not_allowed", NO_PAGE)
    if not is_verified(participant):
        return deny("not_verified", NOT_VERIFIED)
    return ALLOWED


def can_log_visit(user: AnyUser, participant: Participant) -> Decision:
    """An active mentor of the participant's kecamatan, once the participant is verified."""
    if not isinstance(user, User) or user.role != Role.MENTOR:
        return deny("not_mentor", NOT_MENTOR)
    if not is_active_mentor_of(user, participant.kecamatan_id):
        return deny("wrong_kecamatan", NOT_HERE)
    if not is_verified(participant):
        return deny("not_verified", NOT_VERIFIED)
    return ALLOWED


def can_ask_for_help(user: AnyUser, participant: Participant) -> Decision:
    """A participant asks their mentor: only for themself, once verified (the mentor is checked by the service)."""
    if not isinstance(user, User) or participant.user_id != user.pk:
        return deny("not_allowed", _("Only the participant asks for help in their own name."))
    if not is_verified(participant):
        return deny("not_verified", NOT_VERIFIED)
    return ALLOWED


def can_mark_follow_up_done(user: AnyUser, follow_up: "FollowUp") -> Decision:
    """An active mentor of the participant's kecamatan; marking a done follow-up again changes nothing."""
    if not isinstance(user, User) or user.role != Role.MENTOR:
        return deny("not_mentor", NOT_HERE)
    if not is_active_mentor_of(user, follow_up.participant.kecamatan_id):
        return deny("wrong_kecamatan", NOT_HERE)
    return ALLOWED


def can_assign_mentor(user: AnyUser, participant: Participant) -> Decision:
    """The secretariat of the participant's kecamatan, or agency staff, for a verified participant."""
    if not is_mentoring_staff(user) or not _of_office(user, participant):
        return deny("not_allowed", NOT_STAFF)
    if not is_verified(participant):
        return deny("not_verified", _("Only a verified participant gets a mentor."))
    return ALLOWED


def can_change_stage(user: AnyUser, assignment: "MentorAssignment") -> Decision:
    """The stage of an active assignment (an ended one is history and never rewritten)."""
    if not assignment.active:
        return deny("ended", _("This assignment has ended; its history is not rewritten."))
    if is_mentoring_staff(user) or is_active_mentor_of(user, assignment.participant.kecamatan_id):
        return ALLOWED
    return deny("not_allowed", NOT_HERE)


def can_reply_in_thread(user: AnyUser, thread: "HelpRequest") -> Decision:
    """Writing in a help thread (a reply opens a closed one again): its participant and its mentor only.
    Colleagues of the mentor and staff may read it (selectors.help_requests_for) but never answer in the
    mentor's place."""
    if not isinstance(user, User):
        return deny("not_allowed", NOT_IN_THREAD)
    if thread.participant.user_id == user.pk or (is_mentor(user) and thread.mentor_id == user.pk):
        return ALLOWED
    return deny("not_allowed", NOT_IN_THREAD)


def can_close_thread(user: AnyUser, thread: "HelpRequest") -> Decision:
    """Closing: who may write in it; closing a closed thread again changes nothing and is allowed."""
    return can_reply_in_thread(user, thread)
