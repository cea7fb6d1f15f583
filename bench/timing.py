"""Every page and endpoint a user opens, timed on the program `bench/generate.py` fills, next to the best
hand-written SQL for the same answer.

    .venv/bin/python bench/timing.py                          # every page, 20 requests each
    .venv/bin/python bench/timing.py --database jakpreneur_bench_small --runs 10
    .venv/bin/python bench/timing.py --only "mentor: caseload" --only admin   # a subset (names or parts of them)
    .venv/bin/python bench/timing.py --explain "mentor: caseload"   # the plans of its slowest queries and of its SQL
    .venv/bin/python bench/timing.py --markdown               # the table as markdown, for bench/README.md
    .venv/bin/python bench/timing.py --list                   # the pages, their users and URLs; nothing timed
    .venv/bin/python bench/timing.py --check                  # EXPLAIN every pick and best SQL (a quick lint)
    .venv/bin/python bench/timing.py --exports                # every export list and the weekly report, full size

Reads the database as it is (it writes only what the pages write themselves: sessions, access-log rows, "viewed"
events; the API is read with the generator's own keys, `--seed` giving their secrets, and a key it cannot match
is replaced by one issued for the same agreement and revoked at the end), with `jakpreneur.settings.test`
(DEBUG off), through Django's test client: each role's user is logged in with `force_login`, chosen by asking the
data (the pages' table is `bench/timing_pages.py` and the `timing_*` modules by area). Each page gets a warm-up
request, then `--runs` requests, the pages taking turns so that every page sees the same machine; every answer
must be 200. For each page: the median and 95th percentile of the server time (the test client's request, the
body read), its SQL query count (the most repeated statement shape too: a page that asks once per row shows it),
and its best SQL (one or a few statements a person would write with the existing indexes, giving the rows, counts
and figures the page shows) run through a raw psycopg2 connection right after it, its median, and the ratio.
Verdict (issue 12): the median under 100 ms, and at most 3 times the best SQL or the best SQL plus 30 ms,
whichever is larger; the API's deep page within 1.2 times its first. Then the routes no page covers.

`--exports` builds each registered export list (`exports.registry`) at its widest scope, in CSV and XLSX, through
`exports.services.export_start` (a list above EXPORT_SYNC_MAX_ROWS is written by its task, eager here), and the
weekly report (`targets.services.report_build`), each in a fresh process: seconds and peak resident set (VmHWM)
against the issue's goal, under 2 minutes and 500 MB each.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import datetime
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.support import logged_in  # noqa: E402  (the project root is on the path first)
from bench.timing_pages import PAGE_SIZE, Page, all_pages, not_timed  # noqa: E402

SERVER = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
DATABASE = "jakpreneur_bench_program"
TARGET_MS = 100.0  # every page's median
TIMES_SQL = 3.0  # at most this many times its best SQL ...
PLUS_SQL_MS = 30.0  # ... or the best SQL plus this, whichever is larger
DEEP_RATIO = 1.2  # the API's deep page against its first
EXPORT_SECONDS = 120.0
EXPORT_MB = 500.0
REPEATED = 5  # a statement shape run this often in one request is asked per row (N+1)
EXPLAINED = 3  # the slowest queries of a page shown with --explain
SHOWN = 240  # characters of each query listed with --explain
PROFILED = 60  # functions listed each way with --profile
SQL_TIMEOUT_S = 120  # a best SQL's statement timeout


def setup(database: str) -> str:
    """Points Django at the database (the test settings: DEBUG off) and returns its URL."""
    url = f"{SERVER}/{database}"
    os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "jakpreneur.settings.test"})
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    assert not settings.DEBUG, "timed with DEBUG off"
    # connections kept between requests and checked at each one's first query, as production keeps them
    # (jakpreneur/settings/production.py); the test settings reconnect for every request, a new backend with cold
    # caches each time (the participant's home measured 42 ms so, 27 ms kept)
    connections["default"].settings_dict.update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)
    return url


# --- a page against the data ---------------------------------------------------------------------------------


@dataclasses.dataclass
class Ready:
    """A page with its object chosen: the path and query string to request, the best SQL's parameters."""

    page: Page
    login: tuple[str, Any]  # ("user", id), ("key", PartnerKey id) or ("public", None)
    path: str
    query: dict[str, str]
    params: dict[str, Any]


