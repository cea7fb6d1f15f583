"""The API against its own published schema (schemathesis): every operation of the live `/api/schema/`, called
in-process through the WSGI app with a key of each partner kind, the JAKI app's key, and no key, on real data
made through the services. Every answer passes schemathesis's conformance checks: no server error, the status
code and the content type documented, the body as the schema says. Also: the schema and the docs need no key,
and the docs load nothing from a CDN."""

import datetime
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from django.test import Client
from django.utils import timezone
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from capital import services as capital_services
from capital.choices import RateKind, ReferralStatus
from capital.models import SHARED_ALL
from finance import services as finance_services
from finance.choices import StatementLanguage
from geography.models import Wilayah
from licensing import services as licensing_services
from licensing.choices import RequestStatus
from licensing.tests.factories import licence_type
from marketing import search
from marketing.tests.factories import ListingFactory, graded_product
from partners import services
from partners.api_access import KeyRateThrottle
from partners.choices import LENDER_KINDS, ConsentChannel, KeyKind, OrganisationKind, Purpose, Step, purposes_of_steps
from partners.models import PartnerOrganisation
from partners.selectors import current_text
from partners.tests.factories import PartnerOrganisationFactory, agreement_in_force, consent, issue_key
from registration.choices import Status
from registration.models import Participant
from registration.tests.factories import RegistrationFactory
from training import services as training_services
from training.choices import SkillType, Topic, TrackFit

pytestmark = pytest.mark.django_db

# the steps an agreement with each kind of partner covers (the training partner is the university)
STEPS: dict[str, list[str]] = {
    OrganisationKind.GOVERNMENT: [Step.P4],
    OrganisationKind.COMPANY: [Step.P2, Step.P3],
    OrganisationKind.MARKETPLACE: [Step.P2, Step.P5],
    OrganisationKind.BANK: [Step.P6, Step.P7],
    OrganisationKind.FINTECH: [Step.P7],
    OrganisationKind.UNIVERSITY: [Step.P2, Step.P3],
    OrganisationKind.COMMUNITY: [Step.P3, Step.P5],
}
JAKI = "jaki"
ANONYMOUS = "anonymous"
CALLERS = [*STEPS, JAKI, ANONYMOUS]
PARTICIPANTS_PER_PARTNER = 3
JAKI_ACCOUNT = "jaki-7f3a"


def _participant() -> Participant:
    participant: Participant = RegistrationFactory(status=Status.APPROVED).participant
    return participant


def _monthly_records(participant: Participant) -> None:
    first = timezone.localdate().replace(day=1)
    for back in (1, 2):
        month = (first - datetime.timedelta(days=28 * back)).replace(day=1)
        finance_services.monthly_record_save(
            participant=participant,
            month=month,
            turnover=4_000_000 + back * 250_000,
            workers=2,
            assets=12_000_000,
            acting_user=participant.user,
        )


def _training(organisation: PartnerOrganisation, staff: User, participants: list[Participant]) -> None:
    """A course of the training partner with an announced session next week, its consenting participants enrolled."""
    course = training_services.course_create(
        details=training_services.CourseDetails(
            title="Foto Produk untuk Toko Daring",
            skill_type=SkillType.SOFT,
            topic=Topic.DIGITAL_MARKETING,
            sector="",
            track_fit=TrackFit.BOTH,
            description="Memotret produk dengan ponsel.",
            completion_threshold=80,
        ),
        organiser=training_services.Organiser(partner=organisation),
        acting_user=staff,
    )
    start = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0) + datetime.timedelta(days=7)
    session = training_services.session_create(
        course=course,
        details=training_services.SessionDetails(
            is_online=False,
            wilayah=Wilayah.objects.get(name="Jakarta Pusat"),
            venue="Kampus Salemba",
            meeting_url="",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=6),
            registration_deadline=start - datetime.timedelta(days=2),
            capacity=20,
        ),
        acting_user=staff,
    )
    session = training_services.session_announce(session=session, acting_user=staff)
    for participant in participants:
        training_services.enrolment_enrol(session=session, participant=participant, acting_user=participant.user)


def _licence_requests(staff: User, participants: list[Participant]) -> None:
    """For the licensing office: an NIB request of each consenting participant, one left requested, one with its
    documents complete, one submitted to the office (which may then issue or refuse it)."""
    for participant, moves in zip(
        participants,
        [[], [RequestStatus.DOCUMENTS_COMPLETE], [RequestStatus.DOCUMENTS_COMPLETE, RequestStatus.SUBMITTED]],
        strict=False,
    ):
        outcome = licensing_services.request_create(
            participant=participant, licence_type=licence_type("nib"), acting_user=staff
        )
        for target in moves:
            licensing_services.request_move(licence_request=outcome.request, target=target, acting_user=staff)


