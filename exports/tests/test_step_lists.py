"""Each step's staff list as an export, registered by its own app: who may export it, the page's own scope (a
mentor's holds only their participants, another kecamatan's rows never appear), the page's filters and columns, a
fixed number of queries, and bad input."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import office
from capital.choices import ReferralStatus
from capital.tests.factories import ProductFactory as FinancingProductFactory
from capital.tests.factories import referral_in
from exports import registry
from exports.models import Export
from licensing import licence_types
from licensing.choices import RequestStatus
from licensing.tests.factories import LicenceRequestFactory, licence_type
from marketing.tests.factories import ProductCallFactory, SubmissionFactory
from mentoring.tests.factories import AssignmentFactory, verified_participant
from partners.tests.factories import PartnerMemberFactory
from registration.tests.conftest import login
from training.tests.factories import EnrolmentFactory, PartnerCourseFactory, SessionFactory

from .support import ask, column, content, table

pytestmark = pytest.mark.django_db


def test_every_step_registers_its_staff_list() -> None:
    """Finance has no staff list of participants (its program page counts by kecamatan): nothing to register."""
    assert set(registry.registered()) == {
        "registration.participants",
        "training.enrolments",
        "mentoring.caseload",
        "licensing.queue",
        "marketing.call_submissions",
        "capital.queue",
        "privacy.breach",  # not a step: whose data a key, partner or staff account read (agency staff)
    }


# --- P2 training: a session's enrolments, for its organiser ---------------------------------------------------


def test_the_organiser_exports_a_sessions_enrolments_without_nik(client: Client, agency_staff: User) -> None:
    session = SessionFactory()
    EnrolmentFactory(session=session, participant=verified_participant(full_name="Siti Peserta"))
    EnrolmentFactory(participant=verified_participant(full_name="Other Session"))
    login(client, agency_staff)
    page = client.get(reverse("training:organiser_session", args=[session.pk]))
    assert f'name="query" value="session={session.pk}"' in page.content.decode()
    rows = table(content(ask(client, "training.enrolments", query=f"session={session.pk}")))
    assert rows == [["Name", "Kecamatan", "Status", "Days present"], ["Siti Peserta", "Tebet", "Enrolled", "0"]]


def test_a_partner_exports_only_its_own_sessions(client: Client) -> None:
    member = PartnerMemberFactory()
    own = SessionFactory(course=PartnerCourseFactory(organiser_partner=member.organisation))
    other = SessionFactory(course=PartnerCourseFactory())
    EnrolmentFactory(session=own)
    EnrolmentFactory(session=other)
    login(client, member.user)
    exported = content(ask(client, "training.enrolments", "xlsx", query=f"session={own.pk}"))
    assert len(table(exported, "xlsx")) == 2
    response = ask(client, "training.enrolments", query=f"session={other.pk}")
    assert response.status_code == 400
    assert "This session is not one you organise." in response.content.decode()


@pytest.mark.parametrize("who", ["mentor_tebet", "secretariat_tebet", "entrepreneur"])
def test_who_organises_no_training_cannot_export_enrolments(
    client: Client, request: pytest.FixtureRequest, who: str
) -> None:
    session = SessionFactory()
    login(client, request.getfixturevalue(who))
    assert ask(client, "training.enrolments", query=f"session={session.pk}").status_code == 403


@pytest.mark.parametrize("query", ["", "session=", "session=abc", "session=999999999", "session=-1"])
def test_a_missing_or_unknown_session_is_a_clear_refusal(client: Client, agency_staff: User, query: str) -> None:
    login(client, agency_staff)
    response = ask(client, "training.enrolments", query=query)
    assert response.status_code == 400
    assert not Export.objects.exists()


# --- P3 mentoring: a mentor's caseload --------------------------------------------------------------------------


def test_a_mentors_export_holds_only_their_own_participants(
    client: Client, mentor_tebet: User, mentor_gambir: User
) -> None:
    AssignmentFactory(mentor=mentor_tebet, participant=verified_participant("Tebet", full_name="Siti Mine"))
    AssignmentFactory(participant=verified_participant("Tebet", full_name="Colleague's"))  # another Tebet mentor
    AssignmentFactory(mentor=mentor_gambir, participant=verified_participant("Gambir", full_name="Gambir's"))
    login(client, mentor_tebet)
    rows = table(content(ask(client, "mentoring.caseload", "xlsx")), "xlsx")
    assert column(rows, "Name") == ["Siti Mine"]
    assert column(rows, "Question waiting") == ["no"]
    assert "NIK" not in rows[0]


def test_the_caseload_export_applies_the_pages_search(client: Client, mentor_tebet: User) -> None:
    for name in ("Siti Rahayu", "Budi Santoso"):
        AssignmentFactory(mentor=mentor_tebet, participant=verified_participant("Tebet", full_name=name))
    login(client, mentor_tebet)
    assert column(table(content(ask(client, "mentoring.caseload", query="q=budi"))), "Name") == ["Budi Santoso"]
    response = ask(client, "mentoring.caseload", query="q=" + "x" * 150)
    assert response.status_code == 400 and "Search by name" in response.content.decode()


@pytest.mark.parametrize("who", ["secretariat_tebet", "agency_staff", "entrepreneur"])
def test_only_a_mentor_exports_a_caseload(client: Client, request: pytest.FixtureRequest, who: str) -> None:
    login(client, request.getfixturevalue(who))
    response = ask(client, "mentoring.caseload")
    assert response.status_code == 403
    assert "Only a mentor exports their own participants." in response.content.decode()


# --- P4 licensing: the queue of open requests ------------------------------------------------------------------


@pytest.fixture
def requests_in_two_kecamatan() -> None:
    LicenceRequestFactory(participant=verified_participant("Tebet", full_name="Siti Tebet"))
    LicenceRequestFactory(
        participant=verified_participant("Gambir", full_name="Budi Gambir"),
        licence_type=licence_type(licence_types.PIRT),
        status=RequestStatus.DOCUMENTS_COMPLETE,
    )


@pytest.mark.parametrize(
    ("who", "query", "names"),
    [
        ("secretariat_tebet", "", ["Siti Tebet"]),
        ("secretariat_tebet", "kecamatan=GAMBIR", ["Siti Tebet"]),  # not theirs to choose: left out, as on the page
        ("agency_staff", "", ["Siti Tebet", "Budi Gambir"]),
        ("agency_staff", "kecamatan=GAMBIR", ["Budi Gambir"]),
        ("agency_staff", "status=documents", ["Budi Gambir"]),
    ],
)
def test_the_licence_queue_export_is_the_pages_queue(
    client: Client,
    request: pytest.FixtureRequest,
    requests_in_two_kecamatan: None,
    who: str,
    query: str,
    names: list[str],
) -> None:
    query = query.replace("GAMBIR", str(office("Gambir").pk))
    login(client, request.getfixturevalue(who))
    page = client.get(reverse("licensing:queue") + "?" + query)
    rows = table(content(ask(client, "licensing.queue", query=query)))
    assert column(rows, "Participant") == [r.participant.full_name for r in page.context["page"].items] == names
    assert rows[0] == ["Participant", "Business", "Licence", "For", "Status", "Days waiting", "Kecamatan"]


@pytest.mark.parametrize("who", ["mentor_tebet", "entrepreneur", "partner_user"])
def test_who_does_not_work_the_licence_queue_cannot_export_it(
    client: Client, request: pytest.FixtureRequest, who: str
) -> None:
    login(client, request.getfixturevalue(who))
    assert ask(client, "licensing.queue").status_code == 403


def test_a_bad_licence_queue_filter_is_refused(client: Client, agency_staff: User) -> None:
    login(client, agency_staff)
    response = ask(client, "licensing.queue", query="status=issued")
    assert response.status_code == 400 and "Status: " in response.content.decode()


# --- P5 marketing: a call's submissions, for agency staff -------------------------------------------------------


def test_staff_export_a_calls_submissions(client: Client, agency_staff: User) -> None:
    call = ProductCallFactory()
    submission = SubmissionFactory(call=call)
    SubmissionFactory()  # another call's
    login(client, agency_staff)
    page = client.get(reverse("marketing:call_detail", args=[call.pk]))
    assert f'name="query" value="call={call.pk}"' in page.content.decode()
    rows = table(content(ask(client, "marketing.call_submissions", query=f"call={call.pk}")))
    assert rows == [
        ["Product", "Business", "Status", "Grade"],
        [submission.product.name, submission.product.business.name, "Submitted", ""],
    ]
    assert ask(client, "marketing.call_submissions", query="call=0").status_code == 400


@pytest.mark.parametrize("who", ["mentor_tebet", "secretariat_tebet", "partner_user"])
def test_only_agency_staff_export_a_calls_submissions(
    client: Client, request: pytest.FixtureRequest, who: str
) -> None:
    call = ProductCallFactory()
    login(client, request.getfixturevalue(who))
    assert ask(client, "marketing.call_submissions", query=f"call={call.pk}").status_code == 403


# --- P7 capital: the referrals to send ---------------------------------------------------------------------------


@pytest.fixture
def referrals_in_two_kecamatan() -> None:
    product = FinancingProductFactory()
    referral_in(
        ReferralStatus.REQUESTED, participant=verified_participant("Tebet", full_name="Siti Tebet"), product=product
    )
    referral_in(
        ReferralStatus.REQUESTED, participant=verified_participant("Gambir", full_name="Budi Gambir"), product=product
    )
    referral_in(
        ReferralStatus.SENT, participant=verified_participant("Tebet", full_name="Sent Already"), product=product
    )


@pytest.mark.parametrize(
    ("who", "query", "names"),
    [
        ("mentor_tebet", "", ["Siti Tebet"]),
        ("mentor_tebet", "kecamatan=GAMBIR", ["Siti Tebet"]),
        ("mentor_gambir", "", ["Budi Gambir"]),
        ("agency_staff", "", ["Siti Tebet", "Budi Gambir"]),
        ("agency_staff", "kecamatan=GAMBIR", ["Budi Gambir"]),
    ],
)
def test_the_referral_queue_export_is_the_pages_queue(
    client: Client,
    request: pytest.FixtureRequest,
    referrals_in_two_kecamatan: None,
    who: str,
    query: str,
    names: list[str],
) -> None:
    query = query.replace("GAMBIR", str(office("Gambir").pk))
    login(client, request.getfixturevalue(who))
    page = client.get(reverse("capital:queue") + "?" + query)
    rows = table(content(ask(client, "capital.queue", "xlsx", query=query)), "xlsx")
    assert column(rows, "Participant") == [r.participant.full_name for r in page.context["page"].items] == names
    assert column(rows, "Amount asked (Rp)") == [1_000_000] * len(names)  # a number, not a text


@pytest.mark.parametrize("who", ["secretariat_tebet", "entrepreneur", "partner_user"])
def test_who_does_not_send_referrals_cannot_export_them(
    client: Client, request: pytest.FixtureRequest, who: str
) -> None:
    login(client, request.getfixturevalue(who))
    assert ask(client, "capital.queue").status_code == 403


# --- the number of queries, whatever the rows -------------------------------------------------------------------


def _list_of(name: str, mentor: User) -> tuple[str, Callable[[int], object]]:
    """The query string of one list `name`, and how to add rows to it."""
    if name == "training.enrolments":
        session = SessionFactory(capacity=200)
        return f"session={session.pk}", lambda n: EnrolmentFactory.create_batch(n, session=session)
    if name == "mentoring.caseload":
        return "", lambda n: [AssignmentFactory(mentor=mentor, participant=verified_participant()) for _ in range(n)]
    if name == "licensing.queue":
        return "", lambda n: LicenceRequestFactory.create_batch(n)
    if name == "marketing.call_submissions":
        call = ProductCallFactory()
        return f"call={call.pk}", lambda n: SubmissionFactory.create_batch(n, call=call)
    product = FinancingProductFactory()
    return "", lambda n: [
        referral_in(ReferralStatus.REQUESTED, participant=verified_participant(), product=product) for _ in range(n)
    ]


@pytest.mark.parametrize(
    "name",
    ["training.enrolments", "mentoring.caseload", "licensing.queue", "marketing.call_submissions", "capital.queue"],
)
def test_a_step_lists_direct_export_runs_a_fixed_number_of_queries(
    client: Client, agency_staff: User, mentor_tebet: User, name: str, django_assert_num_queries: Any
) -> None:
    login(client, mentor_tebet if name == "mentoring.caseload" else agency_staff)
    query, add = _list_of(name, mentor_tebet)
    add(2)
    with CaptureQueriesContext(connection) as few:
        assert len(table(content(ask(client, name, query=query)))) == 3
    add(28)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(table(content(ask(client, name, query=query)))) == 31