@dataclasses.dataclass
class Timing:
    page_ms: list[float] = dataclasses.field(default_factory=list)
    sql_ms: list[float] = dataclasses.field(default_factory=list)
    queries: list[int] = dataclasses.field(default_factory=list)
    repeated: int = 0  # the most runs of one statement shape in one request
    sql_rows: int = 0


def standard_params() -> dict[str, Any]:
    from django.conf import settings
    from django.utils import timezone

    today = timezone.localdate()
    return {
        "today": today,
        "now": timezone.now(),
        "month": today.replace(day=1),
        "year": today.year,
        "tz": settings.TIME_ZONE,
        "rows": PAGE_SIZE + 1,  # a page of core.pagination.paginate and the row that says another follows
    }


def pick(page: Page) -> dict[str, Any] | None:
    """The row of the page's pick (its user and objects), or None when the data has none."""
    from django.db import connection

    if not page.pick:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(page.pick, standard_params())
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([c.name for c in cursor.description], row, strict=True))


def cursor_param(position: Any) -> str:
    """The cursor DRF's CursorPagination gives for the page after the row at `position` (the value of the list's
    first ordering field): base64 of `p=<position>` (core.api.CursorPagination, as bench/api_deep_page.py)."""
    return base64.b64encode(urlencode({"p": str(position)}).encode("ascii")).decode("ascii")


def has_rows(table: str) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
        return bool(cursor.fetchone()[0])


def prepare(page: Page) -> Ready | None:
    if not all(has_rows(table) for table in page.needs):
        return None
    values = pick(page)
    if values is None:
        return None
    if values.get("user") is not None:
        login: tuple[str, Any] = ("user", values["user"])
    elif values.get("key") is not None:
        login = ("key", values["key"])
    else:
        login = ("public", None)
    used = set(re.findall(r"\{([a-z_]+)\}", page.url + "".join(page.params.values())))
    if any(values.get(name) is None for name in used):
        return None  # the object the URL names is missing from the data
    text = {name: str(value) for name, value in values.items()}
    query = {name: value.format(**text) for name, value in page.params.items()}
    if page.deep:
        if values.get(page.deep) is None:
            return None
        query["cursor"] = cursor_param(values[page.deep])
    return Ready(page, login, page.url.format(**text), query, {**standard_params(), **values})


class Clients:
    """One test client per account (force_login), per API key, and one without a login. A key the generator did
    not make is replaced by one issued for the same agreement (its secret is known only to its holder); the keys
    issued are revoked at the end."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.clients: dict[tuple[str, Any], Any] = {}
        self.issued: list[Any] = []

    def get(self, login: tuple[str, Any]) -> Any:
        from django.test import Client

        if login not in self.clients:
            kind, value = login
            if kind == "user":
                from accounts.models import User

                client = logged_in(Client(), User.objects.get(pk=value))
            elif kind == "key":
                client = Client(HTTP_AUTHORIZATION=f"Api-Key {self.secret(value)}")
            else:
                client = Client()
            self.clients[login] = client
        return self.clients[login]

    def secret(self, key_id: str) -> str:
        """The key to send for a stored key: the generator's (`bench.program.partners.raw_key` of the seed and
        the prefix) when it matches the stored hash, else a new key issued for the same agreement."""
        from bench.program.partners import raw_key
        from partners import services
        from partners.models import PartnerKey

        key = PartnerKey.objects.select_related("agreement").get(pk=key_id)
        generated = raw_key(self.seed, key.prefix)
        if key.is_valid(generated):
            return generated
        new, secret = services.key_issue(
            agreement=key.agreement, name="bench timing", kind=key.kind, expires_at=None, acting_user=self.staff()
        )
        self.issued.append(new)
        return secret

    @staticmethod
    def staff() -> Any:
        from accounts.models import User

        return User.objects.filter(role="agency", is_active=True, is_staff=True).order_by("pk").first()

    def close(self) -> None:
        from partners import services

        staff = self.staff()
        for key in self.issued:
            services.key_revoke(key=key, acting_user=staff)


def request(client: Any, ready: Ready) -> tuple[float, int, list[dict[str, str]], bytes]:
    """One request: its milliseconds (the body read), status, captured queries and body."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()  # the log keeps 9,000 queries: a full one would capture none
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(ready.path, ready.query)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        response.close()
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, response.status_code, list(captured.captured_queries), body


