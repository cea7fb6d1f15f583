"""Reads of P3 mentoring, always scoped to the user who asks. Lists are one query each (annotated, joined),
whatever the number of rows."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts import permissions as account_permissions
from accounts.models import Role, User
from accounts.permissions import AnyUser
from core.queries import count_of
from registration.choices import Status
from registration.models import Participant, Registration
from registration.selectors import participants_for, scope_of

from . import permissions
from .models import (
    FollowUp,
    HelpMessage,
    HelpRequest,
    HelpStatus,
    MentorAssignment,
    MentorTarget,
    MentorTraining,
    TargetBasis,
    Visit,
)

# --- participants -----------------------------------------------------------------------------------------------


def mentoring_participants(user: AnyUser) -> QuerySet[Participant]:
    """Verified participants whose mentoring page the user may open: mentors and secretariat their kecamatan,
    agency staff all. Participants and partners none (a participant has their own page)."""
    if not permissions.can_open_participants(user):
        return Participant.objects.none()
    return participants_for(user).filter(registration__status=Status.APPROVED)


def participant_page(user: AnyUser) -> QuerySet[Participant]:
    return mentoring_participants(user).select_related("kecamatan", "business", "registration")


def assignments_of(participant: Participant) -> list[MentorAssignment]:
    """The participant's mentors, the active one first, then the history newest first."""
    return list(
        MentorAssignment.objects.filter(participant=participant)
        .select_related("mentor", "assigned_by")
        .order_by("-active", "-assigned_at", "-pk")
    )


def active_assignment(participant: Participant) -> MentorAssignment | None:
    return (
        MentorAssignment.objects.filter(participant=participant, active=True).select_related("mentor__office").first()
    )


def visits_of(participant: Participant, *, shared_only: bool = False) -> QuerySet[Visit]:
    """The participant's visits, newest first, with their mentor and follow-ups (two queries a page)."""
    visits = Visit.objects.filter(participant=participant)
    if shared_only:
        visits = visits.filter(shared=True)
    return (
        visits.select_related("mentor")
        .prefetch_related(Prefetch("follow_ups", queryset=FollowUp.objects.select_related("done_by")))
        .order_by("-date", "-pk")
    )


def open_follow_ups(participant: Participant, *, shared_only: bool = False) -> QuerySet[FollowUp]:
    follow_ups = FollowUp.objects.filter(participant=participant, done_at__isnull=True)
    if shared_only:
        follow_ups = follow_ups.filter(visit__shared=True)
    return follow_ups.select_related("visit").order_by("due_date", "pk")


def follow_ups_for(user: AnyUser) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(participant__in=mentoring_participants(user))


def visits_for(user: AnyUser) -> QuerySet[Visit]:
    """Visits a user may see: staff and mentors those of their participants; a participant their shared ones."""
    if not user.is_authenticated:
        return Visit.objects.none()
    if permissions.can_open_participants(user):
        return Visit.objects.filter(participant__in=mentoring_participants(user))
    if account_permissions.is_entrepreneur(user):
        return Visit.objects.filter(participant__user=user, shared=True)
    return Visit.objects.none()


def active_mentor_filter(kecamatan: Any, *, through: str = "") -> Q:
    """The rule "an active mentor of the kecamatan office `kecamatan` (an id or an expression)" as a filter on
    users, or on the user behind `through` (e.g. "mentor__"). In Python: permissions.is_active_mentor_of."""
    return Q(**{f"{through}role": Role.MENTOR, f"{through}is_active": True, f"{through}office_id": kecamatan})


def active_mentors(kecamatan_id: int) -> QuerySet[User]:
    """The active mentors of a kecamatan, each with `load` (their active participants), least loaded first and
    the oldest account on a tie: the first is the one a newly verified participant gets."""
    return (
        User.objects.filter(active_mentor_filter(kecamatan_id))
        .annotate(load=count_of(MentorAssignment.objects.filter(mentor=OuterRef("pk"), active=True)))
        .order_by("load", "pk")
    )


