"""A mentor who leaves (account deactivated, another role, another office) leaves their participants: the
assignments end, kept as history, and the participants wait in the "without a mentor" list. Reminders and
questions go to an active mentor of the participant's kecamatan only.

The change reaches mentoring through accounts.registry.position_changed (what accounts' services and the User
admin call), never through a receiver of User.save(): these tests call it as accounts does."""

import dataclasses
import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts import registry
from accounts.models import Role, User
from accounts.tests.factories import office
from core import audit
from mentoring import selectors, services
from mentoring.models import EndReason, HelpMessage, HelpRequest, HelpStatus, MentorAssignment
from mentoring.tests.conftest import active_mentor
from mentoring.tests.factories import (
    AssignmentFactory,
    FollowUpFactory,
    HelpMessageFactory,
    HelpRequestFactory,
    MentorFactory,
    VisitFactory,
    verified_participant,
)
from notifications.models import Message
from registration import services as registration_services
from registration.models import Participant
from registration.services import identity_of
from registration.tests.conftest import login

pytestmark = pytest.mark.django_db


def change_position(mentor: User, acting_user: User | None = None, **changes: Any) -> None:
    """What accounts' position services do: save the user, then tell the registered apps."""
    before = registry.Position.of(mentor)
    for name, value in changes.items():
        setattr(mentor, name, value)
    mentor.save(update_fields=list(changes))
    registry.position_changed(mentor, before, registry.Position.of(mentor), acting_user)


def deactivate(mentor: User) -> None:
    change_position(mentor, is_active=False)


def make_secretariat(mentor: User) -> None:
    change_position(mentor, role=Role.SECRETARIAT)


def move_to_gambir(mentor: User) -> None:
    change_position(mentor, office=office("Gambir"))


LEAVING: dict[str, Callable[[User], None]] = {
    "deactivated": deactivate,
    "role_changed": make_secretariat,
    "moved_office": move_to_gambir,
}


def unassigned(client: Client, staff: User) -> list[int]:
    login(client, staff)
    return [p.pk for p in client.get(reverse("mentoring:unassigned")).context["page"].items]


@pytest.mark.parametrize("leave", LEAVING.keys())
def test_a_leaving_mentors_participants_wait_for_a_new_mentor(
    client: Client, siti: Participant, mentor_tebet: User, secretariat_tebet: User, leave: str
) -> None:
    other = AssignmentFactory(mentor=mentor_tebet).participant
    colleagues = AssignmentFactory(mentor=MentorFactory())
    assert unassigned(client, secretariat_tebet) == []

    LEAVING[leave](mentor_tebet)

    assert active_mentor(siti) is None and active_mentor(other) is None
    ended = MentorAssignment.objects.filter(mentor=mentor_tebet)
    assert [(a.active, a.end_reason, a.ended_at is not None) for a in ended] == [
        (False, EndReason.MENTOR_LEFT, True)
    ] * 2
    colleagues.refresh_from_db()
    assert colleagues.active and colleagues.end_reason == ""
    assert sorted(unassigned(client, secretariat_tebet)) == sorted([siti.pk, other.pk])
    # the history stays on the participant's page, with why it ended
    page = client.get(reverse("mentoring:participant", args=[siti.pk])).content.decode()
    assert mentor_tebet.full_name in page and str(EndReason.MENTOR_LEFT.label) in page


def test_a_mentor_who_moves_keeps_the_participants_of_the_new_office(mentor_tebet: User) -> None:
    of_tebet = AssignmentFactory(mentor=mentor_tebet)
    of_gambir = AssignmentFactory(mentor=mentor_tebet, participant=verified_participant("Gambir"))
    move_to_gambir(mentor_tebet)
    of_tebet.refresh_from_db()
    of_gambir.refresh_from_db()
    assert (of_tebet.active, of_gambir.active) == (False, True)