def _referrals(organisation: PartnerOrganisation, staff: User, participants: list[Participant]) -> None:
    """For a lender: a product of its own, each consenting participant referred to it sharing everything (one
    left requested, one sent to the lender, one under its review), and statements issued for the first's reports
    (the lender's key may then move them on, or be refused)."""
    product = capital_services.product_create(
        code=f"kredit-{organisation.kind}",
        data=capital_services.ProductData(
            lender=organisation,
            name=f"Kredit Usaha {organisation.name}",
            amount_min=1_000_000,
            amount_max=50_000_000,
            tenor_min_months=6,
            tenor_max_months=36,
            rate_percent=Decimal("6.00"),
            rate_kind=RateKind.INTEREST,
        ),
        acting_user=staff,
    )
    organisation.refresh_from_db()  # the key's issue gave it its API account
    assert organisation.api_user is not None
    first = participants[0]
    months = [record.month for record in first.monthly_records.order_by("month")]
    finance_services.statement_issue(
        participant=first,
        period_start=months[0],
        period_end=months[-1],
        language=StatementLanguage.ID,
        acting_user=first.user,
    )
    for participant, moves in zip(
        participants, [[ReferralStatus.SENT, ReferralStatus.UNDER_REVIEW], [ReferralStatus.SENT], []], strict=False
    ):
        referral = capital_services.referral_create(
            participant=participant,
            product=product,
            amount_requested=20_000_000,
            tenor_months=24,
            use_of_funds="Menambah stok bahan baku",
            shared=SHARED_ALL,
            text_version=current_text(Purpose.LOAN_ASSESSMENT).version,
            channel=ConsentChannel.WEB,
            acting_user=participant.user,
        )
        for target in moves:
            mover = staff if target == ReferralStatus.SENT else organisation.api_user
            capital_services.referral_move(referral=referral, to_status=target, acting_user=mover)


def _catalogue(participants: list[Participant]) -> None:
    """For the marketplace: each business published, with a product graded through curation."""
    for participant, grade in zip(participants, ["A", "B", "C"], strict=False):
        ListingFactory(business=participant.business, public_name=f"Usaha {participant.pk}")
        graded_product(grade, participant.business)
        search.reindex_business(participant.business.pk)


@pytest.fixture(scope="module")
def secrets(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, str]]:
    """A partner of each kind with an agreement in force and a key, a few participants consenting to it for every
    purpose its agreement covers (with monthly records, enrolments in the training partner's session, licence
    requests for the licensing office, published listings and graded products for the marketplace, a product,
    loan referrals and an issued statement for each lender), and
    the JAKI app with its key and one linked account. Made once for the module, in a transaction rolled back at
    its end (each test runs in a savepoint inside it). Returns each caller's key."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _world(UserFactory(role=Role.AGENCY, is_staff=True))
        transaction.set_rollback(True)


def _world(agency_staff: User) -> dict[str, str]:
    keys: dict[str, str] = {}
    for kind, steps in STEPS.items():
        organisation = PartnerOrganisationFactory(name=f"Mitra {kind}", kind=kind)
        agreement = agreement_in_force(organisation, steps=steps, staff=agency_staff)
        keys[kind] = issue_key(agreement, staff=agency_staff)
        participants = [_participant() for _ in range(PARTICIPANTS_PER_PARTNER)]
        for participant in participants:
            for purpose in purposes_of_steps(steps):
                consent(participant, organisation, purpose)
            _monthly_records(participant)
        if kind == OrganisationKind.UNIVERSITY:
            _training(organisation, agency_staff, participants)
        if kind == OrganisationKind.GOVERNMENT:
            _licence_requests(agency_staff, participants)
        if kind == OrganisationKind.MARKETPLACE:
            _catalogue(participants)
        if kind in LENDER_KINDS:
            _referrals(organisation, agency_staff, participants)
    jaki = PartnerOrganisationFactory(name="JAKI", kind=OrganisationKind.GOVERNMENT, is_city_app=True)
    jaki_agreement = agreement_in_force(jaki, steps=[Step.P1], staff=agency_staff)
    keys[JAKI] = issue_key(jaki_agreement, staff=agency_staff, kind=KeyKind.JAKI)
    linked = _participant()
    consent(linked, jaki, Purpose.APP_JOURNEY)
    code = services.jaki_link_code_create(participant=linked, acting_user=linked.user)
    jaki.refresh_from_db()
    assert jaki.api_user is not None
    services.jaki_link(code=code, account=JAKI_ACCOUNT, acting_user=jaki.api_user)
    return keys


@pytest.fixture(params=CALLERS)
def caller(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def headers(caller: str, secrets: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The Authorization header of one caller (none for the anonymous one). The per-key rate is lifted: the
    fuzzer sends more in a minute than a partner may, and throttling has tests of its own."""
    monkeypatch.setattr(KeyRateThrottle, "rate", "1000000/minute", raising=False)
    if caller == ANONYMOUS:
        return {}
    return {"Authorization": f"Api-Key {secrets[caller]}"}


