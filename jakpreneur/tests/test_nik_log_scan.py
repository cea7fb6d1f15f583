"""The suite's scan of its own logs for NIKs (root conftest.py), run on tiny test files in a pytest of their own:
a planted NIK fails its test (also under pytest-xdist, and when a process the test started logged it), with the
number masked; numbers that are not NIKs pass."""

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.servers import PROJECT_ROOT

NIK = "3171015708450001"  # python-stdnum's own example: Jakarta, born 1945-08-17
MASKED = "3171" + "*" * 12

PLANTED = f'''
import logging
import subprocess
import sys

logger = logging.getLogger("planted.registration")


def test_logs_a_nik():
    logger.info("Registered participant with NIK %s", "{NIK}")


def test_logs_a_spaced_nik_in_an_exception():
    try:
        raise ValueError("NIK 31 71 01 570845 0001 is taken")
    except ValueError:
        logger.exception("Could not register")


def test_a_process_it_started_logs_a_nik():
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('planted.worker').warning('sending to %s', '{NIK}')"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
'''

CLEAN = """
import logging

logger = logging.getLogger("clean")


def test_logs_numbers_that_are_not_niks():
    logger.info("Invoice 9971011708450001 (no such province), 3171013002001234 (no 30th of February)")
    logger.info("Card 4111111111111111, phone +6281234500001, masked NIK 3171********0001")
    logger.info("Task succeeded in 0.1746020704041007s")  # a run time's 16 decimals, shaped like a NIK of province 17
    # identifiers whose digits include a valid NIK's: a request id in hex, a task's UUID
    logger.info("[ddabd60e3171015708450001f97360ab] Service Unavailable: /")
    logger.info("Task send_message[31710157-0845-0001-80d8-09a7c6c346a1] received")


def test_logs_nothing():
    assert True
"""


@pytest.fixture
def test_dir() -> Iterator[Path]:
    """A folder inside the project (so pytest loads the root conftest), in var/, which git and the image ignore."""
    path = PROJECT_ROOT / "var" / f"nik-scan-{uuid.uuid4().hex}"
    path.mkdir(parents=True)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def run_pytest(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
    # The outer scan's directory is not the inner run's: the inner pytest names its own.
    environment = {key: value for key, value in os.environ.items() if key != "JAKPRENEUR_LOG_SCAN_DIR"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *map(str, arguments)],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_planted_nik_fails_its_test_and_is_masked_in_the_report(test_dir: Path) -> None:
    (test_dir / "test_planted.py").write_text(PLANTED)
    (test_dir / "test_clean.py").write_text(CLEAN)

    result = run_pytest(test_dir)

    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "3 failed, 2 passed" in output, output
    assert "a NIK-shaped number was logged during call" in output
    for test in ("test_logs_a_nik", "test_logs_a_spaced_nik_in_an_exception", "test_a_process_it_started_logs_a_nik"):
        assert f"FAILED {test_dir.relative_to(PROJECT_ROOT)}/test_planted.py::{test}" in output, output
    assert "planted.registration: Registered participant with NIK " + MASKED in output
    assert "planted.worker" in output  # read from the started process's log file
    assert NIK not in output
    assert "570845" not in output


def test_numbers_that_are_not_niks_pass(test_dir: Path) -> None:
    (test_dir / "test_clean.py").write_text(CLEAN)

    result = run_pytest(test_dir)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_each_xdist_worker_scans_its_own_records(test_dir: Path) -> None:
    (test_dir / "test_planted.py").write_text(PLANTED)
    (test_dir / "test_clean.py").write_text(CLEAN)

    result = run_pytest("-n", "2", test_dir)

    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "3 failed, 2 passed" in output, output
    assert NIK not in output
