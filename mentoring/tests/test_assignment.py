"""A newly verified participant gets the least loaded mentor of their kecamatan; staff reassign, keeping history."""

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import office
from mentoring import services
from mentoring.models import EndReason, HelpStatus, MentorAssignment
from mentoring.tests.conftest import active_mentor
from mentoring.tests.factories import AssignmentFactory, HelpRequestFactory, MentorFactory, verified_participant
from notifications.models import Message
from registration.choices import Decision, Status
from registration.services import registration_decide
from registration.tests.conftest import login
from registration.tests.factories import ParticipantFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def load(mentor: User, n: int) -> None:
    for _ in range(n):
        AssignmentFactory(mentor=mentor, participant=verified_participant(mentor.office.name))


def test_approval_assigns_the_least_loaded_active_mentor_of_the_kecamatan(secretariat_tebet: User) -> None:
    busy, light, idle_elsewhere = MentorFactory(), MentorFactory(), MentorFactory(office=office("Gambir"))
    gone = MentorFactory(is_active=False)
    load(busy, 2)
    load(light, 1)
    registration = RegistrationFactory()

    registration_decide(registration=registration, decision=Decision.APPROVE, reason="", acting_user=secretariat_tebet)

    assignment = MentorAssignment.objects.get(participant=registration.participant)
    assert (assignment.mentor, assignment.active, assignment.assigned_by) == (light, True, secretariat_tebet)
    assert active_mentor(registration.participant) not in (busy, idle_elsewhere, gone)
    assert Message.objects.filter(template="mentoring_participant_assigned", recipient=light).exists()


def test_a_tie_goes_to_the_oldest_mentor_account(secretariat_tebet: User) -> None:
    first, _second = MentorFactory(), MentorFactory()
    registration = RegistrationFactory()
    registration_decide(registration=registration, decision=Decision.APPROVE, reason="", acting_user=secretariat_tebet)
    assert active_mentor(registration.participant) == first


def test_without_a_mentor_in_the_kecamatan_the_participant_waits_for_staff(
    client: Client, secretariat_gambir: User, mentor_tebet: User
) -> None:
    registration = RegistrationFactory(participant=ParticipantFactory(kecamatan=office("Gambir")))
    registration_decide(
        registration=registration, decision=Decision.APPROVE, reason="", acting_user=secretariat_gambir
    )
    registration.refresh_from_db()
    assert registration.status == Status.APPROVED
    assert not MentorAssignment.objects.exists()

    login(client, secretariat_gambir)
    response = client.get(reverse("mentoring:unassigned"))
    assert [p.pk for p in response.context["page"].items] == [registration.participant_id]


@pytest.mark.parametrize("decision", [Decision.NEEDS_FIX, Decision.REJECT])
def test_no_mentor_unless_approved(secretariat_tebet: User, mentor_tebet: User, decision: str) -> None:
    registration = RegistrationFactory()
    registration_decide(
        registration=registration, decision=decision, reason="KTP buram", acting_user=secretariat_tebet
    )
    assert not MentorAssignment.objects.exists()


def test_the_database_allows_one_active_mentor_per_participant(mentor_tebet: User) -> None:
    assignment = AssignmentFactory(mentor=mentor_tebet)
    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(participant=assignment.participant, mentor=MentorFactory())


