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
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.web import absolute_url
from notifications.services import notify
from partners.models import PartnerOrganisation
from registration.models import Participant
from registration.selectors import is_verified

from .choices import ACTIVE_STATUSES, ATTENDING_STATUSES, EnrolmentStatus, SessionStatus
from .messages import MESSAGES
from .models import Attendance, Certificate, Course, Enrolment, Rating, Session

logger = logging.getLogger(__name__)

CERTIFICATE_ALPHABET: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REMINDER_BATCH_SIZE: Final = 500

COURSE_FIELDS: Final = frozenset(
    {"title", "skill_type", "topic", "sector", "track_fit", "description", "completion_threshold"}
)
SESSION_FIELDS: Final = frozenset(
    {"is_online", "wilayah", "venue", "meeting_url", "starts_at", "ends_at", "registration_deadline", "capacity"}
)

NOT_VERIFIED = _("Only participants whose registration is verified can enrol in a training.")
NOT_OPEN = _("This session is not open for enrolment.")
DEADLINE_PASSED = _("The registration deadline of this session has passed.")
ALREADY_ENROLLED = _("You are enrolled in this session already.")
FULL = _("This session is full. You can join its waitlist instead.")
NOT_CANCELLABLE = _("This enrolment can no longer be cancelled.")
STARTED = _("This session has started already.")
MOVED_INTO_PAST = _("A session cannot be moved to a time that has passed.")
NOT_DRAFT = _("Only a draft session can be announced.")
ANNOUNCE_TOO_LATE = _("The registration deadline has passed: change the dates before announcing.")
SESSION_CLOSED = _("This session was cancelled; it cannot be changed.")
NOT_A_SESSION_DAY = _("This session does not run on that day.")
FUTURE_DAY = _("Attendance can be taken from the day itself, not before.")
NOT_ATTENDING = _("Some of the people marked are not enrolled in this session.")
SESSION_NOT_TAKING_ATTENDANCE = _("Attendance is taken only for an announced session.")
CANNOT_RATE_YET = _("You can rate a training after its session, if you took part in it.")
ALREADY_RATED = _("You have rated this training already.")


# --- courses and sessions ---------------------------------------------------------------------------------------


