"""The P1 predicates, asked directly: role AND state, each refusal with its code and reason."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.tests.factories import UserFactory
from core.decisions import Refused
from exports import registry
from geography.models import Kecamatan
from registration import permissions, selectors
from registration.choices import Decision, Status
from registration.models import Document, Registration
from registration.services import document_attach, registration_decide, registration_resubmit
from registration.tests.factories import ParticipantFactory, RegistrationFactory, upload

pytestmark = pytest.mark.django_db


def gambir_registration() -> Registration:
    gambir = Kecamatan.objects.get(name="Gambir")
    registration: Registration = RegistrationFactory(
        participant=ParticipantFactory(kecamatan=gambir, nik="3171015708900003")
    )
    return registration


def test_can_decide_needs_a_verifier_of_the_kecamatan_and_a_submitted_registration(
    secretariat_tebet: User, secretariat_gambir: User, mentor_tebet: User, agency_staff: User
) -> None:
    registration = RegistrationFactory()
    assert permissions.can_decide(secretariat_tebet, registration)
    assert permissions.can_decide(agency_staff, registration)
    assert permissions.can_decide(mentor_tebet, registration).code == "not_verifier"
    assert permissions.can_decide(registration.participant.user, registration).code == "not_verifier"
    assert permissions.can_decide(secretariat_gambir, registration).code == "other_office"
    registration.status = Status.APPROVED
    refusal = permissions.can_decide(secretariat_tebet, registration)
    assert (refusal.ok, refusal.code, str(refusal.reason)) == (False, "not_submitted", str(permissions.STATUS_CHANGED))


def test_the_service_enforces_can_decide(mentor_tebet: User, secretariat_gambir: User) -> None:
    registration = RegistrationFactory()
    for user, code in ((mentor_tebet, "not_verifier"), (secretariat_gambir, "other_office")):
        with pytest.raises(Refused) as exc:
            registration_decide(registration=registration, decision=Decision.APPROVE, reason="", acting_user=user)
        assert exc.value.code == code
    registration.refresh_from_db()
    assert registration.status == Status.SUBMITTED


def test_can_fix_is_for_the_owner_of_a_registration_sent_back(secretariat_tebet: User) -> None:
    registration = RegistrationFactory(status=Status.NEEDS_FIX)
    owner = registration.participant.user
    assert permissions.can_fix(owner, registration)
    assert permissions.can_fix(secretariat_tebet, registration).code == "not_owner"
    assert permissions.can_fix(UserFactory(), registration).code == "not_owner"
    registration.status = Status.SUBMITTED
    assert permissions.can_fix(owner, registration).code == "not_needs_fix"


def test_resubmit_refuses_someone_elses_registration(entrepreneur: User) -> None:
    from registration.admin import business_values
    from registration.tests.test_values import person_values

    registration = RegistrationFactory(status=Status.NEEDS_FIX)
    with pytest.raises(Refused) as exc:
        registration_resubmit(
            registration=registration,
            person=person_values(nik=registration.participant.nik),
            business=business_values(registration.participant.business),
            uploads={},
            acting_user=entrepreneur,
        )
    assert exc.value.code == "not_owner"


def test_walk_ins_are_for_office_staff(
    mentor_tebet: User, secretariat_tebet: User, agency_staff: User, entrepreneur: User
) -> None:
    assert permissions.can_register_walk_in(mentor_tebet)
    assert permissions.can_register_walk_in(secretariat_tebet)
    for user in (agency_staff, entrepreneur):
        assert permissions.can_register_walk_in(user).code == "not_office_staff"


def test_online_registration_is_for_entrepreneurs(entrepreneur: User, mentor_tebet: User) -> None:
    assert permissions.can_register_online(entrepreneur)
    assert permissions.can_register_online(mentor_tebet).code == "not_entrepreneur"


def test_the_full_nik_is_for_the_owner_and_the_verifiers(
    secretariat_tebet: User, secretariat_gambir: User, mentor_tebet: User, agency_staff: User
) -> None:
    participant = RegistrationFactory().participant
    assert permissions.can_view_full_nik(participant.user, participant)
    assert permissions.can_view_full_nik(secretariat_tebet, participant)
    assert permissions.can_view_full_nik(agency_staff, participant)
    assert permissions.can_view_full_nik(mentor_tebet, participant).code == "not_verifier"
    assert not permissions.can_view_full_nik(secretariat_gambir, participant)


def test_the_history_is_for_staff_who_verify(
    secretariat_tebet: User, secretariat_gambir: User, mentor_tebet: User, agency_staff: User
) -> None:
    participant = RegistrationFactory().participant
    assert permissions.can_view_history(secretariat_tebet, participant)
    assert permissions.can_view_history(agency_staff, participant)
    assert permissions.can_view_history(mentor_tebet, participant).code == "not_staff"
    assert permissions.can_view_history(participant.user, participant).code == "not_staff"
    assert permissions.can_view_history(secretariat_gambir, participant).code == "other_office"


def test_can_correct_and_can_delete(secretariat_tebet: User, mentor_tebet: User, agency_staff: User) -> None:
    participant = RegistrationFactory().participant
    assert permissions.can_correct(agency_staff, participant)
    assert permissions.can_correct(secretariat_tebet, participant)
    assert permissions.can_correct(mentor_tebet, participant).code == "not_corrector"
    assert permissions.can_delete_participant(agency_staff, participant).code == "not_administrator"
    assert permissions.can_delete_participant(UserFactory(is_superuser=True), participant)


@pytest.mark.parametrize(
    "fixture",
    [
        "entrepreneur",
        "other_entrepreneur",
        "mentor_tebet",
        "mentor_gambir",
        "secretariat_tebet",
        "secretariat_gambir",
        "agency_staff",
        "partner_user",
    ],
)
def test_can_view_document_agrees_with_the_documents_selector(request: pytest.FixtureRequest, fixture: str) -> None:
    user = request.getfixturevalue(fixture)
    entrepreneur = request.getfixturevalue("entrepreneur")
    own = RegistrationFactory(participant=ParticipantFactory(user=entrepreneur))
    for registration in (own, gambir_registration()):
        for kind in ("ktp", "plan_statement"):
            document_attach(
                kind=kind,
                upload=upload(),
                content_type="image/png",
                acting_user=registration.participant.user,
                participant=registration.participant,
            )
    allowed = set(selectors.documents_for(user).values_list("pk", flat=True))
    for document in Document.objects.select_related("participant", "draft"):
        assert bool(permissions.can_view_document(user, document)) == (document.pk in allowed), (fixture, document)
    refused = [permissions.can_view_document(user, d) for d in Document.objects.all() if d.pk not in allowed]
    assert all(d.code in ("not_allowed", "identity_document") for d in refused)


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("agency_staff", True),
        ("secretariat_tebet", True),
        ("mentor_tebet", True),
        ("entrepreneur", False),
        ("partner_user", False),
    ],
)
def test_the_participant_list_and_its_export_ask_one_rule(
    client: Client, request: pytest.FixtureRequest, who: str, sees: bool
) -> None:
    user: User = request.getfixturevalue(who)
    decision = permissions.can_see_participant_list(user)
    assert bool(decision) is sees
    export = registry.get("registration.participants")
    assert export is not None and bool(export.permission(user)) is sees
    client.force_login(user)
    assert client.get(reverse("registration:participants")).status_code == (200 if sees else 403)
    if not sees:
        with translation.override("en"):
            assert (
                str(decision.reason)
                == "Only kecamatan office staff and agency staff see and export the participant list."
            )