def test_staff_reassign_and_the_history_is_kept(
    client: Client, secretariat_tebet: User, mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    first = AssignmentFactory(mentor=mentor_tebet, stage="P4")
    participant = first.participant
    question = HelpRequestFactory(participant=participant, mentor=mentor_tebet)
    closed = HelpRequestFactory(participant=participant, mentor=mentor_tebet, status=HelpStatus.CLOSED)
    newcomer = MentorFactory(full_name="Mentor Baru")
    login(client, secretariat_tebet)
    url = reverse("mentoring:assign", args=[participant.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {"mentor": newcomer.pk, "reason": "Mentor lama pindah tugas"})

    assert response.url == reverse("mentoring:participant", args=[participant.pk])
    first.refresh_from_db()
    assert (first.active, first.ended_at is not None, first.end_reason) == (False, True, EndReason.REASSIGNED)
    current = MentorAssignment.objects.get(participant=participant, active=True)
    assert (current.mentor, current.assigned_by, current.stage, current.reason) == (
        newcomer,
        secretariat_tebet,
        "P4",
        "Mentor lama pindah tugas",
    )
    question.refresh_from_db()
    closed.refresh_from_db()
    assert (question.mentor, closed.mentor) == (newcomer, mentor_tebet)
    page = client.get(response.url).content.decode()
    assert "Mentor lama pindah tugas" in page and mentor_tebet.full_name in page and "Mentor Baru" in page


@pytest.mark.parametrize("kind", ["other_kecamatan", "same", "not_a_mentor", "bogus"])
def test_bad_reassignments_change_nothing(
    client: Client, secretariat_tebet: User, mentor_tebet: User, mentor_gambir: User, kind: str
) -> None:
    assignment = AssignmentFactory(mentor=mentor_tebet)
    choice = {
        "other_kecamatan": mentor_gambir.pk,
        "same": mentor_tebet.pk,
        "not_a_mentor": secretariat_tebet.pk,
        "bogus": "abc",
    }[kind]
    login(client, secretariat_tebet)
    response = client.post(reverse("mentoring:assign", args=[assignment.participant_id]), {"mentor": choice})
    assert response.status_code == 400
    assert response.context["form"].errors
    assert list(MentorAssignment.objects.values_list("mentor", "active")) == [(mentor_tebet.pk, True)]


@pytest.mark.parametrize("fixture", ["mentor_tebet", "entrepreneur", "partner_user", "secretariat_gambir"])
def test_only_staff_of_the_kecamatan_reassign(
    client: Client, request: pytest.FixtureRequest, mentor_tebet: User, fixture: str
) -> None:
    assignment = AssignmentFactory(mentor=mentor_tebet)
    other = MentorFactory()
    login(client, request.getfixturevalue(fixture))
    response = client.post(reverse("mentoring:assign", args=[assignment.participant_id]), {"mentor": other.pk})
    assert response.status_code == 404
    assert active_mentor(assignment.participant) == mentor_tebet


def test_agency_staff_assign_anywhere_and_an_unverified_participant_gets_no_mentor(
    client: Client, agency_staff: User, mentor_gambir: User
) -> None:
    waiting = verified_participant("Gambir")
    login(client, agency_staff)
    client.post(reverse("mentoring:assign", args=[waiting.pk]), {"mentor": mentor_gambir.pk})
    assert active_mentor(waiting) == mentor_gambir

    submitted = RegistrationFactory(participant=ParticipantFactory(kecamatan=office("Gambir")))
    response = client.post(reverse("mentoring:assign", args=[submitted.participant_id]), {"mentor": mentor_gambir.pk})
    assert response.status_code == 404


def test_unassigned_list_runs_a_fixed_number_of_queries(
    client: Client, secretariat_tebet: User, django_assert_max_num_queries: Any
) -> None:
    for _ in range(6):
        verified_participant("Tebet")
    AssignmentFactory(mentor=MentorFactory())
    login(client, secretariat_tebet)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("mentoring:unassigned"))
    assert len(response.context["page"].items) == 6
    assert client.get(reverse("mentoring:unassigned")).status_code == 200


@pytest.mark.parametrize("fixture", ["mentor_tebet", "entrepreneur", "partner_user"])
def test_only_staff_see_the_unassigned(client: Client, request: pytest.FixtureRequest, fixture: str) -> None:
    login(client, request.getfixturevalue(fixture))
    assert client.get(reverse("mentoring:unassigned")).status_code == 403


def test_staff_choose_among_the_active_mentors_of_the_kecamatan_least_loaded_first(
    client: Client, secretariat_tebet: User
) -> None:
    busy, light, idle = MentorFactory(full_name="A Sibuk"), MentorFactory(full_name="B Ringan"), MentorFactory()
    load(busy, 2)
    load(light, 1)
    MentorFactory(is_active=False)
    MentorFactory(office=office("Gambir"))
    waiting = verified_participant("Tebet")
    login(client, secretariat_tebet)
    form = client.get(reverse("mentoring:assign", args=[waiting.pk])).context["form"]
    choices = list(form.fields["mentor"].queryset)
    assert choices == [idle, light, busy]
    assert [m.load for m in choices] == [0, 1, 2]
    # the first choice is the one an approval would have made
    assert services.least_loaded_mentor(office("Tebet").pk) == idle


def test_the_assign_form_lists_the_mentors_in_one_query_whatever_their_number(
    client: Client, secretariat_tebet: User, mentor_tebet: User, django_assert_num_queries: Any
) -> None:
    """The mentors, each with their load, are asked once (the page asks whether there are any, then lists them)."""
    assignment = AssignmentFactory(mentor=mentor_tebet)
    for n in range(12):
        AssignmentFactory(mentor=MentorFactory(full_name=f"Mentor {n:02d}"))
    login(client, secretariat_tebet)
    url = reverse("mentoring:assign", args=[assignment.participant_id])
    client.get(url)  # the session is warm
    # session, user, the participant, its active assignment, the mentors with their load
    with django_assert_num_queries(5):
        response = client.get(url)
    options = response.content.decode().count("<option ")
    assert response.status_code == 200 and options == 13
