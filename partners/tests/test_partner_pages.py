"""A partner's own pages: who may see them (its users only; another partner's agreement is 404), the organisation
with its agreements' state and match counts and its keys' use (never a secret), the consenting participants with
their purposes, and the queries of each page."""

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from core import audit
from partners import scope, services
from partners.choices import KeyKind, OrganisationKind, Purpose, Step
from partners.models import AccessLog, Agreement, AgreementMeeting, PartnerMember, PartnerOrganisation
from partners.tests.factories import PartnerOrganisationFactory, agreement_in_force, consent
from partners.values import AgreementData
from registration.choices import Status
from registration.models import Participant, Registration
from registration.tests.conftest import login
from registration.tests.factories import RegistrationFactory, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    """The pages in English, the language the tests read (the portal's default is Bahasa Indonesia)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


HOME = reverse("partners:partner_home")
PARTICIPANTS = reverse("partners:partner_participants")


@pytest.fixture
def shopee(partner_user: User, agency_staff: User) -> tuple[PartnerOrganisation, Agreement]:
    organisation = PartnerOrganisationFactory(
        name="Shopee", kind=OrganisationKind.MARKETPLACE, contact_name="Rina", contact_email="rina@shopee.example"
    )
    PartnerMember.objects.create(user=partner_user, organisation=organisation, is_administrator=True)
    return organisation, agreement_in_force(organisation, steps=[Step.P2, Step.P5], staff=agency_staff)


@pytest.mark.parametrize("url", [HOME, PARTICIPANTS, reverse("partners:partner_agreement", args=[1])])
def test_anonymous_is_sent_to_login(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("fixture", ["entrepreneur", "mentor_tebet", "secretariat_tebet", "agency_staff"])
def test_other_roles_are_refused(
    client: Client, fixture: str, request: pytest.FixtureRequest, shopee: tuple[PartnerOrganisation, Agreement]
) -> None:
    login(client, request.getfixturevalue(fixture))
    for url in (HOME, PARTICIPANTS, reverse("partners:partner_agreement", args=[shopee[1].pk])):
        assert client.get(url).status_code == 403


def test_a_partner_user_without_an_active_organisation_is_told_whom_to_ask_and_sees_nothing(
    client: Client, partner_user: User, shopee: tuple[PartnerOrganisation, Agreement]
) -> None:
    login(client, UserFactory(role=Role.PARTNER))  # no membership
    home = client.get(HOME)
    assert home.status_code == 200 and b'id="partner-unlinked"' in home.content
    assert client.get(reverse("partners:partner_participants")).status_code == 403
    PartnerOrganisation.objects.filter(pk=shopee[0].pk).update(active=False)
    login(client, partner_user)
    home = client.get(HOME)
    assert b'id="partner-unlinked"' in home.content and shopee[0].name.encode() not in home.content
    assert client.get(reverse("partners:partner_agreement", args=[shopee[1].pk])).status_code == 403


def test_home_shows_the_organisation_agreements_and_keys(
    client: Client, partner_user: User, agency_staff: User, shopee: tuple[PartnerOrganisation, Agreement]
) -> None:
    organisation, agreement = shopee
    draft = services.agreement_create(
        organisation=organisation,
        data=AgreementData(kind="mou", title="MoU pemasaran", parties="Dinas PPKUKM", steps=[Step.P5]),
        acting_user=agency_staff,
    )
    key, secret = services.key_issue(
        agreement=agreement, name="Onboarding", kind=KeyKind.PARTNER, expires_at=None, acting_user=agency_staff
    )
    siti, budi = RegistrationFactory(status=Status.APPROVED), RegistrationFactory(status=Status.APPROVED)
    consent(siti.participant, organisation, Purpose.TRAINING)
    scope.record_reads(key, [siti.participant.pk], "/api/v1/")
    other = agreement_in_force(PartnerOrganisationFactory(name="Bank DKI"), steps=[Step.P7], staff=agency_staff)
    login(client, partner_user)
    before = client.get(HOME)
    assert [row.match for row in before.context["agreements"]] == [None, None]  # not counted yet
    assert "Being counted" in before.content.decode()
    assert services.agreement_matches_count() == 3  # the nightly count (or after a change of the terms)
    response = client.get(HOME)
    assert response.status_code == 200
    rows = {row.agreement.pk: row for row in response.context["agreements"]}
    assert set(rows) == {agreement.pk, draft.pk}  # not the bank's
    assert (rows[agreement.pk].state, rows[draft.pk].state) == ("active", "in_talks")
    assert (rows[agreement.pk].match.matching, rows[agreement.pk].match.consented) == (2, 1)
    assert rows[agreement.pk].steps == ["P2 Training", "P5 Marketing"]
    [(shown, state)] = response.context["keys"]
    assert (shown.pk, str(state), shown.recent_reads) == (key.pk, "usable", 1)
    html = response.content.decode()
    assert "Rina" in html and "rina@shopee.example" in html and key.prefix in html
    assert secret not in html and key.hashed_key not in html
    assert str(other) not in html and budi.participant.full_name not in html


def test_an_agreement_of_theirs_and_another_partners_is_404(
    client: Client, partner_user: User, agency_staff: User, shopee: tuple[PartnerOrganisation, Agreement]
) -> None:
    _organisation, agreement = shopee
    AgreementMeeting.objects.create(
        agreement=agreement,
        held_on=datetime.date(2026, 3, 2),
        notes="Pembahasan kelas pemasaran",
        recorded_by=agency_staff,
    )
    other = agreement_in_force(PartnerOrganisationFactory(name="Bank DKI"), steps=[Step.P7], staff=agency_staff)
    login(client, partner_user)
    response = client.get(reverse("partners:partner_agreement", args=[agreement.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert agreement.title in html and "Pembahasan kelas pemasaran" in html and "No documents yet." in html
    assert response.context["purposes"] == ["Training", "Selling my products"]
    assert client.get(reverse("partners:partner_agreement", args=[other.pk])).status_code == 404
    assert client.get(reverse("partners:partner_agreement", args=[999999])).status_code == 404


def test_participants_who_consented_with_their_purposes_and_a_filter(
    client: Client, partner_user: User, agency_staff: User, shopee: tuple[PartnerOrganisation, Agreement]
) -> None:
    organisation, _agreement = shopee
    siti, budi, ani = (RegistrationFactory().participant for _n in range(3))
    Participant.objects.filter(pk=siti.pk).update(phone="+6281234500001")
    consent(siti, organisation, Purpose.TRAINING)
    consent(siti, organisation, Purpose.MARKETING)
    consent(budi, organisation, Purpose.MARKETING)
    withdrawn = consent(ani, organisation, Purpose.TRAINING)
    services.consent_withdraw(consent=withdrawn, channel="web", acting_user=ani.user)
    bank = PartnerOrganisationFactory(name="Bank DKI", kind=OrganisationKind.BANK)
    agreement_in_force(bank, steps=[Step.P7], staff=agency_staff)
    carla = RegistrationFactory().participant
    consent(carla, bank, Purpose.LOAN_ASSESSMENT)
    login(client, partner_user)
    response = client.get(PARTICIPANTS)
    assert response.status_code == 200
    shown = {person.pk: purposes for person, purposes in response.context["rows"]}
    assert shown == {siti.pk: ["Training", "Selling my products"], budi.pk: ["Selling my products"]}
    html = response.content.decode()
    assert siti.full_name in html and siti.kecamatan.name in html
    assert siti.masked_nik not in html and "+6281234500001" not in html  # only what the consent itself says
    training = client.get(PARTICIPANTS, {"purpose": Purpose.TRAINING})
    assert [person.pk for person, _p in training.context["rows"]] == [siti.pk]
    bad = client.get(PARTICIPANTS, {"purpose": "bogus"})
    assert bad.status_code == 400 and "bogus" in bad.content.decode()
    assert AccessLog.objects.count() == 0  # a page of the partner is not a key read


def test_pages_run_a_fixed_number_of_queries(
    client: Client,
    partner_user: User,
    agency_staff: User,
    shopee: tuple[PartnerOrganisation, Agreement],
    django_assert_max_num_queries: Any,
) -> None:
    organisation, agreement = shopee
    people = [RegistrationFactory().participant for _n in range(30)]
    for person in people:
        consent(person, organisation, Purpose.TRAINING)
    Registration.objects.update(status=Status.APPROVED)
    keys = [
        services.key_issue(
            agreement=agreement, name=f"Kunci {n}", kind=KeyKind.PARTNER, expires_at=None, acting_user=agency_staff
        )[0]
        for n in range(5)
    ]
    for n in range(200):
        scope.record_reads(keys[n % 5], [people[n % 30].pk], "x")
    services.agreement_matches_count()
    login(client, partner_user)
    client.get(HOME)
    with django_assert_max_num_queries(7):  # session, user, organisation, administrator, agreements with counts, keys
        response = client.get(HOME)
    assert len(response.context["keys"]) == 5 and response.context["agreements"][0].match.consented == 30
    with django_assert_max_num_queries(5):  # with the purposes its agreements in force cover
        response = client.get(PARTICIPANTS)
    assert len(response.context["rows"]) == 25
    with django_assert_max_num_queries(5):
        assert len(client.get(PARTICIPANTS, {"page": 2}).context["rows"]) == 5
    with django_assert_max_num_queries(7):  # with its counts, kecamatan, meetings and documents
        assert client.get(reverse("partners:partner_agreement", args=[agreement.pk])).status_code == 200


def test_a_partner_user_is_offered_their_organisation(
    client: Client, partner_user: User, entrepreneur: User, shopee: tuple[PartnerOrganisation, Agreement]
) -> None:
    login(client, partner_user)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{HOME}"' in html and "Our organisation" in html
    assert reverse("partners:staff_reads") not in html
    login(client, entrepreneur)
    assert HOME not in client.get(reverse("home")).content.decode()


def test_a_partner_opens_its_own_agreement_documents_recorded_and_not_another_partners(
    client: Client, partner_user: User, agency_staff: User, shopee: tuple[PartnerOrganisation, Agreement]
) -> None:
    _organisation, agreement = shopee
    document = services.agreement_document_attach(
        agreement=agreement,
        title="PKS bertanda tangan",
        upload=SimpleUploadedFile("pks.pdf", pdf_bytes(), content_type="application/pdf"),
        acting_user=agency_staff,
    )
    url = reverse("partners:partner_agreement_document", args=[agreement.pk, document.public_id])
    login(client, partner_user)
    assert url.encode() in client.get(reverse("partners:partner_agreement", args=[agreement.pk])).content
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf_bytes()  # type: ignore[attr-defined]
    viewed = [e for e in audit.history_of(document) if e.kind == audit.VIEWED]
    assert len(viewed) == 1 and viewed[0].actor == str(partner_user)
    other = PartnerMember.objects.create(
        user=UserFactory(role=Role.PARTNER), organisation=PartnerOrganisationFactory(name="Bank Lain")
    )
    login(client, other.user)
    assert client.get(url).status_code == 404
    login(client, UserFactory())  # an entrepreneur
    assert client.get(url).status_code == 403


def test_only_the_partner_administrator_sees_the_keys(
    client: Client, agency_staff: User, shopee: tuple[PartnerOrganisation, Agreement]
) -> None:
    organisation, agreement = shopee
    key, _secret = services.key_issue(
        agreement=agreement, name="Onboarding", kind=KeyKind.PARTNER, expires_at=None, acting_user=agency_staff
    )
    member = PartnerMember.objects.create(user=UserFactory(role=Role.PARTNER), organisation=organisation)
    login(client, member.user)
    page = client.get(HOME).content.decode()
    assert key.prefix not in page and "partner administrator sees its API keys" in page


def test_a_lender_s_page_of_consenting_participants_lists_no_one_for_a_loan(agency_staff: User) -> None:
    """A loan-assessment consent is read only through the referrals the program sends the lender (capital): the
    lender's page lists the bookkeeping consent, not the loan one."""
    from partners import selectors

    bank = PartnerOrganisationFactory(name="Bank DKI", kind=OrganisationKind.BANK)
    agreement_in_force(bank, steps=[Step.P6, Step.P7], staff=agency_staff)
    carla, dewi = RegistrationFactory().participant, RegistrationFactory().participant
    consent(carla, bank, Purpose.LOAN_ASSESSMENT)
    consent(dewi, bank, Purpose.BOOKKEEPING)
    consent(dewi, bank, Purpose.LOAN_ASSESSMENT)
    rows = {person.pk: person.consented_purposes for person in selectors.consenting_participants(bank)}
    assert rows == {dewi.pk: [Purpose.BOOKKEEPING]}
