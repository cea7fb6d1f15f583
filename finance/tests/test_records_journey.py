"""P6 on the participant's journey: done with three consecutive months reported (at any time, across a year's
end), not with three months apart; in progress counts the months in a row up to now; the status and the
done_filter (what partners' criteria ask) agree."""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from finance.journey import NOT_VERIFIED, ReportingStep
from finance.tests.factories import MonthlyRecordFactory, months_ago
from mentoring.tests.factories import verified_participant
from registration import journey
from registration.models import Participant
from registration.tests.factories import ParticipantFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def p6(user: User) -> journey.StepStatus:
    return ReportingStep().status(user)


def report(participant: Participant, *months: datetime.date) -> None:
    for month in months:
        MonthlyRecordFactory(participant=participant, month=month)


def done() -> set[int]:
    return set(Participant.objects.filter(journey.done_filter("P6")).values_list("pk", flat=True))


def test_the_provider_is_registered_for_p6() -> None:
    assert isinstance(journey._providers["P6"], ReportingStep)


def test_three_consecutive_months_are_done(entrepreneur: User) -> None:
    siti = verified_participant("Tebet", user=entrepreneur)
    report(siti, months_ago(9), months_ago(8), months_ago(7))  # long ago still counts
    status = p6(entrepreneur)
    assert status.state == journey.State.DONE
    assert status.url == reverse("finance:reports")
    assert done() == {siti.pk}


def test_three_months_not_in_a_row_are_not_done(entrepreneur: User) -> None:
    siti = verified_participant("Tebet", user=entrepreneur)
    report(siti, months_ago(5), months_ago(3), months_ago(1))
    with translation.override("en"):
        status = p6(entrepreneur)
    assert status.state == journey.State.IN_PROGRESS
    assert str(status.summary) == "1 of 3 months in a row reported."
    assert done() == set()


def test_months_across_the_end_of_a_year_are_in_a_row() -> None:
    person = verified_participant("Tebet")
    report(person, datetime.date(2024, 11, 1), datetime.date(2024, 12, 1), datetime.date(2025, 1, 1))
    assert done() == {person.pk}


def test_in_progress_counts_the_months_in_a_row_up_to_now(entrepreneur: User) -> None:
    siti = verified_participant("Tebet", user=entrepreneur)
    report(siti, months_ago(2), months_ago(1))  # the current month may not be over: it need not be reported
    with translation.override("en"):
        status = p6(entrepreneur)
    assert (status.state, str(status.summary)) == (journey.State.IN_PROGRESS, "2 of 3 months in a row reported.")
    report(siti, months_ago(0))
    assert p6(entrepreneur).state == journey.State.DONE


def test_not_started_sends_the_participant_to_the_cash_book(entrepreneur: User) -> None:
    verified_participant("Tebet", user=entrepreneur)
    status = p6(entrepreneur)
    assert (status.state, status.url) == (journey.State.NOT_STARTED, reverse("finance:book"))


def test_before_verification_the_step_waits(entrepreneur: User, other_entrepreneur: User) -> None:
    assert p6(entrepreneur) == NOT_VERIFIED  # no registration at all
    waiting = RegistrationFactory(participant=ParticipantFactory(user=other_entrepreneur)).participant
    report(waiting, months_ago(3), months_ago(2), months_ago(1))
    assert p6(other_entrepreneur) == NOT_VERIFIED
    assert not NOT_VERIFIED.url


@pytest.mark.parametrize("numbers", [(9, 8, 7), (5, 3, 1), (2, 1), (), (4, 3, 2, 1, 0), (13, 12, 11, 6, 5)])
def test_the_done_filter_agrees_with_the_status(numbers: tuple[int, ...], entrepreneur: User) -> None:
    siti = verified_participant("Tebet", user=entrepreneur)
    report(siti, *(months_ago(n) for n in numbers))
    assert (p6(entrepreneur).state == journey.State.DONE) == (siti.pk in done())


def test_the_status_is_one_query_and_the_filter_one_more(entrepreneur: User, django_assert_num_queries: Any) -> None:
    siti = verified_participant("Tebet", user=entrepreneur)
    report(siti, *(months_ago(n) for n in range(0, 40, 2)))
    for _other in range(5):
        report(verified_participant("Gambir"), months_ago(3), months_ago(2), months_ago(1))
    with django_assert_num_queries(1):
        assert p6(entrepreneur).state == journey.State.IN_PROGRESS
    with django_assert_num_queries(1):
        assert len(done()) == 5
