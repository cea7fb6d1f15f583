"""The participant's home page: the P1-P7 journey through the step-provider interface."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from registration import journey
from registration.choices import Decision, Status
from registration.models import Draft
from registration.services import registration_decide
from registration.tests.conftest import business_data, login, person_data, prefixed
from registration.tests.factories import ParticipantFactory, RegistrationFactory, upload

pytestmark = pytest.mark.django_db


def states(client: Client) -> dict[str, str]:
    return {s.code: s.status.state for s in client.get(reverse("home")).context["steps"]}


def test_journey_lists_the_seven_steps_with_p1_first(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    steps = states(client)
    assert list(steps) == ["P1", "P2", "P3", "P4", "P5", "P6", "P7"]
    assert steps["P1"] == journey.State.NOT_STARTED
    without_app = [code for code in steps if code not in journey._providers]
    assert {steps[code] for code in without_app} <= {journey.State.COMING}
    assert all(steps[code] != journey.State.COMING for code in journey._providers)


def test_p1_follows_the_registration(client: Client, entrepreneur: User, secretariat_tebet: User) -> None:
    login(client, entrepreneur)
    Draft.objects.create(user=entrepreneur)
    assert states(client)["P1"] == journey.State.IN_PROGRESS
    Draft.objects.all().delete()
    registration = RegistrationFactory(participant=ParticipantFactory(user=entrepreneur))
    assert states(client)["P1"] == journey.State.IN_PROGRESS
    registration_decide(
        registration=registration, decision=Decision.NEEDS_FIX, reason="KTP buram", acting_user=secretariat_tebet
    )
    response = client.get(reverse("home"))
    assert response.context["current"].code == "P1"
    assert "KTP buram" in response.content.decode()
    assert states(client)["P1"] == journey.State.ACTION_NEEDED


def test_approved_registration_shows_p1_done(client: Client, entrepreneur: User) -> None:
    RegistrationFactory(participant=ParticipantFactory(user=entrepreneur), status=Status.APPROVED)
    login(client, entrepreneur)
    assert states(client)["P1"] == journey.State.DONE
    assert 'data-step="P1" data-state="done"' in client.get(reverse("home")).content.decode()


def test_a_step_app_plugs_in_without_registration_knowing_it(client: Client, entrepreneur: User) -> None:
    class TrainingStep:
        code = "P2"

        def status(self, user: User) -> journey.StepStatus:
            return journey.StepStatus(journey.State.IN_PROGRESS, "2 of 3 sessions attended")

    real = journey._providers.get("P2")
    journey._providers.pop("P2", None)
    journey.register(TrainingStep())
    try:
        login(client, entrepreneur)
        assert states(client)["P2"] == journey.State.IN_PROGRESS
    finally:
        journey._providers.pop("P2")
        if real is not None:
            journey.register(real)


def test_registering_an_unknown_step_fails_loudly() -> None:
    class Bogus:
        code = "P9"

        def status(self, user: User) -> journey.StepStatus:
            raise AssertionError

    with pytest.raises(ValueError):
        journey.register(Bogus())


def test_home_runs_a_fixed_number_of_queries(
    client: Client, entrepreneur: User, django_assert_max_num_queries: Any
) -> None:
    RegistrationFactory(participant=ParticipantFactory(user=entrepreneur))
    login(client, entrepreneur)
    with django_assert_max_num_queries(6):  # each step app's status is a query at most (P4's none: unverified)
        assert client.get(reverse("home")).status_code == 200


def test_staff_home_shows_their_queue(
    client: Client, secretariat_tebet: User, django_assert_max_num_queries: Any
) -> None:
    registrations = RegistrationFactory.create_batch(7)
    login(client, secretariat_tebet)
    with django_assert_max_num_queries(6):  # with the licence queue's and the curation panel's counts
        response = client.get(reverse("home"))
    assert [r.pk for r in response.context["waiting"]] == [r.pk for r in registrations[:5]]


def test_landing_page_sends_a_logged_in_user_home(client: Client, entrepreneur: User) -> None:
    assert client.get(reverse("landing")).status_code == 200
    login(client, entrepreneur)
    assert client.get(reverse("landing")).url == reverse("home")


def test_participant_fixes_a_registration_sent_back(
    client: Client, entrepreneur: User, secretariat_tebet: User
) -> None:
    registration = RegistrationFactory(participant=ParticipantFactory(user=entrepreneur, nik=person_data()["nik"]))
    registration_decide(
        registration=registration, decision=Decision.NEEDS_FIX, reason="Unggah KTP", acting_user=secretariat_tebet
    )
    login(client, entrepreneur)
    assert client.get(reverse("registration:fix")).status_code == 200
    data = {
        **prefixed("person", person_data(email=entrepreneur.email)),
        **prefixed("business", business_data(name="Warung Siti Baru")),
        "documents-ktp": upload(),
        "documents-plan_statement": upload(),
    }
    response = client.post(reverse("registration:fix"), data)
    assert response.status_code == 302, response.context and [
        response.context[f].errors for f in ("person", "business", "documents")
    ]
    registration.refresh_from_db()
    assert registration.status == Status.SUBMITTED
    assert registration.participant.business.name == "Warung Siti Baru"
    assert registration.participant.documents.count() == 2
    assert client.get(reverse("registration:fix")).status_code == 404


def test_the_fix_page_is_only_for_a_registration_sent_back(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    assert client.get(reverse("registration:fix")).status_code == 404
    RegistrationFactory(participant=ParticipantFactory(user=entrepreneur))
    assert client.get(reverse("registration:fix")).status_code == 404
