"""Browser fixtures for end-to-end journeys: headless Chromium (the Debian package) driven by Playwright's
sync API against pytest-django's live server.

- `browser` is shared by the whole session; every test gets fresh contexts (own cookies, own session).
- Every journey runs twice, at phone size (390x844) and at desktop size (1280x800): the `screen` fixture is
  parametrized and every context a test opens has that size (`page`, `phone_page`, `new_context(PHONE)` alike;
  PHONE and DESKTOP still carry the locale and time zone).
- Every page a journey visits is checked with axe-core (vendored from npm in tests/e2e/vendor/axe-core) once it
  has loaded; the browser leaves no page before its check is done, and the test waits for the pages still open.
  A serious or critical violation fails the test, with its rule, impact, target and page. Each checked page is kept
  as a screenshot under test-artifacts/e2e/<test-name>/pages/NN-<path>.png.
- `shot(page, "name")` keeps a full-page screenshot under test-artifacts/e2e/<test-name>/NN-name.png;
  when a test fails, every page still open is kept there too, as failed-N.png.
- Each browser test runs against a transactional database (the root conftest keeps the kecamatan loaded,
  and sends uploaded documents to the test's own folder).
"""

import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Request, Route, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError

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
# Clicks and assertions wait up to 20 s: on the 2-core machine the suite's other worker may hold the CPU while a
# page's axe check runs (8 s was once not enough for axe on a licence request page, with the P6/P7 tests beside).
TIMEOUT_MS = 20_000

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
# The two sizes every journey runs at (the `screen` fixture): they replace the size a test asked for.
SCREENS: dict[str, dict[str, Any]] = {
    "phone": {key: PHONE[key] for key in ("viewport", "device_scale_factor", "is_mobile", "has_touch")},
    "desktop": {"viewport": DESKTOP["viewport"], "device_scale_factor": 1, "is_mobile": False, "has_touch": False},
}

AXE_VERSION = "4.14.1"
AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_WAIT_SECONDS = 15  # below the click timeout, so a slow check is reported, not a click timed out
# An assertion waits as long as a click: a page's next navigation may be held for its axe check (up to
# AXE_WAIT_SECONDS), so an `expect(page).to_have_url(...)` after a click must outwait it (Playwright's 5 s did not).
expect.set_options(timeout=TIMEOUT_MS)
AXE_FINISH_SECONDS = 30  # the last page, after the journey: no click waits on it, so a busy machine gets longer
BLOCKING_IMPACTS = ["serious", "critical"]
# Added to every document after axe itself: a page of ours says it has started, then runs axe once and reports its
# serious and critical violations through the __axeReport binding. It runs once the page has loaded; or, when the
# page is left before that, once it is as loaded as it will be. A browser-initiated navigation (page.goto) lets the
# page finish loading first, but a click or a submit that beats the load event makes Chromium stop loading it: its
# load event never comes (the navigation away, held until the report, would wait for nothing). Such a page is
# checked as it stands: its stylesheets have applied (they block its rendering, and a click waits for what it
# clicks to be visible), but its scripts may not have run, so what they add is checked on its loaded visits only.
# The report says whether the page had loaded; those that had not are listed (AxeAudit.unloaded) and their
# screenshots named so.
AXE_RUNNER = """
(() => {
  if (window.top !== window || !location.protocol.startsWith("http")) return;
  const report = window.__axeReport;
  report({ event: "start" });
  let checking = false;
  let loaded = false;
  window.addEventListener("load", () => { loaded = true; }, { once: true });
  const check = async () => {
    if (checking) return;
    checking = true;
    let violations;
    try {
      const results = await window.axe.run(document, { resultTypes: ["violations"] });
      violations = results.violations
        .filter((violation) => IMPACTS.includes(violation.impact))
        .map((violation) => ({
          id: violation.id,
          impact: violation.impact,
          help: violation.help,
          targets: violation.nodes.map((node) => node.target.join(" ")),
        }));
    } catch (error) {
      violations = [{ id: "axe-error", impact: "critical", help: String(error), targets: [] }];
    }
    await report({ event: "done", url: location.href, loaded, violations });
  };
  window.addEventListener("load", check, { once: true });
  window.addEventListener("beforeunload", () => {
    const whenSettled = () => {
      if (document.readyState === "complete") setTimeout(check);
      else setTimeout(whenSettled, 20);
    };
    whenSettled();
  }, { once: true });
})();
""".replace("IMPACTS", json.dumps(BLOCKING_IMPACTS))

_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()
_AUDITS = pytest.StashKey["AxeAudit"]()


