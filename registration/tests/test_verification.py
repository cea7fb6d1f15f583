"""The verification queue and its decisions."""

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from notifications.models import Message
from registration.choices import Decision, Status
from registration.models import RegistrationDecision
from registration.services import registration_decide
from registration.tests.conftest import login
from registration.tests.factories import ParticipantFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def gambir_registration() -> Any:
    from geography.models import Kecamatan

    gambir = Kecamatan.objects.get(name="Gambir")
    return RegistrationFactory(participant=ParticipantFactory(kecamatan=gambir, nik="3171015708900003"))


def test_secretariat_queue_shows_only_their_kecamatan(client: Client, secretariat_tebet: User) -> None:
    tebet = RegistrationFactory()
    gambir = gambir_registration()
    login(client, secretariat_tebet)
    response = client.get(reverse("registration:queue"))
    references = {r.reference for r in response.context["page"].items}
    assert references == {tebet.reference}
    assert gambir.reference not in response.content.decode()


def test_agency_staff_see_every_kecamatan(client: Client, agency_staff: User) -> None:
    tebet, gambir = RegistrationFactory(), gambir_registration()
    login(client, agency_staff)
    references = {r.reference for r in client.get(reverse("registration:queue")).context["page"].items}
    assert references == {tebet.reference, gambir.reference}


def test_queue_lists_are_masked_and_oldest_first(client: Client, secretariat_tebet: User) -> None:
    first, second = RegistrationFactory(), RegistrationFactory()
    login(client, secretariat_tebet)
    response = client.get(reverse("registration:queue"))
    assert [r.pk for r in response.context["page"].items] == [first.pk, second.pk]
    html = response.content.decode()
    assert first.participant.nik not in html
    assert first.participant.masked_nik in html


@pytest.mark.parametrize("fixture", ["mentor_tebet", "entrepreneur", "partner_user"])
def test_others_have_no_queue(client: Client, request: pytest.FixtureRequest, fixture: str) -> None:
    login(client, request.getfixturevalue(fixture))
    assert client.get(reverse("registration:queue")).status_code == 403


def test_queue_filters_by_status(client: Client, secretariat_tebet: User) -> None:
    RegistrationFactory()
    approved = RegistrationFactory(status=Status.APPROVED)
    login(client, secretariat_tebet)
    response = client.get(reverse("registration:queue"), {"status": "approved"})
    assert [r.pk for r in response.context["page"].items] == [approved.pk]
    assert client.get(reverse("registration:queue"), {"status": "bogus"}).status_code == 200


def test_queue_pages_run_a_fixed_number_of_queries(
    client: Client, secretariat_tebet: User, django_assert_max_num_queries: Any
) -> None:
    RegistrationFactory.create_batch(30)
    login(client, secretariat_tebet)
    # the session, the user, five counts (registration.selectors.verification_counts), the page of rows, ...
    with django_assert_max_num_queries(10):
        response = client.get(reverse("registration:queue"))
    assert len(response.context["page"].items) == 25
    with django_assert_max_num_queries(10):
        assert len(client.get(reverse("registration:queue"), {"page": 2}).context["page"].items) == 5