SHAPE_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")


def most_repeated(queries: list[dict[str, str]]) -> int:
    """How often the most frequent statement shape (literals taken out) ran in one request."""
    shapes = Counter(SHAPE_LITERALS.sub("?", q["sql"]) for q in queries)
    return max(shapes.values(), default=0)


def run_sql(cursor: Any, ready: Ready) -> tuple[float, int]:
    """The page's best SQL, each statement executed and fetched: milliseconds and rows."""
    rows = 0
    started = time.perf_counter()
    for statement in ready.page.sql:
        cursor.execute(statement, ready.params)
        if cursor.description is not None:
            rows += len(cursor.fetchall())
    return (time.perf_counter() - started) * 1000, rows


def sql_connection(url: str) -> Any:
    import psycopg2
    from django.conf import settings

    # the session options the portal's own connections take (jakpreneur.settings.base.database: JIT off)
    connection = psycopg2.connect(url, **settings.DATABASES["default"].get("OPTIONS", {}))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE %s", [settings.TIME_ZONE])
        # a best SQL slower than this is wrong, not best: it fails the run rather than hold it
        cursor.execute("SET statement_timeout = %s", [f"{SQL_TIMEOUT_S}s"])
    return connection


# --- the run -------------------------------------------------------------------------------------------------


def choose(pages: list[Page], only: list[str]) -> list[Page]:
    if not only:
        return pages
    wanted = [w.lower() for w in only]
    chosen = [p for p in pages if any(w == p.name.lower() or w in p.name.lower() for w in wanted)]
    if not chosen:
        sys.exit(f"no page is named like {only}; see --list")
    return chosen


def time_pages(readies: list[Ready], runs: int, url: str, seed: int) -> tuple[dict[str, Timing], list[str]]:
    """Warm-up, then `runs` rounds, each page once per round followed by its best SQL. Returns the timings and the
    failures (a page answering anything but 200, or a best SQL that fails: each named)."""
    clients = Clients(seed)
    timings = {r.page.name: Timing() for r in readies}
    failures: list[str] = []
    connection = sql_connection(url)
    try:
        live = []
        for ready in readies:
            try:
                elapsed, status, queries, body = request(clients.get(ready.login), ready)
            except Exception as exc:  # a page that raises is a failure of the run, named with its error
                failures.append(f"{ready.page.name}: GET {ready.path} raised {type(exc).__name__}: {exc}")
                continue
            if status != 200:
                excerpt = body[:300].decode("utf-8", "replace").replace("\n", " ")
                failures.append(
                    f"{ready.page.name}: GET {ready.path} {ready.query or ''} answered {status}: {excerpt}"
                )
                continue
            try:
                with connection.cursor() as cursor:
                    run_sql(cursor, ready)
            except Exception as exc:
                failures.append(f"{ready.page.name}: its best SQL failed: {type(exc).__name__}: {exc}".strip())
                continue
            live.append(ready)
        for number in range(1, runs + 1):
            sys.stderr.write(f"\r  round {number}/{runs}, {len(live)} pages")
            sys.stderr.flush()
            for ready in live:
                timing = timings[ready.page.name]
                elapsed, status, queries, _body = request(clients.get(ready.login), ready)
                if status != 200:
                    failures.append(f"{ready.page.name}: answered {status} in round {number}")
                timing.page_ms.append(elapsed)
                timing.queries.append(len(queries))
                timing.repeated = max(timing.repeated, most_repeated(queries))
                with connection.cursor() as cursor:
                    sql_ms, rows = run_sql(cursor, ready)
                timing.sql_ms.append(sql_ms)
                timing.sql_rows = rows
        sys.stderr.write("\n")
    finally:
        connection.close()
        clients.close()
    return {name: t for name, t in timings.items() if t.page_ms}, failures


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


@dataclasses.dataclass
class Row:
    name: str
    who: str
    median: float
    p95: float
    queries: str
    repeated: int
    sql: float
    sql_rows: int
    ratio: float
    verdict: str


