"""The JAKI city app's side of the API: registering people (the wizard's rules, channel JAKI, consent and link in
one go), linking accounts with a code, reading the journey of a linked and consenting participant, unlinking."""

import base64
import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from geography.models import Kecamatan
from notifications.models import Message
from partners import selectors, services
from partners.choices import ConsentChannel, KeyKind, OrganisationKind, Purpose, Step
from partners.models import AccessLog, Agreement, Consent, JakiLink, JakiLinkCode, PartnerOrganisation
from partners.tests.factories import PartnerOrganisationFactory, agreement_in_force, api_client, consent, issue_key
from registration.choices import Channel
from registration.models import Document, NikProbe, Participant, Registration
from registration.tests.factories import RegistrationFactory, nik_for, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db

REGISTRATIONS = "/api/v1/jaki/registrations/"
LINKS = "/api/v1/jaki/links/"


def journey_url(account: str) -> str:
    return f"/api/v1/jaki/accounts/{account}/journey/"


def account_url(account: str) -> str:
    return f"/api/v1/jaki/accounts/{account}/"


@pytest.fixture
def jaki(agency_staff: User) -> tuple[PartnerOrganisation, Agreement, APIClient]:
    organisation = PartnerOrganisationFactory(
        name="Pemprov DKI: JAKI", kind=OrganisationKind.GOVERNMENT, is_city_app=True
    )
    agreement = agreement_in_force(organisation, steps=[Step.P1], staff=agency_staff)
    return organisation, agreement, api_client(issue_key(agreement, staff=agency_staff, kind=KeyKind.JAKI))


@pytest.fixture
def partner_client(agency_staff: User) -> APIClient:
    organisation = PartnerOrganisationFactory(name="Shopee", kind=OrganisationKind.MARKETPLACE)
    agreement = agreement_in_force(organisation, steps=[Step.P1, Step.P5], staff=agency_staff)
    return api_client(issue_key(agreement, staff=agency_staff))


def encoded(content: bytes) -> str:
    return base64.b64encode(content).decode()


def payload(**overrides: Any) -> dict[str, Any]:
    tebet = Kecamatan.objects.get(name="Tebet").code
    body: dict[str, Any] = {
        "person": {
            "full_name": "Siti Rahayu",
            "nik": nik_for("Tebet"),
            "birth_date": "1990-08-17",
            "sex": "F",
            "phone": "0813-1111-2222",
            "email": "siti@example.id",
            "address": "Jl. Tebet Raya No. 1",
            "kecamatan": tebet,
            "track": "pemula",
            "jakarta_ktp": True,
        },
        "business": {
            "name": "Warung Siti",
            "sector": "culinary",
            "address": "Jl. Tebet Raya No. 1",
            "kecamatan": tebet,
            "planned_start": str(timezone.localdate()),
            "planned_capital": 2_500_000,
        },
        "documents": [
            {
                "kind": "ktp",
                "filename": "ktp.png",
                "content_type": "image/png",
                "content_base64": encoded(png_bytes()),
            },
            {
                "kind": "plan_statement",
                "filename": "rencana.pdf",
                "content_type": "application/pdf",
                "content_base64": encoded(pdf_bytes()),
            },
        ],
        "jaki_account": "jaki-000123",
        "consent_text_version": selectors.current_text(Purpose.APP_JOURNEY).version,
    }
    for key, value in overrides.items():
        if key in ("person", "business"):
            body[key] = {**body[key], **value}
        else:
            body[key] = value
    return body


def counts() -> tuple[int, int, int, int, int]:
    return (
        User.objects.count(),
        Participant.objects.count(),
        Document.objects.count(),
        Consent.objects.count(),
        JakiLink.objects.count(),
    )


def error_codes(response: Any) -> dict[str, list[str]]:
    return {field: [e["code"] for e in found] for field, found in response.json()["errors"].items()}


def linked(participant: Participant, organisation: PartnerOrganisation, account: str) -> JakiLink:
    """The participant consents on the web, asks for a code and the app sends it back with the account."""
    consent(participant, organisation, Purpose.APP_JOURNEY)
    code = services.jaki_link_code_create(participant=participant, acting_user=participant.user)
    organisation.refresh_from_db()
    assert organisation.api_user is not None
    return services.jaki_link(code=code, account=account, acting_user=organisation.api_user)


