"""People reachable, in a real browser on a phone: the participant's home shows their mentor's tap-to-call and
WhatsApp links with the right numbers, and their kecamatan office's; the landing page's office finder works
without a script.

Selectors are ids, names, data- attributes and URLs, never visible text (the page speaks Bahasa Indonesia)."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from accounts.models import User
from geography.models import Kecamatan, KecamatanOffice
from mentoring.tests.factories import AssignmentFactory, verified_participant
from tests.e2e.pages import Shot, log_in


@pytest.mark.e2e
def test_the_participant_reaches_their_mentor_and_office_from_home(
    phone_page: Page,
    new_context: Callable[..., BrowserContext],
    entrepreneur: User,
    mentor_tebet: User,
    shot: Shot,
) -> None:
    mentor_tebet.phone = "+6281311112222"
    mentor_tebet.save()
    participant = verified_participant("Tebet", user=entrepreneur)
    AssignmentFactory(participant=participant, mentor=mentor_tebet)
    tebet = Kecamatan.objects.get(name="Tebet")
    KecamatanOffice.objects.update_or_create(
        kecamatan=tebet,
        defaults={
            "address": "Jl. Tebet Barat Dalam Raya No. 1",
            "phone": "+62218290000",
            "whatsapp": "+6281290001111",
            "opening_hours": "Senin-Jumat 08.00-16.00",
        },
    )
    page = phone_page

    # 1. The landing page: the office finder, chosen without any script.
    page.goto("/")
    page.locator("#office-kecamatan").select_option(str(tebet.pk))
    page.locator("#office-finder-form [type=submit]").click()
    expect(page).to_have_url(re.compile(rf"kecamatan={tebet.pk}"))
    expect(page.locator("#office-result #office-tel")).to_have_attribute("href", "tel:+62218290000")
    expect(page.locator("#office-result #office-wa")).to_have_attribute("href", "https://wa.me/6281290001111")
    shot(page, "office-finder")

    # 2. The participant's home: the mentor's links, with the right numbers, and the office.
    log_in(page, entrepreneur.email or "")
    mentor = page.locator("#mentor-contact")
    expect(mentor).to_be_visible()
    expect(mentor.locator("#mentor-tel")).to_have_attribute("href", "tel:+6281311112222")
    expect(mentor.locator("#mentor-wa")).to_have_attribute("href", "https://wa.me/6281311112222")
    expect(page.locator("#my-contacts #office-tel")).to_have_attribute("href", "tel:+62218290000")
    expect(page.locator("#my-contacts .office-hours")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    shot(page, "home-contacts")
