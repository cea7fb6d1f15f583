"""Consent end to end, in a real browser and against the live API: a participant gives a training partner consent
on "Data saya"; the partner's key then reads them; the participant sees that read under "who looked at my
data", withdraws the consent, and the same key at once finds nothing (404).

Selectors are ids, names, data- attributes and URLs, never visible text (the pages are in Bahasa Indonesia)."""

import json
import re
import urllib.error
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from partners.choices import Purpose, Step
from partners.models import AccessLog, Consent, PartnerOrganisation
from partners.tests.factories import PartnerOrganisationFactory, agreement_in_force, issue_key
from registration.choices import Status
from registration.models import Participant
from registration.tests.factories import ParticipantFactory, RegistrationFactory
from tests.e2e.pages import Shot, fits_the_screen, log_in, submit


def api_get(base_url: str, path: str, secret: str) -> tuple[int, Any]:
    """A partner's system calling the live API with its key: the status and the JSON body."""
    request = urllib.request.Request(  # noqa: S310 - the live server's own http:// address
        base_url + path, headers={"Authorization": f"Api-Key {secret}", "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return int(response.status), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return int(error.code), json.loads(error.read() or b"null")


@pytest.mark.e2e
def test_consent_lets_a_key_read_and_withdrawal_stops_it_at_once(
    page: Page, live_server: Any, entrepreneur: User, agency_staff: User, shot: Shot
) -> None:
    organisation: PartnerOrganisation = PartnerOrganisationFactory(name="Universitas Negeri Jakarta")
    agreement = agreement_in_force(organisation, steps=[Step.P2], staff=agency_staff)
    secret = issue_key(agreement, staff=agency_staff)
    participant: Participant = RegistrationFactory(
        participant=ParticipantFactory(user=entrepreneur), status=Status.APPROVED
    ).participant
    detail = f"/api/v1/participants/{participant.pk}/"
    assert api_get(live_server.url, detail, secret)[0] == 404  # no consent yet: the key sees nothing

    # 1. The participant opens Data saya: the partner asks consent for training, not given yet.
    log_in(page, entrepreneur.email or "")
    page.goto("/data-saya/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    purpose = page.locator(f"#partners [data-partner='{organisation.pk}'] [data-purpose='{Purpose.TRAINING}']")
    expect(purpose).to_have_attribute("data-consented", "no")
    shot(page, "data-saya")
    purpose.locator("a.consent-give").click()

    # 2. The consent page shows the text and what is shared; ticking the box and sending gives consent.
    expect(page).to_have_url(re.compile(rf"/data-saya/beri-izin/{organisation.pk}/{Purpose.TRAINING}/$"))
    expect(page.locator("#consent-text")).to_contain_text(organisation.name)
    expect(page.locator("#consent-shared li")).to_have_count(3)
    page.locator("#consent-form [name=agree]").check()
    shot(page, "consent")
    submit(page, "#consent-form")
    expect(page).to_have_url(re.compile(r"/data-saya/$"))
    expect(page.locator("main .alert-success")).to_be_visible()
    expect(purpose).to_have_attribute("data-consented", "yes")
    expect(page.locator("#history-table tr[data-event=granted]")).to_have_count(1)
    assert fits_the_screen(page)
    shot(page, "consented")
    given = Consent.objects.get(participant=participant, organisation=organisation, purpose=Purpose.TRAINING)
    assert given.is_active and given.granted_channel == "web"

    # 3. The partner's system reads the participant with its key.
    status, body = api_get(live_server.url, detail, secret)
    assert status == 200, body
    assert body["full_name"] == participant.full_name and body["purposes"] == [Purpose.TRAINING]
    assert AccessLog.objects.filter(participant=participant, organisation=organisation).count() == 1

    # 4. "Who looked at my data" lists that read, and the Data saya summary too.
    page.goto("/data-saya/dilihat/")
    reads = page.locator("#reads-table tbody tr")
    expect(reads).to_have_count(1)
    expect(reads.first).to_have_attribute("data-partner", str(organisation.pk))
    assert fits_the_screen(page)
    shot(page, "reads")
    page.locator("main .breadcrumb a").click()
    expect(page).to_have_url(re.compile(r"/data-saya/$"))
    expect(page.locator("#recent-reads-table tbody tr")).to_have_count(1)

    # 5. The participant withdraws the consent, after a confirmation page.
    purpose.locator("a.consent-withdraw").click()
    expect(page).to_have_url(re.compile(rf"/data-saya/tarik-izin/{given.pk}/$"))
    shot(page, "withdraw")
    submit(page, "#withdraw-form")
    expect(page).to_have_url(re.compile(r"/data-saya/$"))
    expect(page.locator("main .alert-success")).to_be_visible()
    expect(purpose).to_have_attribute("data-consented", "no")
    expect(page.locator("#history-table tr[data-event=withdrawn]")).to_have_count(1)
    shot(page, "withdrawn")

    # 6. The same key now finds nothing, at once.
    status, body = api_get(live_server.url, detail, secret)
    assert status == 404, body
    assert AccessLog.objects.filter(participant=participant).count() == 1
