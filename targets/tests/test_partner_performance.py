"""Partner performance (targets.partners, the page dasbor/mitra/): on a known data set, each step's activities as
its app tells them (a training partner's sessions and completions, a licensing office's decisions through its API,
a marketplace's curators' grades, a lender's referrals and disbursements), the participants served (activities and
consents, never another partner's) and their outcomes from the summary table, counted within each agreement's
period; which agreements are listed; who sees which rows; bad filters; and a query count that does not grow with
the number of agreements."""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from capital.choices import ReferralStatus
from capital.tests.factories import ProductFactory as FinancingProductFactory
from capital.tests.factories import lender, referral_in
from licensing import services as licensing_services
from licensing.choices import RequestStatus
from licensing.tests.factories import LicenceFactory, reached_office
from marketing.choices import SubmissionStatus
from marketing.tests.factories import SubmissionFactory, graded_product, open_call
from partners import services as partner_services
from partners.choices import AgreementKind, ConsentChannel, OrganisationKind, Purpose, Step
from partners.models import Agreement, Consent, PartnerOrganisation
from partners.performance import Period, StepActivity
from partners.selectors import current_text
from partners.tests.api_support import Partner, consented_participant, make_partner
from partners.tests.factories import PartnerMemberFactory, PartnerOrganisationFactory, agreement_in_force, consent
from partners.values import AgreementData
from registration.choices import Status
from registration.models import Participant
from targets import partners, summary, tasks
from targets.models import AgreementOutcome, Audience, Progress
from targets.partners import Filters, Sort, Viewer
from training.choices import EnrolmentStatus, SessionStatus
from training.models import Attendance, Enrolment, Session
from training.tests.factories import CourseFactory, EnrolmentFactory, PartnerCourseFactory, SessionFactory, in_days
from training.tests.factories import verified_participant as participant

pytestmark = pytest.mark.django_db

URL = "/dasbor/mitra/"
DAY = datetime.timedelta(days=1)


def today() -> datetime.date:
    return timezone.localdate()


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def held(course: Any, days_ago: int, **fields: Any) -> Session:
    session: Session = SessionFactory(course=course, starts_at=in_days(-days_ago), **fields)
    return session


def completed(session: Session, person: Participant, days_ago: int) -> Enrolment:
    enrolment: Enrolment = EnrolmentFactory(
        session=session,
        participant=person,
        status=EnrolmentStatus.COMPLETED,
        completed_at=timezone.now() - days_ago * DAY,
    )
    return enrolment


def present(session: Session, person: Participant, staff: User) -> Enrolment:
    enrolment: Enrolment = EnrolmentFactory(session=session, participant=person)
    Attendance.objects.create(
        enrolment=enrolment, day=timezone.localdate(session.starts_at), present=True, recorded_by=staff
    )
    return enrolment


def details(activity: StepActivity | None) -> dict[str, int]:
    """The activity's details by their English label."""
    assert activity is not None
    with translation.override("en"):
        return {str(figure.label): figure.value for figure in activity.details}


def row_of(rows: list[partners.AgreementRow], agreement: Agreement) -> partners.AgreementRow:
    return next(row for row in rows if row.agreement.pk == agreement.pk)


def all_rows(**filters: Any) -> list[partners.AgreementRow]:
    """Agency staff's first page with these filters."""
    _page, rows = partners.performance_page(Viewer(), Filters(**filters), None, today())
    return rows


@dataclass
class World:
    university: PartnerOrganisation
    university_agreement: Agreement
    other_university: PartnerOrganisation
    bank: PartnerOrganisation
    office: Partner
    marketplace: PartnerOrganisation
    people: dict[str, Participant]


