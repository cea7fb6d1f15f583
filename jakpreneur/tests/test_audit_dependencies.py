"""The dependency audit of .ci/run (bin/audit_dependencies.py) on recorded pip-audit reports: a known vulnerability
fails CI; dependencies that could not be audited (this machine reaches neither PyPI's JSON API nor OSV: the
`unreachable` sample is its real output) are reported loudly and fail only where the service is required."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.servers import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "bin" / "audit_dependencies.py"
SAMPLES = Path(__file__).parent / "pip_audit"


def audit(*reports: str, require_service: bool = False) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "AUDIT_REQUIRE_SERVICE"}
    if require_service:
        environment["AUDIT_REQUIRE_SERVICE"] = "1"
    arguments = [argument for name in reports for argument in ("--report", str(SAMPLES / f"{name}.json"))]
    return subprocess.run(
        [sys.executable, str(SCRIPT), *arguments], env=environment, capture_output=True, text=True, check=False
    )


def test_a_known_vulnerability_fails_with_the_package_advisory_and_fix() -> None:
    result = audit("vulnerable")

    assert result.returncode == 1, result.stdout
    assert "FAIL: 1 known vulnerability" in result.stdout
    assert "django 4.2.0: PYSEC-2023-100 [CVE-2023-36053, GHSA-jh3w-4vvf-mjgr] (fixed in 3.2.20, 4.1.10, 4.2.3)" in (
        result.stdout
    )


def test_dependencies_that_could_not_be_audited_warn_loudly_and_pass() -> None:
    result = audit("unreachable")

    assert result.returncode == 0, result.stdout
    assert "WARNING" in result.stdout
    assert "6 dependencies NOT AUDITED (0 audited)" in result.stdout
    assert "django: Dependency not found on PyPI and could not be audited: django (5.2.19)" in result.stdout
    assert "OK" not in result.stdout


def test_a_vulnerability_fails_even_when_other_dependencies_could_not_be_audited() -> None:
    result = audit("unreachable", "vulnerable")

    assert result.returncode == 1
    assert "FAIL: 1 known vulnerability" in result.stdout
    assert "NOT AUDITED" in result.stdout


def test_where_the_service_is_required_an_unaudited_dependency_fails() -> None:
    result = audit("unreachable", require_service=True)

    assert result.returncode == 1
    assert "FAIL: 6 dependencies NOT AUDITED" in result.stdout


@pytest.mark.parametrize("require_service", [False, True])
def test_a_clean_report_passes(require_service: bool) -> None:
    result = audit("clean", require_service=require_service)

    assert result.returncode == 0
    assert result.stdout.strip() == "OK: 2 dependencies audited, no known vulnerabilities."


def test_ci_audits_before_it_runs_the_tests() -> None:
    lines = [line.strip() for line in (PROJECT_ROOT / ".ci" / "run").read_text().splitlines()]

    audit_line = lines.index(".venv/bin/python bin/audit_dependencies.py")
    assert lines.index("exec bin/test") > audit_line
    assert "set +e" not in lines and "|| true" not in lines[audit_line]  # a failed audit stops CI (set -e)


def test_a_pip_audit_run_that_gave_no_report_warns_loudly() -> None:
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    findings = module.Findings(errors=["requests.exceptions.ConnectionError: api.osv.dev"])

    assert findings.exit_code(require_service=False) == 0
    assert findings.exit_code(require_service=True) == 1
    assert "pip-audit gave no report: requests.exceptions.ConnectionError: api.osv.dev" in findings.summary(
        require_service=False
    )