def current_mentor(participant: Participant) -> User | None:
    """The participant's mentor now: the mentor of their active assignment, if still an active mentor of their
    kecamatan (an assignment ends when its mentor leaves; this holds even if one was missed)."""
    assignment = active_assignment(participant)
    if assignment is None or not permissions.is_active_mentor_of(assignment.mentor, participant.kecamatan_id):
        return None
    return assignment.mentor


def with_mentor_contact(participants: QuerySet[Participant]) -> QuerySet[Participant]:
    """Annotate participants with their current mentor's `mentor_name` and `mentor_phone` (None: no mentor), in
    the same query: the mentor of the active assignment while an active mentor of the participant's kecamatan
    (the rule of current_mentor)."""
    mentor = MentorAssignment.objects.filter(
        active_mentor_filter(OuterRef("kecamatan_id"), through="mentor__"), participant=OuterRef("pk"), active=True
    ).order_by("-assigned_at", "-pk")
    return participants.annotate(
        mentor_name=Subquery(mentor.values("mentor__full_name")[:1]),
        mentor_phone=Subquery(mentor.values("mentor__phone")[:1]),
    )


def unassigned_participants(user: AnyUser) -> QuerySet[Participant]:
    """Verified participants without a mentor, longest waiting first (for staff to assign). An active assignment
    whose mentor is no longer an active mentor of the participant's kecamatan counts as none."""
    if not permissions.is_mentoring_staff(user):
        return Participant.objects.none()
    followed = MentorAssignment.objects.filter(
        active_mentor_filter(OuterRef("kecamatan_id"), through="mentor__"), participant=OuterRef("pk"), active=True
    )
    return (
        mentoring_participants(user)
        .filter(~Exists(followed))
        .select_related("kecamatan", "business", "registration")
        .order_by("registration__decided_at", "pk")
    )


# --- the caseload -----------------------------------------------------------------------------------------------


def _caseload_of(mentor: Any, office: Any) -> QuerySet[MentorAssignment]:
    """The assignments a mentor's caseload lists (`mentor` and `office` are values or expressions): active ones
    of participants of the mentor's kecamatan, by the assignment's own kecamatan (the participant's: a participant
    who moves leaves the assignment), from the index mentoring_caseload_kec alone. The caseload page and the
    caseload count both use it."""
    return MentorAssignment.objects.filter(mentor=mentor, active=True, kecamatan_id=office)


def caseload(user: AnyUser, *, today: datetime.date | None = None, search: str = "") -> QuerySet[MentorAssignment]:
    """A mentor's active participants (of their kecamatan), with last visit, overdue and next follow-ups and
    unanswered help, those who need attention first: most overdue follow-ups, a question waiting, never or
    longest not visited. One query."""
    if not permissions.is_mentor(user):
        return MentorAssignment.objects.none()
    assert isinstance(user, User) and user.office_id is not None
    today = today or timezone.localdate()
    open_follow_ups = FollowUp.objects.filter(participant=OuterRef("participant_id"), done_at__isnull=True)
    first_open = open_follow_ups.order_by("due_date", "pk")
    assignments = _caseload_of(user, user.office_id)
    if search.strip():
        assignments = assignments.filter(participant__full_name__icontains=search.strip())
    return (
        assignments.select_related("participant__business")
        .annotate(
            last_visit=Subquery(
                Visit.objects.filter(participant=OuterRef("participant_id"))
                .order_by("-date", "-pk")
                .values("date")[:1]
            ),
            overdue=count_of(open_follow_ups.filter(due_date__lt=today)),
            next_due=Subquery(first_open.values("due_date")[:1]),
            next_what=Subquery(first_open.values("what")[:1]),
            waiting_help=Exists(
                HelpRequest.objects.filter(
                    participant=OuterRef("participant_id"), status=HelpStatus.OPEN, awaiting_mentor=True
                )
            ),
        )
        .order_by(
            F("overdue").desc(),
            F("waiting_help").desc(),
            F("last_visit").asc(nulls_first=True),
            "participant__full_name",
            "pk",
        )
    )


# --- help requests ----------------------------------------------------------------------------------------------