@pytest.fixture
def world(agency_staff: User) -> World:
    """A training partner, another one, a lender, a licensing office and a marketplace, each with an agreement in
    force (from 30 days ago), their work, and participants served."""
    people: dict[str, Participant] = {}
    # --- P2: Universitas Mitra's course: two sessions held, one cancelled, one before the agreement, one to come
    university = PartnerOrganisationFactory(name="Universitas Mitra", kind=OrganisationKind.UNIVERSITY)
    university_agreement = agreement_in_force(university, steps=[Step.P2], staff=agency_staff)
    course = PartnerCourseFactory(organiser_partner=university)
    first, second = held(course, 10), held(course, 5)
    people["ani"] = participant()  # completed: trained in the period
    completed(first, people["ani"], 9)
    people["budi"] = participant()  # present a day, trained before the period in an agency course
    present(first, people["budi"], agency_staff)
    completed(held(CourseFactory(), 60), people["budi"], 59)
    people["citra"] = participant()  # enrolled, never there: holds a seat, did not take part
    EnrolmentFactory(session=first, participant=people["citra"])
    EnrolmentFactory(session=first, participant=participant(), status=EnrolmentStatus.WAITLISTED)
    people["dewi"] = participant()  # completed the second session
    completed(second, people["dewi"], 4)
    completed(held(course, 3, status=SessionStatus.CANCELLED), participant(), 2)  # not held
    completed(held(course, 45), participant(), 44)  # before the agreement started
    EnrolmentFactory(session=SessionFactory(course=course), participant=participant())  # a week ahead
    people["eka"] = participant()  # consented to the university for training: served
    consent(people["eka"], university, Purpose.TRAINING)
    # --- another university: its participant is not the first one's
    other_university = PartnerOrganisationFactory(name="Universitas Lain", kind=OrganisationKind.UNIVERSITY)
    agreement_in_force(other_university, steps=[Step.P2], staff=agency_staff)
    people["fajar"] = participant()
    completed(held(PartnerCourseFactory(organiser_partner=other_university), 8), people["fajar"], 7)
    # --- P7: Bank DKI received two referrals, approved and disbursed one; a third was never sent
    bank = lender(staff=agency_staff, name="Bank DKI", steps=[Step.P7])
    product = FinancingProductFactory(lender=bank)
    for name, status in (("gita", ReferralStatus.DISBURSED), ("hadi", ReferralStatus.SENT)):
        people[name] = participant()
        referral_in(status, participant=people[name], product=product)
    people["indah"] = participant()  # asked, not sent: served by the consent the referral rests on
    referral_in(ReferralStatus.REQUESTED, participant=people["indah"], product=product)
    # --- P4: the licensing office decides two requests through its API; staff refuse a third
    office = make_partner(agency_staff, steps=[Step.P4], name="DPMPTSP", kind=OrganisationKind.GOVERNMENT)
    for name in ("joko", "kartika", "lina"):
        people[name] = consented_participant(office, Purpose.LICENSING, status=Status.APPROVED)
    issued = reached_office(participant=people["joko"])
    response = office.client.post(
        f"/api/v1/licensing/requests/{issued.pk}/status/",
        {"action": "issued", "number": "9120301234567", "issued_on": today().isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.content
    refused = reached_office(participant=people["kartika"])
    response = office.client.post(
        f"/api/v1/licensing/requests/{refused.pk}/status/", {"action": "refused", "reason": "KBLI"}, format="json"
    )
    assert response.status_code == 200, response.content
    licensing_services.request_move(
        licence_request=reached_office(participant=people["lina"]),
        target=RequestStatus.REFUSED,
        reason="Berkas tidak lengkap",
        acting_user=agency_staff,
    )
    # --- P5: a marketplace's curator grades one product A; an agency curator grades another
    curator = PartnerMemberFactory(organisation__name="Shopee", organisation__kind=OrganisationKind.MARKETPLACE).user
    marketplace = curator.partner_membership.organisation
    agreement_in_force(marketplace, steps=[Step.P5], staff=agency_staff)
    product_a = graded_product("A", call=open_call(curator=curator), curator=curator)
    people["maya"] = product_a.business.participant
    graded_product("B")
    summary.rebuild()
    return World(university, university_agreement, other_university, bank, office, marketplace, people)


def test_a_training_partner_s_sessions_enrolments_completions_served_and_trained(world: World) -> None:
    row = row_of(all_rows(), world.university_agreement)
    (cell,) = row.steps
    assert cell.step == Step.P2 and cell.activity is not None
    assert cell.activity.activities == 2  # held in the period: not the cancelled, the earlier or the coming one
    assert details(cell.activity) == {"Enrolled": 4, "Completed": 2}
    # took part: ani and dewi completed, budi was there a day (citra never came); eka consented
    assert row.served == 4
    served = set(Progress.objects.filter(participant_id__in=cell.activity.participants).values_list("pk", flat=True))
    people = world.people
    assert served == {people["ani"].pk, people["budi"].pk, people["dewi"].pk}
    # trained for the first time in the period: ani and dewi (budi was trained before it)
    assert cell.reached == 2


def test_the_served_set_excludes_another_partner_s_participants(world: World) -> None:
    rows = all_rows()
    mine = row_of(rows, world.university_agreement)
    other = next(row for row in rows if row.agreement.organisation_id == world.other_university.pk)
    assert other.served == 1 and other.steps[0].reached == 1 and other.steps[0].activity.activities == 1  # type: ignore[union-attr]
    (cell,) = mine.steps
    assert cell.activity is not None
    assert not cell.activity.participants.filter(participant_id=world.people["fajar"].pk).exists()


def test_a_lender_s_referrals_received_approved_disbursed_and_capitalised(world: World) -> None:
    row = next(row for row in all_rows() if row.agreement.organisation_id == world.bank.pk)
    (cell,) = row.steps
    assert cell.activity is not None and cell.activity.activities == 2
    assert details(cell.activity) == {
        "Financing products": 1,
        "Approved": 1,
        "Disbursed": 1,
        "Amount disbursed": 1_000_000,
    }
    assert row.served == 3  # gita and hadi were referred; indah consented for her (unsent) referral
    assert cell.measure == "capitalised" and cell.reached == 1


def test_a_licensing_office_s_decisions_through_its_api(world: World) -> None:
    row = next(row for row in all_rows() if row.agreement.organisation_id == world.office.organisation.pk)
    (cell,) = row.steps
    assert cell.activity is not None and cell.activity.activities == 2  # staff's refusal is not the office's
    assert details(cell.activity) == {"Issued": 1, "Refused": 1}
    assert row.served == 3 and cell.reached == 1  # joko holds the licence it issued


def test_a_marketplace_s_curators_grades(world: World) -> None:
    row = next(row for row in all_rows() if row.agreement.organisation_id == world.marketplace.pk)
    (cell,) = row.steps
    assert cell.activity is not None and cell.activity.activities == 1  # the agency curator's grade is not its
    assert details(cell.activity) == {"Graded ready to sell": 1}
    assert row.served == 1 and cell.reached == 1


def test_the_page_shows_the_rows_side_by_side(client: Client, agency_staff: User, world: World) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = login(client, agency_staff).get(URL, {"sort": Sort.MOST_SERVED})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Universitas Mitra" in html and "Bank DKI" in html and "DPMPTSP" in html and "Shopee" in html
    assert "Sessions held" in html and "Referrals received" in html and "Rp 1.000.000" in html
    assert [row.served for row, _cells in response.context["table"]] == [4, 3, 3, 1, 1]
    assert response.context["steps"] == [Step.P2, Step.P4, Step.P5, Step.P7]


# --- which agreements, over which period ------------------------------------------------------------------------


def signed(
    organisation: PartnerOrganisation, *, starts: int, ends: int, ended: int | None = None, **kw: Any
) -> Agreement:
    """An agreement written directly (a fixture), from `starts` to `ends` days from today (negative: ago)."""
    agreement: Agreement = Agreement.objects.create(
        organisation=organisation,
        kind=AgreementKind.PKS,
        number=f"PKS/{organisation.pk}/{starts}/{ends}",
        title="PKS",
        parties="Dinas PPKUKM",
        steps=kw.pop("steps", [Step.P2]),
        signed_on=today() + (starts - 10) * DAY,
        starts_on=today() + starts * DAY,
        ends_on=today() + ends * DAY,
        ended_on=today() + ended * DAY if ended is not None else None,
        **kw,
    )
    return agreement


def test_agreements_in_force_or_ended_within_a_year_are_listed(agency_staff: User) -> None:
    org = PartnerOrganisationFactory()
    active = signed(org, starts=-30, ends=60)
    expired = signed(org, starts=-400, ends=-100)
    ended_early = signed(org, starts=-200, ends=100, ended=-30)
    signed(org, starts=-800, ends=-400)  # expired more than a year ago
    signed(org, starts=-900, ends=-100, ended=-380)  # ended early more than a year ago
    signed(org, starts=10, ends=300)  # signed, not started
    Agreement.objects.create(organisation=org, kind=AgreementKind.MOU, title="Dalam pembicaraan", steps=[Step.P2])
    rows = all_rows()
    assert [row.agreement for row in rows] == [expired, ended_early, active]  # by end date, soonest first
    by_state = {row.state: row for row in rows}
    assert by_state["active"].days_left == 60 and by_state["active"].renewal_due
    assert by_state["expired"].days_left is None and not by_state["expired"].renewal_due
    assert by_state["ended"].ends_on == today() - 30 * DAY
    assert by_state["ended"].period == Period(org.pk, today() - 200 * DAY, today() - 31 * DAY)
    assert by_state["active"].period.end == today()
    assert [row.agreement for row in all_rows(state="expired")] == [expired]
    assert [row.agreement for row in all_rows(sort=Sort.ENDS_LATEST)] == [active, ended_early, expired]
    assert all_rows(step=Step.P7) == [] and all_rows(kind=OrganisationKind.BANK) == []


def test_outcomes_are_counted_within_the_agreement_s_period(agency_staff: User) -> None:
    """The ended agreement's period stops the day before it ended: a consenting participant trained after that is
    served, not counted as its outcome."""
    org = PartnerOrganisationFactory()
    ended = signed(org, starts=-200, ends=100, ended=-30)
    during, after, before = participant(), participant(), participant()
    for person in (during, after, before):
        Consent.objects.create(
            participant=person,
            organisation=org,
            purpose=Purpose.TRAINING,
            text=current_text(Purpose.TRAINING),
            granted_at=timezone.now() - 300 * DAY,
            granted_channel=ConsentChannel.WEB,
        )
    for person, trained in ((during, -40), (after, -10), (before, -250)):
        Progress.objects.create(
            participant_id=person.pk,
            kecamatan_id=person.kecamatan_id,
            cohort=today().year,
            registered_on=today() - 300 * DAY,
            trained_on=today() + trained * DAY,
        )
    (row,) = all_rows()
    assert row.agreement == ended and row.served == 3 and row.steps[0].reached == 1
    assert row.steps[0].activity is not None and row.steps[0].activity.activities == 0


def _consented(
    person: Participant, org: PartnerOrganisation, *, granted: int, withdrawn: int | None = None
) -> Consent:
    """A training consent given `granted` days from today (negative: ago), withdrawn `withdrawn` days from it."""
    return Consent.objects.create(
        participant=person,
        organisation=org,
        purpose=Purpose.TRAINING,
        text=current_text(Purpose.TRAINING),
        granted_at=timezone.now() + granted * DAY,
        granted_channel=ConsentChannel.WEB,
        withdrawn_at=None if withdrawn is None else timezone.now() + withdrawn * DAY,
        withdrawn_channel="" if withdrawn is None else ConsentChannel.WEB,
    )


def test_an_agreement_serves_the_consents_in_effect_during_its_period(agency_staff: User) -> None:
    """An agreement that expired 100 days ago serves who consented while it ran, not who consented after it ended
    (the one in force does) nor who withdrew before it started; a consent withdrawn while it ran was in effect."""
    org = PartnerOrganisationFactory()
    old = signed(org, starts=-300, ends=-100)
    new = signed(org, starts=-20, ends=200)
    late, early_gone, left_during, still = participant(), participant(), participant(), participant()
    _consented(late, org, granted=-5)
    _consented(early_gone, org, granted=-400, withdrawn=-350)
    _consented(left_during, org, granted=-250, withdrawn=-150)
    _consented(still, org, granted=-250)
    summary.rebuild()
    rows = all_rows()
    assert row_of(rows, old).served == 2  # left_during and still
    assert row_of(rows, new).served == 2  # late and still


def test_a_partner_s_user_learns_of_its_consenting_participants_alone(client: Client, agency_staff: User) -> None:
    """Ani took the university's course and got a licence without ever consenting to it: agency staff count her
    served and licensed; the university's user sees its session held, not her. Eko consented to training only:
    the university is told he is served, not about his licence; Lia consented to licensing help: her licence is
    the university's P4 outcome."""
    university = PartnerOrganisationFactory(name="Universitas Mitra")
    member = PartnerMemberFactory(organisation=university).user
    agreement = agreement_in_force(university, steps=[Step.P2, Step.P4], staff=agency_staff)
    ani, eko, lia = participant(), participant(), participant()
    completed(held(PartnerCourseFactory(organiser_partner=university), 10), ani, 9)
    consent(eko, university, Purpose.TRAINING)
    consent(lia, university, Purpose.LICENSING)
    for person in (ani, eko, lia):
        LicenceFactory(participant=person, issued_on=today() - 2 * DAY)
    summary.rebuild()
    assert not Consent.objects.filter(participant=ani).exists()
    staff_row = row_of(all_rows(), agreement)
    assert staff_row.served == 3 and staff_row.step(Step.P4).reached == 3  # type: ignore[union-attr]
    assert staff_row.step(Step.P2).reached == 1  # type: ignore[union-attr]
    response = login(client, member).get(URL)
    assert response.status_code == 200
    ((row, _cells),) = response.context["table"]
    p2, p4 = row.step(Step.P2), row.step(Step.P4)
    assert row.served == 2 and p4.reached == 1 and p2.reached == 0
    assert p2.activity.activities == 1  # its session, with Ani in it: the activity counts are kept
    assert details(p2.activity) == details(staff_row.step(Step.P2).activity)  # type: ignore[union-attr]


def test_two_agreements_of_one_partner_count_each_its_own_period(agency_staff: User) -> None:
    """An MoU and a PKS at once: a session held before the second started is the first's alone."""
    org = PartnerOrganisationFactory()
    older, newer = signed(org, starts=-30, ends=60), signed(org, starts=-5, ends=200)
    completed(held(PartnerCourseFactory(organiser_partner=org), 10), participant(), 9)
    completed(held(PartnerCourseFactory(organiser_partner=org), 2), participant(), 1)
    summary.rebuild()
    rows = all_rows()
    assert [(row.agreement, row.steps[0].activity.activities, row.served) for row in rows] == [  # type: ignore[union-attr]
        (older, 2, 2),
        (newer, 1, 1),
    ]
    assert [row.steps[0].reached for row in rows] == [2, 1]


# --- who sees what ----------------------------------------------------------------------------------------------


def test_agency_staff_see_every_partner(client: Client, agency_staff: User, world: World) -> None:
    response = login(client, agency_staff).get(URL)
    assert response.status_code == 200
    shown = {row.agreement.organisation_id for row, _cells in response.context["table"]}
    assert shown == {
        world.university.pk,
        world.other_university.pk,
        world.bank.pk,
        world.office.organisation.pk,
        world.marketplace.pk,
    }


def test_a_partner_s_user_sees_only_its_own_organisation(client: Client, world: World) -> None:
    member = PartnerMemberFactory(organisation=world.university).user
    response = login(client, member).get(URL, {"kind": OrganisationKind.BANK})  # the kind filter cannot widen it
    assert response.status_code == 200 and response.context["table"] == []
    response = client.get(URL)
    assert [row.agreement for row, _cells in response.context["table"]] == [world.university_agreement]
    assert "Bank DKI" not in response.content.decode() and "Universitas Lain" not in response.content.decode()


@pytest.mark.parametrize("who", ["mentor_tebet", "secretariat_tebet", "entrepreneur"])
def test_mentors_secretariat_and_participants_are_refused(client: Client, who: str, request: Any) -> None:
    assert login(client, request.getfixturevalue(who)).get(URL).status_code == 403


def test_a_partner_user_of_no_active_organisation_is_refused(client: Client) -> None:
    unlinked = UserFactory(role=Role.PARTNER)
    assert login(client, unlinked).get(URL).status_code == 403
    inactive = PartnerMemberFactory(organisation__active=False).user
    assert login(client, inactive).get(URL).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_the_page_answers_get_only(client: Client, agency_staff: User) -> None:
    assert login(client, agency_staff).post(URL).status_code == 405


# --- bad input ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "ngo"},
        {"state": "in_talks"},
        {"state": "signed"},
        {"step": "P8"},
        {"sort": "name"},
        {"kind": ["bank", "x"]},
    ],
)
def test_bad_filters_are_400_and_count_nothing(client: Client, agency_staff: User, query: dict[str, Any]) -> None:
    signed(PartnerOrganisationFactory(), starts=-30, ends=60)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = login(client, agency_staff).get(URL, query)
    assert response.status_code == 400
    assert "table" not in response.context and "Nothing was counted" in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "-3", "0", "99999999999"])
