#!/usr/bin/env python3
"""Known vulnerabilities in the portal's dependencies (pip-audit), for .ci/run.

Audits the pinned requirement files (requirements.txt, requirements-dev.txt: every line is pinned, so no resolver
runs) and the installed environment (what those pins pulled in, transitively), reading pip-audit's JSON report:

- a dependency with a known vulnerability fails the run (exit 1), naming the package, version, advisory and fix;
- a dependency pip-audit could not check (the vulnerability service unreachable, as on a machine without access
  to PyPI's JSON API or OSV, where every package comes back "could not be audited") is reported loudly and does
  not fail the run: an outage of a third party must not block every change. Set AUDIT_REQUIRE_SERVICE=1 where the
  service is reachable, to fail on that too.

`--report FILE` evaluates a saved report instead of running pip-audit (the tests' recorded samples).
"""

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ("requirements.txt", "requirements-dev.txt")
# pip-audit's own options for every run: JSON, no spinner, short network timeouts (an unreachable service is
# reported in seconds, not after a minute per package).
COMMON = ["--format", "json", "--progress-spinner", "off", "--timeout", "10"]


@dataclass
class Findings:
    vulnerable: list[str] = field(default_factory=list)  # "django 4.2.0: PYSEC-2023-100 (fixed in 4.2.2)"
    unaudited: list[str] = field(default_factory=list)  # "celery: Dependency not found on PyPI ..."
    audited: set[str] = field(default_factory=set)  # the names of the dependencies checked
    errors: list[str] = field(default_factory=list)  # a pip-audit run that gave no report

    def add(self, report: dict[str, Any]) -> None:
        for dependency in report.get("dependencies", []):
            name = dependency.get("name", "?")
            if "skip_reason" in dependency:
                self.unaudited.append(f"{name}: {dependency['skip_reason']}")
                continue
            self.audited.add(name)
            for vulnerability in dependency.get("vulns", []):
                fixes = ", ".join(vulnerability.get("fix_versions") or []) or "no fix released"
                aliases = ", ".join(vulnerability.get("aliases") or [])
                also = f" [{aliases}]" if aliases else ""
                self.vulnerable.append(
                    f"{name} {dependency.get('version', '?')}: {vulnerability.get('id', '?')}{also} (fixed in {fixes})"
                )

    def exit_code(self, *, require_service: bool) -> int:
        if self.vulnerable:
            return 1
        if require_service and (self.unaudited or self.errors):
            return 1
        return 0

    def summary(self, *, require_service: bool) -> str:
        lines = []
        if self.vulnerable:
            lines.append(
                f"FAIL: {len(self.vulnerable)} known vulnerabilit{'y' if len(self.vulnerable) == 1 else 'ies'}:"
            )
            lines += [f"  {entry}" for entry in sorted(set(self.vulnerable))]
        if self.unaudited or self.errors:
            verdict = "FAIL" if require_service else "WARNING (not failing: set AUDIT_REQUIRE_SERVICE=1 to fail)"
            unique = sorted(set(self.unaudited))
            lines.append("!" * 78)
            lines.append(
                f"{verdict}: {len(unique)} dependenc{'y' if len(unique) == 1 else 'ies'} NOT AUDITED"
                f" ({len(self.audited)} audited). Is the vulnerability service reachable?"
            )
            lines += [f"  {entry}" for entry in unique[:10]]
            if len(unique) > 10:
                lines.append(f"  ... and {len(unique) - 10} more")
            lines += [f"  pip-audit gave no report: {error}" for error in self.errors]
            lines.append("!" * 78)
        if not lines:
            lines.append(f"OK: {len(self.audited)} dependencies audited, no known vulnerabilities.")
        return "\n".join(lines)


def run_pip_audit(arguments: list[str]) -> tuple[dict[str, Any] | None, str]:
    """pip-audit's JSON report (None when it gave none) and what it said on stderr."""
    command = [sys.executable, "-m", "pip_audit", *COMMON, *arguments]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603 - our own interpreter and arguments
    try:
        report: dict[str, Any] = json.loads(result.stdout)
    except json.JSONDecodeError:
        return None, (result.stderr.strip().splitlines() or [f"exit code {result.returncode}"])[-1]
    return report, result.stderr


def audit() -> Findings:
    findings = Findings()
    files = [argument for name in REQUIREMENTS for argument in ("--requirement", name)]
    for arguments in (
        [*files, "--disable-pip", "--no-deps"],  # the pins as written
        [],  # the installed environment: the pins' own dependencies too
    ):
        report, stderr = run_pip_audit(arguments)
        if report is None:
            findings.errors.append(stderr)
        else:
            findings.add(report)
    return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--report", type=Path, action="append", help="evaluate this saved pip-audit JSON report")
    options = parser.parse_args(argv)
    require_service = os.environ.get("AUDIT_REQUIRE_SERVICE", "") == "1"
    if options.report:
        findings = Findings()
        for path in options.report:
            findings.add(json.loads(path.read_text()))
    else:
        findings = audit()
    print(findings.summary(require_service=require_service))
    return findings.exit_code(require_service=require_service)


if __name__ == "__main__":
    sys.exit(main())
