"""The mentoring admin, for agency staff, at scale: fixed queries, history kept on reassignment."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from mentoring import services
from mentoring.models import MentorAssignment, MentorTarget, MentorTraining
from mentoring.tests.factories import (
    AssignmentFactory,
    FollowUpFactory,
    HelpMessageFactory,
    MentorFactory,
    TargetFactory,
    TrainingFactory,
)
from registration.tests.conftest import login
from registration.tests.factories import png_bytes, upload

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "admin:mentoring_mentorassignment_changelist",
    "admin:mentoring_visit_changelist",
    "admin:mentoring_followup_changelist",
    "admin:mentoring_helprequest_changelist",
    "admin:mentoring_mentortarget_changelist",
    "admin:mentoring_mentortraining_changelist",
]


def rows() -> None:
    AssignmentFactory()
    FollowUpFactory()
    HelpMessageFactory()
    TargetFactory()
    TrainingFactory()


@pytest.mark.parametrize("url_name", CHANGELISTS)
def test_changelists_run_a_fixed_number_of_queries(
    client: Client, agency_staff: User, url_name: str, django_assert_max_num_queries: Any
) -> None:
    rows()
    login(client, agency_staff)
    client.get(reverse(url_name))
    for _ in range(10):
        rows()
    with django_assert_max_num_queries(10):
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response.context["cl"].show_full_result_count is False
    assert client.get(reverse(url_name), {"q": "x"}).status_code == 200


def test_change_pages_open(client: Client, agency_staff: User, mentor_tebet: User) -> None:
    visit = services.visit_log(
        participant=AssignmentFactory(mentor=mentor_tebet).participant,
        date=timezone.localdate(),
        kind="field",
        steps=["P3"],
        notes="Catatan",
        shared=False,
        follow_ups=[],
        photo=upload("a.png", png_bytes()),
        acting_user=mentor_tebet,
    )
    help_message = HelpMessageFactory()
    login(client, agency_staff)
    for name, pk in (
        ("visit", visit.pk),
        ("helprequest", help_message.request_id),
        ("mentorassignment", MentorAssignment.objects.first().pk),  # type: ignore[union-attr]
    ):
        response = client.get(reverse(f"admin:mentoring_{name}_change", args=[pk]))
        assert response.status_code == 200, name
    html = client.get(reverse("admin:mentoring_visit_change", args=[visit.pk])).content.decode()
    assert reverse("mentoring:visit_photo", args=[visit.public_id]) in html


def test_adding_an_assignment_reassigns_and_keeps_history(
    client: Client, agency_staff: User, mentor_tebet: User
) -> None:
    first = AssignmentFactory(mentor=mentor_tebet)
    other = MentorFactory()
    login(client, agency_staff)
    response = client.post(
        reverse("admin:mentoring_mentorassignment_add"),
        {"participant": first.participant_id, "mentor": other.pk, "reason": "Beban kerja"},
    )
    assert response.status_code == 302
    assert list(
        MentorAssignment.objects.filter(participant=first.participant).order_by("pk").values_list("mentor", "active")
    ) == [(mentor_tebet.pk, False), (other.pk, True)]
    assert MentorAssignment.objects.get(active=True).assigned_by == agency_staff


def test_the_admin_refuses_a_mentor_of_another_kecamatan(
    client: Client, agency_staff: User, mentor_tebet: User, mentor_gambir: User
) -> None:
    first = AssignmentFactory(mentor=mentor_tebet)
    login(client, agency_staff)
    response = client.post(
        reverse("admin:mentoring_mentorassignment_add"),
        {"participant": first.participant_id, "mentor": mentor_gambir.pk},
    )
    assert response.status_code == 200
    assert MentorAssignment.objects.filter(active=True).get().mentor == mentor_tebet


def test_staff_set_targets_and_record_trainings(
    client: Client, agency_staff: User, mentor_tebet: User, secretariat_tebet: User
) -> None:
    login(client, agency_staff)
    data = {"mentor": mentor_tebet.pk, "year": "2026", "participants": "20", "basis": "verified", "visits": "60"}
    assert client.post(reverse("admin:mentoring_mentortarget_add"), data).status_code == 302
    assert MentorTarget.objects.get().set_by == agency_staff
    assert client.post(reverse("admin:mentoring_mentortarget_add"), data).status_code == 200  # one per year
    assert (
        client.post(
            reverse("admin:mentoring_mentortarget_add"), {**data, "year": "2027", "mentor": secretariat_tebet.pk}
        ).status_code
        == 200
    )
    assert MentorTarget.objects.count() == 1
    training = {
        "mentor": mentor_tebet.pk,
        "title": "Perpajakan UMKM",
        "kind": "tax",
        "date": "2026-02-03",
        "organiser": "DJP",
    }
    assert client.post(reverse("admin:mentoring_mentortraining_add"), training).status_code == 302
    assert MentorTraining.objects.get().recorded_by == agency_staff


@pytest.mark.parametrize("fixture", ["secretariat_tebet", "mentor_tebet", "entrepreneur", "partner_user"])
def test_only_agency_staff_work_in_the_mentoring_admin(
    client: Client, request: pytest.FixtureRequest, fixture: str
) -> None:
    user = request.getfixturevalue(fixture)
    user.is_staff = True
    user.save()
    login(client, user)
    assert client.get(reverse("admin:mentoring_visit_changelist")).status_code in (302, 403)
