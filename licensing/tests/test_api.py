"""The licensing office's API: the requests submitted to the issuing office of participants who consented to it
for licensing (while its agreement in force covers P4), with what the licensing purpose shows and without the
notes written for the program; its decisions (issued, refused) through the same services as the staff pages, as
the office's API account; every read logged; anything out of scope, a request still being prepared among them,
404."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pghistory.models import Events

from accounts.models import User
from licensing.choices import RequestStatus
from licensing.models import Licence, LicenceRequest
from licensing.services import REASON_REQUIRED
from licensing.tests.factories import LicenceFactory, LicenceRequestFactory, licence_type, reached_office
from notifications.models import Channel, Message
from partners import services as partner_services
from partners.choices import KeyKind, OrganisationKind, Purpose, Step
from partners.models import AccessLog, Agreement, Consent
from partners.tests.api_support import Partner, consented_participant, make_partner
from partners.tests.factories import PartnerOrganisationFactory, agreement_in_force, api_client, issue_key
from registration.choices import Status
from registration.models import Participant

pytestmark = pytest.mark.django_db

REQUESTS = "/api/v1/licensing/requests/"


@pytest.fixture
def office(agency_staff: User) -> Partner:
    return make_partner(agency_staff, steps=[Step.P4], name="DPMPTSP DKI Jakarta", kind=OrganisationKind.GOVERNMENT)


@pytest.fixture
def other_office(agency_staff: User) -> Partner:
    return make_partner(agency_staff, steps=[Step.P4], name="DPMPTSP Lain", kind=OrganisationKind.GOVERNMENT)


def consenting(partner: Partner) -> Participant:
    return consented_participant(partner, Purpose.LICENSING, status=Status.APPROVED)


def status_url(licence_request: LicenceRequest) -> str:
    return f"{REQUESTS}{licence_request.pk}/status/"


# --- reading ----------------------------------------------------------------------------------------------------


def test_the_office_lists_the_requests_of_consenting_participants_with_what_licensing_shows(
    office: Partner, other_office: Partner
) -> None:
    siti = consenting(office)
    mine = reached_office(
        participant=siti, licence_type=licence_type("pirt"), subject="Sambal Siti", note="Dapur sempit, mohon bantu"
    )
    mine.moves.update(note="Catatan pendamping untuk program")
    LicenceRequestFactory(participant=siti, licence_type=licence_type("merek"))  # still being prepared
    reached_office(participant=consented_participant(other_office, Purpose.LICENSING))  # another office's
    reached_office()  # nobody consented
    response = office.client.get(REQUESTS)
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == mine.pk and row["licence_type"] == "pirt" and row["status"] == "submitted"
    assert row["subject"] == "Sambal Siti" and row["licence"] is None
    assert [(m["from_status"], m["to_status"]) for m in row["moves"]] == [
        ("", "requested"),
        ("requested", "documents"),
        ("documents", "submitted"),
    ]
    # the notes written for the program are not the office's: statuses and dates only
    assert "note" not in row and all(set(m) == {"from_status", "to_status", "moved_at"} for m in row["moves"])
    assert "Dapur sempit" not in response.content.decode() and "Catatan pendamping" not in response.content.decode()
    person = row["participant"]
    assert set(person) == {"id", "full_name", "phone", "email", "nik", "business"}
    assert person["nik"] == siti.masked_nik and siti.nik not in response.content.decode()
    assert person["business"]["name"] == siti.business.name and "monthly_turnover" not in person["business"]
    assert list(AccessLog.objects.values_list("participant_id", "key_id")) == [(siti.pk, office.key.pk)]


def test_filters_by_status_and_type(office: Partner) -> None:
    siti = consenting(office)
    nib = reached_office(participant=siti)
    merek = reached_office(RequestStatus.ISSUED, participant=siti, licence_type=licence_type("merek"))
    ids = lambda response: [r["id"] for r in response.json()["results"]]  # noqa: E731
    assert ids(office.client.get(REQUESTS)) == [merek.pk, nib.pk]
    assert ids(office.client.get(REQUESTS, {"status": "submitted"})) == [nib.pk]
    assert ids(office.client.get(REQUESTS, {"status": "issued"})) == [merek.pk]
    assert ids(office.client.get(REQUESTS, {"licence_type": "merek"})) == [merek.pk]
    for status in ("lost", "requested", "documents", "withdrawn"):  # statuses the office never sees
        bad = office.client.get(REQUESTS, {"status": status})
        assert bad.status_code == 400 and bad.json()["errors"]["status"][0]["code"] == "invalid_choice"


def test_a_request_is_read_with_its_moves_and_licence(office: Partner, agency_staff: User) -> None:
    from licensing import services

    siti = consenting(office)
    made = reached_office(participant=siti)
    services.request_issue(
        licence_request=made,
        licence=services.LicenceData(number="9120301234567", issued_on=timezone.localdate()),
        acting_user=agency_staff,
    )
    body = office.client.get(f"{REQUESTS}{made.pk}/").json()
    assert body["status"] == "issued" and body["licence"]["number"] == "9120301234567"
    assert body["licence"]["expires_on"] is None
    assert [(m["from_status"], m["to_status"]) for m in body["moves"]][-2:] == [
        ("documents", "submitted"),
        ("submitted", "issued"),
    ]
    assert AccessLog.objects.filter(participant=siti).count() == 1


def test_the_list_pages_by_cursor(office: Partner) -> None:
    siti = consenting(office)
    codes = ["nib", "merek", "hak-cipta", "desain-industri", "halal"]
    made = [reached_office(participant=siti, licence_type=licence_type(code)) for code in codes]
    seen: list[int] = []
    url: str | None = f"{REQUESTS}?page_size=2"
    while url:
        body = office.client.get(url).json()
        seen += [r["id"] for r in body["results"]]
        url = body["next"]
    assert seen == sorted((r.pk for r in made), reverse=True)


def test_a_page_of_thirty_is_a_fixed_number_of_queries_and_one_log_insert(
    office: Partner, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        reached_office(participant=consenting(office))
    # the key, the page, its participants, types, licences and moves, the log's context and insert
    with django_assert_max_num_queries(8), CaptureQueriesContext(connection) as queries:
        response = office.client.get(REQUESTS)
    assert response.status_code == 200 and len(response.json()["results"]) == 30
    inserts = [q["sql"] for q in queries if 'INSERT INTO "partners_accesslog"' in q["sql"]]
    assert len(inserts) == 1 and AccessLog.objects.count() == 30


# --- scope ------------------------------------------------------------------------------------------------------


def test_without_consent_a_request_is_404(office: Partner) -> None:
    stranger = reached_office()
    assert office.client.get(f"{REQUESTS}{stranger.pk}/").status_code == 404
    response = office.client.post(status_url(stranger), {"action": "refused", "reason": "x"}, format="json")
    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.status == RequestStatus.SUBMITTED and not AccessLog.objects.exists()


@pytest.mark.parametrize(
    ("status", "refusal_reason"),
    [
        (RequestStatus.REQUESTED, ""),
        (RequestStatus.DOCUMENTS_COMPLETE, ""),
        (RequestStatus.WITHDRAWN, ""),
        (RequestStatus.REFUSED, "Refused by the program before it was submitted"),
    ],
)
def test_a_request_that_never_reached_the_office_is_404_to_read_and_to_refuse(
    office: Partner, status: str, refusal_reason: str
) -> None:
    made = LicenceRequestFactory(participant=consenting(office), status=status, refusal_reason=refusal_reason)
    made.moves.create(from_status="", to_status="requested", moved_by=made.requested_by, note="Catatan")
    assert office.client.get(REQUESTS).json()["results"] == []
    assert office.client.get(f"{REQUESTS}{made.pk}/").status_code == 404
    for body in ({"action": "refused", "reason": "Tidak lengkap"}, {"action": "issued", "issued_on": "2026-01-05"}):
        assert office.client.post(status_url(made), body, format="json").status_code == 404
    made.refresh_from_db()
    assert made.status == status and made.moves.count() == 1 and not AccessLog.objects.exists()


def test_a_withdrawn_consent_takes_the_request_away_at_the_next_call(office: Partner) -> None:
    siti = consenting(office)
    made = reached_office(participant=siti)
    assert office.client.get(f"{REQUESTS}{made.pk}/").status_code == 200
    partner_services.consent_withdraw(
        consent=Consent.objects.get(participant=siti), channel="web", acting_user=siti.user
    )
    assert office.client.get(f"{REQUESTS}{made.pk}/").status_code == 404
    assert office.client.get(REQUESTS).json()["results"] == []


def test_a_consent_for_another_purpose_does_not_open_the_requests(agency_staff: User) -> None:
    both = make_partner(agency_staff, steps=[Step.P3, Step.P4], name="Dinas Serba", kind=OrganisationKind.GOVERNMENT)
    person = consented_participant(both, Purpose.MENTORING, status=Status.APPROVED)
    made = reached_office(participant=person)
    assert both.client.get(f"{REQUESTS}{made.pk}/").status_code == 404


def test_an_expired_agreement_shows_nothing(office: Partner) -> None:
    made = reached_office(participant=consenting(office))
    Agreement.objects.filter(pk=office.agreement.pk).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    assert office.client.get(REQUESTS).json()["results"] == []
    assert office.client.get(f"{REQUESTS}{made.pk}/").status_code == 404
    assert office.client.post(status_url(made), {"action": "refused", "reason": "x"}, format="json").status_code == 404
    assert office.client.get("/api/v1/licensing/types/").json()["results"] == []


def test_another_offices_key_sees_nothing_of_this_office(office: Partner, other_office: Partner) -> None:
    made = reached_office(participant=consenting(office))
    assert other_office.client.get(f"{REQUESTS}{made.pk}/").status_code == 404
    assert other_office.client.get(REQUESTS).json()["results"] == []


def test_a_partner_that_is_no_licensing_office_sees_nothing(agency_staff: User) -> None:
    """A bank whose agreement covers P4 and P7, with a participant's consent for licensing: not an office."""
    bank = make_partner(agency_staff, steps=[Step.P4, Step.P7], name="Bank Contoh", kind=OrganisationKind.BANK)
    made = reached_office(participant=consented_participant(bank, Purpose.LICENSING, status=Status.APPROVED))
    assert bank.client.get(REQUESTS).json()["results"] == []
    assert bank.client.get(f"{REQUESTS}{made.pk}/").status_code == 404
    assert bank.client.get("/api/v1/licensing/types/").json()["results"] == []


