"""The lender's API: the loan referrals the program sent to the key's organisation (a lender whose agreement in
force covers P7), in whatever status they are now; the detail with the data the participant named, and only that
(the NIK whole: the one exception to the mask), and only while the referral is live for the lender and its consent
stands; the lender's moves through the same service as the admin, as its API account; every read logged;
anything out of scope 404."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pghistory.models import Events
from rest_framework.test import APIClient

from accounts.models import User
from capital import services as capital_services
from capital.choices import LIVE_STATUSES, ReferralStatus, SharedData
from capital.models import LoanReferral, ReferralMove
from capital.tests.api_support import (
    APPROVED_AMOUNT,
    ASKED_AMOUNT,
    PROGRAM_NOTE,
    make_lender,
    make_product,
    make_referral,
)
from finance.choices import StatementLanguage
from finance.models import Statement
from finance.tests.factories import MonthlyRecordFactory
from notifications.models import Channel, Message
from partners import services as partner_services
from partners.choices import KeyKind, OrganisationKind, Purpose, Step
from partners.models import AccessLog, Agreement, Consent
from partners.tests.api_support import Partner, consented_participant
from partners.tests.factories import PartnerOrganisationFactory, agreement_in_force, api_client, consent, issue_key
from registration.choices import Status
from registration.models import Participant

pytestmark = pytest.mark.django_db

REFERRALS = "/api/v1/capital/referrals/"
Refer = Callable[..., LoanReferral]


@pytest.fixture
def bank(agency_staff: User) -> Partner:
    return make_lender(agency_staff, "Bank DKI")


@pytest.fixture
def fintech(agency_staff: User) -> Partner:
    return make_lender(agency_staff, "Dana Mitra", kind=OrganisationKind.FINTECH)


@pytest.fixture
def refer(agency_staff: User) -> Refer:
    """make_referral with agency staff as the program."""

    def made(partner: Partner, status: str = ReferralStatus.SENT, **kwargs: Any) -> LoanReferral:
        return make_referral(partner, agency_staff, status, **kwargs)

    return made


def today() -> datetime.date:
    return timezone.localdate()


def detail(referral: LoanReferral) -> str:
    return f"{REFERRALS}{referral.pk}/"


def moves_url(referral: LoanReferral) -> str:
    return f"{REFERRALS}{referral.pk}/moves/"


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def months_back(count: int) -> list[datetime.date]:
    """The first days of the `count` months before this one, newest first."""
    first, months = today().replace(day=1), []
    for _ in range(count):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        months.append(first)
    return months


def statement(participant: Participant, *, issued_days_ago: int, code: str) -> Statement:
    """A statement as issued (the figures are the PDF's business, not the API's)."""
    return Statement.objects.create(
        code=code,
        participant=participant,
        period_start=months_back(3)[-1],
        period_end=months_back(1)[0],
        language=StatementLanguage.ID,
        business_name=participant.business.name,
        owner_name=participant.full_name,
        kecamatan_name=participant.kecamatan.name,
        figures={},
        issued_by=participant.user,
        issued_at=timezone.now() - datetime.timedelta(days=issued_days_ago),
    )


NAMED = ("identity", "business", "statements")


def assert_nothing_named(response: Any, referral: LoanReferral) -> None:
    """A detail answer that shows what was asked and where it stands, and nothing of the participant."""
    assert response.status_code == 200, response.content
    body, text = response.json(), response.content.decode()
    assert body["status"] == referral.status and body["amount_requested"] == ASKED_AMOUNT
    assert body["shared"] == ["identity", "business", "statements"]  # what was named, still said
    assert all(body[part] is None for part in NAMED), body
    participant = referral.participant
    for personal in (participant.nik, participant.full_name, participant.email, participant.business.name):
        assert personal not in text


def unchanged(referral: LoanReferral) -> tuple[Any, ...]:
    """What a refused call must leave as it was: the referral's fields, its moves, the participant's messages."""
    referral.refresh_from_db()
    return (
        referral.status,
        referral.lender_reference,
        referral.amount_approved,
        referral.amount_disbursed,
        referral.disbursed_on,
        referral.moves.count(),
        Message.objects.filter(recipient=referral.participant.user).count(),
    )


# --- reading ----------------------------------------------------------------------------------------------------


def test_the_lender_lists_the_referrals_sent_to_it_newest_first_with_what_was_asked(
    bank: Partner, refer: Refer
) -> None:
    older = refer(bank, ReferralStatus.UNDER_REVIEW)
    newer = refer(bank)
    response = bank.client.get(REFERRALS)
    assert ids(response) == [newer.pk, older.pk]
    row = response.json()["results"][1]
    assert row["product"] == {"code": older.product.code, "name": older.product.name}
    assert row["amount_requested"] == ASKED_AMOUNT and row["tenor_months"] == 24
    assert row["use_of_funds"] == older.use_of_funds and row["status"] == "under_review"
    assert row["shared"] == ["identity", "business", "statements"]
    assert row["lender_reference"] is None and row["amount_approved"] is None and row["disbursed_on"] is None
    assert [(m["from_status"], m["to_status"]) for m in row["moves"]] == [
        ("", "requested"),
        ("requested", "sent"),
        ("sent", "under_review"),
    ]
    # who of the program moved it, and the notes written for the participant, are not the lender's
    assert all(set(move) == {"from_status", "to_status", "moved_at"} for move in row["moves"])
    assert PROGRAM_NOTE not in response.content.decode()
    # the list names no participant: their data is the detail's, as they named it
    assert {"identity", "business", "statements", "participant"}.isdisjoint(row)
    assert older.participant.full_name not in response.content.decode()
    logged = AccessLog.objects.values_list("participant_id", "key_id", "endpoint")
    assert sorted(logged) == sorted([(r.participant_id, bank.key.pk, REFERRALS) for r in (older, newer)])


def test_the_detail_shows_the_named_data_with_the_nik_whole(bank: Partner, refer: Refer) -> None:
    referral = refer(bank, ReferralStatus.APPROVED)
    siti = referral.participant
    months = months_back(14)
    for number, month in enumerate(months):
        MonthlyRecordFactory(participant=siti, month=month, turnover=4_000_000 + number, expenses=3_000_000)
    statement(siti, issued_days_ago=40, code="OLD0000000000001")
    latest = statement(siti, issued_days_ago=2, code="NEW0000000000002")
    response = bank.client.get(detail(referral))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "approved" and body["amount_approved"] == APPROVED_AMOUNT
    assert body["identity"] == {
        "full_name": siti.full_name,
        "nik": siti.nik,
        "birth_date": siti.birth_date.isoformat(),
        "address": siti.address,
        "phone": None,  # left empty: null, as the schema says
        "email": siti.email,
    }
    assert len(siti.nik) == 16 and siti.masked_nik != siti.nik
    business = body["business"]
    assert business["name"] == siti.business.name and business["sector"] == siti.business.sector
    assert business["address"] == siti.business.address and business["workers"] == siti.business.workers
    assert business["kecamatan"] == {"code": siti.business.kecamatan.code, "name": siti.business.kecamatan.name}
    assert business["started_on"] is None
    assert business["class_at_registration"] == "micro" and business["class_now"] == "micro"
    reports = body["statements"]["reports"]
    assert [r["month"] for r in reports] == [m.isoformat() for m in months[:12]]
    assert reports[0] == {
        "month": months[0].isoformat(),
        "turnover": 4_000_000,
        "expenses": 3_000_000,
        "profit": None,
        "assets": 5_000_000,
        "workers": 2,
    }
    assert body["statements"]["latest_statement"] == {
        "code": latest.code,
        "period_start": latest.period_start.isoformat(),
        "period_end": latest.period_end.isoformat(),
        "issued_at": body["statements"]["latest_statement"]["issued_at"],
    }
    assert list(AccessLog.objects.values_list("participant_id", "endpoint")) == [(siti.pk, detail(referral))]


def test_the_class_now_is_null_without_reports_and_no_statement_is_null(bank: Partner, refer: Refer) -> None:
    body = bank.client.get(detail(refer(bank))).json()
    assert body["business"]["class_now"] is None and body["business"]["class_at_registration"] == "micro"
    assert body["statements"] == {"reports": [], "latest_statement": None}


def test_the_same_lender_key_reads_no_nik_on_the_participants_endpoint(bank: Partner, refer: Refer) -> None:
    """The full NIK is in the referral that shares identity, and nowhere else: the generic endpoints do not list
    a participant for loan assessment at all (what the referral names holds everywhere)."""
    referral = refer(bank)
    siti = referral.participant
    assert bank.client.get(detail(referral)).json()["identity"]["nik"] == siti.nik
    person = bank.client.get(f"/api/v1/participants/{siti.pk}/")
    assert person.status_code == 404 and siti.nik not in person.content.decode()
    assert siti.nik not in bank.client.get("/api/v1/participants/").content.decode()


@pytest.mark.parametrize(
    "shared",
    [
        [SharedData.IDENTITY],
        [SharedData.IDENTITY, SharedData.BUSINESS],
        [SharedData.IDENTITY, SharedData.STATEMENTS],
    ],
)
def test_the_detail_shows_only_what_the_participant_named(bank: Partner, refer: Refer, shared: list[str]) -> None:
    referral = refer(bank, shared=shared)
    siti = referral.participant
    MonthlyRecordFactory(participant=siti, month=months_back(1)[0], turnover=4_321_987)
    response = bank.client.get(detail(referral))
    body, text = response.json(), response.content.decode()
    assert body["shared"] == shared and body["identity"]["nik"] == siti.nik
    assert (body["business"] is not None) == (SharedData.BUSINESS in shared)
    assert (body["statements"] is not None) == (SharedData.STATEMENTS in shared)
    assert (siti.business.name in text) == (SharedData.BUSINESS in shared)
    assert ("4321987" in text) == (SharedData.STATEMENTS in shared)


def test_a_row_without_the_identity_named_shows_no_identity(bank: Partner, refer: Refer) -> None:
    """The service asks for the identity in every referral; the API still reads `shared`, whatever the row."""
    referral = refer(bank)
    LoanReferral.objects.filter(pk=referral.pk).update(shared=[SharedData.BUSINESS])
    siti = referral.participant
    response = bank.client.get(detail(referral))
    text = response.content.decode()
    assert response.json()["identity"] is None and response.json()["business"]["name"] == siti.business.name
    assert siti.nik not in text and siti.masked_nik not in text and siti.full_name not in text
    assert siti.birth_date.isoformat() not in text and siti.email not in text


def test_a_participant_without_a_business_shows_none(bank: Partner, refer: Refer) -> None:
    referral = refer(bank)
    referral.participant.business.delete()
    body = bank.client.get(detail(referral)).json()
    assert body["business"] is None and body["identity"]["nik"] == referral.participant.nik


def test_filters_by_status_and_by_updated_since(bank: Partner, refer: Refer) -> None:
    sent = refer(bank)
    review = refer(bank, ReferralStatus.UNDER_REVIEW)
    refused = refer(bank, ReferralStatus.REFUSED)
    LoanReferral.objects.filter(pk=sent.pk).update(moved_at=timezone.now() - datetime.timedelta(days=30))
    assert ids(bank.client.get(REFERRALS, {"status": "under_review"})) == [review.pk]
    assert ids(bank.client.get(REFERRALS, {"status": "refused"})) == [refused.pk]
    since = (timezone.now() - datetime.timedelta(days=20)).isoformat()
    assert ids(bank.client.get(REFERRALS, {"updated_since": since})) == [refused.pk, review.pk]
    for bad in ({"status": "requested"}, {"status": "lost"}, {"updated_since": "kemarin"}):
        response = bank.client.get(REFERRALS, bad)
        assert response.status_code == 400 and response.json()["code"] == "invalid"
        assert set(response.json()["errors"]) == set(bad)


def test_the_list_pages_by_cursor_at_a_fixed_number_of_queries_and_one_log_insert_a_page(
    bank: Partner, refer: Refer, django_assert_max_num_queries: Any
) -> None:
    made = [refer(bank) for _ in range(120)]
    seen: list[int] = []
    url: str | None = f"{REFERRALS}?page_size=50"
    while url:
        with django_assert_max_num_queries(5), CaptureQueriesContext(connection) as queries:
            response = bank.client.get(url)
        seen += ids(response)
        inserts = [q["sql"] for q in queries if 'INSERT INTO "partners_accesslog"' in q["sql"]]
        assert len(inserts) == 1
        url = response.json()["next"]
    assert seen == sorted((r.pk for r in made), reverse=True)
    assert AccessLog.objects.count() == 120


def test_a_detail_is_a_fixed_number_of_queries_whatever_its_history(
    bank: Partner, refer: Refer, django_assert_max_num_queries: Any
) -> None:
    referral = refer(bank, ReferralStatus.DISBURSED)
    for month in months_back(24):
        MonthlyRecordFactory(participant=referral.participant, month=month)
    for number in range(5):
        statement(referral.participant, issued_days_ago=number + 1, code=f"STMT{number:012d}")
    with django_assert_max_num_queries(8):
        response = bank.client.get(detail(referral))
    assert response.status_code == 200 and len(response.json()["statements"]["reports"]) == 12
    assert len(response.json()["moves"]) == 5


def test_an_unchanged_answer_is_304(bank: Partner, refer: Refer) -> None:
    referral = refer(bank)
    for url in (REFERRALS, detail(referral)):
        first = bank.client.get(url)
        assert first.status_code == 200 and first["ETag"]
        assert bank.client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    LoanReferral.objects.filter(pk=referral.pk).update(lender_reference="BDKI-2026-0001")
    assert bank.client.get(detail(referral), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


# --- scope ------------------------------------------------------------------------------------------------------


def test_another_lenders_referral_is_404_and_not_listed(bank: Partner, fintech: Partner, refer: Refer) -> None:
    theirs = refer(fintech)
    # the same participant asked both lenders: the bank still sees only its own referral
    mine = refer(bank, participant=theirs.participant)
    assert ids(bank.client.get(REFERRALS)) == [mine.pk]
    before = unchanged(theirs)
    assert bank.client.get(detail(theirs)).status_code == 404
    response = bank.client.post(moves_url(theirs), {"status": "under_review"}, format="json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert unchanged(theirs) == before
    assert not AccessLog.objects.filter(endpoint=detail(theirs)).exists()


def test_a_referral_still_requested_is_the_programs_not_the_lenders(bank: Partner, refer: Refer) -> None:
    requested = refer(bank, ReferralStatus.REQUESTED)
    before = unchanged(requested)
    assert ids(bank.client.get(REFERRALS)) == []
    assert bank.client.get(detail(requested)).status_code == 404
    assert bank.client.post(moves_url(requested), {"status": "under_review"}, format="json").status_code == 404
    assert unchanged(requested) == before and not AccessLog.objects.exists()


@pytest.mark.parametrize("status", sorted(LIVE_STATUSES))
def test_a_referral_live_for_the_lender_shows_the_named_data(bank: Partner, refer: Refer, status: str) -> None:
    referral = refer(bank, status)
    body = bank.client.get(detail(referral)).json()
    assert body["status"] == status and body["identity"]["nik"] == referral.participant.nik
    assert body["business"]["name"] == referral.participant.business.name and body["statements"] is not None


@pytest.mark.parametrize("status", [ReferralStatus.REFUSED, ReferralStatus.WITHDRAWN])
def test_a_referral_refused_or_withdrawn_after_it_was_sent_stays_listed_with_nothing_named(
    bank: Partner, refer: Refer, status: str
) -> None:
    referral = refer(bank, status)
    assert not Consent.objects.get(pk=referral.consent_id).is_active  # it was the last open one: the consent ended
    listed = bank.client.get(REFERRALS)
    assert ids(listed) == [referral.pk] and listed.json()["results"][0]["status"] == status
    assert_nothing_named(bank.client.get(detail(referral)), referral)
    before = unchanged(referral)
    response = bank.client.post(moves_url(referral), {"status": "under_review"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "not_now"
    assert unchanged(referral) == before


def test_a_withdrawn_consent_leaves_the_referral_listed_with_nothing_named_and_no_move(
    bank: Partner, refer: Refer
) -> None:
    referral = refer(bank)
    assert bank.client.get(detail(referral)).json()["identity"]["nik"] == referral.participant.nik
    partner_services.consent_withdraw(consent=referral.consent, channel="web", acting_user=referral.participant.user)
    before = unchanged(referral)
    assert ids(bank.client.get(REFERRALS)) == [referral.pk]
    assert_nothing_named(bank.client.get(detail(referral)), referral)
    response = bank.client.post(moves_url(referral), {"status": "under_review"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "consent_withdrawn"
    assert bank.client.get(f"/api/v1/participants/{referral.participant_id}/").status_code == 404
    # the referral stays, as the consent does; it is still the participant's to withdraw
    assert unchanged(referral) == before and Consent.objects.filter(pk=referral.consent_id).exists()


def test_a_referral_withdrawn_before_it_was_sent_is_never_the_lenders_while_another_keeps_the_consent(
    bank: Partner, refer: Refer, agency_staff: User
) -> None:
    """The program never sent it: however the consent stands for another referral, the lender does not see it."""
    open_one = refer(bank)
    never_sent = refer(
        bank, ReferralStatus.REQUESTED, participant=open_one.participant, product=make_product(bank, agency_staff)
    )
    capital_services.referral_withdraw(referral=never_sent, acting_user=open_one.participant.user)
    assert never_sent.consent_id == open_one.consent_id and Consent.objects.get(pk=open_one.consent_id).is_active
    assert ids(bank.client.get(REFERRALS)) == [open_one.pk]
    response = bank.client.get(detail(never_sent))
    assert response.status_code == 404 and open_one.participant.nik not in response.content.decode()
    assert bank.client.post(moves_url(never_sent), {"status": "under_review"}, format="json").status_code == 404
    assert not AccessLog.objects.filter(endpoint=detail(never_sent)).exists()


def test_a_referral_withdrawn_after_it_was_sent_names_nothing_while_an_open_one_keeps_the_consent(
    bank: Partner, refer: Refer
) -> None:
    """Two referrals to one lender rest on one consent: withdrawing one leaves the consent to the other, and the
    withdrawn one shows the lender its status alone."""
    open_one = refer(bank)
    withdrawn = refer(bank, ReferralStatus.WITHDRAWN, participant=open_one.participant)
    assert withdrawn.consent_id == open_one.consent_id and Consent.objects.get(pk=open_one.consent_id).is_active
    assert ids(bank.client.get(REFERRALS)) == [withdrawn.pk, open_one.pk]
    assert_nothing_named(bank.client.get(detail(withdrawn)), withdrawn)
    assert bank.client.get(detail(open_one)).json()["identity"]["nik"] == open_one.participant.nik
    before = unchanged(withdrawn)
    response = bank.client.post(moves_url(withdrawn), {"status": "under_review"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "not_now"
    assert unchanged(withdrawn) == before


def test_a_new_consent_does_not_reopen_a_referral_resting_on_a_withdrawn_one(bank: Partner, refer: Refer) -> None:
    referral = refer(bank)
    partner_services.consent_withdraw(consent=referral.consent, channel="web", acting_user=referral.participant.user)
    consent(referral.participant, bank.organisation, Purpose.LOAN_ASSESSMENT)
    assert_nothing_named(bank.client.get(detail(referral)), referral)
    response = bank.client.post(moves_url(referral), {"status": "under_review"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "consent_withdrawn"


def test_a_withdrawn_loan_consent_closes_the_referral_while_another_purposes_consent_stands(
    agency_staff: User, refer: Refer
) -> None:
    both = make_lender(agency_staff, "Bank Serba", steps=[Step.P6, Step.P7])
    person = consented_participant(both, Purpose.BOOKKEEPING, status=Status.APPROVED)
    referral = refer(both, participant=person)
    partner_services.consent_withdraw(consent=referral.consent, channel="web", acting_user=person.user)
    assert_nothing_named(both.client.get(detail(referral)), referral)
    assert both.client.get(f"/api/v1/businesses/{person.business.pk}/").status_code == 200  # bookkeeping still


@pytest.mark.parametrize("how", ["expired", "ended", "not_p7"])
def test_a_lender_whose_agreement_does_not_cover_p7_today_sees_nothing(bank: Partner, refer: Refer, how: str) -> None:
    referral = refer(bank)
    yesterday = today() - datetime.timedelta(days=1)
    agreements = Agreement.objects.filter(pk=bank.agreement.pk)
    if how == "expired":
        agreements.update(ends_on=yesterday)
    elif how == "ended":
        agreements.update(ended_on=yesterday, end_reason="Selesai lebih awal")
    else:
        agreements.update(steps=[Step.P6])
    before = unchanged(referral)
    assert ids(bank.client.get(REFERRALS)) == []
    assert bank.client.get(detail(referral)).status_code == 404
    assert bank.client.post(moves_url(referral), {"status": "under_review"}, format="json").status_code == 404
    assert unchanged(referral) == before and not AccessLog.objects.exists()


def test_a_marketplace_key_sees_no_referral_even_one_naming_it(agency_staff: User, refer: Refer) -> None:
    """A marketplace whose agreement covers P7, named as a referral's lender by a row the services would not
    make, is still no lender."""
    bank = make_lender(agency_staff, "Bank Jujur")
    shop = make_lender(agency_staff, "Toko Daring", kind=OrganisationKind.MARKETPLACE, steps=[Step.P5, Step.P7])
    referral = refer(bank)
    shop_consent = consent(referral.participant, shop.organisation, Purpose.LOAN_ASSESSMENT)
    LoanReferral.objects.filter(pk=referral.pk).update(lender=shop.organisation, consent=shop_consent)
    assert ids(shop.client.get(REFERRALS)) == []
    assert shop.client.get(detail(referral)).status_code == 404
    assert shop.client.post(moves_url(referral), {"status": "under_review"}, format="json").status_code == 404


def test_a_revoked_key_is_401_the_jaki_key_403_and_no_key_401(bank: Partner, refer: Refer, agency_staff: User) -> None:
    referral = refer(bank)
    jaki = PartnerOrganisationFactory(name="JAKI", kind=OrganisationKind.GOVERNMENT, is_city_app=True)
    jaki_secret = issue_key(
        agreement_in_force(jaki, steps=[Step.P1], staff=agency_staff), staff=agency_staff, kind=KeyKind.JAKI
    )
    assert api_client(jaki_secret).get(REFERRALS).status_code == 403
    assert api_client(jaki_secret).post(moves_url(referral), {"status": "under_review"}).status_code == 403
    assert APIClient().get(detail(referral)).status_code == 401
    partner_services.key_revoke(key=bank.key, acting_user=agency_staff)
    before = unchanged(referral)
    for response in (
        bank.client.get(REFERRALS),
        bank.client.get(detail(referral)),
        bank.client.post(moves_url(referral), {"status": "under_review"}, format="json"),
    ):
        assert response.status_code == 401 and response.json()["code"] == "authentication_failed"
    assert unchanged(referral) == before and not AccessLog.objects.exists()


# --- the lender's moves -----------------------------------------------------------------------------------------


def test_the_lender_reviews_approves_and_disburses_as_its_api_account(bank: Partner, refer: Refer) -> None:
    referral = refer(bank)
    siti = referral.participant
    api_user = bank.organisation.api_user
    steps: list[tuple[dict[str, Any], str]] = [
        ({"status": "under_review", "lender_reference": "BDKI-2026-0042"}, "under_review"),
        ({"status": "approved", "amount": 18_000_000, "note": "Disetujui, silakan datang ke cabang"}, "approved"),
        ({"status": "disbursed", "amount": 18_000_000, "day": today().isoformat()}, "disbursed"),
    ]
    for number, (body, status) in enumerate(steps, start=1):
        response = bank.client.post(moves_url(referral), body, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == status
        # the participant is told: one email in the outbox for each move
        told = Message.objects.filter(recipient=siti.user, channel=Channel.EMAIL, template=f"capital_{status}")
        assert told.count() == 1
        assert AccessLog.objects.filter(participant=siti, endpoint=moves_url(referral)).count() == number
    answer = response.json()
    assert answer["lender_reference"] == "BDKI-2026-0042" and answer["amount_approved"] == 18_000_000
    assert answer["amount_disbursed"] == 18_000_000 and answer["disbursed_on"] == today().isoformat()
    assert answer["identity"]["nik"] == siti.nik
    assert [m["to_status"] for m in answer["moves"]][-3:] == ["under_review", "approved", "disbursed"]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DISBURSED and referral.disbursed_on == today()
    made = ReferralMove.objects.filter(referral=referral).order_by("pk")
    assert [(m.to_status, m.moved_by) for m in made][-3:] == [
        ("under_review", api_user),
        ("approved", api_user),
        ("disbursed", api_user),
    ]
    by_status = {event.pgh_data["status"]: event.pgh_context for event in Events.objects.tracks(referral)}
    for status in ("under_review", "approved", "disbursed"):
        assert by_status[status]["channel"] == "api" and by_status[status]["key"] == bank.key.prefix


def test_the_lender_refuses_with_a_reason_the_participant_reads(bank: Partner, refer: Refer) -> None:
    referral = refer(bank, ReferralStatus.UNDER_REVIEW)
    before = unchanged(referral)
    missing = bank.client.post(moves_url(referral), {"status": "refused"}, format="json")
    assert missing.status_code == 400 and missing.json()["errors"]["note"][0]["code"] == "required"
    assert unchanged(referral) == before
    response = bank.client.post(moves_url(referral), {"status": "refused", "note": "Omset kurang"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "refused" and response.json()["amount_approved"] is None
    assert Message.objects.filter(recipient=referral.participant.user, template="capital_refused").exists()


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (ReferralStatus.SENT, {"status": "approved", "amount": 10_000_000}),
        (ReferralStatus.SENT, {"status": "disbursed", "amount": 10_000_000, "day": "2026-01-05"}),
        (ReferralStatus.UNDER_REVIEW, {"status": "under_review"}),
        (ReferralStatus.UNDER_REVIEW, {"status": "disbursed"}),  # refused before any value is checked
        (ReferralStatus.REFUSED, {"status": "approved", "amount": 10_000_000}),
        (ReferralStatus.DISBURSED, {"status": "refused", "note": "Terlambat"}),
    ],
)
def test_a_move_the_referral_cannot_make_is_409_and_changes_nothing(
    bank: Partner, refer: Refer, status: str, body: dict[str, Any]
) -> None:
    referral = refer(bank, status)
    before = unchanged(referral)
    response = bank.client.post(moves_url(referral), body, format="json")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "not_now" and response.json()["detail"]
    assert unchanged(referral) == before and not AccessLog.objects.exists()


@pytest.mark.parametrize(
    ("status", "body", "field", "code"),
    [
        (ReferralStatus.SENT, {}, "status", "required"),
        (ReferralStatus.SENT, {"status": "sent"}, "status", "invalid_choice"),  # the program's move
        (ReferralStatus.SENT, {"status": "withdrawn"}, "status", "invalid_choice"),  # the participant's
        (ReferralStatus.UNDER_REVIEW, {"status": "approved"}, "amount", "amount_approved"),
        (ReferralStatus.UNDER_REVIEW, {"status": "approved", "amount": 0}, "amount", "min_value"),
        (ReferralStatus.UNDER_REVIEW, {"status": "approved", "amount": 999_999}, "amount", "amount_approved"),
        (ReferralStatus.UNDER_REVIEW, {"status": "approved", "amount": 50_000_001}, "amount", "amount_approved"),
        (ReferralStatus.UNDER_REVIEW, {"status": "approved", "amount": "banyak"}, "amount", "invalid"),
        (ReferralStatus.UNDER_REVIEW, {"status": "approved", "amount": 10**16}, "amount", "max_value"),
        (ReferralStatus.SENT, {"status": "under_review", "note": "x" * 501}, "note", "max_length"),
        (
            ReferralStatus.SENT,
            {"status": "under_review", "lender_reference": "x" * 61},
            "lender_reference",
            "max_length",
        ),
        (ReferralStatus.APPROVED, {"status": "disbursed", "amount": 1, "day": "kemarin"}, "day", "invalid"),
    ],
)
def test_bad_input_is_400_by_field_and_changes_nothing(
    bank: Partner, refer: Refer, status: str, body: dict[str, Any], field: str, code: str
) -> None:
    referral = refer(bank, status)
    before = unchanged(referral)
    response = bank.client.post(moves_url(referral), body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid" and response.json()["errors"][field][0]["code"] == code
    assert unchanged(referral) == before and not AccessLog.objects.exists()


@pytest.mark.parametrize(
    ("amount", "days_from_today", "field"),
    [
        (APPROVED_AMOUNT, 1, "day"),  # in the future
        (APPROVED_AMOUNT, -30, "day"),  # before the referral was approved (and asked)
        (APPROVED_AMOUNT, None, "day"),
        (None, 0, "amount"),
        (APPROVED_AMOUNT + 1, 0, "amount"),  # more than approved
    ],
)
def test_disbursing_wants_the_amount_and_a_day_not_in_the_future(
    bank: Partner, refer: Refer, amount: int | None, days_from_today: int | None, field: str
) -> None:
    referral = refer(bank, ReferralStatus.APPROVED)
    before = unchanged(referral)
    body: dict[str, Any] = {"status": "disbursed"}
    if amount is not None:
        body["amount"] = amount
    if days_from_today is not None:
        body["day"] = (today() + datetime.timedelta(days=days_from_today)).isoformat()
    response = bank.client.post(moves_url(referral), body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid" and list(response.json()["errors"]) == [field]
    assert unchanged(referral) == before