def test_approve_records_who_and_tells_the_participant(
    client: Client, secretariat_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    registration = RegistrationFactory()
    login(client, secretariat_tebet)
    url = reverse("registration:participant", args=[registration.participant_id])
    page = client.get(url)
    assert page.context["decision_form"] is not None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": Decision.APPROVE, "reason": ""})
    assert response.url == reverse("registration:queue")
    registration.refresh_from_db()
    assert registration.status == Status.APPROVED
    assert registration.decided_at is not None
    decision = RegistrationDecision.objects.get()
    assert (decision.decision, decision.decided_by) == (Decision.APPROVE, secretariat_tebet)
    assert Message.objects.filter(template="registration_approved").exists()
    assert any(registration.reference in m.body for m in mail.outbox)


@pytest.mark.parametrize(
    ("decision", "status"), [(Decision.NEEDS_FIX, Status.NEEDS_FIX), (Decision.REJECT, Status.REJECTED)]
)
def test_sending_back_or_rejecting_needs_a_reason(
    client: Client, secretariat_tebet: User, decision: str, status: str
) -> None:
    registration = RegistrationFactory()
    login(client, secretariat_tebet)
    url = reverse("registration:participant", args=[registration.participant_id])
    response = client.post(url, {"decision": decision, "reason": "  "})
    assert response.status_code == 400
    assert "reason" in response.context["decision_form"].errors
    registration.refresh_from_db()
    assert registration.status == Status.SUBMITTED

    client.post(url, {"decision": decision, "reason": "Foto KTP buram"})
    registration.refresh_from_db()
    assert (registration.status, registration.last_reason) == (status, "Foto KTP buram")


def test_a_decided_registration_cannot_be_decided_again(secretariat_tebet: User, agency_staff: User) -> None:
    registration = RegistrationFactory()
    registration_decide(registration=registration, decision=Decision.APPROVE, reason="", acting_user=agency_staff)
    with pytest.raises(ValidationError):
        registration_decide(
            registration=registration, decision=Decision.REJECT, reason="late", acting_user=secretariat_tebet
        )
    assert RegistrationDecision.objects.count() == 1


def test_a_secretariat_cannot_decide_for_another_kecamatan(client: Client, secretariat_tebet: User) -> None:
    registration = gambir_registration()
    login(client, secretariat_tebet)
    url = reverse("registration:participant", args=[registration.participant_id])
    assert client.post(url, {"decision": Decision.APPROVE}).status_code == 404
    registration.refresh_from_db()
    assert registration.status == Status.SUBMITTED


def test_a_second_verifier_is_told_someone_decided_already(
    client: Client, secretariat_tebet: User, agency_staff: User
) -> None:
    registration = RegistrationFactory()
    registration_decide(registration=registration, decision=Decision.APPROVE, reason="", acting_user=agency_staff)
    login(client, secretariat_tebet)
    url = reverse("registration:participant", args=[registration.participant_id])
    response = client.post(url, {"decision": Decision.REJECT, "reason": "late"}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    registration.refresh_from_db()
    assert registration.status == Status.APPROVED


def test_absurd_page_numbers_are_harmless(client: Client, secretariat_tebet: User) -> None:
    RegistrationFactory()
    login(client, secretariat_tebet)
    for page in ("99999999999999999999", "-3", "abc"):
        assert client.get(reverse("registration:queue"), {"page": page}).status_code == 200


def test_a_mentor_sees_the_file_but_cannot_decide(client: Client, mentor_tebet: User) -> None:
    registration = RegistrationFactory()
    login(client, mentor_tebet)
    url = reverse("registration:participant", args=[registration.participant_id])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["decision_form"] is None
    assert registration.participant.nik not in page.content.decode()
    assert client.post(url, {"decision": Decision.APPROVE}).status_code == 403


def test_a_bad_decision_value_changes_nothing(client: Client, secretariat_tebet: User) -> None:
    registration = RegistrationFactory()
    login(client, secretariat_tebet)
    url = reverse("registration:participant", args=[registration.participant_id])
    assert client.post(url, {"decision": "delete-everything"}).status_code == 400
    registration.refresh_from_db()
    assert registration.status == Status.SUBMITTED


def test_participant_page_runs_a_fixed_number_of_queries(
    client: Client, secretariat_tebet: User, django_assert_max_num_queries: Any
) -> None:
    registration = RegistrationFactory()
    login(client, secretariat_tebet)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("registration:participant", args=[registration.participant_id])).status_code == 200


def test_approval_tells_the_other_apps_in_the_same_transaction(agency_staff: User) -> None:
    from registration.signals import registration_approved

    heard: list[Any] = []

    def receiver(sender: Any, registration: Any, acting_user: User, **kwargs: Any) -> None:
        heard.append((registration.status, acting_user))

    registration_approved.connect(receiver)
    try:
        registration = RegistrationFactory()
        registration_decide(registration=registration, decision=Decision.APPROVE, reason="", acting_user=agency_staff)
        rejected = RegistrationFactory()
        registration_decide(registration=rejected, decision=Decision.REJECT, reason="no", acting_user=agency_staff)
    finally:
        registration_approved.disconnect(receiver)
    assert heard == [(Status.APPROVED, agency_staff)]


def test_other_apps_add_links_to_the_participant_page(client: Client, mentor_tebet: User, entrepreneur: User) -> None:
    registration = RegistrationFactory(status=Status.APPROVED)
    url = reverse("registration:participant", args=[registration.participant_id])
    login(client, mentor_tebet)
    assert reverse("mentoring:participant", args=[registration.participant_id]) in client.get(url).content.decode()
    registration.participant.user = entrepreneur
    registration.participant.save()
    login(client, entrepreneur)
    assert client.get(url).context["links"] == []
