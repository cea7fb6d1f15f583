"""Capacity is never exceeded, whatever the race: many participants enrol in one session at the same moment,
each on its own PostgreSQL connection (one per thread). The session row lock decides who gets a seat."""

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from registration.models import Participant
from training import services
from training.choices import EnrolmentStatus
from training.models import Enrolment, Session
from training.tests.factories import EnrolmentFactory, SessionFactory, verified_participant

CAPACITY = 5
PEOPLE = 30


def race(people: list[Participant], action: Callable[[Participant], str]) -> list[str]:
    """Run action for everyone at once, each in its own thread and database connection."""
    barrier = threading.Barrier(len(people), timeout=30)

    def run(participant: Participant) -> str:
        try:
            barrier.wait()
            return action(participant)
        except ValidationError as exc:
            return f"refused:{exc.code}"
        except Exception as exc:
            return f"error:{type(exc).__name__}:{exc}"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        return list(pool.map(run, people))


def seats_taken(session: Session) -> int:
    return Enrolment.objects.filter(
        session=session, status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED]
    ).count()


@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_enrolments_fill_five_seats_and_no_more() -> None:
    session = SessionFactory(capacity=CAPACITY)
    people = [verified_participant() for _ in range(PEOPLE)]

    def take_seat(participant: Participant) -> str:
        services.enrolment_enrol(session=session, participant=participant, acting_user=participant.user)
        return "enrolled"

    outcomes = Counter(race(people, take_seat))

    assert outcomes == {"enrolled": CAPACITY, "refused:full": PEOPLE - CAPACITY}, outcomes
    session.refresh_from_db()
    assert session.enrolled_count == CAPACITY
    assert seats_taken(session) == CAPACITY


@pytest.mark.django_db(transaction=True)
def test_concurrent_enrolments_with_the_waitlist_seat_five_and_queue_the_rest() -> None:
    session = SessionFactory(capacity=CAPACITY)
    people = [verified_participant() for _ in range(PEOPLE)]

    def enrol_or_wait(participant: Participant) -> str:
        enrolment = services.enrolment_enrol(
            session=session, participant=participant, acting_user=participant.user, join_waitlist=True
        )
        return str(enrolment.status)

    outcomes = Counter(race(people, enrol_or_wait))

    assert outcomes == {"enrolled": CAPACITY, "waitlisted": PEOPLE - CAPACITY}, outcomes
    session.refresh_from_db()
    assert session.enrolled_count == CAPACITY == seats_taken(session)


@pytest.mark.django_db(transaction=True)
def test_cancellations_racing_new_enrolments_never_overfill_and_keep_the_count_exact() -> None:
    """Five seated people cancel while twenty newcomers enrol (or queue): freed seats go to the waitlist or the
    newcomers, one at a time; the seat count stays exact and within capacity."""
    session = SessionFactory(capacity=CAPACITY)
    seated = [EnrolmentFactory(session=session) for _ in range(CAPACITY)]
    newcomers = [verified_participant() for _ in range(20)]
    by_participant = {e.participant_id: e for e in seated}

    def act(participant: Participant) -> str:
        if participant.pk in by_participant:
            services.enrolment_cancel(enrolment=by_participant[participant.pk], acting_user=participant.user)
            return "cancelled"
        enrolment = services.enrolment_enrol(
            session=session, participant=participant, acting_user=participant.user, join_waitlist=True
        )
        return str(enrolment.status)

    outcomes = Counter(race([e.participant for e in seated] + newcomers, act))

    assert outcomes["cancelled"] == CAPACITY, outcomes
    assert outcomes["enrolled"] + outcomes["waitlisted"] == 20, outcomes
    session.refresh_from_db()
    assert session.enrolled_count == seats_taken(session) == CAPACITY
    # the newcomers hold every seat now: either directly or moved up from the waitlist
    statuses = Counter(Enrolment.objects.filter(participant__in=newcomers).values_list("status", flat=True))
    assert statuses == {EnrolmentStatus.ENROLLED: CAPACITY, EnrolmentStatus.WAITLISTED: 20 - CAPACITY}


@pytest.mark.django_db(transaction=True)
def test_two_reminder_runs_at_once_remind_each_person_once() -> None:
    """Beat fires twice (or two workers pick the task): rows one run holds are skipped by the other."""
    from notifications.models import Message
    from training.tests.factories import in_days

    session = SessionFactory(starts_at=in_days(1, 9), registration_deadline=in_days(0, 0), capacity=40)
    enrolments = [EnrolmentFactory(session=session) for _ in range(30)]
    runs = 4
    barrier = threading.Barrier(runs, timeout=30)

    def run(_: int) -> int:
        try:
            barrier.wait()
            return services.session_reminders_send()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=runs) as pool:
        sent = list(pool.map(run, range(runs)))

    assert sum(sent) == len(enrolments), sent
    reminded = Message.objects.filter(template="training_session_reminder", channel="email")
    assert sorted(reminded.values_list("recipient_id", flat=True)) == sorted(e.participant.user_id for e in enrolments)
