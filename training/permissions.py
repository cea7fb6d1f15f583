"""Who may do what in P2 training, checking role AND state: `can_<action>(user, obj, ...) -> Decision`.

Services enforce these (`.enforce()`); views, templates and the admin only ask them. The state half of every rule
is a model method (`Session.is_open_for_enrolment`, `Enrolment.can_cancel`, `Session.can_take_attendance` ...);
here it is joined with who asks, and each refusal gets its code and the sentence a person reads.

Organisers: agency staff organise every course; a partner's users only their organisation's. The organiser
predicates take the `scope` a view has worked out already (one query for a partner user), so asking them on a
page costs nothing more."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.permissions import AnyUser
from core.decisions import ALLOWED, Decision, deny
from partners.models import PartnerOrganisation
from partners.selectors import organisation_of
from registration.models import Participant
from registration.selectors import is_verified

from .choices import EnrolmentStatus, SessionStatus
from .models import Course, Enrolment, Session

NOT_ORGANISER = _("Only agency staff and the organising partner's users organise trainings.")
NOT_THEIR_COURSE = _("This course is organised by someone else.")
NOT_VERIFIED = _("Only participants whose registration is verified can enrol in a training.")
NOT_OWN = _("This enrolment is someone else's.")
NOT_OPEN = _("This session is not open for enrolment.")
DEADLINE_PASSED = _("The registration deadline of this session has passed.")
NOT_CANCELLABLE = _("This enrolment can no longer be cancelled.")
STARTED = _("This session has started already.")
SESSION_CLOSED = _("This session was cancelled; it cannot be changed.")
NOT_DRAFT = _("Only a draft session can be announced.")
ANNOUNCE_TOO_LATE = _("The registration deadline has passed: change the dates before announcing.")
SESSION_NOT_TAKING_ATTENDANCE = _("Attendance is taken only for an announced session.")
NOT_A_SESSION_DAY = _("This session does not run on that day.")
FUTURE_DAY = _("Attendance can be taken from the day itself, not before.")
OTHER_TRACK = _(
    "This training is for %(fit)s; you joined JakPreneur as a %(track)s. Choose a training for your track."
)
ALREADY_COMPLETED = _("You have completed this course already (%(title)s): choose another training.")
CANNOT_RATE_YET = _("You can rate a training after its session, if you took part in it.")
ALREADY_RATED = _("You have rated this training already.")
SESSION_NOT_DELETABLE = _("Only a draft session nobody has enrolled in can be deleted; cancel it instead.")
COURSE_HAS_SESSIONS = _("A course with sessions cannot be deleted.")


@dataclass(frozen=True)
class OrganiserScope:
    """What an organiser works on: the whole program, or one partner organisation's courses."""

    program_wide: bool
    partner: PartnerOrganisation | None = None

    def covers(self, course: Course) -> bool:
        return self.program_wide or (self.partner is not None and course.organiser_partner_id == self.partner.pk)

    def covers_partner(self, partner: PartnerOrganisation | None) -> bool:
        """Whether a course organised by `partner` (None: an agency) may be in this scope."""
        return self.program_wide or (self.partner is not None and partner == self.partner)


def organiser_scope(user: AnyUser) -> OrganiserScope | None:
    """The courses a user may organise, or None when they organise none (one query for a partner user)."""
    if permissions.is_program_wide(user):
        return OrganiserScope(program_wide=True)
    organisation = organisation_of(user)
    if organisation is not None:
        return OrganiserScope(program_wide=False, partner=organisation)
    return None


def _scope_of(user: AnyUser, scope: OrganiserScope | None) -> OrganiserScope | None:
    return scope if scope is not None else organiser_scope(user)


# --- organisers -------------------------------------------------------------------------------------------------


def can_organise(user: AnyUser, *, scope: OrganiserScope | None = None) -> Decision:
    """Whether the user organises trainings at all (agency staff, an active partner's users)."""
    if _scope_of(user, scope) is None:
        return deny("not_organiser", NOT_ORGANISER)
    return ALLOWED


def can_create_course(
    user: AnyUser, *, partner: PartnerOrganisation | None, scope: OrganiserScope | None = None
) -> Decision:
    """A course organised by `partner` (None: an agency): agency staff any; a partner's users their own."""
    scope = _scope_of(user, scope)
    if scope is None:
        return deny("not_organiser", NOT_ORGANISER)
    if not scope.covers_partner(partner):
        return deny("not_their_course", NOT_THEIR_COURSE)
    return ALLOWED


def can_edit_course(user: AnyUser, course: Course, *, scope: OrganiserScope | None = None) -> Decision:
    """Change a course, or add a session to it: its organiser."""
    scope = _scope_of(user, scope)
    if scope is None:
        return deny("not_organiser", NOT_ORGANISER)
    if not scope.covers(course):
        return deny("not_their_course", NOT_THEIR_COURSE)
    return ALLOWED


def can_delete_course(user: AnyUser, course: Course, *, scope: OrganiserScope | None = None) -> Decision:
    """Delete a course: its organiser, while it has no sessions (a query)."""
    decision = can_edit_course(user, course, scope=scope)
    if decision and course.sessions.exists():
        return deny("has_sessions", COURSE_HAS_SESSIONS)
    return decision


