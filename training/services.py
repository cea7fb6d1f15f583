"""Writes of P2 training. Each runs in one transaction and records who acted; messages go through the
notifications outbox in the same transaction.

Seats: every write that changes who holds a seat in a session first locks that session's row
(SELECT ... FOR UPDATE), so concurrent enrolments and cancellations of one session run one after the other
and `Session.enrolled_count` (enrolled + completed) stays exact; the database refuses a count above capacity."""

import datetime
import logging
import secrets
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core import audit
from core.web import absolute_url
from geography.models import Wilayah
from notifications.services import notify
from partners.models import PartnerOrganisation
from registration import measures
from registration.models import Participant

from . import permissions
from .choices import ACTIVE_STATUSES, ATTENDING_STATUSES, EnrolmentStatus, SessionStatus
from .messages import MESSAGES
from .models import Attendance, Certificate, Course, Enrolment, Rating, Session

logger = logging.getLogger(__name__)

CERTIFICATE_ALPHABET: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REMINDER_BATCH_SIZE: Final = 500

ALREADY_ENROLLED = _("You are enrolled in this session already.")
FULL = _("This session is full. You can join its waitlist instead.")
MOVED_INTO_PAST = _("A session cannot be moved to a time that has passed.")
NEW_IN_PAST = _("A new session must start in the future.")
NOT_ATTENDING = _("Some of the people marked are not enrolled in this session.")


# --- the values the services take -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseDetails:
    """What a course teaches and to whom (its organiser apart)."""

    title: str
    skill_type: str
    topic: str
    sector: str
    track_fit: str
    description: str
    completion_threshold: int

    @classmethod
    def of(cls, course: Course) -> "CourseDetails":
        return cls(
            title=course.title,
            skill_type=course.skill_type,
            topic=course.topic,
            sector=course.sector,
            track_fit=course.track_fit,
            description=course.description,
            completion_threshold=course.completion_threshold,
        )

    def apply_to(self, course: Course) -> None:
        course.title = self.title
        course.skill_type = self.skill_type
        course.topic = self.topic
        course.sector = self.sector
        course.track_fit = self.track_fit
        course.description = self.description
        course.completion_threshold = self.completion_threshold


@dataclass(frozen=True)
class Organiser:
    """Who organises a course: a partner organisation, or an agency (`Agency` value); exactly one of them."""

    partner: PartnerOrganisation | None = None
    agency: str = ""

    @classmethod
    def of(cls, course: Course) -> "Organiser":
        return cls(partner=course.organiser_partner, agency=course.organiser_agency)


@dataclass(frozen=True)
class SessionDetails:
    """A session's place, dates and seats (its course, status and seat count apart)."""

    is_online: bool
    wilayah: Wilayah | None
    venue: str
    meeting_url: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    registration_deadline: datetime.datetime
    capacity: int

    @classmethod
    def of(cls, session: Session) -> "SessionDetails":
        return cls(
            is_online=session.is_online,
            wilayah=session.wilayah,
            venue=session.venue,
            meeting_url=session.meeting_url,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            registration_deadline=session.registration_deadline,
            capacity=session.capacity,
        )

    def apply_to(self, session: Session) -> None:
        session.is_online = self.is_online
        session.wilayah = self.wilayah
        session.venue = self.venue
        session.meeting_url = self.meeting_url
        session.starts_at = self.starts_at
        session.ends_at = self.ends_at
        session.registration_deadline = self.registration_deadline
        session.capacity = self.capacity


# --- courses and sessions ---------------------------------------------------------------------------------------


@transaction.atomic
@audit.audited
def course_create(*, details: CourseDetails, organiser: Organiser, acting_user: User) -> Course:
    """A new course, organised by a partner organisation or by an agency (exactly one of them): agency staff for
    anyone, a partner's users for their own organisation."""
    permissions.can_create_course(acting_user, partner=organiser.partner).enforce()
    course = Course(organiser_partner=organiser.partner, organiser_agency=organiser.agency, created_by=acting_user)
    details.apply_to(course)
    course.full_clean()
    course.save()
    return course


