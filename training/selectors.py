"""Reads of P2 training, scoped to who asks: participants see announced sessions and their own enrolments;
organisers see the courses of their scope (agency staff all, a partner its own organisation's)."""

import datetime
from collections.abc import Mapping

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.permissions import AnyUser
from core.queries import count_of
from partners.performance import Figure, Period, StepActivity, count_by_period
from registration.models import Participant

from .choices import ATTENDING_STATUSES, EnrolmentStatus, SessionStatus
from .models import Attendance, Certificate, Course, Enrolment, Rating, Session
from .permissions import OrganiserScope

# --- participants -----------------------------------------------------------------------------------------------


def _with_my_status(qs: QuerySet[Session], participant: Participant | None) -> QuerySet[Session]:
    """Annotate each session with the participant's enrolment status and id (or None), and whether they completed
    its course in another session (`my_course_completed`, read by permissions.can_enrol), in the same query."""
    if participant is None:
        return qs.annotate(
            my_status=Value(None, output_field=CharField()), my_enrolment_id=Value(None, output_field=IntegerField())
        )
    mine = Enrolment.objects.filter(session=OuterRef("pk"), participant=participant)
    completed_elsewhere = Enrolment.objects.filter(
        participant=participant, session__course_id=OuterRef("course_id"), status=EnrolmentStatus.COMPLETED
    ).exclude(session_id=OuterRef("pk"))
    return qs.annotate(
        my_status=Subquery(mine.values("status")[:1]),
        my_enrolment_id=Subquery(mine.values("pk")[:1]),
        my_course_completed=Exists(completed_elsewhere),
    )


def open_sessions(*, participant: Participant | None, now: datetime.datetime | None = None) -> QuerySet[Session]:
    """Announced sessions still taking registrations, soonest first."""
    now = now or timezone.now()
    qs = Session.objects.open_for_enrolment(now)
    return _with_my_status(
        qs.select_related("course__organiser_partner", "wilayah").order_by("starts_at", "pk"), participant
    )


def my_enrolment(session: Session, participant: Participant | None) -> Enrolment | None:
    """The participant's enrolment in a session from _with_my_status (no query): its id and status, with the
    session and participant it belongs to, enough for the state and permission rules to answer."""
    status = getattr(session, "my_status", None)
    if participant is None or status is None:
        return None
    return Enrolment(
        pk=getattr(session, "my_enrolment_id", None), session=session, participant=participant, status=status
    )


def visible_sessions(*, participant: Participant | None) -> QuerySet[Session]:
    """Sessions a participant may open: announced ones, and any they have an enrolment in."""
    condition = Q(status=SessionStatus.ANNOUNCED)
    if participant is not None:
        condition |= Q(Exists(Enrolment.objects.filter(session=OuterRef("pk"), participant=participant)))
    return _with_my_status(
        Session.objects.filter(condition).select_related("course__organiser_partner", "wilayah"), participant
    )


def enrolments_of(user: AnyUser) -> QuerySet[Enrolment]:
    """The user's own enrolments, newest session first, with what the list shows joined in; `was_present`
    tells whether a day of each is marked present (a rating needs it)."""
    if not user.is_authenticated:
        return Enrolment.objects.none()
    return (
        Enrolment.objects.filter(participant__user=user)
        .select_related(
            "participant", "session__course__organiser_partner", "session__wilayah", "certificate", "rating"
        )
        .annotate(was_present=Exists(Attendance.objects.filter(enrolment=OuterRef("pk"), present=True)))
        .order_by("-session__starts_at", "-pk")
    )


def certificates_for(user: AnyUser) -> QuerySet[Certificate]:
    """Certificates a user may download: their own; agency staff any."""
    if permissions.is_program_wide(user):
        return Certificate.objects.all()
    if not user.is_authenticated:
        return Certificate.objects.none()
    return Certificate.objects.filter(enrolment__participant__user=user)


def certificate_by_code(code: str) -> Certificate | None:
    """The public check of a certificate: only what the page shows is read."""
    return (
        Certificate.objects.filter(code=code.strip().upper())
        .only("code", "full_name", "course_title", "completed_on", "issued_at")
        .first()
    )


# --- organisers -------------------------------------------------------------------------------------------------


def courses_for(scope: OrganiserScope) -> QuerySet[Course]:
    qs = Course.objects.all()
    if scope.program_wide:
        return qs
    return qs.filter(organiser_partner=scope.partner)


def sessions_for(scope: OrganiserScope) -> QuerySet[Session]:
    qs = Session.objects.all()
    if scope.program_wide:
        return qs
    return qs.filter(course__organiser_partner=scope.partner)


def ratings_for(scope: OrganiserScope) -> QuerySet[Rating]:
    qs = Rating.objects.all()
    if not scope.program_wide:
        qs = qs.filter(enrolment__session__course__organiser_partner=scope.partner)
    return qs.select_related("enrolment__session__course").order_by("-created_at", "-pk")


