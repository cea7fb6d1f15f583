"""The mentor's caseload: their own participants, who needs attention first, in a fixed number of queries."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from mentoring.models import HelpStatus
from mentoring.tests.factories import (
    AssignmentFactory,
    FollowUpFactory,
    HelpRequestFactory,
    MentorFactory,
    VisitFactory,
    verified_participant,
)
from registration.models import Participant
from registration.tests.conftest import login

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def mentee(mentor: User, name: str) -> Participant:
    participant = verified_participant("Tebet", full_name=name)
    AssignmentFactory(participant=participant, mentor=mentor)
    return participant


def names(response: Any) -> list[str]:
    return [a.participant.full_name for a in response.context["page"].items]


def test_who_needs_attention_comes_first(client: Client, mentor_tebet: User) -> None:
    recent = mentee(mentor_tebet, "F Baru dikunjungi")
    VisitFactory(participant=recent, mentor=mentor_tebet, date=days_ago(1))
    older = mentee(mentor_tebet, "E Lama tidak dikunjungi")
    VisitFactory(participant=older, mentor=mentor_tebet, date=days_ago(40))
    mentee(mentor_tebet, "D Belum pernah dikunjungi")
    asking = mentee(mentor_tebet, "C Bertanya")
    VisitFactory(participant=asking, mentor=mentor_tebet, date=days_ago(1))
    HelpRequestFactory(participant=asking, mentor=mentor_tebet, awaiting_mentor=True)
    answered = mentee(mentor_tebet, "G Sudah dijawab")  # an answered or closed question is no alarm
    VisitFactory(participant=answered, mentor=mentor_tebet, date=days_ago(0))
    HelpRequestFactory(participant=answered, mentor=mentor_tebet, awaiting_mentor=False)
    HelpRequestFactory(participant=answered, mentor=mentor_tebet, status=HelpStatus.CLOSED, awaiting_mentor=False)
    one_overdue = mentee(mentor_tebet, "B Satu terlambat")
    visit = VisitFactory(participant=one_overdue, mentor=mentor_tebet, date=days_ago(20))
    FollowUpFactory(visit=visit, due_date=days_ago(2))
    FollowUpFactory(visit=visit, due_date=days_ago(3), done_at=timezone.now(), done_by=mentor_tebet)
    two_overdue = mentee(mentor_tebet, "A Dua terlambat")
    visit = VisitFactory(participant=two_overdue, mentor=mentor_tebet, date=days_ago(2))
    FollowUpFactory(visit=visit, due_date=days_ago(1), what="Urus P-IRT")
    FollowUpFactory(visit=visit, due_date=days_ago(1))
    FollowUpFactory(visit=visit, due_date=timezone.localdate())  # due today is not overdue yet

    login(client, mentor_tebet)
    response = client.get(reverse("mentoring:caseload"))

    assert names(response) == [
        "A Dua terlambat",
        "B Satu terlambat",
        "C Bertanya",
        "D Belum pernah dikunjungi",
        "E Lama tidak dikunjungi",
        "F Baru dikunjungi",
        "G Sudah dijawab",
    ]
    first = response.context["page"].items[0]
    assert (first.overdue, first.last_visit, first.next_what) == (2, days_ago(2), "Urus P-IRT")
    html = response.content.decode()
    assert 'data-overdue="2"' in html and "Urus P-IRT" in html


def test_a_mentor_sees_only_their_own_participants_of_their_kecamatan(
    client: Client, mentor_tebet: User, mentor_gambir: User
) -> None:
    mine = mentee(mentor_tebet, "Peserta Saya")
    mentee(MentorFactory(), "Peserta Rekan")  # a colleague's, same office
    ended = AssignmentFactory(mentor=mentor_tebet, active=False, ended_at=timezone.now())
    elsewhere = verified_participant("Gambir", full_name="Peserta Gambir")
    AssignmentFactory(participant=elsewhere, mentor=mentor_tebet)  # kecamatan mismatch: never shown

    login(client, mentor_tebet)
    response = client.get(reverse("mentoring:caseload"))
    assert names(response) == [mine.full_name]
    assert ended.participant.full_name not in response.content.decode()

    login(client, mentor_gambir)
    assert names(client.get(reverse("mentoring:caseload"))) == []


def test_search_by_name(client: Client, mentor_tebet: User) -> None:
    mentee(mentor_tebet, "Siti Aminah")
    mentee(mentor_tebet, "Budi Hartono")
    login(client, mentor_tebet)
    assert names(client.get(reverse("mentoring:caseload"), {"q": "amin"})) == ["Siti Aminah"]
    assert "Budi" not in client.get(reverse("mentoring:caseload"), {"q": "zzz"}).content.decode()


def test_caseload_runs_a_fixed_number_of_queries(
    client: Client, mentor_tebet: User, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        participant = mentee(mentor_tebet, f"Peserta {n:02d}")
        visit = VisitFactory(participant=participant, mentor=mentor_tebet, date=days_ago(n % 5))
        FollowUpFactory(visit=visit, due_date=days_ago(n % 3 - 1))
        HelpRequestFactory(participant=participant, mentor=mentor_tebet, awaiting_mentor=n % 2 == 0)
    login(client, mentor_tebet)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("mentoring:caseload"))
    assert len(response.context["page"].items) == 25
    with django_assert_max_num_queries(4):
        assert len(client.get(reverse("mentoring:caseload"), {"page": 2}).context["page"].items) == 5


@pytest.mark.parametrize("q", ["\x00", "Siti\x00", "x" * 101])
def test_a_search_the_database_cannot_take_is_refused_not_a_crash(client: Client, mentor_tebet: User, q: str) -> None:
    mentee(mentor_tebet, "Siti Aminah")
    login(client, mentor_tebet)
    response = client.get(reverse("mentoring:caseload"), {"q": q})
    assert response.status_code == 400
    assert response.context["search_form"].errors["q"]
    assert names(response) == ["Siti Aminah"]  # the caseload, unfiltered
    assert 'id="search-error"' in response.content.decode()