def help_requests_for(user: AnyUser) -> QuerySet[HelpRequest]:
    """Threads a user may read: a participant their own; mentors and staff those of their participants (a mentor
    also a colleague's threads of their kecamatan). Reading is all: only the participant and the thread's own
    mentor write in a thread or close it (permissions.can_reply_in_thread)."""
    if not user.is_authenticated or not (
        account_permissions.is_entrepreneur(user) or permissions.can_open_participants(user)
    ):
        return HelpRequest.objects.none()
    return HelpRequest.objects.filter(scope_of(user, "participant__"))


def help_inbox(user: AnyUser, *, status: str = "") -> QuerySet[HelpRequest]:
    """A mentor's threads, those waiting for them first; a participant's own threads, newest first."""
    requests = help_requests_for(user)
    if status in HelpStatus.values:
        requests = requests.filter(status=status)
    if permissions.is_mentor(user):
        assert isinstance(user, User)
        return (
            requests.filter(mentor=user)
            .select_related("participant")
            .order_by("-awaiting_mentor", "-last_message_at", "-pk")
        )
    # a participant's list names the mentor; staff's names the participant too
    return requests.select_related("participant", "mentor").order_by("-last_message_at", "-pk")


def help_thread(request: HelpRequest) -> list[HelpMessage]:
    return list(request.messages.select_related("author").order_by("created_at", "pk"))


# --- targets and progress ---------------------------------------------------------------------------------------


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The start of `year` and of the next, in Jakarta time."""
    zone = timezone.get_default_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=zone),
        datetime.datetime(year + 1, 1, 1, tzinfo=zone),
    )


def mentors_in_scope(user: AnyUser, *, kecamatan_id: int | None = None) -> QuerySet[User]:
    """Mentor accounts a user may follow: agency staff all (or one kecamatan), a secretariat their office, a mentor
    themself. Mentors who left stay listed: their past work still counts."""
    mentors = User.objects.filter(role=Role.MENTOR)
    if account_permissions.is_program_wide(user):
        return mentors.filter(office_id=kecamatan_id) if kecamatan_id else mentors
    if not isinstance(user, User):
        return mentors.none()
    if permissions.is_mentoring_staff(user):
        return mentors.filter(office_id=user.office_id)
    if permissions.is_mentor(user):
        return mentors.filter(pk=user.pk)
    return mentors.none()


def with_progress(mentors: QuerySet[User], *, year: int, today: datetime.date | None = None) -> QuerySet[User]:
    """Annotate mentors with their `year` target and what they did towards it, in the same query."""
    start, end = year_bounds(year)
    first_day, next_first_day = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    today = today or timezone.localdate()
    target = MentorTarget.objects.filter(mentor=OuterRef("pk"), year=year)
    registered = Registration.objects.filter(
        registered_by=OuterRef("pk"), participant__created_at__gte=start, participant__created_at__lt=end
    )
    verified = Registration.objects.filter(
        registered_by=OuterRef("pk"), status=Status.APPROVED, decided_at__gte=start, decided_at__lt=end
    )
    visits = Visit.objects.filter(mentor=OuterRef("pk"), date__gte=first_day, date__lt=next_first_day)
    active = _caseload_of(OuterRef("pk"), OuterRef("office_id"))
    overdue = FollowUp.objects.filter(
        done_at__isnull=True,
        due_date__lt=today,
        participant__in=_caseload_of(OuterRef(OuterRef("pk")), OuterRef(OuterRef("office_id"))).values(
            "participant_id"
        ),
    )
    waiting = HelpRequest.objects.filter(mentor=OuterRef("pk"), status=HelpStatus.OPEN, awaiting_mentor=True)
    return mentors.select_related("office").annotate(
        target_participants=Subquery(target.values("participants")[:1]),
        target_basis=Subquery(target.values("basis")[:1]),
        target_visits=Subquery(target.values("visits")[:1]),
        registered=count_of(registered),
        verified=count_of(verified),
        visits_done=count_of(visits),
        caseload_size=count_of(active),
        overdue_follow_ups=count_of(overdue),
        waiting_help=count_of(waiting),
    )


@dataclass(frozen=True)
class Progress:
    """One mentor's year in numbers, ready for a page."""

    mentor: User
    year: int
    target_participants: int | None
    target_visits: int | None
    basis: str
    registered: int
    verified: int
    visits: int
    caseload: int
    overdue_follow_ups: int
    waiting_help: int

    @property
    def new_participants(self) -> int:
        return self.verified if self.basis == TargetBasis.VERIFIED else self.registered

    @property
    def basis_label(self) -> str:
        return str(TargetBasis(self.basis).label)

    @staticmethod
    def _percent(done: int, target: int | None) -> int | None:
        if not target:
            return None
        return min(100, round(100 * done / target))

    @property
    def participants_percent(self) -> int | None:
        return self._percent(self.new_participants, self.target_participants)

    @property
    def visits_percent(self) -> int | None:
        return self._percent(self.visits, self.target_visits)