# --- registering ------------------------------------------------------------------------------------------------


def test_the_jaki_app_registers_a_person_with_consent_link_and_claim_link(jaki: Any) -> None:
    organisation, _agreement, client = jaki
    response = client.post(REGISTRATIONS, payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    registration = Registration.objects.select_related("participant__user").get()
    assert body == {
        "reference": registration.reference,
        "status": "submitted",
        "participant": registration.participant_id,
    }
    assert registration.channel == Channel.JAKI
    participant = registration.participant
    assert {d.kind for d in participant.documents.all()} == {"ktp", "plan_statement"}
    given = Consent.objects.get(participant=participant)
    assert (given.organisation, given.purpose, given.granted_channel) == (
        organisation,
        Purpose.APP_JOURNEY,
        ConsentChannel.JAKI,
    )
    assert given.text == selectors.current_text(Purpose.APP_JOURNEY) and given.is_active
    assert JakiLink.objects.get(participant=participant).account == "jaki-000123"
    person = participant.user
    assert not person.has_usable_password()
    claim = Message.objects.get(recipient=person, template="account_claim")
    assert claim.address == "+6281311112222"


def test_the_same_person_again_is_already_registered(jaki: Any) -> None:
    _organisation, _agreement, client = jaki
    assert client.post(REGISTRATIONS, payload(), format="json").status_code == 201
    before = counts()
    again = payload(person={"phone": "0813-9999-0000", "email": ""}, jaki_account="jaki-999")
    response = client.post(REGISTRATIONS, again, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "already_registered"
    assert counts() == before


def test_already_registered_answers_are_recorded_and_limited_per_day(jaki: Any, settings: Any) -> None:
    """The answer tells the app a NIK is in the program: each one is recorded as the wizard's are, and past the
    app's daily limit no NIK is checked at all."""
    settings.NIK_PROBES_PER_APP = 2
    _organisation, _agreement, client = jaki
    assert client.post(REGISTRATIONS, payload(), format="json").status_code == 201
    for n in range(2):
        again = payload(person={"phone": f"0813-9999-000{n}", "email": ""}, jaki_account=f"jaki-9{n}")
        assert client.post(REGISTRATIONS, again, format="json").json()["code"] == "already_registered"
    assert NikProbe.objects.count() == 2
    response = client.post(REGISTRATIONS, payload(person={"phone": "0813-9999-0009", "email": ""}), format="json")
    assert response.status_code == 409 and response.json()["code"] == "too_many_nik_checks"
    assert NikProbe.objects.count() == 2


def test_bad_shapes_are_400_by_path_and_nothing_is_saved(jaki: Any) -> None:
    _organisation, _agreement, client = jaki
    before = counts()
    bad = payload(person={"kecamatan": "99.99.99", "sex": "X"}, business={"workers": "many"})
    bad["documents"][0]["content_base64"] = "not base64!"
    response = client.post(REGISTRATIONS, bad, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    codes = error_codes(response)
    assert codes["person.kecamatan"] == ["does_not_exist"]
    assert codes["person.sex"] == ["invalid_choice"]
    assert codes["business.workers"] == ["invalid"]
    assert codes["documents.0.content_base64"] == ["not_base64"]
    assert counts() == before


def test_the_rules_refusals_are_400_by_path_and_nothing_is_saved(jaki: Any, private_storage: Any) -> None:
    _organisation, _agreement, client = jaki
    before = counts()
    bad = payload(person={"birth_date": "2015-08-17", "phone": "", "email": ""}, business={"planned_capital": -1})
    response = client.post(REGISTRATIONS, bad, format="json")
    assert response.status_code == 400, response.content
    codes = error_codes(response)
    assert {"person.birth_date", "person.phone"} <= set(codes)
    assert codes["business.planned_capital"] == ["negative"]

    missing = payload(documents=payload()["documents"][:1])
    assert error_codes(client.post(REGISTRATIONS, missing, format="json"))["documents.plan_statement"] == ["required"]

    wrong_file = payload()
    wrong_file["documents"][1]["content_base64"] = encoded(b"MZ\x90\x00" + b"\x00" * 64)
    assert error_codes(client.post(REGISTRATIONS, wrong_file, format="json"))["documents.plan_statement"] == [
        "file_type"
    ]

    old_text = payload(consent_text_version=99)
    assert error_codes(client.post(REGISTRATIONS, old_text, format="json"))["consent_text_version"] == ["text_changed"]
    assert counts() == before
    assert not [p for p in private_storage.rglob("*") if p.is_file()]


def test_a_file_over_the_limit_is_refused_before_decoding(jaki: Any, settings: Any) -> None:
    _organisation, _agreement, client = jaki
    settings.DOCUMENT_MAX_BYTES = 300
    big = payload()
    big["documents"][1]["content_base64"] = encoded(b"%PDF-1.4\n" + b"x" * 400)
    response = client.post(REGISTRATIONS, big, format="json")
    assert error_codes(response)["documents.1.content_base64"] == ["too_large"]
    assert not Participant.objects.exists()


def test_an_account_linked_to_someone_else_cannot_register_again(jaki: Any) -> None:
    organisation, _agreement, client = jaki
    linked(RegistrationFactory().participant, organisation, "jaki-000123")
    before = counts()
    response = client.post(REGISTRATIONS, payload(), format="json")
    assert response.status_code == 400
    assert error_codes(response)["jaki_account"] == ["already_linked"]
    assert counts() == before


def test_without_an_agreement_in_force_the_jaki_app_registers_nobody(jaki: Any) -> None:
    _organisation, agreement, client = jaki
    Agreement.objects.filter(pk=agreement.pk).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    before = counts()
    response = client.post(REGISTRATIONS, payload(), format="json")
    assert response.status_code == 409 and response.json()["code"] == "purpose_not_covered"
    assert counts() == before


# --- who may call -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", REGISTRATIONS),
        ("post", LINKS),
        ("get", journey_url("jaki-1")),
        ("delete", account_url("jaki-1")),
    ],
)
def test_a_partner_key_is_403_and_no_key_is_401(partner_client: APIClient, method: str, url: str) -> None:
    before = counts()
    assert getattr(partner_client, method)(url, payload(), format="json").status_code == 403
    assert getattr(APIClient(), method)(url, payload(), format="json").status_code == 401
    assert getattr(api_client("abc.def"), method)(url, payload(), format="json").status_code == 401
    assert counts() == before


def test_the_jaki_key_does_not_open_the_partners_data_endpoints(jaki: Any) -> None:
    _organisation, _agreement, client = jaki
    assert client.get("/api/v1/participants/").status_code == 403


# --- linking ----------------------------------------------------------------------------------------------------


def test_a_code_links_the_account_once(jaki: Any) -> None:
    organisation, _agreement, client = jaki
    siti = RegistrationFactory().participant
    consent(siti, organisation, Purpose.APP_JOURNEY)
    code = services.jaki_link_code_create(participant=siti, acting_user=siti.user)
    assert len(code) == 8 and set(code) <= set(services.LINK_CODE_ALPHABET)
    assert not JakiLinkCode.objects.filter(code_hash=code).exists()  # only its hash is kept
    response = client.post(LINKS, {"code": code[:4] + "-" + code[4:].lower(), "account": "jaki-42"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json() == {"participant": siti.pk}
    assert JakiLink.objects.get(account="jaki-42").participant == siti
    assert not JakiLinkCode.objects.exists()  # spent
    assert list(AccessLog.objects.values_list("participant_id", "endpoint")) == [(siti.pk, LINKS)]

    again = client.post(LINKS, {"code": code, "account": "jaki-42"}, format="json")
    assert again.status_code == 400 and error_codes(again) == {"code": ["invalid_code"]}


def test_an_unknown_or_expired_code_changes_nothing(jaki: Any) -> None:
    organisation, _agreement, client = jaki
    siti = RegistrationFactory().participant
    consent(siti, organisation, Purpose.APP_JOURNEY)
    code = services.jaki_link_code_create(participant=siti, acting_user=siti.user)
    unknown = client.post(LINKS, {"code": "AAAA2222", "account": "jaki-42"}, format="json")
    assert unknown.status_code == 400 and error_codes(unknown) == {"code": ["invalid_code"]}
    JakiLinkCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    expired = client.post(LINKS, {"code": code, "account": "jaki-42"}, format="json")
    assert expired.status_code == 400 and error_codes(expired) == {"code": ["invalid_code"]}
    assert not JakiLink.objects.exists() and JakiLinkCode.objects.count() == 1


def test_a_new_code_replaces_the_earlier_one(jaki: Any) -> None:
    organisation, _agreement, client = jaki
    siti = RegistrationFactory().participant
    consent(siti, organisation, Purpose.APP_JOURNEY)
    first = services.jaki_link_code_create(participant=siti, acting_user=siti.user)
    second = services.jaki_link_code_create(participant=siti, acting_user=siti.user)
    assert JakiLinkCode.objects.count() == 1
    response = client.post(LINKS, {"code": first, "account": "jaki-42"}, format="json")
    assert error_codes(response) == {"code": ["invalid_code"]}
    assert client.post(LINKS, {"code": second, "account": "jaki-42"}, format="json").status_code == 201


def test_an_account_linked_to_someone_else_is_refused(jaki: Any) -> None:
    organisation, _agreement, client = jaki
    linked(RegistrationFactory().participant, organisation, "jaki-42")
    budi = RegistrationFactory().participant
    consent(budi, organisation, Purpose.APP_JOURNEY)
    code = services.jaki_link_code_create(participant=budi, acting_user=budi.user)
    response = client.post(LINKS, {"code": code, "account": "jaki-42"}, format="json")
    assert response.status_code == 400 and error_codes(response) == {"account": ["already_linked"]}
    assert not JakiLink.objects.filter(participant=budi).exists() and JakiLinkCode.objects.count() == 1


def test_a_code_needs_the_consent_and_the_participant_themself(jaki: Any, other_entrepreneur: User) -> None:
    organisation, _agreement, _client = jaki
    siti = RegistrationFactory().participant
    with pytest.raises(ValidationError) as exc:
        services.jaki_link_code_create(participant=siti, acting_user=siti.user)
    assert exc.value.code == "no_consent"
    consent(siti, organisation, Purpose.APP_JOURNEY)
    with pytest.raises(services.ValidationError):
        services.jaki_link_code_create(participant=siti, acting_user=other_entrepreneur)
    assert not JakiLinkCode.objects.exists()


def test_a_consent_withdrawn_after_the_code_was_made_ends_the_code(jaki: Any) -> None:
    organisation, _agreement, client = jaki
    siti = RegistrationFactory().participant
    given = consent(siti, organisation, Purpose.APP_JOURNEY)
    code = services.jaki_link_code_create(participant=siti, acting_user=siti.user)
    services.consent_withdraw(consent=given, channel=ConsentChannel.WEB, acting_user=siti.user)
    response = client.post(LINKS, {"code": code, "account": "jaki-42"}, format="json")
    assert error_codes(response) == {"code": ["invalid_code"]}


# --- the journey and unlinking ----------------------------------------------------------------------------------


def test_a_linked_consenting_participant_s_journey_is_read_and_logged(jaki: Any) -> None:
    organisation, _agreement, client = jaki
    siti = RegistrationFactory().participant
    linked(siti, organisation, "jaki-42")
    response = client.get(journey_url("jaki-42"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["participant"] == siti.pk
    assert [step["code"] for step in body["steps"]] == ["P1", "P2", "P3", "P4", "P5", "P6", "P7"]
    first = body["steps"][0]
    assert first["title_id"] == "Pendaftaran" and first["state"] == "in_progress" and first["summary"]
    assert set(first) == {"code", "title", "title_id", "state", "summary", "next_action"}
    read = AccessLog.objects.get()
    assert (read.participant, read.organisation, read.endpoint) == (siti, organisation, journey_url("jaki-42"))


def test_after_the_consent_is_withdrawn_on_the_web_the_journey_is_404(jaki: Any) -> None:
    organisation, _agreement, client = jaki
    siti = RegistrationFactory().participant
    linked(siti, organisation, "jaki-42")
    given = Consent.objects.get(participant=siti, purpose=Purpose.APP_JOURNEY)
    services.consent_withdraw(consent=given, channel=ConsentChannel.WEB, acting_user=siti.user)
    assert client.get(journey_url("jaki-42")).status_code == 404
    assert not AccessLog.objects.exists()


def test_an_unknown_account_or_another_partner_s_consent_is_404(jaki: Any, partner_client: APIClient) -> None:
    _organisation, _agreement, client = jaki
    assert client.get(journey_url("nobody")).status_code == 404
    shopee = PartnerOrganisation.objects.get(name="Shopee")
    siti = RegistrationFactory().participant
    with pytest.raises(ValidationError) as refused:  # the journey in the app is the city app's purpose alone
        consent(siti, shopee, Purpose.APP_JOURNEY)
    assert refused.value.code == "purpose_not_covered"
    with pytest.raises(ValidationError):
        services.jaki_link_code_create(participant=siti, acting_user=siti.user)
    assert client.get(journey_url(str(siti.pk))).status_code == 404


def test_no_account_is_linked_once_the_app_s_agreement_has_expired(jaki: Any) -> None:
    organisation, agreement, client = jaki
    siti = RegistrationFactory().participant
    consent(siti, organisation, Purpose.APP_JOURNEY)
    code = services.jaki_link_code_create(participant=siti, acting_user=siti.user)
    Agreement.objects.filter(pk=agreement.pk).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    response = client.post(LINKS, {"code": code, "account": "jaki-42"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "purpose_not_covered"
    assert not JakiLink.objects.exists() and JakiLinkCode.objects.exists()


def test_an_expired_jaki_agreement_shows_no_journey(jaki: Any) -> None:
    organisation, agreement, client = jaki
    linked(RegistrationFactory().participant, organisation, "jaki-42")
    Agreement.objects.filter(pk=agreement.pk).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    assert client.get(journey_url("jaki-42")).status_code == 404


def test_unlinking_in_the_app_withdraws_the_consent_through_jaki(jaki: Any) -> None:
    organisation, _agreement, client = jaki
    siti = RegistrationFactory().participant
    linked(siti, organisation, "jaki-42")
    response = client.delete(account_url("jaki-42"))
    assert response.status_code == 204
    given = Consent.objects.get(participant=siti, purpose=Purpose.APP_JOURNEY)
    assert given.withdrawn_at is not None and given.withdrawn_channel == ConsentChannel.JAKI
    assert not JakiLink.objects.exists()
    assert client.get(journey_url("jaki-42")).status_code == 404
    assert client.delete(account_url("jaki-42")).status_code == 404


# --- query counts -----------------------------------------------------------------------------------------------


def test_the_journey_runs_a_fixed_number_of_queries(jaki: Any, django_assert_max_num_queries: Any) -> None:
    organisation, _agreement, client = jaki
    for index, registration in enumerate(RegistrationFactory.create_batch(15)):
        linked(registration.participant, organisation, f"jaki-{index}")
    with django_assert_max_num_queries(11):  # the P4 wallet and the P5, P6 and P7 statuses one query each
        assert client.get(journey_url("jaki-7")).status_code == 200


def test_registering_runs_a_fixed_number_of_queries(jaki: Any, django_assert_max_num_queries: Any) -> None:
    organisation, _agreement, client = jaki
    for index, registration in enumerate(RegistrationFactory.create_batch(15)):
        linked(registration.participant, organisation, f"jaki-{index}")
    body = payload()
    with django_assert_max_num_queries(55):
        assert client.post(REGISTRATIONS, body, format="json").status_code == 201


def test_linking_runs_a_fixed_number_of_queries(jaki: Any, django_assert_max_num_queries: Any) -> None:
    organisation, _agreement, client = jaki
    for index, registration in enumerate(RegistrationFactory.create_batch(15)):
        linked(registration.participant, organisation, f"jaki-{index}")
    siti = RegistrationFactory().participant
    consent(siti, organisation, Purpose.APP_JOURNEY)
    code = services.jaki_link_code_create(participant=siti, acting_user=siti.user)
    with django_assert_max_num_queries(18):  # with the agreement in force, the read logged
        assert client.post(LINKS, {"code": code, "account": "jaki-new"}, format="json").status_code == 201