@transaction.atomic
@audit.audited
def course_update(
    *, course: Course, details: CourseDetails, acting_user: User, organiser: Organiser | None = None
) -> Course:
    """Change a course. The organiser changes only when given (agency staff may move a course)."""
    locked = Course.objects.select_for_update(of=("self",)).select_related("organiser_partner").get(pk=course.pk)
    permissions.can_edit_course(acting_user, locked).enforce()
    details.apply_to(locked)
    if organiser is not None:
        permissions.can_create_course(acting_user, partner=organiser.partner).enforce()
        locked.organiser_partner = organiser.partner
        locked.organiser_agency = organiser.agency
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
@audit.audited
def course_delete(*, course: Course, acting_user: User) -> None:
    """Delete a course that has no sessions (a mistake caught early)."""
    locked = Course.objects.select_for_update().get(pk=course.pk)
    permissions.can_delete_course(acting_user, locked).enforce()
    locked.delete()


def session_check(*, session: Session, details: SessionDetails, user: User, now: datetime.datetime) -> None:
    """The rules of saving a session (new when it has no id yet) with these details, besides the model's own
    checks: `user` may, and the start is still ahead. It writes nothing. The services call it under the session's
    lock; the admin's form calls it too, to show a refusal on the form."""
    if session.pk is None:
        permissions.can_edit_course(user, session.course).enforce()
        if details.starts_at <= now:
            raise ValidationError({"starts_at": ValidationError(NEW_IN_PAST, code="past")})
    else:
        permissions.can_edit_session(user, session, now=now).enforce()
        if details.starts_at <= now:
            raise ValidationError({"starts_at": ValidationError(MOVED_INTO_PAST, code="past")})


@transaction.atomic
@audit.audited
def session_create(*, course: Course, details: SessionDetails, acting_user: User) -> Session:
    """A new session of a course, starting in the future, as a draft: participants see it once it is announced."""
    session = Session(course=course, created_by=acting_user, status=SessionStatus.DRAFT)
    session_check(session=session, details=details, user=acting_user, now=timezone.now())
    details.apply_to(session)
    session.full_clean()
    session.save()
    return session


def _lock_session(session: Session) -> Session:
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("course__organiser_partner", "wilayah")
        .get(pk=session.pk)
    )


@transaction.atomic
@audit.audited
def session_update(*, session: Session, details: SessionDetails, acting_user: User) -> Session:
    """Change a session that has not started, to a start still ahead. More seats move the waitlist up; a new
    start means everyone is reminded again the day before it."""
    locked = _lock_session(session)
    now = timezone.now()
    session_check(session=locked, details=details, user=acting_user, now=now)
    previous_start = locked.starts_at
    details.apply_to(locked)
    locked.full_clean()
    locked.save()
    if locked.starts_at != previous_start:
        session_reminders_reset(locked)
    fill_from_waitlist(locked, now=now)
    return locked


@transaction.atomic
@audit.audited
def session_announce(*, session: Session, acting_user: User) -> Session:
    """Publish a draft session: participants can find it and enrol until the deadline."""
    locked = _lock_session(session)
    permissions.can_announce(acting_user, locked).enforce()
    locked.status = SessionStatus.ANNOUNCED
    locked.save(update_fields=["status"])
    return locked


@transaction.atomic
@audit.audited
def session_cancel(*, session: Session, acting_user: User) -> Session:
    """Call off a session that has not started: everyone enrolled or waiting is told."""
    locked = _lock_session(session)
    now = timezone.now()
    permissions.can_cancel_session(acting_user, locked, now=now).enforce()
    affected = list(
        Enrolment.objects.select_for_update(of=("self",))
        .filter(session=locked, status__in=ACTIVE_STATUSES)
        .select_related("participant__user")
    )
    for enrolment in affected:
        enrolment.session = locked
        enrolment.status = EnrolmentStatus.CANCELLED
        enrolment.cancelled_at = now
        enrolment.queued_at = now
        _notify(enrolment, "training_session_cancelled")
    Enrolment.objects.bulk_update(affected, ["status", "cancelled_at", "queued_at"])
    locked.status = SessionStatus.CANCELLED
    locked.enrolled_count = 0
    locked.save(update_fields=["status", "enrolled_count"])
    return locked


