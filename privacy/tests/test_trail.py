"""Who processed my data: the audit trail about the participant (who, when, which record, what action, never
the values) and the partners' reads, a page at a time in a fixed number of queries; only their own."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core import audit
from partners.choices import Step
from partners.models import PartnerOrganisation
from partners.tests.factories import PartnerOrganisationFactory, agreement_in_force, issue_key
from partners.tests.test_data_saya import add_reads
from registration.models import Participant

from .support import PRIVATE_NOTES, registered, with_a_record_in_each_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def siti(entrepreneur: User, mentor_tebet: User) -> Participant:
    participant = registered(entrepreneur)
    with_a_record_in_each_step(participant, mentor_tebet)
    return participant


@pytest.fixture
def unj(agency_staff: User) -> PartnerOrganisation:
    organisation: PartnerOrganisation = PartnerOrganisationFactory(name="Universitas Negeri Jakarta")
    issue_key(agreement_in_force(organisation, steps=[Step.P2], staff=agency_staff), staff=agency_staff)
    organisation.refresh_from_db()  # its API account, made with the key
    return organisation


def trail_html(client: Client, query: str = "") -> str:
    response = client.get(reverse("privacy:trail") + query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_staff_opening_a_document_and_a_partners_change_are_listed(
    client: Client, siti: Participant, secretariat_tebet: User, unj: PartnerOrganisation
) -> None:
    audit.record_view(siti.documents.get(), user=secretariat_tebet)
    with audit.acting(unj.api_user):
        siti.business.workers = 3
        siti.business.save()
    client.force_login(siti.user)
    html = trail_html(client)
    assert "Sekretariat Tebet (Kecamatan secretariat)" in html
    assert "Universitas Negeri Jakarta (partner)" in html
    assert "viewed" in html and "document" in html and "business" in html
    assert PRIVATE_NOTES not in html  # the trail says what was done, never the values


def test_the_partners_tab_lists_their_reads(client: Client, siti: Participant, unj: PartnerOrganisation) -> None:
    add_reads(unj, siti, 3)
    client.force_login(siti.user)
    html = trail_html(client, "?tab=mitra")
    assert html.count(f'data-partner="{unj.pk}"') == 3
    assert "your profile" in html


def test_an_entrepreneur_not_registered_is_told_so(client: Client, other_entrepreneur: User) -> None:
    client.force_login(other_entrepreneur)
    assert 'id="not-registered"' in trail_html(client)


def test_another_entrepreneur_sees_only_their_own(
    client: Client, siti: Participant, other_entrepreneur: User, unj: PartnerOrganisation, secretariat_tebet: User
) -> None:
    budi = registered(other_entrepreneur)
    # after every other write: a test is one transaction, and the trail's context lasts to its end
    audit.record_view(siti.documents.get(), user=secretariat_tebet)
    add_reads(unj, siti, 2)
    client.force_login(budi.user)
    assert "Sekretariat Tebet" not in trail_html(client)
    assert "Universitas Negeri Jakarta" not in trail_html(client, "?tab=mitra")


def test_pages_follow_one_another_and_a_bad_page_is_the_first(client: Client, siti: Participant) -> None:
    shown = siti.documents.get()
    for _ in range(30):
        audit.record_view(shown, user=siti.user)
    client.force_login(siti.user)
    first = trail_html(client)
    assert first.count("<tr>") == 1 + 25 and 'href="?page=2"' in first
    second = trail_html(client, "?page=2")
    assert second.count("<tr>") > 1 and "Page 2" in second and 'href="?page=1"' in second
    assert trail_html(client, "?page=abc").count("<tr>") == 1 + 25


def test_the_trail_and_the_reads_take_a_fixed_number_of_queries(
    client: Client,
    siti: Participant,
    unj: PartnerOrganisation,
    secretariat_tebet: User,
    agency_staff: User,
    django_assert_num_queries: Any,
) -> None:
    client.force_login(siti.user)
    for round_ in range(2):
        for _ in range(5 if round_ == 0 else 80):
            audit.record_view(siti.documents.first(), user=secretariat_tebet if round_ else agency_staff)
        add_reads(unj, siti, 5 if round_ == 0 else 200)
        with django_assert_num_queries(5):  # session, user, participant, events, their actors
            trail_html(client)
        with django_assert_num_queries(4):  # session, user, participant, the reads with their partner
            trail_html(client, "?tab=mitra")
    # every event of a test has its transaction's time: the newest id comes first, so the partner's is a view too
    audit.record_view(siti.documents.get(), user=unj.api_user)
    with django_assert_num_queries(6):  # and the partner's name behind its API account
        trail_html(client)


def test_the_events_of_a_visit_not_shared_and_of_its_follow_ups_are_not_listed(
    client: Client, siti: Participant, mentor_tebet: User
) -> None:
    """The visits the mentor did not share are not the participant's to see (mentoring.selectors.visits_for):
    nor is their trail; the shared visit's stays."""
    client.force_login(siti.user)
    rows = client.get(reverse("privacy:trail"), HTTP_ACCEPT_LANGUAGE="en").context["rows"]
    kinds = [row.what for row in rows]
    assert kinds.count("visit") == 1 and kinds.count("follow-up") == 1
    hidden = siti.visits.get(shared=False)
    with audit.acting(mentor_tebet):
        hidden.notes = "Changed again"
        hidden.save()
    rows = client.get(reverse("privacy:trail"), HTTP_ACCEPT_LANGUAGE="en").context["rows"]
    assert [row.what for row in rows].count("visit") == 1
