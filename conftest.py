"""One named user per role, shared by every app's tests; and the suite's scan of its own logs for NIKs."""

import logging
import os
import re
import shutil
import tempfile
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches
from stdnum.id import nik as stdnum_nik

from accounts.models import Role, User
from accounts.tests.factories import UserFactory, office
from geography import data as geography_data
from geography.models import Kecamatan, Wilayah
from licensing import licence_types
from licensing.models import LicenceType
from notifications import backends
from partners import consent_texts
from partners.models import ConsentText

# Client.login and force_login give the second factor too (the code page has tests of its own).
pytest_plugins = ["tests.support.second_factor"]

PASSWORD = "rahasia-Kuat-123"  # noqa: S105 - test accounts only


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: object) -> None:
    """A reused test database may have been flushed by a transactional test: make sure the kecamatan, the
    consent texts and the licence types are there."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        geography_data.load(Wilayah, Kecamatan)
        consent_texts.load(ConsentText)
        licence_types.load(LicenceType)


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest, django_db_blocker: object) -> None:
    """A transactional test (live server, real concurrency, real worker) ends with a flush of every table,
    which also wipes the kecamatan, consent texts and licence types the data migrations loaded: a database test
    finds them loaded again."""
    if not (
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    ) and not request.node.get_closest_marker("django_db"):
        return
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        if not Kecamatan.objects.exists():
            geography_data.load(Wilayah, Kecamatan)
        if not ConsentText.objects.exists():
            consent_texts.load(ConsentText)
        if not LicenceType.objects.exists():
            licence_types.load(LicenceType)


@pytest.fixture(autouse=True)
def private_storage(tmp_path: Path, settings: Any) -> Path:
    """Each test stores uploaded documents in its own folder (a live server thread sees the same settings)."""
    root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "core.storage.PrivateStorage", "OPTIONS": {"location": str(root)}},
    }
    return root


@pytest.fixture(autouse=True)
def _fresh_fragments() -> None:
    """The landing page keeps its kecamatan list, and a partner's dashboard its figures, in each process's memory:
    no test sees what an earlier one left there (a flush reloads the kecamatan under new keys)."""
    caches["fragments"].clear()


@pytest.fixture(autouse=True)
def _empty_message_outbox() -> None:
    """Messages 'sent' through the in-memory SMS/WhatsApp backend start empty in every test."""
    backends.outbox.clear()


@pytest.fixture
def entrepreneur(db: None) -> User:
    return UserFactory(email="siti@example.id", full_name="Siti Rahayu", phone="+6281234500001")


@pytest.fixture
def other_entrepreneur(db: None) -> User:
    return UserFactory(email="budi@example.id", full_name="Budi Santoso", phone="+6281234500002")


@pytest.fixture
def mentor_tebet(db: None) -> User:
    return UserFactory(
        email="mentor.tebet@example.id", full_name="Mentor Tebet", role=Role.MENTOR, office=office("Tebet")
    )


@pytest.fixture
def mentor_gambir(db: None) -> User:
    return UserFactory(
        email="mentor.gambir@example.id", full_name="Mentor Gambir", role=Role.MENTOR, office=office("Gambir")
    )


@pytest.fixture
def secretariat_tebet(db: None) -> User:
    return UserFactory(
        email="sekretariat.tebet@example.id",
        full_name="Sekretariat Tebet",
        role=Role.SECRETARIAT,
        office=office("Tebet"),
    )


@pytest.fixture
def secretariat_gambir(db: None) -> User:
    return UserFactory(
        email="sekretariat.gambir@example.id",
        full_name="Sekretariat Gambir",
        role=Role.SECRETARIAT,
        office=office("Gambir"),
    )


@pytest.fixture
def agency_staff(db: None) -> User:
    return UserFactory(email="dinas@example.id", full_name="Staf Dinas PPKUKM", role=Role.AGENCY, is_staff=True)


@pytest.fixture
def partner_user(db: None) -> User:
    return UserFactory(email="mitra@example.id", full_name="Mitra Bank", role=Role.PARTNER)


# --- No NIK in any log ---------------------------------------------------------------------------------------
#
# Every log record made while the suite runs is scanned for a number shaped like a NIK: 16 digits (written whole
# or with spaces, dots or dashes between them) that python-stdnum accepts as one, i.e. a known province code
# (31 for Jakarta among them) and a valid birth date. A test during which one was logged fails, with the logger
# and an excerpt in which the number is masked (the failure itself must not print it). The scan wraps the
# record factory, so it sees the records of every logger, whether they propagate or not, at every level a
# logger is enabled for. Processes a test starts with the test settings (a real Celery worker) write their
# records to files in a directory named by LOG_SCAN_DIR_VARIABLE (jakpreneur/settings/test.py), scanned with the
# same test. Under pytest-xdist each worker scans its own records; what is logged outside any test is reported
# when the session ends, and fails it.

LOG_SCAN_DIR_VARIABLE = "JAKPRENEUR_LOG_SCAN_DIR"
# 16 digits, perhaps grouped by spaces, dots or dashes, standing alone: not the fraction of a decimal number (a
# task's run time, "0.1746...s", was once read as a NIK of province 17), nor part of a UUID, whole or in hex (a
# request id with 16 digits in a row, a task id whose first three groups were digits: each seen once in CI), which
# is matched first and left as it is
NIK_CANDIDATE = re.compile(
    r"(?P<uuid>\b[0-9a-f]{8}(?:-?[0-9a-f]{4}){3}-?[0-9a-f]{12}\b)|(?<!\d)(?<!\d[.,])\d(?:[ .-]?\d){15}(?!\d)",
    re.IGNORECASE,
)
LEAKS_KEY = "nik_log_leaks"


@dataclass(frozen=True)
class NikInLog:
    logger: str
    excerpt: str  # the number masked

    def __str__(self) -> str:
        return f"{self.logger}: {self.excerpt}"


def masked_niks(text: str) -> tuple[str, int]:
    """The text with every NIK-shaped number masked to its first four digits, and how many there were."""
    found = 0

    def mask(match: re.Match[str]) -> str:
        nonlocal found
        if match.group("uuid"):
            return match.group()
        digits = re.sub(r"\D", "", match.group())
        if not stdnum_nik.is_valid(digits):
            return match.group()
        found += 1
        return digits[:4] + "*" * 12

    return NIK_CANDIDATE.sub(mask, text), found


def niks_in(logger: str, texts: Iterable[str]) -> list[NikInLog]:
    leaks = []
    for text in texts:
        excerpt, found = masked_niks(text)
        if found:
            leaks.append(NikInLog(logger, excerpt[:300]))
    return leaks


def record_texts(record: logging.LogRecord) -> list[str]:
    """What a record says: its message with the arguments put in, the arguments that are plain values (a NIK
    passed as one but left out by the format still counts) and its exception's message."""
    try:
        texts = [record.getMessage()]
    except Exception:
        texts = [str(record.msg)]
    values = record.args.values() if isinstance(record.args, dict) else record.args or ()
    texts += [str(value) for value in values if isinstance(value, str | int | bytes)]
    if record.exc_info and record.exc_info[1] is not None:
        texts.append(str(record.exc_info[1]))
    return texts