def verdict(page_ms: float, sql_ms: float, repeated: int) -> str:
    allowed = max(TIMES_SQL * sql_ms, sql_ms + PLUS_SQL_MS)
    problems = []
    if page_ms >= TARGET_MS:
        problems.append("SLOW")
    if page_ms > allowed:
        problems.append("OVER SQL")
    if repeated >= REPEATED:
        problems.append(f"N+1? x{repeated}")
    return ", ".join(problems) or "ok"


def rows_of(readies: list[Ready], timings: dict[str, Timing]) -> list[Row]:
    rows = []
    for ready in readies:
        timing = timings.get(ready.page.name)
        if timing is None:
            continue
        median, sql = statistics.median(timing.page_ms), statistics.median(timing.sql_ms)
        low, high = min(timing.queries), max(timing.queries)
        rows.append(
            Row(
                name=ready.page.name,
                who=ready.page.who,
                median=median,
                p95=p95(timing.page_ms),
                queries=str(low) if low == high else f"{low}-{high}",
                repeated=timing.repeated,
                sql=sql,
                sql_rows=timing.sql_rows,
                ratio=median / sql if sql else float("inf"),
                verdict=verdict(median, sql, timing.repeated),
            )
        )
    return rows


COLUMNS = ("page", "who", "median ms", "p95 ms", "queries", "best SQL ms", "SQL rows", "ratio", "verdict")


def cells(row: Row) -> list[str]:
    return [
        row.name,
        row.who,
        f"{row.median:.1f}",
        f"{row.p95:.1f}",
        row.queries,
        f"{row.sql:.2f}",
        f"{row.sql_rows:,}",
        f"{row.ratio:.1f}x",
        row.verdict,
    ]


