"""Weekly target report benchmark: the report's build at a million participants, its time and its peak memory.

    .venv/bin/python bench/report_scale.py                  # 1,000,000 participants' progress
    .venv/bin/python bench/report_scale.py --keep           # reuse the filled database
    .venv/bin/python bench/report_scale.py --rows 50000     # a quick check that it works

Builds its own database (jakpreneur_bench_reports) and fills it as `bench/dashboard_scale.py` does (its `fill`:
four mentors per kecamatan, `--rows` progress rows written by one INSERT ... SELECT over generate_series, the
summary tables recounted by `targets.summary.recount()`, targets at every level, VACUUM ANALYZE), so the two
benchmarks time the same program.

Then builds last week's report `--runs` times through `targets.services.report_build` (what the Monday task and the
page's button call: the figures, the XLSX workbook in openpyxl's write-only mode, the PDF, both stored), each in a
fresh Python process started for it (`--measure`), so its peak memory is the build's own: the process's peak
resident set (VmHWM, Django and WeasyPrint loaded included) and the peak of Python's allocations
during the build (`tracemalloc`). Prints, per run, the time of each part, the SQL queries, the peak memory and the
files' sizes. Goal (issue 11): under 2 minutes and 500 MB. Not part of the suite.
"""

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.dashboard_scale import STAFF_EMAIL, fill  # noqa: E402  (the project root is on the path first)

BENCH_DB = "jakpreneur_bench_reports"
SERVER = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
ENV = {
    "DATABASE_URL": f"{SERVER}/{BENCH_DB}",
    "DJANGO_SETTINGS_MODULE": "jakpreneur.settings.test",
    "PRIVATE_STORAGE_ROOT": str(Path(tempfile.gettempdir()) / "jakpreneur-bench-reports"),
}


def setup_database(rows: int, keep: bool) -> None:
    os.environ.update(ENV)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", BENCH_DB], capture_output=True, check=False)
    import django

    django.setup()
    print(f"migrating {BENCH_DB}")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env={**os.environ}, check=True)
    from targets.models import Progress

    have = Progress.objects.count()
    if keep and have:
        print(f"using the existing {BENCH_DB} with {have:,} progress rows")
        return
    fill(rows)


def peak_rss_mb() -> float:
    """This process's peak resident set: VmHWM, which a new program starts afresh (getrusage's ru_maxrss keeps
    the parent's peak across the exec on Linux), else ru_maxrss."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure() -> dict[str, Any]:
    """One build, in this fresh process: the parts' times, the queries, the peak memory (run as --measure)."""
    os.environ.update(ENV)
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone, translation

    from accounts.models import User
    from targets import reports, services

    staff = User.objects.get(email=STAFF_EMAIL)
    week = services.week_of(timezone.localdate()) - datetime.timedelta(days=7)
    counted_to = week + datetime.timedelta(days=6)
    import weasyprint  # noqa: F401  (loaded before the baseline, as a worker has it loaded)

    baseline_mb = peak_rss_mb()
    parts: dict[str, float] = {}
    with translation.override("id"):
        tracemalloc.start()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            figures = reports.collect(
                week_start=week, counted_to=counted_to, year=counted_to.year, built_at=timezone.now()
            )
        parts["figures"] = time.perf_counter() - started
        path = Path(tempfile.gettempdir()) / "jakpreneur-bench-report.xlsx"
        step = time.perf_counter()
        reports.write_xlsx(figures, path)
        parts["xlsx"] = time.perf_counter() - step
        step = time.perf_counter()
        pdf = reports.write_pdf(figures)
        parts["pdf"] = time.perf_counter() - step
        _current, parts_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        step = time.perf_counter()
        with CaptureQueriesContext(connection) as service_queries:
            report = services.report_build(week_start=week, acting_user=staff)
        parts["report_build (all of it, stored)"] = time.perf_counter() - step
        _current, build_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {
        "parts": parts,
        "queries": len(queries.captured_queries),
        "service_queries": len(service_queries.captured_queries),
        "baseline_mb": baseline_mb,
        "peak_rss_mb": peak_rss_mb(),
        "python_peak_mb": max(parts_peak, build_peak) / 2**20,
        "xlsx_kb": path.stat().st_size / 1024,
        "pdf_kb": len(pdf) / 1024,
        "stored": [report.xlsx.name, report.pdf.name],
        "mentor_rows": len(figures.mentors),
    }


def run(runs: int) -> None:
    from targets.models import GapCount, MeasureCount, Progress

    print(
        f"{Progress.objects.count():,} progress rows, {MeasureCount.objects.count():,} measure counts, "
        f"{GapCount.objects.count():,} gap counts"
    )
    for number in range(1, runs + 1):
        done = subprocess.run(
            [sys.executable, __file__, "--measure"], cwd=ROOT, env={**os.environ}, capture_output=True, text=True
        )
        if done.returncode:
            sys.exit(done.stderr[-3000:])
        result = json.loads(done.stdout.strip().splitlines()[-1])
        parts = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in result["parts"].items())
        print(f"run {number}: {parts}")
        print(
            f"  queries: {result['queries']} for the figures, {result['service_queries']} for the whole build; "
            f"peak RSS {result['peak_rss_mb']:.0f} MB (after loading Django and WeasyPrint "
            f"{result['baseline_mb']:.0f} MB), peak of Python's allocations {result['python_peak_mb']:.1f} MB; "
            f"XLSX {result['xlsx_kb']:.0f} KB, PDF {result['pdf_kb']:.0f} KB; {result['mentor_rows']} mentor lines"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse the filled database")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure()))
        return
    setup_database(args.rows, args.keep)
    run(args.runs)


if __name__ == "__main__":
    main()
