"""What the browser journeys share: the screenshot fixture's type, logging in, pressing a form's own submit
button, and the phone-width check."""

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from accounts.backends import find_user_by_login
from accounts.permissions import requires_second_factor
from conftest import PASSWORD
from tests.support.second_factor import authenticator, authenticator_code

Shot = Callable[[Page, str], Path]


def submit(page: Page, form: str = "main form") -> None:
    """Press the form's own submit button (the navigation bar has forms and buttons of its own)."""
    page.locator(f"{form} [type=submit]").click()


def log_in(page: Page, login: str) -> None:
    """The login form, and for an account that gives a second factor the code page too, with the code its
    authenticator (made here if it has none) shows now."""
    user = find_user_by_login(login)
    device = authenticator(user) if user is not None and requires_second_factor(user) else None
    page.goto("/akun/masuk/")
    page.locator("main form [name=username]").fill(login)
    page.locator("main form [name=password]").fill(PASSWORD)
    submit(page)
    if device is not None:
        expect(page).to_have_url(re.compile(r"/akun/dua-langkah/kode/"))
        page.locator("#code-form [name=code]").fill(authenticator_code(device))
        submit(page, "#code-form")
    expect(page).to_have_url(re.compile(r"/beranda/$"))


def unfold_menu(page: Page) -> None:
    """On a phone the navigation bar is folded behind its toggler: unfold it (nothing to do on a desktop). Asked
    once the page has loaded: before its stylesheet applies, the toggler a desktop hides is still visible, and
    clicking it then waits for a button that is gone."""
    page.wait_for_load_state("load")
    toggler = page.locator("nav .navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator("nav #nav")).to_have_class(re.compile(r"\bshow\b"))  # unfolded, not still moving


def fits_the_screen(page: Page) -> bool:
    """Nothing sticks out sideways: a phone user never scrolls horizontally. (Compared with the layout width, not
    window.innerWidth: a phone browser zooms out to show a page that is too wide, and innerWidth grows with it.)
    Measured after the load and two frames: a page measured mid-load (its deferred scripts building the charts)
    can be wider for a moment than the page the person sees, which made this check fail one run in three."""
    page.wait_for_load_state("load")  # measured once the page has settled: its scripts run, its charts drawn
    return bool(
        page.evaluate(
            """() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(() => resolve(
                document.documentElement.scrollWidth <= document.documentElement.clientWidth))))"""
        )
    )