def test_the_jaki_key_is_403_and_no_key_401(agency_staff: User, office: Partner) -> None:
    jaki = PartnerOrganisationFactory(name="JAKI", kind=OrganisationKind.GOVERNMENT, is_city_app=True)
    secret = issue_key(
        agreement_in_force(jaki, steps=[Step.P1], staff=agency_staff), staff=agency_staff, kind=KeyKind.JAKI
    )
    made = reached_office(participant=consenting(office))
    assert api_client(secret).get(REQUESTS).status_code == 403
    assert api_client(secret).post(status_url(made), {"action": "refused"}, format="json").status_code == 403
    from rest_framework.test import APIClient

    assert APIClient().get(REQUESTS).status_code == 401
    assert api_client("nope.nope").get(REQUESTS).status_code == 401


def test_the_types_are_listed_for_the_office(office: Partner) -> None:
    body = office.client.get("/api/v1/licensing/types/").json()
    by_code = {t["code"]: t for t in body["results"]}
    assert by_code["pirt"]["prerequisites"] == ["nib"] and by_code["pirt"]["validity_months"] == 60
    assert by_code["nib"]["number_digits"] == 13 and by_code["nib"]["is_business_number"]


# --- writing ----------------------------------------------------------------------------------------------------


def test_staff_submit_and_the_office_issues_through_the_services_as_its_api_account(
    office: Partner, agency_staff: User
) -> None:
    from licensing import services

    siti = consenting(office)
    made = LicenceRequestFactory(participant=siti, status=RequestStatus.DOCUMENTS_COMPLETE)
    assert office.client.get(f"{REQUESTS}{made.pk}/").status_code == 404  # not submitted to it yet
    services.request_move(licence_request=made, target=RequestStatus.SUBMITTED, acting_user=agency_staff)
    assert office.client.get(f"{REQUESTS}{made.pk}/").json()["status"] == "submitted"
    issued = office.client.post(
        status_url(made),
        {"action": "issued", "number": "9120-3012-34567", "issued_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert issued.status_code == 200, issued.content
    assert issued.json()["status"] == "issued" and issued.json()["licence"]["number"] == "9120301234567"
    licence = Licence.objects.get(request=made)
    api_user = office.organisation.api_user
    assert licence.recorded_by == api_user
    assert [(m.to_status, m.moved_by) for m in made.moves.order_by("pk")] == [
        ("submitted", agency_staff),
        ("issued", api_user),
    ]
    event = Events.objects.tracks(licence).get()
    assert event.pgh_context["channel"] == "api" and event.pgh_context["key"] == office.key.prefix
    assert set(
        Message.objects.filter(recipient=siti.user, channel=Channel.EMAIL).values_list("template", flat=True)
    ) == {
        "licensing_submitted",
        "licensing_issued",
    }
    assert AccessLog.objects.filter(participant=siti).count() == 2


def test_the_office_does_not_submit(office: Partner) -> None:
    """Submitting is the program's move: the office's actions are its decisions on what was submitted to it."""
    made = reached_office(participant=consenting(office))
    response = office.client.post(status_url(made), {"action": "submitted"}, format="json")
    assert response.status_code == 400 and response.json()["errors"]["action"][0]["code"] == "invalid_choice"


def test_the_office_refuses_with_a_reason(office: Partner) -> None:
    made = reached_office(participant=consenting(office))
    for reason in (None, "   "):
        body = {"action": "refused"} if reason is None else {"action": "refused", "reason": reason}
        missing = office.client.post(status_url(made), body, format="json")
        assert missing.status_code == 400, missing.content
        assert missing.json()["code"] == "invalid"
        assert missing.json()["errors"]["reason"] == [{"message": str(REASON_REQUIRED), "code": "required"}]
    refused = office.client.post(status_url(made), {"action": "refused", "reason": "KBLI tidak sesuai"}, format="json")
    assert refused.status_code == 200 and refused.json()["refusal_reason"] == "KBLI tidak sesuai"


def test_a_decision_the_request_cannot_take_is_409_before_any_value_is_checked(office: Partner) -> None:
    """The service's rules in the service's order: a request issued already is 409, a missing reason or not."""
    made = reached_office(RequestStatus.ISSUED, participant=consenting(office))
    response = office.client.post(status_url(made), {"action": "refused"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "not_now"


def test_a_pirt_is_not_issued_while_its_nib_is_not_held(office: Partner) -> None:
    siti = consenting(office)
    made = reached_office(participant=siti, licence_type=licence_type("pirt"))
    LicenceRequestFactory(participant=siti, status=RequestStatus.REFUSED, refusal_reason="KBLI tidak sesuai")
    body = {"action": "issued", "number": "P-IRT 2063174010123-30", "issued_on": timezone.localdate().isoformat()}
    response = office.client.post(status_url(made), body, format="json")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "prerequisite_not_held"
    assert licence_type("nib").name in response.json()["detail"]
    made.refresh_from_db()
    assert made.status == RequestStatus.SUBMITTED and not Licence.objects.exists()
    LicenceFactory(participant=siti)
    assert office.client.post(status_url(made), body, format="json").status_code == 200


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({}, "action", "required"),
        ({"action": "withdrawn"}, "action", "invalid_choice"),
        ({"action": "issued"}, "issued_on", "required"),
        ({"action": "issued", "issued_on": "2026-01-05"}, "number", "required"),
        ({"action": "issued", "number": "9120301234567", "issued_on": "kemarin"}, "issued_on", "invalid"),
        ({"action": "issued", "number": "123", "issued_on": "2026-01-05"}, "number", "number_digits"),
        ({"action": "issued", "number": "9120301234567", "issued_on": "2999-01-01"}, "issued_on", "not_plausible"),
        (
            {"action": "issued", "number": "9120301234567", "issued_on": "2025-01-05", "expires_on": "2024-01-01"},
            "expires_on",
            "expires_before_issue",
        ),
        ({"action": "refused", "reason": "x", "note": "x" * 2001}, "note", "max_length"),
    ],
)
def test_bad_input_is_400_by_field_and_changes_nothing(
    office: Partner, body: dict[str, Any], field: str, code: str
) -> None:
    made = reached_office(participant=consenting(office))
    response = office.client.post(status_url(made), body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid" and response.json()["errors"][field][0]["code"] == code
    made.refresh_from_db()
    assert made.status == RequestStatus.SUBMITTED and not Licence.objects.exists() and made.moves.count() == 3


@pytest.mark.parametrize(
    ("status", "action"),
    [(RequestStatus.ISSUED, "refused"), (RequestStatus.ISSUED, "issued"), (RequestStatus.REFUSED, "issued")],
)
def test_a_move_the_request_cannot_make_is_409(office: Partner, status: str, action: str) -> None:
    made = reached_office(status, participant=consenting(office), refusal_reason="x" if status == "refused" else "")
    body = {"action": action, "reason": "x", "number": "9120301234567", "issued_on": "2026-01-05"}
    response = office.client.post(status_url(made), body, format="json")
    assert response.status_code == 409 and response.json()["code"] == "not_now"
    made.refresh_from_db()
    assert made.status == status
