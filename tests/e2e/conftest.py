"""Browser fixtures for end-to-end journeys: headless Chromium (the Debian package) driven by Playwright's
sync API against pytest-django's live server.

- `browser` is shared by the whole session; every test gets fresh contexts (own cookies, own session).
- `page` is a desktop page; `phone_page` (and `new_context(PHONE)`) a phone-sized one, 390x844.
- `shot(page, "name")` keeps a full-page screenshot under test-artifacts/e2e/<test-name>/NN-name.png;
  when a test fails, every page still open is kept there too, as failed-N.png.
- Each browser test runs against a transactional database (the root conftest keeps the kecamatan loaded,
  and sends uploaded documents to the test's own folder).
"""

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

# Playwright's sync API keeps an event loop running in the test thread; Django would refuse ORM calls there.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
TIMEOUT_MS = 10_000

# A person in Jakarta: the browser asks for Bahasa Indonesia, in Jakarta's time zone.
DESKTOP: dict[str, Any] = {
    "viewport": {"width": 1280, "height": 800},
    "locale": "id-ID",
    "timezone_id": "Asia/Jakarta",
}
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "id-ID",
    "timezone_id": "Asia/Jakarta",
}

expect.set_options(timeout=TIMEOUT_MS)

_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    """Remember each phase's report on the test, so that fixtures can tell whether it failed."""
    report: pytest.TestReport = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    reports = request.node.stash.get(_REPORTS, {})
    return any(r.failed for r in reports.values())


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_context(
    browser: Browser, live_server: Any, artifacts_dir: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., BrowserContext]]:
    """Open a fresh browser context (a separate person) on the live server: new_context(PHONE) for a phone."""
    contexts: list[BrowserContext] = []

    def open_context(options: dict[str, Any] | None = None, **overrides: Any) -> BrowserContext:
        context = browser.new_context(base_url=live_server.url, **{**(options or DESKTOP), **overrides})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield open_context
    if _failed(request):
        pages = [page for context in contexts for page in context.pages]
        for number, page in enumerate(pages, start=1):
            page.screenshot(path=str(artifacts_dir / f"failed-{number}.png"), full_page=True)
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    return new_context(DESKTOP)


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def phone_context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    return new_context(PHONE)


@pytest.fixture
def phone_page(phone_context: BrowserContext) -> Page:
    return phone_context.new_page()


@pytest.fixture
def artifacts_dir(request: pytest.FixtureRequest) -> Path:
    """test-artifacts/e2e/<test-name>/, emptied at the start of the test."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def shot(artifacts_dir: Path) -> Callable[[Page, str], Path]:
    """shot(page, "signup") saves a full-page screenshot as NN-signup.png, numbered in the order taken."""
    taken: list[Path] = []

    def take(page: Page, name: str) -> Path:
        path = artifacts_dir / f"{len(taken) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        taken.append(path)
        return path

    return take