def progress_of(mentor: User, year: int) -> Progress:
    """Read the annotations of `with_progress` off a mentor row."""
    row: Any = mentor
    return Progress(
        mentor=mentor,
        year=year,
        target_participants=row.target_participants,
        target_visits=row.target_visits,
        basis=row.target_basis or TargetBasis.VERIFIED,
        registered=row.registered,
        verified=row.verified,
        visits=row.visits_done,
        caseload=row.caseload_size,
        overdue_follow_ups=row.overdue_follow_ups,
        waiting_help=row.waiting_help,
    )


def mentors_progress(user: AnyUser, *, year: int, kecamatan_id: int | None = None) -> QuerySet[User]:
    return with_progress(mentors_in_scope(user, kecamatan_id=kecamatan_id), year=year).order_by(
        "office__name", "full_name", "pk"
    )


def my_progress(user: User, *, year: int) -> Progress | None:
    """A mentor's own progress for their home page: one query."""
    row = with_progress(User.objects.filter(pk=user.pk, role=Role.MENTOR), year=year).first()
    return progress_of(row, year) if row is not None else None


def my_trainings(user: User, *, limit: int = 5) -> list[MentorTraining]:
    return list(MentorTraining.objects.filter(mentor=user).order_by("-date", "-pk")[:limit])


# --- the monthly incentive report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncentiveRow:
    mentor: User
    month: datetime.date
    visits: int
    registered: int
    follow_ups_done: int


def months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """First days of the months from `start` to `end`, both included."""
    result = []
    month = start.replace(day=1)
    while month <= end:
        result.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return result


def _by_mentor_month(rows: Iterable[Any]) -> dict[tuple[int, datetime.date], int]:
    counted: dict[tuple[int, datetime.date], int] = {}
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = timezone.localtime(month).date()
        counted[(row["who"], month)] = row["n"]
    return counted


def incentive_rows(mentors: list[User], *, first: datetime.date, last: datetime.date) -> list[IncentiveRow]:
    """Activities of each mentor in each month from `first` to `last` (first days of months): visits made,
    participants registered, follow-ups marked done. Three grouped queries, whatever the number of rows."""
    period = months(first, last)
    if not mentors or not period:
        return []
    ids = [m.pk for m in mentors]
    start = datetime.datetime.combine(period[0], datetime.time(), tzinfo=timezone.get_default_timezone())
    after = (period[-1] + datetime.timedelta(days=32)).replace(day=1)
    end = datetime.datetime.combine(after, datetime.time(), tzinfo=timezone.get_default_timezone())
    visits = _by_mentor_month(
        Visit.objects.filter(mentor_id__in=ids, date__gte=period[0], date__lt=after)
        .annotate(month=TruncMonth("date"), who=F("mentor_id"))
        .values("who", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    registered = _by_mentor_month(
        Registration.objects.filter(
            registered_by_id__in=ids, participant__created_at__gte=start, participant__created_at__lt=end
        )
        .annotate(month=TruncMonth("participant__created_at"), who=F("registered_by_id"))
        .values("who", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    done = _by_mentor_month(
        FollowUp.objects.filter(done_by_id__in=ids, done_at__gte=start, done_at__lt=end)
        .annotate(month=TruncMonth("done_at"), who=F("done_by_id"))
        .values("who", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        IncentiveRow(
            mentor=mentor,
            month=month,
            visits=visits.get((mentor.pk, month), 0),
            registered=registered.get((mentor.pk, month), 0),
            follow_ups_done=done.get((mentor.pk, month), 0),
        )
        for mentor in mentors
        for month in period
    ]
