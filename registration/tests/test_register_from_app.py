"""Registering through an app (the JAKI city app): the wizard's and the walk-in's rules, one shared code path,
the account without a password and its claim link, and nothing kept when anything is refused."""

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from core.decisions import Refused
from geography.models import Kecamatan
from notifications.models import Message
from registration import permissions
from registration.choices import Channel, Status
from registration.models import Business, Document, Participant, Registration
from registration.services import AlreadyRegistered, registration_register_from_app, registration_register_walk_in
from registration.tests.factories import RegistrationFactory, nik_for, pdf_bytes, upload
from registration.tests.test_values import business_values, person_values, uploads

pytestmark = pytest.mark.django_db


@pytest.fixture
def app_account(db: None) -> User:
    """An app's API account: a partner-role account without a password."""
    return UserFactory(email="api-jaki@api.jakpreneur.invalid", full_name="API: JAKI", role=Role.PARTNER)


def register(acting_user: User, **overrides: Any) -> Registration:
    values: dict[str, Any] = {
        "person": person_values(),
        "business": business_values(),
        "uploads": uploads(),
        "channel": Channel.JAKI,
    }
    values.update(overrides)
    return registration_register_from_app(acting_user=acting_user, **values)


def counts() -> tuple[int, int, int, int, int]:
    return (
        User.objects.count(),
        Participant.objects.count(),
        Business.objects.count(),
        Document.objects.count(),
        Message.objects.count(),
    )


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def test_an_app_registers_a_person_who_gets_the_claim_link_as_a_walk_in_does(
    app_account: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(app_account)
    assert registration.channel == Channel.JAKI
    assert registration.status == Status.SUBMITTED
    assert registration.registered_by == app_account
    participant = registration.participant
    assert participant.nik == nik_for("Tebet") and participant.phone == "+6281311112222"
    person = participant.user
    assert person.role == Role.ENTREPRENEUR and not person.has_usable_password()
    assert {d.kind for d in participant.documents.all()} == {"ktp", "plan_statement"}
    assert set(Message.objects.filter(recipient=person).values_list("template", flat=True)) == {
        "account_claim",
        "registration_received",
    }
    claim = Message.objects.get(recipient=person, template="account_claim")
    assert claim.channel == "sms" and claim.address == "+6281311112222"


@pytest.mark.parametrize("fixture", ["entrepreneur", "mentor_tebet", "secretariat_tebet", "agency_staff"])
def test_only_an_active_partner_account_registers_from_an_app(request: pytest.FixtureRequest, fixture: str) -> None:
    user = request.getfixturevalue(fixture)
    before = counts()
    with pytest.raises(Refused) as exc:
        register(user)
    assert exc.value.code == "not_app"
    assert counts() == before


def test_an_inactive_app_account_is_refused(app_account: User) -> None:
    app_account.is_active = False
    app_account.save(update_fields=["is_active"])
    assert permissions.can_register_from_app(app_account).code == "not_app"
    with pytest.raises(Refused):
        register(app_account)
    assert not Participant.objects.exists()


def test_every_refused_value_is_reported_at_once_and_nothing_is_kept(app_account: User, private_storage: Path) -> None:
    before = counts()
    with pytest.raises(ValidationError) as exc:
        register(
            app_account,
            person=person_values(birth_date=datetime.date(2015, 8, 17), phone="", email=""),
            business=business_values(planned_capital=-1),
        )
    errors = exc.value.error_dict
    assert {"birth_date", "phone"} <= set(errors)  # under 17; no way to reach them
    assert [e.code for e in errors["planned_capital"]] == ["negative"]
    assert counts() == before
    assert stored_files(private_storage) == []


def test_the_documents_the_answers_call_for_are_required(app_account: User, private_storage: Path) -> None:
    before = counts()
    with pytest.raises(ValidationError) as exc:
        register(app_account, uploads={"ktp": uploads()["ktp"]})
    assert [e.code for e in exc.value.error_dict["plan_statement"]] == ["required"]
    with pytest.raises(ValidationError) as exc:
        register(app_account, person=person_values(track="naik_kelas"), business=business_values(started_on=None))
    assert {"development_plan_statement", "ownership_proof"} <= set(exc.value.error_dict)
    assert counts() == before
    assert stored_files(private_storage) == []


def test_a_taken_nik_is_already_registered(app_account: User) -> None:
    taken = RegistrationFactory().participant.nik
    before = counts()
    with pytest.raises(AlreadyRegistered) as exc:
        register(app_account, person=person_values(nik=taken, phone="0813-9999-0000"))
    assert exc.value.code == "already_registered"
    assert counts() == before


def test_a_contact_with_an_account_already_is_refused(app_account: User) -> None:
    UserFactory(phone="+6281311112222", role=Role.ENTREPRENEUR)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        register(app_account)
    assert [e.code for e in exc.value.error_dict["phone"]] == ["account_exists"]
    assert counts() == before


def test_a_refused_file_leaves_no_file_and_no_record(app_account: User, private_storage: Path) -> None:
    bad = {**uploads(), "plan_statement": (upload("plan.pdf", b"MZ\x90\x00" + b"\x00" * 64), "application/pdf")}
    before = counts()
    with pytest.raises(ValidationError) as exc:
        register(app_account, uploads=bad)
    assert [e.code for e in exc.value.error_dict["plan_statement"]] == ["file_type"]
    assert counts() == before
    assert stored_files(private_storage) == []  # the good KTP was not stored either


def test_a_file_not_of_the_type_claimed_is_refused(app_account: User) -> None:
    claimed_png = {**uploads(), "plan_statement": (upload("plan.pdf", pdf_bytes(), "image/png"), "image/png")}
    with pytest.raises(ValidationError) as exc:
        register(app_account, uploads=claimed_png)
    assert [e.code for e in exc.value.error_dict["plan_statement"]] == ["file_type"]
    assert not Participant.objects.exists()


def test_a_document_the_answers_do_not_call_for_is_not_kept(app_account: User) -> None:
    extra = {**uploads(), "lurah_letter": (upload("letter.pdf", pdf_bytes(), "application/pdf"), "application/pdf")}
    registration = register(app_account, uploads=extra)
    assert {d.kind for d in registration.participant.documents.all()} == {"ktp", "plan_statement"}


def test_the_office_check_stays_with_the_walk_in(app_account: User, mentor_gambir: User) -> None:
    """An app registers a Tebet resident whoever runs it; a Gambir mentor may not register them at the office."""
    with pytest.raises(ValidationError) as exc:
        registration_register_walk_in(
            person=person_values(), business=business_values(), uploads=uploads(), acting_user=mentor_gambir
        )
    assert [e.code for e in exc.value.error_dict["kecamatan"]] == ["other_office"]
    registration = register(app_account, person=person_values(kecamatan=Kecamatan.objects.get(name="Tebet")))
    assert registration.kecamatan.name == "Tebet"


def test_a_walk_in_with_a_taken_nik_is_already_registered_too(mentor_tebet: User) -> None:
    taken = RegistrationFactory().participant.nik
    with pytest.raises(AlreadyRegistered):
        registration_register_walk_in(
            person=person_values(nik=taken), business=business_values(), uploads=uploads(), acting_user=mentor_tebet
        )


def test_registering_runs_a_fixed_number_of_queries(app_account: User, django_assert_max_num_queries: Any) -> None:
    RegistrationFactory.create_batch(20)
    with django_assert_max_num_queries(34):
        register(app_account)