def test_a_participant_moved_to_another_kecamatan_leaves_their_mentor_and_waits_there(
    client: Client, siti: Participant, mentor_tebet: User, secretariat_tebet: User, secretariat_gambir: User
) -> None:
    gambir = office("Gambir")
    moved = dataclasses.replace(identity_of(siti), kecamatan=gambir)

    registration_services.participant_correct_identity(participant=siti, identity=moved, acting_user=secretariat_tebet)

    assert active_mentor(siti) is None
    ended = MentorAssignment.objects.get(participant=siti)
    assert (ended.mentor, ended.end_reason, ended.ended_at is not None) == (
        mentor_tebet,
        EndReason.PARTICIPANT_MOVED,
        True,
    )
    assert unassigned(client, secretariat_gambir) == [siti.pk] and unassigned(client, secretariat_tebet) == []
    # a correction within the mentor's kecamatan (the name) keeps the mentor
    other = AssignmentFactory(mentor=mentor_tebet).participant
    renamed = dataclasses.replace(identity_of(other), full_name="Budi Santoso Putra")
    registration_services.participant_correct_identity(
        participant=other, identity=renamed, acting_user=secretariat_tebet
    )
    assert active_mentor(other) == mentor_tebet


def test_the_end_is_one_update_in_the_transaction_of_the_change(
    mentor_tebet: User, agency_staff: User, django_assert_num_queries: Any
) -> None:
    AssignmentFactory.create_batch(3, mentor=mentor_tebet)
    before = registry.Position.of(mentor_tebet)
    mentor_tebet.is_active = False
    with django_assert_num_queries(3):  # the user's UPDATE, the assignments' participant ids, their one UPDATE
        mentor_tebet.save(update_fields=["is_active"])
        registry.position_changed(mentor_tebet, before, registry.Position.of(mentor_tebet), agency_staff)
    assert not MentorAssignment.objects.filter(active=True).exists()

    # a save that is rolled back ends nothing
    again = MentorFactory()
    kept = AssignmentFactory(mentor=again)
    with pytest.raises(RuntimeError), transaction.atomic():
        deactivate(again)
        assert not MentorAssignment.objects.filter(pk=kept.pk, active=True).exists()
        raise RuntimeError
    kept.refresh_from_db()
    assert kept.active


def test_saves_that_change_no_mentor_field_cost_no_query(
    mentor_tebet: User, siti: Participant, django_assert_num_queries: Any
) -> None:
    mentor_tebet.last_login = timezone.now()
    with django_assert_num_queries(1):
        mentor_tebet.save(update_fields=["last_login"])
    mentor_tebet.full_name = "Mentor Tebet Baru"
    mentor_tebet.is_active = False
    mentor_tebet.save()  # a save carries no business rule: only position_changed ends assignments
    assert active_mentor(siti) == mentor_tebet


def test_a_position_change_of_someone_who_was_no_mentor_costs_no_query(
    secretariat_tebet: User, django_assert_num_queries: Any
) -> None:
    before = registry.Position.of(secretariat_tebet)
    after = registry.Position(role=Role.MENTOR, office_id=before.office_id, is_active=True)
    with django_assert_num_queries(0):
        registry.position_changed(secretariat_tebet, before, after, None)


def test_the_ended_assignments_are_in_the_trail_as_the_acting_users(
    siti: Participant, mentor_tebet: User, agency_staff: User
) -> None:
    assignment = MentorAssignment.objects.get(participant=siti, active=True)
    with audit.channel(audit.Channel.ADMIN):
        change_position(mentor_tebet, agency_staff, is_active=False)
    with translation.override("en"):
        latest = audit.history_of(assignment)[0]
    assert (latest.kind, latest.actor, latest.channel) == ("updated", str(agency_staff), "admin")
    assert ("active", "yes", "no") in [(c.field, c.before, c.after) for c in latest.changes]


