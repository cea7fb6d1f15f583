"""The services take values, check them themselves, and answer a shell as they answer the web: same fields,
same codes, same messages. No service module imports a forms module."""

import ast
import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import User
from geography.models import Kecamatan
from registration import validators
from registration.forms import BusinessForm, PersonForm
from registration.models import Participant
from registration.services import registration_register_walk_in
from registration.tests.conftest import business_data, person_data
from registration.tests.factories import RegistrationFactory, nik_for, pdf_bytes, upload
from registration.values import BusinessData, PersonData

pytestmark = pytest.mark.django_db


def person_values(**overrides: Any) -> PersonData:
    values: dict[str, Any] = {
        "full_name": "Siti Rahayu",
        "nik": nik_for("Tebet"),
        "birth_date": datetime.date(1990, 8, 17),
        "sex": "F",
        "phone": "0813-1111-2222",
        "email": "",
        "address": "Jl. Tebet Raya No. 1",
        "kecamatan": Kecamatan.objects.get(name="Tebet"),
        "track": "pemula",
        "jakarta_ktp": True,
    }
    values.update(overrides)
    return PersonData(**values)


def business_values(**overrides: Any) -> BusinessData:
    values: dict[str, Any] = {
        "name": "Warung Siti",
        "sector": "culinary",
        "started_on": None,
        "address": "Jl. Tebet Raya No. 1",
        "kecamatan": Kecamatan.objects.get(name="Tebet"),
        "workers": 2,
        "assets": 5_000_000,
        "monthly_turnover": 3_000_000,
        # a starting entrepreneur's planned business (the growing track's figures are the three above)
        "planned_start": datetime.date.today().replace(day=1),
        "planned_capital": 2_500_000,
    }
    values.update(overrides)
    return BusinessData(**values)


def uploads() -> dict[str, Any]:
    return {
        "ktp": (upload("ktp.png"), "image/png"),
        "plan_statement": (upload("plan.pdf", pdf_bytes(), "application/pdf"), "application/pdf"),
    }


def errors_of(exc: ValidationError) -> dict[str, list[tuple[str | None, str]]]:
    return {field: sorted((e.code, str(e.messages[0])) for e in errors) for field, errors in exc.error_dict.items()}


def form_errors(form: Any) -> dict[str, list[tuple[str | None, str]]]:
    assert not form.is_valid()
    return {
        field: sorted((e.code, str(e.messages[0])) for e in errors) for field, errors in form.errors.as_data().items()
    }