def _apply(instance: Any, fields: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(instance, name, value)


@transaction.atomic
def course_create(
    *,
    organiser_partner: PartnerOrganisation | None,
    organiser_agency: str,
    acting_user: User,
    **fields: Any,
) -> Course:
    """A new course, organised by a partner organisation or by an agency (exactly one of them)."""
    course = Course(organiser_partner=organiser_partner, organiser_agency=organiser_agency, created_by=acting_user)
    _apply(course, fields, COURSE_FIELDS)
    course.full_clean()
    course.save()
    return course


@transaction.atomic
def course_update(
    *,
    course: Course,
    acting_user: User,
    organiser_partner: PartnerOrganisation | None = None,
    organiser_agency: str | None = None,
    **fields: Any,
) -> Course:
    """Change a course. The organiser changes only when given (agency staff may move a course)."""
    locked = Course.objects.select_for_update().get(pk=course.pk)
    _apply(locked, fields, COURSE_FIELDS)
    if organiser_agency is not None:
        locked.organiser_partner = organiser_partner
        locked.organiser_agency = organiser_agency
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def session_create(*, course: Course, acting_user: User, **fields: Any) -> Session:
    """A new session of a course, as a draft: participants see it once it is announced."""
    session = Session(course=course, created_by=acting_user, status=SessionStatus.DRAFT)
    _apply(session, fields, SESSION_FIELDS)
    session.full_clean()
    session.save()
    return session


def _lock_session(session: Session) -> Session:
    return Session.objects.select_for_update(of=("self",)).select_related("course", "wilayah").get(pk=session.pk)


@transaction.atomic
def session_update(*, session: Session, acting_user: User, **fields: Any) -> Session:
    """Change a session that has not started, to a start still ahead. More seats move the waitlist up; a new
    start means everyone is reminded again the day before it."""
    locked = _lock_session(session)
    now = timezone.now()
    if locked.status == SessionStatus.CANCELLED:
        raise ValidationError(SESSION_CLOSED, code="cancelled")
    if now >= locked.starts_at:
        raise ValidationError(STARTED, code="started")
    previous_start = locked.starts_at
    _apply(locked, fields, SESSION_FIELDS)
    if locked.starts_at <= now:
        raise ValidationError({"starts_at": ValidationError(MOVED_INTO_PAST, code="past")})
    locked.full_clean()
    locked.save()
    if locked.starts_at != previous_start:
        session_reminders_reset(locked)
    fill_from_waitlist(locked, now=now)
    return locked


@transaction.atomic
def session_announce(*, session: Session, acting_user: User) -> Session:
    """Publish a draft session: participants can find it and enrol until the deadline."""
    locked = _lock_session(session)
    if locked.status != SessionStatus.DRAFT:
        raise ValidationError(NOT_DRAFT, code="not_draft")
    if timezone.now() > locked.registration_deadline:
        raise ValidationError(ANNOUNCE_TOO_LATE, code="deadline_passed")
    locked.status = SessionStatus.ANNOUNCED
    locked.save(update_fields=["status"])
    return locked


@transaction.atomic
def session_cancel(*, session: Session, acting_user: User) -> Session:
    """Call off a session that has not started: everyone enrolled or waiting is told."""
    locked = _lock_session(session)
    now = timezone.now()
    if locked.status == SessionStatus.CANCELLED:
        raise ValidationError(SESSION_CLOSED, code="cancelled")
    if now >= locked.starts_at:
        raise ValidationError(STARTED, code="started")
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
def enrolment_enrol(
    *, session: Session, participant: Participant, acting_user: User, join_waitlist: bool = False
) -> Enrolment:
    """Take a seat in an announced session before its deadline; when it is full, join its waitlist if asked.
    Only a verified participant may enrol."""
    if not is_verified(participant):
        raise ValidationError(NOT_VERIFIED, code="not_verified")
    locked = _lock_session(session)
    now = timezone.now()
    if locked.status != SessionStatus.ANNOUNCED:
        raise ValidationError(NOT_OPEN, code="not_open")
    if now > locked.registration_deadline:
        raise ValidationError(DEADLINE_PASSED, code="deadline_passed")
    enrolment = Enrolment.objects.filter(session=locked, participant=participant).first()
    if enrolment is not None and enrolment.status != EnrolmentStatus.CANCELLED:
        raise ValidationError(ALREADY_ENROLLED, code="already_enrolled")
    if locked.enrolled_count < locked.capacity:
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
    enrolment.status = status
    enrolment.queued_at = now
    enrolment.cancelled_at = None
    enrolment.reminder_sent_at = None  # a row reused after a cancellation is reminded again
    enrolment.save()
    _notify(enrolment, "training_enrolled" if status == EnrolmentStatus.ENROLLED else "training_waitlisted")
    return enrolment


@transaction.atomic
def enrolment_cancel(*, enrolment: Enrolment, acting_user: User) -> Enrolment:
    """Give up a seat (or a waitlist place) before the session starts. A freed seat goes to the first person
    on the waitlist, who is told."""
    locked_session = _lock_session(enrolment.session)
    locked = Enrolment.objects.select_for_update(of=("self",)).select_related("participant__user").get(pk=enrolment.pk)
    locked.session = locked_session
    now = timezone.now()
    if locked.status not in ACTIVE_STATUSES:
        raise ValidationError(NOT_CANCELLABLE, code="not_active")
    if now >= locked_session.starts_at:
        raise ValidationError(STARTED, code="started")
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
    free = session.capacity - session.enrolled_count
    if free <= 0 or session.status != SessionStatus.ANNOUNCED or now >= session.starts_at:
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
def attendance_record(
    *, session: Session, day: datetime.date, present: Collection[int], acting_user: User
) -> AttendanceOutcome:
    """Record who was there on one day of a session (enrolment ids in `present`; everyone else attending is
    marked absent). Anyone whose attendance reaches the course's threshold completes and gets a certificate;
    anyone completed whom this recording marks absent on a day they had been marked present, and who falls
    below the threshold, is enrolled again and loses the certificate."""
    locked = _lock_session(session)
    if locked.status != SessionStatus.ANNOUNCED:
        raise ValidationError(SESSION_NOT_TAKING_ATTENDANCE, code="not_announced")
    days = locked.days
    if day not in days:
        raise ValidationError(NOT_A_SESSION_DAY, code="not_session_day")
    if day > timezone.localdate():
        raise ValidationError(FUTURE_DAY, code="future_day")
    attending = list(
        Enrolment.objects.select_for_update(of=("self",))
        .filter(session=locked, status__in=ATTENDING_STATUSES)
        .select_related("participant__user")
    )
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
    return _settle_completions(locked, attending, unmarked=unmarked, total_days=len(days), now=now, by=acting_user)


def _settle_completions(
    session: Session,
    enrolments: list[Enrolment],
    *,
    unmarked: set[int],
    total_days: int,
    now: datetime.datetime,
    by: User,
) -> AttendanceOutcome:
    """Complete the enrolled who reached the threshold; withdraw the completion of those `unmarked` (present
    before, absent now) who fell below it. Only a change of attendance withdraws a completion: a course's
    threshold raised later does not take back certificates already issued."""
    required = session.course.required_days(total_days)
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
    logger.info(
        "Completion of enrolments %s withdrawn (certificates deleted): attendance recorded by user %s.",
        ", ".join(str(e.pk) for e in enrolments),
        by.pk,
    )


# --- ratings ----------------------------------------------------------------------------------------------------


def can_rate(enrolment: Enrolment, *, now: datetime.datetime | None = None) -> bool:
    """A completed enrolment, or one that held a seat in a session that has ended and was there at least one
    day, may be rated once: someone who never came has nothing to rate."""
    now = now or timezone.now()
    if hasattr(enrolment, "rating"):
        return False
    if enrolment.status == EnrolmentStatus.COMPLETED:
        return True
    return (
        enrolment.status == EnrolmentStatus.ENROLLED and now >= enrolment.session.ends_at and _was_present(enrolment)
    )


def _was_present(enrolment: Enrolment) -> bool:
    """Whether a day of the enrolment is marked present (read from `was_present` where enrolments_of put it)."""
    annotated = getattr(enrolment, "was_present", None)
    if annotated is not None:
        return bool(annotated)
    return enrolment.attendance.filter(present=True).exists()


@transaction.atomic
def rating_submit(*, enrolment: Enrolment, score: int, comment: str, acting_user: User) -> Rating:
    locked = Enrolment.objects.select_for_update(of=("self",)).select_related("session").get(pk=enrolment.pk)
    if Rating.objects.filter(enrolment=locked).exists():
        raise ValidationError(ALREADY_RATED, code="already_rated")
    if not can_rate(locked):
        raise ValidationError(CANNOT_RATE_YET, code="cannot_rate")
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