class LogScan:
    """The NIKs logged in this process (and in the files of the processes it started) since the last take()."""

    def __init__(self, directory: Path | None) -> None:
        self.found: list[NikInLog] = []
        self.directory = directory
        self._read: dict[Path, int] = {}
        self._factory = logging.getLogRecordFactory()

    def install(self) -> None:
        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = self._factory(*args, **kwargs)
            self.found += niks_in(record.name, record_texts(record))[:1]  # one finding a record
            return record

        logging.setLogRecordFactory(factory)

    def uninstall(self) -> None:
        logging.setLogRecordFactory(self._factory)

    def _from_files(self) -> list[NikInLog]:
        if self.directory is None:
            return []
        leaks = []
        for path in sorted(self.directory.glob("*.log")):
            with path.open("rb") as file:
                file.seek(self._read.get(path, 0))
                text = file.read().decode(errors="replace")
                self._read[path] = file.tell()
            leaks += niks_in(f"process {path.stem} (its log file)", text.splitlines())
        return leaks

    def take(self) -> list[NikInLog]:
        leaks = self.found + self._from_files()
        self.found = []
        return leaks


_log_scan_key = pytest.StashKey[LogScan]()
_late_leaks_key = pytest.StashKey[list[str]]()


def _runs_tests(config: pytest.Config) -> bool:
    """False in pytest-xdist's controller, which only hands tests to its workers."""
    return hasattr(config, "workerinput") or config.getoption("dist", "no") == "no"


def pytest_sessionstart(session: pytest.Session) -> None:
    directory = None
    if _runs_tests(session.config):
        directory = Path(tempfile.mkdtemp(prefix="log-scan-"))
        os.environ[LOG_SCAN_DIR_VARIABLE] = str(directory)  # inherited by the processes tests start
    scan = LogScan(directory)
    scan.install()
    session.config.stash[_log_scan_key] = scan
    session.config.stash[_late_leaks_key] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    scan = item.config.stash.get(_log_scan_key, None)
    leaks = scan.take() if scan is not None else []
    if leaks:
        lines = "\n".join(f"  {leak}" for leak in leaks)
        message = f"a NIK-shaped number was logged during {call.when} (masked here):\n{lines}"
        report.outcome = "failed"
        report.longrepr = f"{report.longrepr}\n\n{message}" if report.longrepr else message
        # the captured output and logs shown with the failure: the number masked there too
        report.sections = [(title, masked_niks(content)[0]) for title, content in report.sections]
    return report


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist's controller: what a worker found logged outside its tests."""
    node.config.stash[_late_leaks_key] += node.workeroutput.get(LEAKS_KEY, [])


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    scan = session.config.stash.get(_log_scan_key, None)
    if scan is None:
        return
    scan.uninstall()
    late = [str(leak) for leak in scan.take()]
    if scan.directory is not None:
        shutil.rmtree(scan.directory, ignore_errors=True)
    if hasattr(session.config, "workerinput"):
        session.config.workeroutput[LEAKS_KEY] = late  # type: ignore[attr-defined]
        return
    late += session.config.stash[_late_leaks_key]
    if late:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("A NIK-shaped number was logged outside any test (masked here):", red=True)
            for leak in late:
                reporter.write_line(f"  {leak}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