def print_table(rows: list[Row], markdown: bool) -> None:
    table = [cells(row) for row in rows]
    if markdown:
        print("| " + " | ".join(COLUMNS) + " |")
        print("|" + "|".join("---" if i < 2 else "---:" for i in range(len(COLUMNS) - 1)) + "|---|")
        for line in table:
            print("| " + " | ".join(c.replace("|", "\\|") for c in line) + " |")
        return
    widths = [max(len(c), *(len(line[i]) for line in table)) if table else len(c) for i, c in enumerate(COLUMNS)]
    print("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(COLUMNS, widths, strict=True))))
    for line in table:
        print(
            "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True)))
        )


def print_deep_pages(readies: list[Ready], rows: list[Row]) -> None:
    by_name = {row.name: row for row in rows}
    pairs = [(r.page, by_name.get(r.page.first), by_name.get(r.page.name)) for r in readies if r.page.first]
    if not pairs:
        return
    print("\nAPI deep pages against their first (goal: at most 1.2x):")
    for page, first, deep in pairs:
        if first is None or deep is None:
            print(f"  {page.name}: not both timed")
            continue
        ratio = deep.median / first.median
        print(
            f"  {page.name}: {deep.median:.1f} ms against {first.median:.1f} ms, {ratio:.2f}x"
            f" {'ok' if ratio <= DEEP_RATIO else 'OVER'}"
        )


def summary(rows: list[Row]) -> None:
    missed = [row for row in rows if row.verdict != "ok"]
    print(
        f"\n{len(rows)} pages timed; {len(rows) - len(missed)} meet the goal"
        f" (median under {TARGET_MS:.0f} ms and at most max({TIMES_SQL:.0f} x SQL, SQL + {PLUS_SQL_MS:.0f} ms)),"
        f" {len(missed)} do not" + (":" if missed else ".")
    )
    for row in missed:
        print(f"  {row.name}: {row.median:.1f} ms, best SQL {row.sql:.2f} ms, {row.queries} queries: {row.verdict}")


# --- coverage: the routes no page covers -------------------------------------------------------------------


def allowed_methods(callback: Any) -> list[str] | None:
    """The methods a view's require_http_methods decorator lets through (read from its closure), or None when
    it has none."""
    seen: set[int] = set()
    stack = [callback]
    while stack:
        function = stack.pop()
        if id(function) in seen:
            continue
        seen.add(id(function))
        for cell in getattr(function, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if isinstance(value, list | tuple) and value and all(isinstance(v, str) and v.isupper() for v in value):
                return list(value)
            if callable(value):
                stack.append(value)
        wrapped = getattr(function, "__wrapped__", None)
        if wrapped is not None:
            stack.append(wrapped)
    return None


def routes() -> list[tuple[str, str, Any]]:
    """Every named route: (name, pattern, view); of the admin only its index and the changelists."""
    from django.urls import URLResolver, get_resolver

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Any:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(n for n in (namespace, pattern.namespace) if n)
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif pattern.name:
                yield (
                    ":".join(n for n in (namespace, pattern.name) if n),
                    prefix + str(pattern.pattern),
                    pattern.callback,
                )

    found = []
    for name, pattern, callback in walk(get_resolver().url_patterns, "/", ""):
        if name.startswith("admin:") and not (name == "admin:index" or name.endswith("_changelist")):
            continue
        found.append((name, pattern, callback))
    return found


def route_of(path: str) -> str | None:
    from django.urls import Resolver404, resolve

    try:
        return resolve(path.split("?")[0]).view_name
    except Resolver404:
        return None


def covered_route(page: Page) -> str | None:
    """The route a page's URL reaches, its placeholders filled with a number, then with a UUID."""
    for sample in ("1", "00000000-0000-0000-0000-000000000001", "x"):
        name = route_of(re.sub(r"\{[a-z_]+\}", sample, page.url))
        if name is not None:
            return name
    return None


def print_coverage(pages: list[Page]) -> None:
    covered = {covered_route(page) for page in pages}
    reasons = not_timed()
    gaps, post_only, on_purpose = [], [], []
    for name, pattern, callback in routes():
        if name in covered:
            continue
        methods = allowed_methods(callback)
        if name in reasons:
            on_purpose.append(f"{name} ({pattern}): {reasons[name]}")
        elif methods is not None and "GET" not in methods:
            post_only.append(name)
        else:
            gaps.append(f"{name} ({pattern})")
    print(f"\nRoutes no timed page covers ({len(gaps)}):")
    for line in gaps:
        print(f"  {line}")
    print(f"Not timed on purpose ({len(on_purpose)}):")
    for line in on_purpose:
        print(f"  {line}")
    print(f"POST only, not pages ({len(post_only)}): {', '.join(post_only)}")


# --- EXPLAIN -------------------------------------------------------------------------------------------------


AUDIT_CONTEXT = re.compile(r"^\s*SELECT set_config\('pghistory\.context_id'.*?\);\s*", re.S)
SERVER_CURSOR = re.compile(r"^\s*DECLARE \S+ NO SCROLL CURSOR WITH(?:OUT)? HOLD FOR ", re.S)


def explainable(sql: str) -> str:
    """The SELECT of a captured statement ("" for a write): without the audit context set before it (pghistory) or
    the server-side cursor around it (a queryset's iterator)."""
    sql = SERVER_CURSOR.sub("", AUDIT_CONTEXT.sub("", sql))
    return sql if sql.lstrip().upper().startswith(("SELECT", "WITH", "(")) else ""


def explain(readies: list[Ready], url: str, seed: int) -> None:
    """The page's slowest queries, captured from one request, and its best SQL, each with EXPLAIN (ANALYZE,
    BUFFERS), run in a transaction that is rolled back."""
    clients = Clients(seed)
    connection = sql_connection(url)
    connection.autocommit = False
    try:
        for ready in readies:
            client = clients.get(ready.login)
            request(client, ready)  # warm
            elapsed, status, queries, _body = request(client, ready)
            print(f"\n=== {ready.page.name}: GET {ready.path} {ready.query or ''}")
            print(f"{elapsed:.1f} ms, status {status}, {len(queries)} queries:")
            for query in queries:
                print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:SHOWN]}")
            statements = [(float(q["time"]), explainable(q["sql"])) for q in queries]
            slowest = sorted((s for s in statements if s[1]), key=lambda s: -s[0])[:EXPLAINED]
            with connection.cursor() as cursor:
                for number, (seconds, sql) in enumerate(slowest, 1):
                    print(f"\n--- page query {number} ({seconds * 1000:.1f} ms):\n{sql}")
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                    print("\n".join(f"  {line}" for (line,) in cursor.fetchall()))
                for number, statement in enumerate(ready.page.sql, 1):
                    print(f"\n--- best SQL {number}:\n{cursor.mogrify(statement, ready.params).decode()}")
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", ready.params)
                    print("\n".join(f"  {line}" for (line,) in cursor.fetchall()))
            connection.rollback()
    finally:
        connection.close()
        clients.close()


