"""Every change of P3 is in the audit trail with who did it and through which channel: the web pages, the admin
and the reminder task each leave their rows."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from core import audit
from mentoring import services
from mentoring.models import FollowUp, HelpRequest, MentorAssignment, MentorTarget, Visit
from mentoring.tasks import send_follow_up_reminders
from mentoring.tests.factories import FollowUpFactory, MentorFactory, TargetFactory, VisitFactory
from registration.models import Participant
from registration.tests.conftest import login

pytestmark = pytest.mark.django_db


def history(obj: object) -> list[audit.Entry]:
    with translation.override("en"):
        return audit.history_of(obj)  # type: ignore[arg-type]


def test_marking_a_follow_up_done_on_the_page_leaves_one_web_row(
    client: Client, siti: Participant, mentor_tebet: User
) -> None:
    follow_up = FollowUpFactory(visit=VisitFactory(participant=siti, mentor=mentor_tebet))
    before = len(history(follow_up))
    login(client, mentor_tebet)
    assert client.post(reverse("mentoring:follow_up_done", args=[follow_up.pk])).status_code == 302
    entries = history(follow_up)
    assert len(entries) == before + 1
    newest = entries[0]
    assert (newest.kind, newest.actor, newest.channel) == ("updated", str(mentor_tebet), "web")
    assert "done by" in [c.field for c in newest.changes]


def test_logging_a_visit_records_the_visit_and_its_follow_ups_as_the_mentors(
    client: Client, siti: Participant, mentor_tebet: User
) -> None:
    login(client, mentor_tebet)
    today = timezone.localdate()
    data = {
        "date": today.isoformat(),
        "kind": "field",
        "notes": "Membahas harga.",
        "followups-TOTAL_FORMS": "1",
        "followups-INITIAL_FORMS": "0",
        "followups-0-what": "Daftar NIB",
        "followups-0-due_date": (today + datetime.timedelta(days=3)).isoformat(),
    }
    assert client.post(reverse("mentoring:log_visit", args=[siti.pk]), data).status_code == 302
    visit = Visit.objects.get(participant=siti)
    [created] = history(visit)
    assert (created.kind, created.actor, created.channel) == ("created", str(mentor_tebet), "web")
    [follow_up_created] = history(FollowUp.objects.get(visit=visit))
    assert (follow_up_created.actor, follow_up_created.channel) == (str(mentor_tebet), "web")


def test_a_reassignment_in_the_admin_leaves_admin_rows(
    client: Client, siti: Participant, mentor_tebet: User, agency_staff: User
) -> None:
    newcomer = MentorFactory()
    login(client, agency_staff)
    response = client.post(
        reverse("admin:mentoring_mentorassignment_add"), {"participant": siti.pk, "mentor": newcomer.pk}
    )
    assert response.status_code == 302
    ended = MentorAssignment.objects.get(participant=siti, mentor=mentor_tebet)
    started = MentorAssignment.objects.get(participant=siti, active=True)
    newest = history(ended)[0]
    assert (newest.kind, newest.actor, newest.channel) == ("updated", str(agency_staff), "admin")
    assert [(e.kind, e.actor, e.channel) for e in history(started)] == [("created", str(agency_staff), "admin")]


def test_a_stage_changed_in_the_admin_goes_through_the_service(
    client: Client, siti: Participant, agency_staff: User
) -> None:
    assignment = MentorAssignment.objects.get(participant=siti, active=True)
    login(client, agency_staff)
    response = client.post(reverse("admin:mentoring_mentorassignment_change", args=[assignment.pk]), {"stage": "P4"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.stage == "P4"
    newest = history(assignment)[0]
    assert (newest.actor, newest.channel) == (str(agency_staff), "admin")
    assert [c.field for c in newest.changes] == ["stage"]


def test_a_target_corrected_in_the_admin_is_recorded_with_who_set_it(
    client: Client, mentor_tebet: User, agency_staff: User
) -> None:
    target = TargetFactory(mentor=mentor_tebet, year=2026, participants=10, visits=40)
    login(client, agency_staff)
    data = {"mentor": mentor_tebet.pk, "year": "2026", "participants": "25", "basis": "verified", "visits": "40"}
    response = client.post(reverse("admin:mentoring_mentortarget_change", args=[target.pk]), data)
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.participants, target.set_by) == (25, agency_staff)
    newest = history(target)[0]
    assert (newest.kind, newest.actor, newest.channel) == ("updated", str(agency_staff), "admin")
    assert MentorTarget.objects.count() == 1


def test_a_follow_up_corrected_in_the_admin_goes_through_the_service(
    client: Client, siti: Participant, mentor_tebet: User, agency_staff: User
) -> None:
    follow_up = FollowUpFactory(
        visit=VisitFactory(participant=siti, mentor=mentor_tebet), what="Lama", reminded_at=timezone.now()
    )
    login(client, agency_staff)
    due = timezone.localdate() + datetime.timedelta(days=5)
    response = client.post(
        reverse("admin:mentoring_followup_change", args=[follow_up.pk]), {"what": " Baru ", "due_date": due}
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.what, follow_up.due_date, follow_up.reminded_at) == ("Baru", due, None)  # reminded again
    assert (history(follow_up)[0].channel, history(follow_up)[0].actor) == ("admin", str(agency_staff))


def test_the_reminder_task_records_its_rows_as_the_task(siti: Participant, mentor_tebet: User) -> None:
    follow_up = FollowUpFactory(
        visit=VisitFactory(participant=siti, mentor=mentor_tebet), due_date=timezone.localdate()
    )
    assert send_follow_up_reminders.apply().get() == 1
    newest = history(follow_up)[0]
    assert (newest.kind, newest.channel) == ("updated", "task")
    assert [c.field for c in newest.changes] == ["reminder sent"]


def test_a_help_reply_is_recorded_as_its_authors(
    client: Client, siti: Participant, entrepreneur: User, mentor_tebet: User
) -> None:
    thread = services.help_request_open(
        participant=siti, topic="P4", subject="NIB", body="Bagaimana?", acting_user=entrepreneur
    )
    login(client, mentor_tebet)
    client.post(reverse("mentoring:help_thread", args=[thread.pk]), {"body": "Lewat OSS."})
    newest = history(HelpRequest.objects.get(pk=thread.pk))[0]
    assert (newest.actor, newest.channel) == (str(mentor_tebet), "web")


def test_a_visit_corrected_in_the_admin_goes_through_the_service(
    client: Client, siti: Participant, mentor_tebet: User, agency_staff: User
) -> None:
    """Its follow-ups too, inline (an administrator may edit them there; agency staff read them)."""
    agency_staff.is_superuser = True
    agency_staff.save(update_fields=["is_superuser"])
    visit = VisitFactory(participant=siti, mentor=mentor_tebet, notes="Lama", date=timezone.localdate())
    follow_up = FollowUpFactory(visit=visit, what="Daftar NIB")
    login(client, agency_staff)
    data = {
        "date": visit.date.isoformat(),
        "kind": "office",
        "steps": "[]",
        "notes": " Baru ",
        "follow_ups-TOTAL_FORMS": "1",
        "follow_ups-INITIAL_FORMS": "1",
        "follow_ups-0-id": str(follow_up.pk),
        "follow_ups-0-visit": str(visit.pk),
        "follow_ups-0-what": "Daftar NIB lewat OSS",
        "follow_ups-0-due_date": follow_up.due_date.isoformat(),
    }
    response = client.post(reverse("admin:mentoring_visit_change", args=[visit.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    visit.refresh_from_db()
    follow_up.refresh_from_db()
    assert (visit.notes, visit.kind, visit.mentor, follow_up.what) == (
        "Baru",
        "office",
        mentor_tebet,
        "Daftar NIB lewat OSS",
    )
    assert (history(visit)[0].actor, history(visit)[0].channel) == (str(agency_staff), "admin")
    assert (history(follow_up)[0].actor, history(follow_up)[0].channel) == (str(agency_staff), "admin")


def test_a_thread_handed_over_in_the_admin_goes_to_a_mentor_of_the_kecamatan_only(
    client: Client, siti: Participant, mentor_tebet: User, mentor_gambir: User, agency_staff: User
) -> None:
    thread = services.help_request_open(
        participant=siti, topic="P4", subject="NIB", body="Bagaimana?", acting_user=siti.user
    )
    url = reverse("admin:mentoring_helprequest_change", args=[thread.pk])
    login(client, agency_staff)
    assert client.post(url, {"mentor": mentor_gambir.pk, "status": "open"}).status_code == 200
    colleague = MentorFactory()
    assert client.post(url, {"mentor": colleague.pk, "status": "closed"}).status_code == 302
    thread.refresh_from_db()
    assert (thread.mentor, thread.status, thread.awaiting_mentor) == (colleague, "closed", False)
    newest = history(thread)[0]
    assert (newest.actor, newest.channel) == (str(agency_staff), "admin")