def can_edit_session(
    user: AnyUser,
    session: Session,
    *,
    now: datetime.datetime | None = None,
    scope: OrganiserScope | None = None,
) -> Decision:
    """Change a session, or call it off: its organiser, before it starts, unless it was cancelled."""
    decision = can_edit_course(user, session.course, scope=scope)
    if not decision:
        return decision
    if not session.can_change(now or timezone.now()):
        if session.status == SessionStatus.CANCELLED:
            return deny("cancelled", SESSION_CLOSED)
        return deny("started", STARTED)
    return ALLOWED


def can_cancel_session(
    user: AnyUser,
    session: Session,
    *,
    now: datetime.datetime | None = None,
    scope: OrganiserScope | None = None,
) -> Decision:
    """Calling a session off follows the rule of changing it."""
    return can_edit_session(user, session, now=now, scope=scope)


def can_announce(
    user: AnyUser,
    session: Session,
    *,
    now: datetime.datetime | None = None,
    scope: OrganiserScope | None = None,
) -> Decision:
    """Publish a draft session: its organiser, before its registration deadline."""
    decision = can_edit_course(user, session.course, scope=scope)
    if not decision:
        return decision
    if not session.can_announce(now or timezone.now()):
        if session.status != SessionStatus.DRAFT:
            return deny("not_draft", NOT_DRAFT)
        return deny("deadline_passed", ANNOUNCE_TOO_LATE)
    return ALLOWED


def can_delete_session(user: AnyUser, session: Session, *, scope: OrganiserScope | None = None) -> Decision:
    """Delete a session: its organiser, while it is a draft nobody enrolled in (a query)."""
    decision = can_edit_course(user, session.course, scope=scope)
    if decision and not session.can_be_deleted():
        return deny("not_deletable", SESSION_NOT_DELETABLE)
    return decision


def can_take_attendance(
    user: AnyUser,
    session: Session,
    day: datetime.date,
    *,
    today: datetime.date | None = None,
    scope: OrganiserScope | None = None,
) -> Decision:
    """Record who was there on a day: the session's organiser, for an announced session, from that day on."""
    decision = can_edit_course(user, session.course, scope=scope)
    if not decision:
        return decision
    today = today or timezone.localdate()
    if not session.can_take_attendance(day, today):
        if session.status != SessionStatus.ANNOUNCED:
            return deny("not_announced", SESSION_NOT_TAKING_ATTENDANCE)
        if day not in session.days:
            return deny("not_session_day", NOT_A_SESSION_DAY)
        return deny("future_day", FUTURE_DAY)
    return ALLOWED


# --- participants -----------------------------------------------------------------------------------------------


def _acts_for(user: AnyUser, participant: Participant) -> bool:
    """The participant themself (agency staff act for anyone)."""
    return (user.is_authenticated and participant.user_id == user.pk) or permissions.is_program_wide(user)


def can_enrol(
    user: AnyUser,
    session: Session,
    *,
    participant: Participant | None,
    now: datetime.datetime | None = None,
) -> Decision:
    """Take a seat (or a waitlist place) in a session: a verified participant, for themself, while the session is
    open for enrolment, in a course for their track that they have not completed yet (refused, not warned: a
    completed course has given its certificate, and the seat is someone else's).
    `participant` is the user's own record as the page loaded it (None: they have none).
    Whether a seat is left is the service's to say, under the session's lock."""
    if participant is None or not is_verified(participant):
        return deny("not_verified", NOT_VERIFIED)
    if not _acts_for(user, participant):
        return deny("not_own", NOT_OWN)
    if not session.is_open_for_enrolment(now or timezone.now()):
        if session.status != SessionStatus.ANNOUNCED:
            return deny("not_open", NOT_OPEN)
        return deny("deadline_passed", DEADLINE_PASSED)
    course = session.course
    if not course.suits_track(participant.track):
        return deny(
            "other_track",
            OTHER_TRACK % {"fit": course.get_track_fit_display(), "track": participant.get_track_display()},
        )
    if completed_course(session, participant):
        return deny("already_completed", ALREADY_COMPLETED % {"title": course.title})
    return ALLOWED


def completed_course(session: Session, participant: Participant) -> bool:
    """Whether the participant completed the session's course in another session: from the page's annotation
    (`my_course_completed`, selectors._with_my_status) when there is one, else a query."""
    annotated = getattr(session, "my_course_completed", None)
    if annotated is not None:
        return bool(annotated)
    return (
        Enrolment.objects.filter(
            participant=participant, session__course_id=session.course_id, status=EnrolmentStatus.COMPLETED
        )
        .exclude(session_id=session.pk)
        .exists()
    )


def can_cancel(user: AnyUser, enrolment: Enrolment, *, now: datetime.datetime | None = None) -> Decision:
    """Give up a seat or a waitlist place: the participant, until the session starts."""
    if not _acts_for(user, enrolment.participant):
        return deny("not_own", NOT_OWN)
    if not enrolment.can_cancel(now or timezone.now()):
        if not enrolment.is_active:
            return deny("not_active", NOT_CANCELLABLE)
        return deny("started", STARTED)
    return ALLOWED


def can_rate(user: AnyUser, enrolment: Enrolment, *, now: datetime.datetime | None = None) -> Decision:
    """Rate a training once: the participant who took part in it (nobody for them), after the session or on
    completing it."""
    if not (user.is_authenticated and enrolment.participant.user_id == user.pk):
        return deny("not_own", NOT_OWN)
    if enrolment.is_rated:
        return deny("already_rated", ALREADY_RATED)
    if not enrolment.can_be_rated(now or timezone.now()):
        return deny("cannot_rate", CANNOT_RATE_YET)
    return ALLOWED
