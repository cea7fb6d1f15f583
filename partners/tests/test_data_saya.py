"""The participant's own "Data saya" pages: consents given and withdrawn against the text shown, their history,
and every partner read of the participant's data. Only the participant's own, only for an entrepreneur."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.crypto import keyed_hash
from partners import selectors, services
from partners.choices import ConsentChannel, OrganisationKind, Purpose, Step
from partners.models import AccessLog, Consent, JakiLinkCode, PartnerKey, PartnerOrganisation
from partners.selectors import read_description
from partners.tests.factories import PartnerOrganisationFactory, agreement_in_force, consent, issue_key
from registration.choices import Status
from registration.models import Participant
from registration.tests.factories import ParticipantFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def siti(entrepreneur: User) -> Participant:
    participant: Participant = RegistrationFactory(
        participant=ParticipantFactory(user=entrepreneur), status=Status.APPROVED
    ).participant
    return participant


@pytest.fixture
def budi(other_entrepreneur: User) -> Participant:
    participant: Participant = RegistrationFactory(
        participant=ParticipantFactory(user=other_entrepreneur), status=Status.APPROVED
    ).participant
    return participant


@pytest.fixture
def unj(agency_staff: User) -> PartnerOrganisation:
    """A university training partner (P2, P5) with an agreement in force."""
    organisation = PartnerOrganisationFactory(name="Universitas Negeri Jakarta")
    agreement_in_force(organisation, steps=[Step.P2, Step.P5], staff=agency_staff)
    return organisation


@pytest.fixture
def siti_client(client: Client, siti: Participant) -> Client:
    client.force_login(siti.user)
    return client


def grant_url(organisation: PartnerOrganisation, purpose: str) -> str:
    return reverse("partners:consent_grant", args=[organisation.pk, purpose])


def add_reads(
    organisation: PartnerOrganisation, participant: Participant, count: int, *, endpoint: str = "", days_ago: int = 30
) -> None:
    """`count` reads by the partner's key, a minute apart, from `days_ago` on (as the API logs them)."""
    key = PartnerKey.objects.filter(organisation=organisation).first()
    assert key is not None
    start = timezone.now() - datetime.timedelta(days=days_ago)
    AccessLog.objects.bulk_create(
        AccessLog(
            key=key,
            organisation=organisation,
            participant=participant,
            endpoint=endpoint or f"/api/v1/participants/{participant.pk}/",
            at=start + datetime.timedelta(minutes=n),
        )
        for n in range(count)
    )


