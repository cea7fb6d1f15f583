"""The branded error pages in a real browser: a mentor who types the address of the incentive report (staff only)
gets the portal's own 403 page in Bahasa Indonesia with a way back home, and a page that does not exist gets the
branded 404; axe-core checks both (tests/e2e/conftest.py).

Selectors are ids, names, data- attributes and URLs, never visible text (the page speaks Bahasa Indonesia)."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.e2e.pages import Shot, log_in


@pytest.mark.e2e
def test_a_mentor_sees_the_branded_403_and_404_pages_and_finds_the_way_back(
    page: Page, mentor_tebet: User, shot: Shot
) -> None:
    log_in(page, str(mentor_tebet.email))  # the password, then the authenticator's code

    response = page.goto("/pendampingan/laporan-insentif/")
    assert response is not None and response.status == 403
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("[data-error='403']")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Forbidden")
    shot(page, "403")
    page.locator("#error-back").click()
    expect(page).to_have_url(re.compile(r"/beranda/$"))

    response = page.goto("/tidak-ada-halaman-ini/")
    assert response is not None and response.status == 404
    expect(page.locator("[data-error='404']")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Not Found")
    shot(page, "404")
    page.locator("#error-back").click()
    expect(page).to_have_url(re.compile(r"/beranda/$"))