def test_a_walk_in_from_a_shell_is_registered_with_the_same_rules(
    mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_register_walk_in(
            person=person_values(nik=nik_for("Tebet")[:6] + " " + nik_for("Tebet")[6:]),
            business=business_values(),
            uploads=uploads(),
            acting_user=mentor_tebet,
        )
    participant = registration.participant
    assert participant.nik == nik_for("Tebet")  # compacted by the service
    assert participant.phone == "+6281311112222"  # normalised by the service
    assert participant.business.name == "Warung Siti"
    assert {d.kind for d in participant.documents.all()} == {"ktp", "plan_statement"}


@pytest.mark.parametrize(
    ("person", "form"),
    [
        ({"birth_date": datetime.date(2015, 8, 17)}, {"birth_date": "2015-08-17"}),
        ({"nik": "31740157089"}, {"nik": "31740157089"}),
        ({"sex": "M"}, {"sex": "M"}),
        ({"phone": "", "email": ""}, {"phone": "", "email": ""}),
        (
            {"jakarta_ktp": False, "non_jakarta_basis": ""},
            {"jakarta_ktp": "False", "non_jakarta_basis": ""},
        ),
        (
            {"jakarta_ktp": False, "non_jakarta_basis": "lurah_letter", "domicile_since": datetime.date.today()},
            {
                "jakarta_ktp": "False",
                "non_jakarta_basis": "lurah_letter",
                "domicile_since": str(datetime.date.today()),
            },
        ),
    ],
)
def test_the_service_refuses_what_the_form_refuses_with_the_same_codes_and_messages(
    mentor_tebet: User, person: dict[str, Any], form: dict[str, Any]
) -> None:
    with translation.override("id"):
        with pytest.raises(ValidationError) as exc:
            registration_register_walk_in(
                person=person_values(**person), business=business_values(), uploads=uploads(), acting_user=mentor_tebet
            )
        expected = form_errors(PersonForm(person_data(**form)))
        assert errors_of(exc.value) == expected
    assert not Participant.objects.exists()


def test_a_taken_nik_is_refused_by_the_service_as_by_the_form(mentor_tebet: User) -> None:
    taken = RegistrationFactory().participant.nik
    with pytest.raises(ValidationError) as exc:
        validators.clean_person(person_values(nik=taken))
    assert errors_of(exc.value) == form_errors(PersonForm(person_data(nik=taken)))
    assert [e.code for e in exc.value.error_dict["nik"]] == ["already_registered"]


def test_business_rules_hold_in_the_service_as_in_the_form(mentor_tebet: User) -> None:
    with pytest.raises(ValidationError) as exc:
        registration_register_walk_in(
            person=person_values(track="naik_kelas"),
            business=business_values(assets=-1),
            uploads=uploads(),
            acting_user=mentor_tebet,
        )
    found = errors_of(exc.value)
    expected = form_errors(BusinessForm(business_data(assets="-1"), track="naik_kelas"))
    assert {k: found[k] for k in expected} == expected
    # the growing track asks for other documents: the service says which are missing
    assert {"development_plan_statement", "ownership_proof"} <= set(found)


def test_a_walk_in_registers_at_the_office_of_their_kecamatan(mentor_gambir: User) -> None:
    with pytest.raises(ValidationError) as exc:
        registration_register_walk_in(
            person=person_values(), business=business_values(), uploads=uploads(), acting_user=mentor_gambir
        )
    assert [e.code for e in exc.value.error_dict["kecamatan"]] == ["other_office"]


def test_a_document_is_checked_by_the_service_too(mentor_tebet: User) -> None:
    bad = {**uploads(), "ktp": (upload("ktp.png", b"MZ\x90\x00" + b"\x00" * 64), "image/png")}
    with pytest.raises(ValidationError) as exc:
        registration_register_walk_in(
            person=person_values(), business=business_values(), uploads=bad, acting_user=mentor_tebet
        )
    assert [e.code for e in exc.value.error_dict["ktp"]] == ["file_type"]
    assert not Participant.objects.exists()


def test_no_service_module_imports_a_forms_module() -> None:
    tree = ast.parse(Path(__file__).resolve().parents[1].joinpath("services.py").read_text())
    imported = [
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names]
    assert not [name for name in imported if "forms" in name.split(".")], imported


def test_contact_corrections_from_a_shell_meet_the_same_rules(agency_staff: User, mentor_tebet: User) -> None:
    from core.decisions import Refused
    from registration.services import participant_update_contact
    from registration.values import ContactData

    participant = RegistrationFactory().participant
    with pytest.raises(ValidationError) as exc:
        participant_update_contact(
            participant=participant, contact=ContactData(phone="", email="", address="x"), acting_user=agency_staff
        )
    assert list(exc.value.error_dict) == ["phone"]
    with pytest.raises(Refused) as refused:
        participant_update_contact(
            participant=participant,
            contact=ContactData(phone="0812 1111 0000", email="", address="x"),
            acting_user=mentor_tebet,
        )
    assert refused.value.code == "not_corrector"
    updated = participant_update_contact(
        participant=participant,
        contact=ContactData(phone="0812 1111 0000", email="", address=" Jl. Baru "),
        acting_user=agency_staff,
    )
    assert (updated.phone, updated.email, updated.address) == ("+6281211110000", "", "Jl. Baru")


def test_an_administrator_deletes_a_participant_through_the_service(
    agency_staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    from accounts.tests.factories import UserFactory
    from core.decisions import Refused
    from registration.services import document_attach, participant_delete

    participant = RegistrationFactory().participant
    document = document_attach(
        kind="ktp", upload=upload(), content_type="image/png", acting_user=participant.user, participant=participant
    )
    path = document.file.path
    with pytest.raises(Refused):
        participant_delete(participant=participant, acting_user=agency_staff)
    with django_capture_on_commit_callbacks(execute=True):
        participant_delete(participant=participant, acting_user=UserFactory(is_superuser=True))
    assert not Participant.objects.exists()
    assert not Path(path).exists()