def profile(readies: list[Ready], runs: int, seed: int) -> None:
    """Where a page's Python time goes: cProfile over `runs` requests after a warm-up, the functions by their own
    time, then by their time with what they call."""
    import cProfile
    import pstats

    clients = Clients(seed)
    try:
        for ready in readies:
            client = clients.get(ready.login)
            request(client, ready)  # warm
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(runs):
                request(client, ready)
            profiler.disable()
            print(f"\n=== {ready.page.name}: GET {ready.path} {ready.query or ''}, {runs} requests")
            stats = pstats.Stats(profiler, stream=sys.stdout)
            stats.sort_stats("tottime").print_stats(PROFILED)
            stats.sort_stats("cumulative").print_stats(PROFILED)
    finally:
        clients.close()


# --- checking the SQL without the data --------------------------------------------------------------------


def check(pages: list[Page], url: str) -> int:
    """EXPLAIN every page's pick and best SQL (a pick without a row gives NULL parameters), so a column or table
    that moved shows before a long run; returns the number of failures."""
    connection = sql_connection(url)
    connection.autocommit = False
    failures = 0
    try:
        with connection.cursor() as cursor:
            for page in pages:
                params = standard_params()
                try:
                    if page.pick:
                        cursor.execute(f"SELECT * FROM ({page.pick}) picked LIMIT 1", params)
                        row = cursor.fetchone()
                        names = [c.name for c in cursor.description]
                        params |= dict(zip(names, row, strict=True)) if row else dict.fromkeys(names)
                    for statement in page.sql:
                        cursor.execute(f"EXPLAIN {statement}", params)
                except Exception as exc:
                    failures += 1
                    print(f"{page.name}: {type(exc).__name__}: {str(exc).strip()}")
                connection.rollback()
    finally:
        connection.close()
    print(f"{len(pages)} pages checked, {failures} failed")
    return failures


# --- exports and the weekly report, each in a fresh process ------------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM: a new program starts it afresh)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def build_one(job: str) -> dict[str, Any]:
    """One export (`list:format`) or the weekly report (`report`), in this fresh process."""
    from django.core.files.storage import default_storage
    from django.db import connection
    from django.http import QueryDict
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone, translation

    from accounts.models import User
    from bench.timing_exports import SCOPES

    if job == "report":
        from targets import services as targets_services

        staff = Clients.staff()
        week = targets_services.week_of(timezone.localdate()) - datetime.timedelta(days=7)
        started = time.perf_counter()
        with translation.override("id"), CaptureQueriesContext(connection) as queries:
            report = targets_services.report_build(week_start=week, acting_user=staff)
        seconds = time.perf_counter() - started
        return {
            "seconds": seconds,
            "mb": peak_rss_mb(),
            "rows": None,
            "queries": len(queries),
            "note": report.pdf.name,
        }
    from exports import services
    from exports.models import Status

    name, fmt = job.split(":")
    scope = pick(Page(name=name, who="", url="", sql=(), pick=SCOPES[name]))
    if scope is None:
        return {"missing": True}
    user = User.objects.get(pk=scope.pop("user"))
    params = QueryDict(mutable=True)
    for key, value in scope.items():
        params[key] = str(value)
    started = time.perf_counter()
    with translation.override(user.language), CaptureQueriesContext(connection) as queries:
        export = services.export_start(list_name=name, params=params, fmt=fmt, acting_user=user)
        if export.status == Status.DIRECT:  # what the view streams: written here to a temporary file
            with tempfile.TemporaryFile() as out:
                rows = services.write_file(
                    services.list_of(name), fmt=fmt, out=out, user=user, params=services.params_of(export)
                )
                size = out.tell()
        else:
            export.refresh_from_db()
            if export.status != Status.READY:
                raise RuntimeError(f"the export {export.pk} ended {export.status}")
            rows, size = export.row_count, export.file.size
            default_storage.delete(export.file.name)  # the measurement's file is not kept
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "mb": peak_rss_mb(),
        "rows": rows,
        "queries": len(queries),
        "note": f"{export.status}, {size / 2**20:.1f} MB file, by {user.role}",
    }