def test_deactivating_a_mentor_in_the_admin_ends_their_assignments(
    client: Client, agency_staff: User, siti: Participant, mentor_tebet: User
) -> None:
    login(client, agency_staff)
    response = client.post(
        reverse("admin:accounts_user_change", args=[mentor_tebet.pk]),
        {
            "email": mentor_tebet.email,
            "phone": "",
            "full_name": mentor_tebet.full_name,
            "role": Role.MENTOR,
            "office": mentor_tebet.office_id,
            # is_active unticked
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    mentor_tebet.refresh_from_db()
    assert mentor_tebet.is_active is False
    assert active_mentor(siti) is None


def test_a_stale_assignment_counts_as_no_mentor(
    client: Client, siti: Participant, mentor_tebet: User, secretariat_tebet: User, entrepreneur: User
) -> None:
    """Should an assignment outlive its mentor (a bulk update skips signals), the participant is still listed
    as without a mentor, and cannot send a question nobody would read."""
    User.objects.filter(pk=mentor_tebet.pk).update(is_active=False)
    moved = AssignmentFactory(mentor=MentorFactory()).participant
    User.objects.filter(mentee_assignments__participant=moved).update(office=office("Gambir"))
    assert MentorAssignment.objects.filter(active=True).count() == 2

    assert sorted(unassigned(client, secretariat_tebet)) == sorted([siti.pk, moved.pk])

    login(client, entrepreneur)
    response = client.post(
        reverse("mentoring:help_new"), {"topic": "P4", "subject": "NIB", "body": "Bagaimana daftar NIB?"}
    )
    assert response.status_code == 400
    assert not HelpRequest.objects.exists()

    # staff assign a new mentor from the list: the stale assignment ends, the new one starts
    newcomer = MentorFactory()
    login(client, secretariat_tebet)
    client.post(reverse("mentoring:assign", args=[siti.pk]), {"mentor": newcomer.pk})
    assert active_mentor(siti) == newcomer


# --- reminders and questions after a mentor left ---------------------------------------------------------------


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def reminded(mentor: User) -> int:
    return Message.objects.filter(template="mentoring_follow_ups_due", recipient=mentor, channel="email").count()


def test_follow_ups_of_a_mentor_who_left_wait_for_the_next_mentor(
    siti: Participant, mentor_tebet: User, secretariat_tebet: User
) -> None:
    follow_up = FollowUpFactory(visit=VisitFactory(participant=siti, mentor=mentor_tebet), due_date=day(-1))
    deactivate(mentor_tebet)

    assert services.follow_ups_remind_due() == 0
    assert reminded(mentor_tebet) == 0
    follow_up.refresh_from_db()
    assert follow_up.reminded_at is None

    newcomer = MentorFactory()
    services.assignment_change(participant=siti, mentor=newcomer, acting_user=secretariat_tebet)
    assert services.follow_ups_remind_due() == 1
    assert (reminded(newcomer), reminded(mentor_tebet)) == (1, 0)
    assert services.follow_ups_remind_due() == 0


def test_a_moved_visit_mentor_is_not_reminded_but_the_current_mentor_is(
    siti: Participant, mentor_tebet: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "REMINDER_BATCH", 2)
    moved = MentorFactory()
    FollowUpFactory.create_batch(3, visit=VisitFactory(participant=siti, mentor=moved), due_date=day(0))
    nobodys = verified_participant("Tebet")
    FollowUpFactory.create_batch(3, visit=VisitFactory(participant=nobodys, mentor=moved), due_date=day(-2))
    move_to_gambir(moved)

    # batches of two: the three without anyone to tell are passed over, not retried for ever
    assert services.follow_ups_remind_due() == 3
    assert (reminded(mentor_tebet), reminded(moved)) == (2, 0)


def test_a_reply_after_the_mentor_left_notifies_nobody_until_a_new_mentor_comes(
    client: Client, siti: Participant, mentor_tebet: User, secretariat_tebet: User, entrepreneur: User
) -> None:
    thread = HelpMessageFactory(request=HelpRequestFactory(participant=siti, mentor=mentor_tebet)).request
    deactivate(mentor_tebet)
    login(client, entrepreneur)
    client.post(reverse("mentoring:help_thread", args=[thread.pk]), {"body": "Masih menunggu."})
    assert HelpMessage.objects.filter(request=thread).count() == 2
    assert not Message.objects.filter(template="mentoring_help_message").exists()

    newcomer = MentorFactory()
    services.assignment_change(participant=siti, mentor=newcomer, acting_user=secretariat_tebet)
    thread.refresh_from_db()
    assert (thread.mentor, thread.status, thread.awaiting_mentor) == (newcomer, HelpStatus.OPEN, True)


# --- the caseload count ----------------------------------------------------------------------------------------


def test_the_caseload_count_is_what_the_caseload_shows(client: Client, mentor_tebet: User) -> None:
    AssignmentFactory.create_batch(2, mentor=mentor_tebet)
    AssignmentFactory(mentor=mentor_tebet, participant=verified_participant("Gambir"))  # not on the caseload
    AssignmentFactory(mentor=mentor_tebet, active=False, ended_at=timezone.now())
    login(client, mentor_tebet)
    shown = len(client.get(reverse("mentoring:caseload")).context["page"].items)
    progress = selectors.my_progress(mentor_tebet, year=timezone.localdate().year)
    assert progress is not None
    assert shown == progress.caseload == 2
    mentors_page = selectors.mentors_progress(mentor_tebet, year=timezone.localdate().year)
    assert [selectors.progress_of(m, timezone.localdate().year).caseload for m in mentors_page] == [2]