# --- who may ------------------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client: Client, unj: PartnerOrganisation, siti: Participant) -> None:
    given = consent(siti, unj, Purpose.TRAINING)
    urls = [
        reverse("partners:data"),
        reverse("partners:data_reads"),
        grant_url(unj, Purpose.MARKETING),
        reverse("partners:consent_withdraw", args=[given.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), url
    response = client.post(reverse("partners:consent_withdraw", args=[given.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert Consent.objects.get(pk=given.pk).is_active


@pytest.mark.parametrize("role", ["agency_staff", "mentor_tebet", "secretariat_tebet", "partner_user"])
def test_other_roles_are_refused(
    client: Client, role: str, request: pytest.FixtureRequest, unj: PartnerOrganisation, siti: Participant
) -> None:
    given = consent(siti, unj, Purpose.TRAINING)
    client.force_login(request.getfixturevalue(role))
    for url in [
        reverse("partners:data"),
        reverse("partners:data_reads"),
        grant_url(unj, Purpose.MARKETING),
        reverse("partners:consent_withdraw", args=[given.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("partners:consent_withdraw", args=[given.pk])).status_code == 403
    assert client.post(grant_url(unj, Purpose.MARKETING), {"agree": "on", "text_version": 1}).status_code == 403
    assert Consent.objects.get(pk=given.pk).is_active
    assert not Consent.objects.filter(purpose=Purpose.MARKETING).exists()


def test_an_entrepreneur_not_registered_is_asked_to_register_first(
    client: Client, entrepreneur: User, unj: PartnerOrganisation
) -> None:
    client.force_login(entrepreneur)
    for url in [reverse("partners:data"), reverse("partners:data_reads"), grant_url(unj, Purpose.TRAINING)]:
        response = client.get(url)
        assert response.status_code == 200
        assert b'id="register-first"' in response.content
        assert reverse("registration:wizard").encode() in response.content
    response = client.post(grant_url(unj, Purpose.TRAINING), {"agree": "on", "text_version": 1})
    assert b'id="register-first"' in response.content
    assert not Consent.objects.exists()


def test_another_participants_consent_is_not_found(
    siti_client: Client, budi: Participant, unj: PartnerOrganisation
) -> None:
    theirs = consent(budi, unj, Purpose.TRAINING)
    url = reverse("partners:consent_withdraw", args=[theirs.pk])
    assert siti_client.get(url).status_code == 404
    assert siti_client.post(url).status_code == 404
    assert Consent.objects.get(pk=theirs.pk).is_active


# --- the Data saya page ------------------------------------------------------------------------------------------


def test_the_page_lists_partners_in_force_and_their_purposes(
    siti_client: Client, siti: Participant, unj: PartnerOrganisation, agency_staff: User
) -> None:
    expired = PartnerOrganisationFactory(name="Bank Lama")
    agreement_in_force(
        expired, steps=[Step.P7], staff=agency_staff, ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    inactive = PartnerOrganisationFactory(name="Mitra Nonaktif")
    agreement_in_force(inactive, steps=[Step.P3], staff=agency_staff)
    PartnerOrganisation.objects.filter(pk=inactive.pk).update(active=False)
    PartnerOrganisationFactory(name="Belum Bersepakat")  # no agreement at all
    given = consent(siti, unj, Purpose.TRAINING)

    response = siti_client.get(reverse("partners:data"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.organisation for row in rows] == [unj]
    assert [(item.purpose, item.consent) for item in rows[0].purposes] == [
        (Purpose.TRAINING, given),
        (Purpose.MARKETING, None),
    ]
    body = response.content.decode()
    assert reverse("partners:consent_withdraw", args=[given.pk]) in body
    assert grant_url(unj, Purpose.MARKETING) in body
    assert "Bank Lama" not in body and "Mitra Nonaktif" not in body and "Belum Bersepakat" not in body
    assert 'id="data-rights"' in body and 'id="data-help"' in body


def test_a_consent_whose_agreement_expired_can_still_be_withdrawn(
    siti_client: Client, siti: Participant, unj: PartnerOrganisation
) -> None:
    given = consent(siti, unj, Purpose.TRAINING)
    unj.agreements.update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    response = siti_client.get(reverse("partners:data"))
    assert response.context["rows"] == [] and response.context["uncovered"] == [given]
    assert reverse("partners:consent_withdraw", args=[given.pk]) in response.content.decode()
    siti_client.post(reverse("partners:consent_withdraw", args=[given.pk]))
    assert not Consent.objects.get(pk=given.pk).is_active


# --- giving and withdrawing --------------------------------------------------------------------------------------


def test_grant_withdraw_and_grant_again_keeps_the_history(
    siti_client: Client, siti: Participant, unj: PartnerOrganisation
) -> None:
    url = grant_url(unj, Purpose.TRAINING)
    shown = siti_client.get(url)
    assert shown.status_code == 200
    text = selectors.current_text(Purpose.TRAINING)
    assert text.text_for(unj, "id") in shown.content.decode()
    assert len(shown.context["shared"]) == 3  # the name, the contact, the partner's trainings
    assert f'name="text_version" value="{text.version}"'.encode() in shown.content

    response = siti_client.post(url, {"agree": "on", "text_version": text.version}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("partners:data")
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    first = Consent.objects.get(participant=siti)
    assert first.is_active and first.granted_channel == ConsentChannel.WEB and first.text == text

    withdraw = reverse("partners:consent_withdraw", args=[first.pk])
    confirm = siti_client.get(withdraw)
    assert confirm.status_code == 200 and b'id="withdraw-form"' in confirm.content
    assert Consent.objects.get(pk=first.pk).is_active  # the confirmation page changes nothing
    response = siti_client.post(withdraw, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    first.refresh_from_db()
    assert not first.is_active and first.withdrawn_channel == ConsentChannel.WEB

    siti_client.post(url, {"agree": "on", "text_version": text.version})
    consents = Consent.objects.filter(participant=siti).order_by("granted_at")
    assert [c.is_active for c in consents] == [False, True]

    history = siti_client.get(reverse("partners:data")).context["history"]
    assert [(event.consent.pk, event.kind) for event in history] == [
        (consents[1].pk, "granted"),
        (first.pk, "withdrawn"),
        (first.pk, "granted"),
    ]
    assert all(event.channel for event in history)


def test_a_consent_already_given_is_not_given_twice(
    siti_client: Client, siti: Participant, unj: PartnerOrganisation
) -> None:
    consent(siti, unj, Purpose.TRAINING)
    response = siti_client.get(grant_url(unj, Purpose.TRAINING))
    assert response.status_code == 302 and response["Location"] == reverse("partners:data")
    assert Consent.objects.filter(participant=siti).count() == 1


def test_not_ticking_the_box_saves_nothing(siti_client: Client, unj: PartnerOrganisation) -> None:
    response = siti_client.post(grant_url(unj, Purpose.TRAINING), {"text_version": 1})
    assert response.status_code == 400
    assert "agree" in response.context["form"].errors
    assert not Consent.objects.exists()


def test_a_text_changed_between_showing_and_submitting_is_refused(
    siti_client: Client, siti: Participant, unj: PartnerOrganisation, agency_staff: User
) -> None:
    url = grant_url(unj, Purpose.TRAINING)
    shown_version = siti_client.get(url).context["text"].version
    new = services.consent_text_publish(
        purpose=Purpose.TRAINING,
        text_id="Saya setuju {partner} menerima nama dan kontak saya (versi baru).",
        text_en="I agree that {partner} receives my name and contact (new version).",
        acting_user=agency_staff,
    )
    response = siti_client.post(url, {"agree": "on", "text_version": shown_version})
    assert response.status_code == 409
    assert not Consent.objects.exists()
    assert response.context["text"] == new
    assert "Universitas Negeri Jakarta menerima nama dan kontak saya (versi baru)." in response.content.decode()
    assert f'name="text_version" value="{new.version}"'.encode() in response.content
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]

    siti_client.post(url, {"agree": "on", "text_version": new.version})
    assert Consent.objects.get(participant=siti).text == new


def test_a_mangled_text_version_shows_the_text_again(siti_client: Client, unj: PartnerOrganisation) -> None:
    response = siti_client.post(grant_url(unj, Purpose.TRAINING), {"agree": "on", "text_version": "x"})
    assert response.status_code == 409
    assert not Consent.objects.exists()


def test_the_text_is_in_the_users_language(siti_client: Client, unj: PartnerOrganisation) -> None:
    siti_client.cookies["django_language"] = "en"
    response = siti_client.get(grant_url(unj, Purpose.TRAINING), HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["consent_text"].startswith("I agree that Universitas Negeri Jakarta")


def test_a_purpose_or_partner_not_covered_is_not_found(
    siti_client: Client, unj: PartnerOrganisation, agency_staff: User
) -> None:
    assert siti_client.get(grant_url(unj, Purpose.LOAN_ASSESSMENT)).status_code == 404  # P7 not in the agreement
    response = siti_client.post(grant_url(unj, Purpose.LOAN_ASSESSMENT), {"agree": "on", "text_version": 1})
    assert response.status_code == 404
    assert siti_client.get(reverse("partners:consent_grant", args=[unj.pk, "nothing"])).status_code == 404
    assert siti_client.get(reverse("partners:consent_grant", args=[999_999, Purpose.TRAINING])).status_code == 404
    no_agreement = PartnerOrganisationFactory()
    assert siti_client.get(grant_url(no_agreement, Purpose.TRAINING)).status_code == 404
    ended = PartnerOrganisationFactory()
    agreement = agreement_in_force(ended, steps=[Step.P2], staff=agency_staff)
    services.agreement_end(agreement=agreement, on=timezone.localdate(), reason="Selesai", acting_user=agency_staff)
    assert siti_client.post(grant_url(ended, Purpose.TRAINING), {"agree": "on", "text_version": 1}).status_code == 404
    PartnerOrganisation.objects.filter(pk=unj.pk).update(active=False)
    assert siti_client.get(grant_url(unj, Purpose.TRAINING)).status_code == 404
    assert not Consent.objects.exists()


def test_withdrawing_twice_changes_nothing(siti_client: Client, siti: Participant, unj: PartnerOrganisation) -> None:
    given = consent(siti, unj, Purpose.TRAINING)
    url = reverse("partners:consent_withdraw", args=[given.pk])
    siti_client.post(url, follow=True)
    withdrawn_at = Consent.objects.get(pk=given.pk).withdrawn_at
    response = siti_client.post(url, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["info"]
    assert Consent.objects.get(pk=given.pk).withdrawn_at == withdrawn_at


# --- who looked at my data ----------------------------------------------------------------------------------------


def test_the_reads_page_lists_this_participants_reads_newest_first(
    siti_client: Client, siti: Participant, budi: Participant, unj: PartnerOrganisation, agency_staff: User
) -> None:
    issue_key(unj.agreements.get(), staff=agency_staff)
    add_reads(unj, siti, 30)
    add_reads(unj, budi, 5)
    add_reads(unj, siti, 1, endpoint="/api/v1/businesses/", days_ago=1)
    response = siti_client.get(reverse("partners:data_reads"))
    assert response.status_code == 200
    reads = [row["read"] for row in response.context["rows"]]
    assert len(reads) == 25 and {read.participant_id for read in reads} == {siti.pk}
    assert reads == sorted(reads, key=lambda read: (read.at, read.pk), reverse=True)
    assert response.context["rows"][0]["what"] == read_description("/api/v1/businesses/")
    assert response.context["page"].has_next
    second = siti_client.get(reverse("partners:data_reads"), {"page": 2}).context["rows"]
    assert len(second) == 6 and {row["read"].participant_id for row in second} == {siti.pk}
    summary = siti_client.get(reverse("partners:data")).context["recent_reads"]
    assert [row["read"] for row in summary] == reads[:5]


def test_endpoints_are_told_in_plain_words() -> None:
    with_english = {
        "/api/v1/participants/": "list of participants",
        "/api/v1/participants/12/": "your profile",
        "/api/v1/businesses/": "list of businesses",
        "/api/v1/businesses/7/": "your business",
        "/api/v1/businesses/7/indicators/": "your business's monthly figures",
        "/api/v1/training/sessions/3/enrolments/": "your trainings",
        "/api/v1/jaki/accounts/jaki-81f2/journey/": "your program journey",
        "/api/v1/training/courses/": "your trainings",
        "/api/v1/something-else/": "other program data",
    }
    from django.utils import translation

    with translation.override("en"):
        assert {endpoint: read_description(endpoint) for endpoint in with_english} == with_english


def test_query_counts_do_not_grow_with_rows(
    siti_client: Client,
    siti: Participant,
    budi: Participant,
    agency_staff: User,
    django_assert_max_num_queries: Any,
) -> None:
    """10 partners with agreements in force, 30 consents and withdrawals, 300 reads of the participant (and others'
    reads): the pages cost what they cost with one partner and two reads."""

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert siti_client.get(url).status_code == 200
        return len(queries)

    organisation = PartnerOrganisationFactory(name="Mitra 0", kind=OrganisationKind.COMPANY)
    agreement = agreement_in_force(organisation, steps=[Step.P2, Step.P3], staff=agency_staff)
    issue_key(agreement, staff=agency_staff)
    consent(siti, organisation, Purpose.TRAINING)
    add_reads(organisation, siti, 2)
    few = {url: count(url) for url in (reverse("partners:data"), reverse("partners:data_reads"))}

    for n in range(1, 10):
        other = PartnerOrganisationFactory(name=f"Mitra {n}", kind=OrganisationKind.COMPANY)
        other_agreement = agreement_in_force(other, steps=[Step.P2, Step.P3, Step.P5], staff=agency_staff)
        issue_key(other_agreement, staff=agency_staff)
        given = consent(siti, other, Purpose.TRAINING)
        services.consent_withdraw(consent=given, channel=ConsentChannel.WEB, acting_user=siti.user)
        consent(siti, other, Purpose.TRAINING)
        consent(siti, other, Purpose.MENTORING)
        add_reads(other, siti, 30)
        add_reads(other, budi, 5)
    add_reads(organisation, siti, 28)
    assert AccessLog.objects.filter(participant=siti).count() == 300
    many = {url: count(url) for url in few}
    assert many == few
    # session, user, participant; agreements in force, active consents, history, reads, JAKI consent, JAKI link
    with django_assert_max_num_queries(9):
        siti_client.get(reverse("partners:data"))
    with django_assert_max_num_queries(4):  # session, user, participant, a page of reads
        siti_client.get(reverse("partners:data_reads"), {"page": 3})


# --- the JAKI link ------------------------------------------------------------------------------------------------


@pytest.fixture
def jaki(agency_staff: User) -> PartnerOrganisation:
    """The JAKI app's organisation: an agreement in force on P1 and a key of the JAKI kind."""
    organisation = PartnerOrganisationFactory(
        name="Jakarta Smart City", kind=OrganisationKind.GOVERNMENT, is_city_app=True
    )
    issue_key(agreement_in_force(organisation, steps=[Step.P1], staff=agency_staff), staff=agency_staff, kind="jaki")
    return organisation


def test_a_participant_who_consented_to_jaki_gets_a_link_code(
    siti_client: Client, siti: Participant, jaki: PartnerOrganisation
) -> None:
    assert siti_client.get(reverse("partners:data")).context["jaki_consent"] is None
    consent(siti, jaki, Purpose.APP_JOURNEY)
    page = siti_client.get(reverse("partners:data"))
    assert page.context["jaki_consent"].organisation == jaki
    assert b'id="jaki-code-form"' in page.content
    response = siti_client.post(reverse("partners:jaki_link_code"))
    assert response.status_code == 200
    code = response.context["code"]
    stored = JakiLinkCode.objects.get(participant=siti)
    assert stored.code_hash == keyed_hash(code) and response.context["expires_at"] == stored.expires_at
    assert code.encode() in response.content and b'id="jaki-code-expiry"' in response.content
    assert [m.level_tag for m in response.context["messages"]] == ["success"]


def test_without_the_jaki_consent_no_code_is_made(
    siti_client: Client, siti: Participant, jaki: PartnerOrganisation, unj: PartnerOrganisation
) -> None:
    response = siti_client.post(reverse("partners:jaki_link_code"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("partners:data")
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not JakiLinkCode.objects.exists()


def test_only_a_participant_asks_for_a_link_code(
    client: Client, agency_staff: User, entrepreneur: User, jaki: PartnerOrganisation
) -> None:
    url = reverse("partners:jaki_link_code")
    assert client.post(url)["Location"].startswith(reverse("accounts:login"))
    client.force_login(agency_staff)
    assert client.post(url).status_code == 403
    client.force_login(entrepreneur)  # not registered
    assert b'id="register-first"' in client.post(url).content
    assert client.get(url).status_code == 405
    assert not JakiLinkCode.objects.exists()


def test_granting_again_on_a_newer_text_renews_the_consent_on_it(
    siti: Participant, unj: PartnerOrganisation, agency_staff: User
) -> None:
    """The consent rests on the text the person was shown last: the older one ends, a new one begins (the
    history keeps both); granting again on the same text changes nothing."""
    first = consent(siti, unj, Purpose.TRAINING)
    assert consent(siti, unj, Purpose.TRAINING).pk == first.pk
    services.consent_text_publish(
        purpose=Purpose.TRAINING, text_id="Teks baru", text_en="New text", acting_user=agency_staff
    )
    renewed = consent(siti, unj, Purpose.TRAINING)
    first.refresh_from_db()
    assert renewed.pk != first.pk and renewed.text.version == first.text.version + 1
    assert first.withdrawn_at is not None and renewed.withdrawn_at is None
    assert Consent.objects.active().filter(participant=siti, organisation=unj).count() == 1


def test_a_consent_on_an_older_text_is_renewed_on_the_grant_page(
    siti_client: Client, siti: Participant, unj: PartnerOrganisation, agency_staff: User
) -> None:
    first = consent(siti, unj, Purpose.TRAINING)
    services.consent_text_publish(
        purpose=Purpose.TRAINING, text_id="Teks baru", text_en="New text", acting_user=agency_staff
    )
    page = siti_client.get(grant_url(unj, Purpose.TRAINING))
    assert page.status_code == 200  # not "already given": the text changed
    current = selectors.current_text(Purpose.TRAINING).version
    response = siti_client.post(grant_url(unj, Purpose.TRAINING), {"text_version": current, "agree": "on"})
    assert response.status_code == 302
    renewed = Consent.objects.active().get(participant=siti, organisation=unj, purpose=Purpose.TRAINING)
    assert renewed.pk != first.pk and renewed.text.version == current
    assert siti_client.get(grant_url(unj, Purpose.TRAINING)).status_code == 302  # now it is given on this text