def run_builds(database: str) -> None:
    from bench.timing_exports import SCOPES
    from exports import registry

    jobs = [f"{name}:{fmt}" for name in sorted(registry.registered()) for fmt in ("csv", "xlsx")] + ["report"]
    missing = sorted(set(registry.registered()) - set(SCOPES))
    if missing:
        print(f"export lists without a scope in bench/timing_exports.py: {', '.join(missing)}")
        jobs = [job for job in jobs if job.split(":")[0] not in missing]
    print(f"{'build':42} {'seconds':>8} {'peak MB':>8} {'rows':>10} {'queries':>8}  verdict")
    for job in jobs:
        done = subprocess.run(
            [sys.executable, __file__, "--database", database, "--build-one", job],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            print(f"{job:42} FAILED: {done.stderr.strip()[-1500:]}")
            continue
        result = json.loads(done.stdout.strip().splitlines()[-1])
        if result.get("missing"):
            print(f"{job:42} no data")
            continue
        ok = result["seconds"] < EXPORT_SECONDS and result["mb"] < EXPORT_MB
        rows = "" if result["rows"] is None else f"{result['rows']:,}"
        print(
            f"{job:42} {result['seconds']:8.1f} {result['mb']:8.0f} {rows:>10} {result['queries']:8d}  "
            f"{'ok' if ok else 'OVER'} ({result['note']})"
        )


# --- main ----------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--seed", type=int, default=1, help="the generator's seed (its API keys' secrets)")
    parser.add_argument("--runs", type=int, default=20, help="requests timed per page, after one warm-up")
    parser.add_argument("--only", action="append", default=[], help="a page's name or part of it (repeatable)")
    parser.add_argument("--explain", action="append", default=[], help="EXPLAIN a page's queries and best SQL")
    parser.add_argument("--profile", action="append", default=[], help="cProfile a page's requests (--runs of them)")
    parser.add_argument("--markdown", action="store_true", help="print the table as markdown")
    parser.add_argument("--list", action="store_true", help="list the pages with their users and URLs")
    parser.add_argument("--check", action="store_true", help="EXPLAIN every pick and best SQL, nothing timed")
    parser.add_argument("--exports", action="store_true", help="build every export list and the weekly report")
    parser.add_argument("--build-one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = setup(args.database)
    if args.build_one:
        print(json.dumps(build_one(args.build_one), default=str))
        return
    print(f"{args.database}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.exports:
        run_builds(args.database)
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        return
    pages = all_pages()
    chosen = choose(pages, args.explain or args.profile or args.only)
    if args.check:
        sys.exit(1 if check(chosen, url) else 0)
    readies, missing = [], []
    for page in chosen:
        ready = prepare(page)
        if ready is None:
            missing.append(page.name)
        else:
            readies.append(ready)
    for name in missing:
        print(f"no data: {name}")
    if args.list:
        for ready in readies:
            query = f"?{urlencode(ready.query)}" if ready.query else ""
            print(
                f"{ready.page.name:48} {ready.page.who:12} {ready.login[0]} {ready.login[1]!s:>8}  {ready.path}{query}"
            )
        return
    if args.explain:
        explain(readies, url, args.seed)
        return
    if args.profile:
        profile(readies, args.runs, args.seed)
        return
    started = time.monotonic()
    timings, failures = time_pages(readies, args.runs, url, args.seed)
    rows = rows_of(readies, timings)
    print_table(rows, args.markdown)
    print_deep_pages(readies, rows)
    summary(rows)
    if not args.only:
        print_coverage(pages)
    print(
        f"\n{args.runs} runs a page in {time.monotonic() - started:.0f} s;"
        f" load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    if failures:
        print(f"\nFAILED ({len(failures)}):")
        for line in failures:
            print(f"  {line}")
        sys.exit(1)


if __name__ == "__main__":
    main()