@dataclass
class AxeAudit:
    """The axe-core check of every page one test visits, at one screen size.

    Each document runs axe itself once loaded, or once left (AXE_RUNNER), and reports back; when the browser is
    about to leave a page (a navigation request of its main frame), the request is held until that page's report
    has arrived, so no page goes unchecked however fast a journey moves on (a page left before it loaded is checked
    as it stood, and listed in `unloaded`). (Playwright cannot evaluate in a page whose navigation has started,
    hence the page reporting by itself.)"""

    screen: str
    folder: Path
    contexts: list[BrowserContext] = field(default_factory=list)
    started: dict[Page, int] = field(default_factory=dict)
    reported: dict[Page, int] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    unloaded: list[str] = field(default_factory=list)  # checked when left before its load event (AXE_RUNNER)
    checked: int = 0

    def watch(self, context: BrowserContext) -> None:
        context.expose_binding("__axeReport", self._on_report)
        context.add_init_script(script=AXE_SCRIPT.read_text(encoding="utf-8") + AXE_RUNNER)
        context.route("**/*", self._on_request)
        self.contexts.append(context)

    def _on_report(self, source: dict[str, Any], payload: dict[str, Any]) -> None:
        page: Page = source["page"]
        if payload["event"] == "start":
            self.started[page] = self.started.get(page, 0) + 1
            return
        self.checked += 1
        path = urlsplit(payload["url"]).path
        for violation in payload["violations"]:
            self.violations.append(
                f"{violation['id']} ({violation['impact']}) on {path} [{self.screen}]: "
                f"{'; '.join(violation['targets'][:5])} ({violation['help']})"
            )
        self.reported[page] = self.reported.get(page, 0) + 1  # the browser may leave the page now
        name = re.sub(r"[^\w.-]+", "-", path).strip("-") or "root"
        if not payload["loaded"]:
            self.unloaded.append(path)
            name += "-unloaded"
        # a screenshot is a record; the check itself is the report. Of the viewport only: this runs while the test
        # goes on (inside its next Playwright call), and a full-page capture resizes the viewport for a moment, so a
        # click dispatched meanwhile on a phone's page landed beside its link (CI, the training journey [phone])
        with suppress(PlaywrightError):
            page.screenshot(path=str(self.folder / f"{self.checked:02d}-{name}.png"), scale="css", timeout=3000)

    def _wait_for(self, page: Page, seconds: float = AXE_WAIT_SECONDS) -> None:
        """Until the page's current document has reported (or `seconds`, then say so)."""
        deadline = time.monotonic() + seconds
        while self.reported.get(page, 0) < self.started.get(page, 0):
            if time.monotonic() > deadline or page.is_closed():
                self.violations.append(f"axe-core did not finish on {page.url} [{self.screen}]")
                self.reported[page] = self.started.get(page, 0)
                return
            page.wait_for_timeout(20)

    def _on_request(self, route: Route, request: Request) -> None:
        try:
            if request.is_navigation_request() and request.frame.parent_frame is None:
                self._wait_for(request.frame.page)
        finally:
            route.fallback()

    def finish(self) -> None:
        """Wait for the pages still open, then fail on any serious or critical violation found on the way."""
        for context in self.contexts:
            for page in context.pages:
                self._wait_for(page, AXE_FINISH_SECONDS)
        assert self.checked, "axe-core checked no page"
        assert not self.violations, f"axe-core {AXE_VERSION}, serious or critical violations:\n" + "\n".join(
            dict.fromkeys(self.violations)
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After a journey's own checks pass, its pages' accessibility is checked: a violation fails the test."""
    yield
    audit = item.stash.get(_AUDITS, None)
    if audit is not None:
        audit.finish()


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


@pytest.fixture(params=list(SCREENS))
def screen(request: pytest.FixtureRequest) -> str:
    """The screen size this run of the journey has: "phone" or "desktop"."""
    return str(request.param)


@pytest.fixture
def new_context(
    browser: Browser, live_server: Any, artifacts_dir: Path, screen: str, request: pytest.FixtureRequest
) -> Iterator[Callable[..., BrowserContext]]:
    """Open a fresh browser context (a separate person) on the live server, at this run's screen size, every
    page of it checked by axe-core."""
    contexts: list[BrowserContext] = []
    checked_pages = artifacts_dir / "pages"
    checked_pages.mkdir()
    audit = AxeAudit(screen=screen, folder=checked_pages)
    request.node.stash[_AUDITS] = audit

    def open_context(options: dict[str, Any] | None = None, **overrides: Any) -> BrowserContext:
        context = browser.new_context(
            base_url=live_server.url, **{**(options or DESKTOP), **overrides, **SCREENS[screen]}
        )
        context.set_default_timeout(TIMEOUT_MS)
        audit.watch(context)
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
def axe_audit(new_context: Callable[..., BrowserContext], request: pytest.FixtureRequest) -> AxeAudit:
    """This test's accessibility check (for the tests of the check itself)."""
    return request.node.stash[_AUDITS]


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