def test_a_bad_page_number_falls_back(client: Client, agency_staff: User, page: str) -> None:
    signed(PartnerOrganisationFactory(), starts=-30, ends=60)
    response = login(client, agency_staff).get(URL, {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number in (1, 10_000)


def test_pages_of_twenty(client: Client, agency_staff: User) -> None:
    for n in range(23):
        signed(PartnerOrganisationFactory(), starts=-30, ends=10 + n)
    first = login(client, agency_staff).get(URL)
    assert len(first.context["table"]) == 20 and first.context["page"].has_next
    second = client.get(URL, {"page": 2})
    assert len(second.context["table"]) == 3 and not second.context["page"].has_next
    assert [row.days_left for row, _cells in second.context["table"]] == [30, 31, 32]


# --- the query count -----------------------------------------------------------------------------------------------


def many_agreements(staff: User, n: int) -> None:
    """`n` partners, each with an agreement covering P2, P4, P5 and P7 and some of each step's work."""
    for index in range(n):
        organisation = PartnerOrganisationFactory(kind=OrganisationKind.COMPANY)
        agreement_in_force(
            organisation, steps=[Step.P2, Step.P4, Step.P5, Step.P7], staff=staff, ends_on=today() + (index + 5) * DAY
        )
        completed(held(PartnerCourseFactory(organiser_partner=organisation), 3), participant(), 2)
        referral_in(
            ReferralStatus.SENT,
            participant=participant(),
            product=FinancingProductFactory(lender=organisation),
        )
        member = PartnerMemberFactory(organisation=organisation).user
        SubmissionFactory(status=SubmissionStatus.GRADED, grade="A", graded_by=member, graded_at=timezone.now())
    summary.rebuild()


def queries_of(client: Client, query: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, query)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("sort", [Sort.ENDS, Sort.MOST_SERVED])
def test_the_query_count_does_not_grow_with_the_agreements(
    client: Client, agency_staff: User, django_assert_num_queries: Any, sort: str
) -> None:
    login(client, agency_staff)
    many_agreements(agency_staff, 3)
    # session, user, agreements, training, licensing, marketing, capital, the nightly counts, outcomes counted live
    with django_assert_num_queries(9):
        assert client.get(URL, {"sort": sort}).status_code == 200
    many_agreements(agency_staff, 27)
    with django_assert_num_queries(9):
        response = client.get(URL, {"sort": sort})
    assert len(response.context["table"]) == 20
    assert all(row.served == 3 for row, _cells in response.context["table"])
    partners.outcomes_count(today())
    with django_assert_num_queries(8):  # every agreement counted at night: nothing counted live
        counted = client.get(URL, {"sort": sort})
    assert [row.served for row, _cells in counted.context["table"]] == [3] * 20


def test_a_partner_user_s_page_costs_one_query_more(client: Client, agency_staff: User) -> None:
    many_agreements(agency_staff, 3)
    member = PartnerMemberFactory(organisation=Agreement.objects.first().organisation).user  # type: ignore[union-attr]
    assert queries_of(login(client, member), {}) == 10  # its organisation


# --- the nightly count ---------------------------------------------------------------------------------------------


def figures(rows: list[partners.AgreementRow]) -> list[tuple[int, int, list[int]]]:
    return [(row.agreement.pk, row.served, [step.reached for step in row.steps]) for row in rows]


def partner_rows(organisation: PartnerOrganisation) -> list[partners.AgreementRow]:
    _page, rows = partners.performance_page(Viewer(organisation=organisation), Filters(), None, today())
    return rows


def test_the_nightly_count_gives_each_audience_what_the_live_count_gives(world: World) -> None:
    live = figures(all_rows())
    own = {org.pk: figures(partner_rows(org)) for org in (world.university, world.bank, world.marketplace)}
    assert partners.outcomes_count(today()) == 5  # every listed agreement, for both audiences
    assert AgreementOutcome.objects.filter(audience=Audience.AGENCY).count() == 5
    assert AgreementOutcome.objects.filter(audience=Audience.PARTNER).count() == 5
    AgreementOutcome.objects.update(served=F("served") + 1000)  # what the page shows now comes from the count
    assert figures(all_rows()) == [(pk, served + 1000, reached) for pk, served, reached in live]
    for org in (world.university, world.bank, world.marketplace):
        assert figures(partner_rows(org)) == [(pk, served + 1000, reached) for pk, served, reached in own[org.pk]]
    assert all(row.counted_to is None for row in all_rows())  # counted up to today


def test_the_nightly_count_reaches_yesterday_and_the_page_says_so(
    client: Client, agency_staff: User, world: World
) -> None:
    """Counted last night up to yesterday, the last whole day: Eka's consent of today and a completion today are
    not in it yet, and the page says so."""
    before = row_of(all_rows(), world.university_agreement)
    assert tasks.count_agreement_outcomes() == 5
    assert set(AgreementOutcome.objects.values_list("end", flat=True)) == {today() - DAY}
    completed(held(PartnerCourseFactory(organiser_partner=world.university), 0), participant(), 0)
    summary.rebuild()
    row = row_of(all_rows(), world.university_agreement)
    assert (row.served, row.counted_to) == (before.served - 1, today() - DAY)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = login(client, agency_staff).get(URL).content.decode()
    assert f'data-counted-to="{today() - DAY:%Y-%m-%d}"' in html and "counted up to" in html
    partners.outcomes_count(today())
    assert row_of(all_rows(), world.university_agreement).served == before.served + 1


def test_an_agreement_whose_terms_changed_since_the_count_is_counted_live(agency_staff: User, world: World) -> None:
    partners.outcomes_count(today())
    AgreementOutcome.objects.update(served=999)
    agreement = world.university_agreement
    partner_services.agreement_update(
        agreement=agreement,
        data=AgreementData(
            kind=agreement.kind, title=agreement.title, parties=agreement.parties, steps=[Step.P2, Step.P3]
        ),
        acting_user=agency_staff,
    )
    rows = all_rows()
    changed = row_of(rows, agreement)
    assert changed.served == 4 and [step.step for step in changed.steps] == [Step.P2, Step.P3]  # counted now
    assert all(row.served == 999 for row in rows if row.agreement.pk != agreement.pk)  # the others as counted


def test_an_agreement_ended_early_after_the_count_is_counted_live(agency_staff: User) -> None:
    org = PartnerOrganisationFactory()
    agreement = signed(org, starts=-30, ends=60)
    partners.outcomes_count(today())
    AgreementOutcome.objects.update(served=999)
    Agreement.objects.filter(pk=agreement.pk).update(ended_on=today() - 5 * DAY)  # the period now ends earlier
    (row,) = all_rows()
    assert row.served == 0 and row.counted_to is None