@transaction.atomic
@audit.audited
def session_delete(*, session: Session, acting_user: User) -> None:
    """Delete a draft session nobody has enrolled in (anything else is cancelled, never deleted)."""
    locked = _lock_session(session)
    permissions.can_delete_session(acting_user, locked).enforce()
    locked.delete()


# --- enrolment --------------------------------------------------------------------------------------------------


def _local_time(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M WIB")


def _notify(enrolment: Enrolment, template: str) -> None:
    """A message about a session to the enrolled participant (session with course and wilayah loaded)."""
    session = enrolment.session
    participant = enrolment.participant
    context = {
        "full_name": participant.full_name,
        "course": session.course.title,
        "starts_at": _local_time(session.starts_at),
        "online": session.is_online,
        "place": session.place,
        "link": absolute_url("training:session", session.pk),
    }
    notify(template=template, context={key: context[key] for key in MESSAGES[template]}, user=participant.user)


@transaction.atomic
@audit.audited
def enrolment_enrol(
    *, session: Session, participant: Participant, acting_user: User, join_waitlist: bool = False
) -> Enrolment:
    """Take a seat in an announced session before its deadline; when it is full, join its waitlist if asked.
    Only a verified participant may enrol."""
    locked = _lock_session(session)
    now = timezone.now()
    permissions.can_enrol(acting_user, locked, participant=participant, now=now).enforce()
    enrolment = Enrolment.objects.filter(session=locked, participant=participant).first()
    if enrolment is not None and enrolment.status != EnrolmentStatus.CANCELLED:
        raise ValidationError(ALREADY_ENROLLED, code="already_enrolled")
    if locked.seats_left > 0:
        status = EnrolmentStatus.ENROLLED
        locked.enrolled_count += 1
        locked.save(update_fields=["enrolled_count"])
    elif join_waitlist:
        status = EnrolmentStatus.WAITLISTED
    else:
        raise ValidationError(FULL, code="full")
    if enrolment is None:
        enrolment = Enrolment(session=locked, participant=participant)
    enrolment.session = locked
    enrolment.participant = participant
    enrolment.status = status
    enrolment.queued_at = now
    enrolment.cancelled_at = None
    enrolment.reminder_sent_at = None  # a row reused after a cancellation is reminded again
    enrolment.save()
    _notify(enrolment, "training_enrolled" if status == EnrolmentStatus.ENROLLED else "training_waitlisted")
    return enrolment


@transaction.atomic
@audit.audited
def enrolment_cancel(*, enrolment: Enrolment, acting_user: User) -> Enrolment:
    """Give up a seat (or a waitlist place) before the session starts. A freed seat goes to the first person
    on the waitlist, who is told."""
    locked_session = _lock_session(enrolment.session)
    locked = Enrolment.objects.select_for_update(of=("self",)).select_related("participant__user").get(pk=enrolment.pk)
    locked.session = locked_session
    now = timezone.now()
    permissions.can_cancel(acting_user, locked, now=now).enforce()
    held_seat = locked.status == EnrolmentStatus.ENROLLED
    locked.status = EnrolmentStatus.CANCELLED
    locked.cancelled_at = now
    locked.queued_at = now
    locked.save(update_fields=["status", "cancelled_at", "queued_at"])
    if held_seat:
        locked_session.enrolled_count -= 1
        locked_session.save(update_fields=["enrolled_count"])
        fill_from_waitlist(locked_session, now=now)
    return locked


def fill_from_waitlist(session: Session, *, now: datetime.datetime) -> list[Enrolment]:
    """Move waitlisted people up, in order, into free seats of a locked, announced session not started yet."""
    free = session.seats_left
    if free <= 0 or not session.moves_waitlist(now):
        return []
    promoted = list(
        Enrolment.objects.select_for_update(of=("self",))
        .filter(session=session, status=EnrolmentStatus.WAITLISTED)
        .select_related("participant__user")
        .order_by("queued_at", "pk")[:free]
    )
    for enrolment in promoted:
        enrolment.session = session
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.queued_at = now
        enrolment.reminder_sent_at = None
        _notify(enrolment, "training_waitlist_promoted")
    if promoted:
        Enrolment.objects.bulk_update(promoted, ["status", "queued_at", "reminder_sent_at"])
        session.enrolled_count += len(promoted)
        session.save(update_fields=["enrolled_count"])
    return promoted


# --- attendance, completion and certificates --------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceOutcome:
    """What a day's attendance changed: certificates issued now, and completions withdrawn because the
    participants marked absent now fall below the course's threshold (their certificates deleted)."""

    issued: list[Certificate] = field(default_factory=list)
    withdrawn: list[Enrolment] = field(default_factory=list)


@transaction.atomic
@audit.audited
def attendance_record(
    *,
    session: Session,
    day: datetime.date,
    present: Collection[int],
    acting_user: User,
    only: Collection[int] | None = None,
) -> AttendanceOutcome:
    """Record who was there on one day of a session (enrolment ids in `present`; everyone else attending is
    marked absent). With `only`, the recording is about those enrolments alone and leaves the others' marks
    as they are (the API: a partner records the participants it sees). Anyone whose attendance reaches the
    course's threshold completes and gets a certificate; anyone completed whom this recording marks absent on
    a day they had been marked present, and who falls below the threshold, is enrolled again and loses the
    certificate."""
    locked = _lock_session(session)
    permissions.can_take_attendance(acting_user, locked, day).enforce()
    attending_rows = Enrolment.objects.select_for_update(of=("self",)).filter(
        session=locked, status__in=ATTENDING_STATUSES
    )
    if only is not None:
        attending_rows = attending_rows.filter(pk__in=list(only))
    attending = list(attending_rows.select_related("participant__user"))
    present_ids = set(present)
    if present_ids - {e.pk for e in attending}:
        raise ValidationError(NOT_ATTENDING, code="not_attending")
    was_present = set(
        Attendance.objects.filter(enrolment__in=attending, day=day, present=True).values_list(
            "enrolment_id", flat=True
        )
    )
    now = timezone.now()
    Attendance.objects.bulk_create(
        [
            Attendance(enrolment=e, day=day, present=e.pk in present_ids, recorded_by=acting_user, recorded_at=now)
            for e in attending
        ],
        update_conflicts=True,
        unique_fields=["enrolment", "day"],
        update_fields=["present", "recorded_by", "recorded_at"],
    )
    unmarked = was_present - present_ids
    return _settle_completions(locked, attending, unmarked=unmarked, now=now, by=acting_user)


def _settle_completions(
    session: Session,
    enrolments: list[Enrolment],
    *,
    unmarked: set[int],
    now: datetime.datetime,
    by: User,
) -> AttendanceOutcome:
    """Complete the enrolled who reached the threshold; withdraw the completion of those `unmarked` (present
    before, absent now) who fell below it. Only a change of attendance withdraws a completion: a course's
    threshold raised later does not take back certificates already issued."""
    required = session.required_days
    attended = dict(
        Attendance.objects.filter(enrolment__in=enrolments, present=True)
        .values("enrolment_id")
        .annotate(n=Count("pk"))
        .values_list("enrolment_id", "n")
    )
    outcome = AttendanceOutcome()
    for enrolment in enrolments:
        enrolment.session = session
        days_present = attended.get(enrolment.pk, 0)
        if enrolment.status == EnrolmentStatus.ENROLLED and days_present >= required:
            outcome.issued.append(_complete(enrolment, now=now))
        elif enrolment.status == EnrolmentStatus.COMPLETED and enrolment.pk in unmarked and days_present < required:
            outcome.withdrawn.append(enrolment)
    if outcome.withdrawn:
        _withdraw_completions(outcome.withdrawn, now=now, by=by)
    return outcome


def _new_certificate_code() -> str:
    body = "".join(secrets.choice(CERTIFICATE_ALPHABET) for _ in range(10))
    return f"JPC-{body[:5]}-{body[5:]}"


def _complete(enrolment: Enrolment, *, now: datetime.datetime) -> Certificate:
    """Mark an enrolment completed and issue its certificate (the enrolment and its session locked)."""
    enrolment.status = EnrolmentStatus.COMPLETED
    enrolment.completed_at = now
    enrolment.queued_at = now
    enrolment.save(update_fields=["status", "completed_at", "queued_at"])
    measures.changed(enrolment.participant_id)
    participant = enrolment.participant
    certificate = Certificate.objects.create(
        enrolment=enrolment,
        code=_new_certificate_code(),
        full_name=participant.full_name,
        course_title=enrolment.session.course.title,
        completed_on=timezone.localdate(now),
        issued_at=now,
    )
    notify(
        template="training_certificate_issued",
        context={
            "full_name": participant.full_name,
            "course": certificate.course_title,
            "code": certificate.code,
            "link": absolute_url("training:mine"),
        },
        user=participant.user,
    )
    return certificate


def _withdraw_completions(enrolments: list[Enrolment], *, now: datetime.datetime, by: User) -> None:
    """Take back completions (enrolments and session locked): enrolled again, the certificates deleted, so the
    public page no longer confirms them. The seat stays taken: a completed enrolment holds it too.

    The participant gets no message. A withdrawal only follows an organiser correcting the attendance they
    recorded, usually soon after a mistaken tick; the completion message cannot be recalled anyway, and My
    trainings and the public page show the truth at once. Should the attendance reach the threshold again, a
    new certificate is issued and its message sent as for any completion."""
    Certificate.objects.filter(enrolment__in=enrolments).delete()
    for enrolment in enrolments:
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.completed_at = None
        enrolment.queued_at = now
    Enrolment.objects.bulk_update(enrolments, ["status", "completed_at", "queued_at"])
    measures.changed(enrolment.participant_id for enrolment in enrolments)
    logger.info(
        "Completion of enrolments %s withdrawn (certificates deleted): attendance recorded by user %s.",
        ", ".join(str(e.pk) for e in enrolments),
        by.pk,
    )


# --- ratings ----------------------------------------------------------------------------------------------------


@transaction.atomic
@audit.audited
def rating_submit(*, enrolment: Enrolment, score: int, comment: str, acting_user: User) -> Rating:
    """Rate a training once, after taking part in it (permissions.can_rate)."""
    locked = (
        Enrolment.objects.select_for_update(of=("self",)).select_related("session", "participant").get(pk=enrolment.pk)
    )
    permissions.can_rate(acting_user, locked).enforce()
    rating = Rating(enrolment=locked, score=score, comment=comment.strip())
    rating.full_clean()
    rating.save()
    return rating


# --- reminders --------------------------------------------------------------------------------------------------


def session_reminders_reset(session: Session) -> None:
    """A session moved to a new start: everyone is reminded again the day before it (within the caller's
    transaction, the session locked)."""
    Enrolment.objects.filter(session=session, reminder_sent_at__isnull=False).update(reminder_sent_at=None)


def session_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind everyone enrolled in an announced session that starts tomorrow (Asia/Jakarta). Each enrolment is
    reminded once: its `reminder_sent_at` is set in the transaction that queues the message, and rows another
    run holds are skipped. Returns how many were reminded."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                Enrolment.objects.select_for_update(of=("self",), skip_locked=True)
                .filter(
                    status=EnrolmentStatus.ENROLLED,
                    reminder_sent_at__isnull=True,
                    session__status=SessionStatus.ANNOUNCED,
                    session__starts_at__gte=start,
                    session__starts_at__lt=end,
                )
                .select_related("session__course", "session__wilayah", "participant__user")
                .order_by("pk")[:REMINDER_BATCH_SIZE]
            )
            if not batch:
                return sent
            for enrolment in batch:
                _notify(enrolment, "training_session_reminder")
                enrolment.reminder_sent_at = now
            Enrolment.objects.bulk_update(batch, ["reminder_sent_at"])
            sent += len(batch)