def _with_waitlist(qs: QuerySet[Session]) -> QuerySet[Session]:
    """Each session's waitlist, counted for the sessions of the page only (a subquery the index
    `enrolment_session_queue` answers; a join and GROUP BY would count every session's enrolments first)."""
    waiting = Enrolment.objects.filter(session=OuterRef("pk"), status=EnrolmentStatus.WAITLISTED)
    return qs.annotate(waitlisted=count_of(waiting))


def organiser_sessions(
    scope: OrganiserScope, *, upcoming: bool, now: datetime.datetime | None = None
) -> QuerySet[Session]:
    """Sessions of the scope: upcoming (not ended yet, soonest first) or past (latest first)."""
    now = now or timezone.now()
    qs = sessions_for(scope).select_related("course__organiser_partner", "wilayah")
    if upcoming:
        qs = qs.filter(ends_at__gte=now).order_by("starts_at", "pk")
    else:
        qs = qs.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    return _with_waitlist(qs)


def organiser_courses(scope: OrganiserScope) -> QuerySet[Course]:
    return courses_for(scope).select_related("organiser_partner").order_by("-created_at", "-pk")


def course_sessions(course: Course) -> QuerySet[Session]:
    return _with_waitlist(course.sessions.select_related("wilayah").order_by("-starts_at", "-pk"))


def session_enrolments(session: Session) -> QuerySet[Enrolment]:
    """A session's enrolments for its organiser: seats first, then the waitlist in order, then the rest; with
    the number of days each attended. Names and kecamatan only: no NIK, no contact details."""
    order = {
        EnrolmentStatus.ENROLLED: 0,
        EnrolmentStatus.COMPLETED: 0,
        EnrolmentStatus.WAITLISTED: 1,
        EnrolmentStatus.CANCELLED: 2,
    }
    rank = Case(*(When(status=s, then=Value(n)) for s, n in order.items()), output_field=IntegerField())
    return (
        session.enrolments.select_related("participant__kecamatan", "certificate")
        .annotate(
            rank=rank,
            days_present=Count("attendance", filter=Q(attendance__present=True)),
        )
        .order_by("rank", "queued_at", "pk")
    )


def attendance_sheet(session: Session, day: datetime.date) -> QuerySet[Enrolment]:
    """The participants whose attendance is taken on a day, each marked with what was recorded (None: not yet)."""
    recorded = Attendance.objects.filter(enrolment=OuterRef("pk"), day=day)
    return (
        session.enrolments.filter(status__in=ATTENDING_STATUSES)
        .select_related("participant__kecamatan")
        .annotate(present=Subquery(recorded.values("present")[:1]))
        .order_by("participant__full_name", "pk")
    )


def course_rating_summary(course: Course) -> dict[str, float | int | None]:
    return Rating.objects.filter(enrolment__session__course=course).aggregate(average=Avg("score"), count=Count("pk"))


# --- partner performance (targets.partners) ---------------------------------------------------------------------


def partner_activity(periods: Mapping[int, Period]) -> dict[int, StepActivity]:
    """P2 as each partner ran it in each period (by the caller's key): the sessions of its own courses held then
    (announced, starting in the period), with their enrolments holding a seat and those completed; served: who
    took part (completed, or marked present on a day). ONE query whatever the number of periods; the participants
    are a subquery."""
    # per session, no join to its enrolments: the seats held are its `enrolled_count` (enrolled and completed, kept
    # exact by the services) and its completions an index-only count (enrolment_session_queue)
    held = Session.objects.filter(status=SessionStatus.ANNOUNCED).annotate(
        completions=count_of(Enrolment.objects.filter(session=OuterRef("pk"), status=EnrolmentStatus.COMPLETED))
    )
    figures = count_by_period(
        held,
        periods,
        partner="course__organiser_partner_id",
        moment="starts_at",
        counters={
            "sessions": lambda within: Count("pk", filter=within),
            "enrolled": lambda within: Sum("enrolled_count", filter=within),
            "completed": lambda within: Sum("completions", filter=within),
        },
    )
    present = Attendance.objects.filter(enrolment=OuterRef("pk"), present=True)
    took_part = Q(status=EnrolmentStatus.COMPLETED) | (Q(status__in=ATTENDING_STATUSES) & Q(Exists(present)))
    return {
        key: StepActivity(
            activities=figures[key]["sessions"],
            label=_("Sessions held"),
            participants=Enrolment.objects.filter(
                took_part,
                period.of("session__course__organiser_partner_id", "session__starts_at"),
                session__status=SessionStatus.ANNOUNCED,
            )
            .order_by()
            .values("participant_id"),
            details=(
                Figure(_("Enrolled"), figures[key]["enrolled"]),
                Figure(_("Completed"), figures[key]["completed"]),
            ),
        )
        for key, period in periods.items()
    }