@pytest.fixture(autouse=True)
def _requests_keep_the_connection() -> Iterator[None]:
    """As in Django's test client, a request's end does not close the database connection (the test's
    transaction) when the WSGI app is called in-process."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# no server error; the status code, the content type and the body as documented (schemathesis also has checks
# that expect a lenient input, e.g. an unknown page_size, to be refused: DRF ignores it on purpose)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# the live schema, loaded through the WSGI app when the tests are collected: every operation it lists is tested
schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler())


@schema.parametrize()
@hypothesis.settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),  # function-scoped fixtures are shared by examples, on purpose
)
def test_every_operation_conforms_to_the_schema(case: Any, headers: dict[str, str]) -> None:
    case.call_and_validate(headers=headers, checks=CHECKS)


@pytest.mark.parametrize("lender", [OrganisationKind.BANK, OrganisationKind.FINTECH])
def test_a_lenders_real_referrals_and_moves_conform_to_the_schema(
    lender: str, secrets: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fuzzer's ids seldom meet a row: every referral a lender's key sees is read and moved along its path
    (a 409, a 400 and a 200 among the answers), each answer checked as the fuzzer checks it."""
    monkeypatch.setattr(KeyRateThrottle, "rate", "1000000/minute", raising=False)
    headers = {"Authorization": f"Api-Key {secrets[lender]}"}
    listed = schema["/api/v1/capital/referrals/"]["GET"].Case().call_and_validate(headers=headers, checks=CHECKS)
    rows = listed.json()["results"]
    assert sorted(row["status"] for row in rows) == ["sent", "under_review"]
    read, move = (
        schema["/api/v1/capital/referrals/{id}/"]["GET"],
        schema["/api/v1/capital/referrals/{id}/moves/"]["POST"],
    )
    today = timezone.localdate().isoformat()
    for row in rows:
        where = {"id": row["id"]}
        body = read.Case(path_parameters=where).call_and_validate(headers=headers, checks=CHECKS).json()
        assert len(body["identity"]["nik"]) == 16 and body["business"] and body["statements"]["reports"]
        for step in (
            {"status": "under_review", "lender_reference": f"REF-{row['id']}"},
            {"status": "approved"},
            {"status": "approved", "amount": 10_000_000},
            {"status": "disbursed", "amount": 10_000_000},
            {"status": "disbursed", "amount": 10_000_000, "day": today},
        ):
            move.Case(path_parameters=where, body=step).call_and_validate(headers=headers, checks=CHECKS)
        final = read.Case(path_parameters=where).call_and_validate(headers=headers, checks=CHECKS).json()
        assert final["status"] == "disbursed" and final["disbursed_on"] == today


def test_schema_and_docs_answer_without_a_key_and_load_nothing_from_a_cdn(client: Client) -> None:
    schema_response = client.get("/api/schema/")
    assert schema_response.status_code == 200
    assert b"/api/v1/participants/" in schema_response.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert all(url.startswith(("/static/", "/api/docs/?")) for url in assets), assets
    for url in assets:
        assert client.get(url).status_code == 200, url
    own_script = next(url for url in assets if url.startswith("/api/docs/?"))
    script = client.get(own_script).content.decode()
    assert "/api/schema/" in script
    for text in (html, script):
        hosts = re.findall(r"(?:https?:)?//([a-z0-9.-]+\.[a-z]{2,})", text)
        assert hosts == [], hosts
    # Swagger UI's own <style> element is allowed on the docs page alone; scripts stay the portal's own
    policy = dict(part.strip().split(" ", 1) for part in docs["Content-Security-Policy"].split(";") if part.strip())
    assert "'unsafe-inline'" in policy["style-src-elem"] and policy["script-src"] == "'self'"
    assert "'unsafe-inline'" not in client.get("/")["Content-Security-Policy"].split("style-src-elem")[1].split(";")[0]
