"""Throughput of the production server: gunicorn with deploy/gunicorn.conf.py, behind nginx as deploy/nginx.conf
sets it up, driven from this second process over the loopback.

    .venv/bin/python bench/throughput.py                          # every scenario, through nginx and direct
    .venv/bin/python bench/throughput.py --seconds 10 --via nginx --scenarios bare,landing,home
    .venv/bin/python bench/throughput.py --legacy                 # the Dockerfile's command before issue 12
    .venv/bin/python bench/throughput.py --hasher pbkdf2 --scenarios registration   # the hashing before it
    .venv/bin/python bench/throughput.py --workers 2 --threads 4  # gthread instead of sync workers

Reads the database `bench/generate.py` fills (`--database`, default jakpreneur_bench_program; generate it first).
Starts, each on a spare loopback port: a throwaway redis-server (the broker and cache), gunicorn with the production
settings (`bench.settings`: production plus one bare view, `/bench/ok/`, and the static files collected once into
var/bench-static), and nginx with deploy/nginx.conf where only what cannot run here differs (plain HTTP on the
loopback instead of TLS, its files in a temporary folder, the upstream's port). Every proxy directive is the
deployed one, so requests and responses are buffered as in production.

Scenarios, each bounded by `--seconds` after a short warm-up:
- bare: `HttpResponse("ok")` through the portal's middleware, the framework's ceiling on this server;
- bare-login: the same view as the participant: what any logged-in page pays before its own work (the session
  read, its idle time written once a minute, the user and their second factor checked);
- landing (anonymous), home (a participant with a mentor), caseload (the mentor whose caseload is nearest
  `--caseload`), dashboard (agency staff): GET with wrk, `--connections` open, each logged in through the real
  login form with the generated users' password (bench/program/program.py PASSWORD);
- wizard: accounts made in bulk with sessions, each submitting the wizard's four steps (person with a valid NIK no
  one has, business, documents, review) as POSTs;
- registration: the whole path as a person takes it, `--users` at once: the signup page and form, the confirmation
  link from the outbox, its form (which logs in), then every wizard page and submit, and the home page.

The wizard's and the registration's new accounts and registrations stay in the database (their emails are
wizard-*@bench.id and daftar-*@bench.id; their NIKs are checked against every participant's, so later runs find new
ones); their documents go to a temporary folder removed at the end. Generate the database again for a clean one.

Prints, per scenario: requests per second, p50/p95/p99 in ms, errors, the gunicorn workers' peak memory (VmHWM from
/proc, and Pss: the pages shared with the master counted as a share), workers started during it, the ratio to the
bare view and the issue's target; with the load average beside each, because the machine's two cores are shared.
`--json FILE` writes the same figures. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import io
import itertools
import json
import math
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.support.servers import free_port, stop_process_group, throwaway_redis, wait_until  # noqa: E402

SERVER = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
DATABASE = "jakpreneur_bench_program"
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
NGINX_CONFIG = ROOT / "deploy" / "nginx.conf"
STATIC_ROOT = ROOT / "var" / "bench-static"
HOST = "127.0.0.1"
# The Dockerfile's command before issue 12, with compose's WEB_CONCURRENCY default then (3 workers); gunicorn 27
# would also open a control socket in the home directory, which two servers on one machine would share.
LEGACY_COMMAND = [
    "jakpreneur.wsgi:application",
    "--worker-tmp-dir", "/dev/shm",  # noqa: S108 - the heartbeat file, in memory
    "--access-logfile", "-",
    "--timeout", "60",
    "--graceful-timeout", "30",
    "--max-requests", "1000",
    "--max-requests-jitter", "100",
    "--no-control-socket",
]  # fmt: skip
LEGACY_WORKERS = 3
SCENARIOS = ("bare", "bare-login", "landing", "home", "caseload", "dashboard", "wizard", "registration")
SIGNUP_PASSWORD = "Warung-Kopi-Tebet-88!"  # unlike any generated email (the similarity check refused one)
KTP_SIZE = (1280, 800)  # a phone photo of a KTP, as the documents step receives it

# (what is compared, how, the figure): ratio to the bare view, requests per second, p95 in ms
TARGETS: dict[str, list[tuple[str, str, float]]] = {
    "landing": [("ratio", ">=", 0.5)],
    "home": [("ratio", ">=", 0.25)],
    "caseload": [("ratio", ">=", 0.1)],
    "wizard": [("rps", ">=", 100), ("p95", "<", 300)],
    "registration": [("rps", ">=", 10), ("p95", "<", 1000), ("errors", "<=", 0)],
}

WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK {\\"requests\\": %d, \\"duration_us\\": %d, \\"connect\\": %d, \\"read\\": %d, \\"write\\": %d, " ..
    "\\"status\\": %d, \\"timeout\\": %d, \\"p50\\": %d, \\"p95\\": %d, \\"p99\\": %d}\\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


# --- figures ----------------------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Result:
    scenario: str
    via: str
    requests: int
    seconds: float
    errors: int
    p50: float
    p95: float
    p99: float
    peak_kib: int = 0
    pss_kib: int = 0
    cpu_ms: dict[str, float] = field(default_factory=dict)  # CPU time per counted request, by process group
    workers_seen: int = 0
    load: float = 0.0
    ratio: float | None = None
    note: str = ""
    parts: list[Result] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def capacity(self) -> float:
        """Requests per second if they had every core to themselves: the cores' time over the CPU time one takes
        in gunicorn, PostgreSQL and nginx together. Much steadier than `rps` on a machine others load too."""
        total = sum(self.cpu_ms.values())
        return (os.cpu_count() or 1) * 1000 / total if total else 0.0

    def use(self, usage: Usage) -> None:
        self.peak_kib, self.pss_kib, self.workers_seen = usage.peak_kib, usage.pss_kib, usage.started
        self.cpu_ms = {group: ms / self.requests for group, ms in usage.cpu_ms.items()} if self.requests else {}

    def value(self, name: str) -> float | None:
        return {"rps": self.rps, "p95": self.p95, "errors": self.errors, "ratio": self.ratio}[name]

    def verdict(self) -> str:
        checks = []
        for name, op, target in TARGETS.get(self.scenario, []):
            value = self.value(name)
            met = value is not None and (
                value >= target if op == ">=" else value < target if op == "<" else value <= target
            )
            checks.append(f"{name} {op} {target:g}: {'met' if met else 'MISSED'}")
        return "; ".join(checks)


class Recorder:
    """Timings of named requests from many threads (list.append is atomic under the GIL)."""

    def __init__(self) -> None:
        self.samples: list[tuple[str, float, bool]] = []
        self.failures: list[str] = []
        self.started = time.monotonic()

    def add(self, name: str, ms: float, ok: bool, detail: str = "") -> None:
        self.samples.append((name, ms, ok))
        if not ok and len(self.failures) < 5:
            self.failures.append(f"{name}: {detail}")

    def result(self, scenario: str, via: str, seconds: float, names: set[str] | None = None) -> Result:
        chosen = [(ms, ok) for name, ms, ok in self.samples if names is None or name in names]
        times = [ms for ms, _ok in chosen]
        return Result(
            scenario=scenario,
            via=via,
            requests=len(chosen),
            seconds=seconds,
            errors=sum(1 for _ms, ok in chosen if not ok),
            p50=percentile(times, 50),
            p95=percentile(times, 95),
            p99=percentile(times, 99),
        )

    def by_name(self, scenario: str, via: str, seconds: float) -> list[Result]:
        names = list(dict.fromkeys(name for name, _ms, _ok in self.samples))
        parts = []
        for name in names:
            part = self.result(name, via, seconds, {name})
            parts.append(part)
        return parts


# --- the servers -------------------------------------------------------------------------------------------------


def server_environment(
    database: str, redis_url: str, workdir: Path, *, hasher: str, workers: int | None, threads: int | None
) -> dict[str, str]:
    """Production settings (through bench.settings) with a bench database, a throwaway Redis and the generator's
    NIK keys (the test settings', with which it encrypted the participants' NIKs)."""
    from jakpreneur.settings import test as generated_with

    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"{SERVER}/{database}",
        "REDIS_URL": redis_url,
        "NIK_ENCRYPTION_KEYS": ",".join(generated_with.NIK_ENCRYPTION_KEYS),
        "NIK_HASH_KEY": generated_with.NIK_HASH_KEY,
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "SECURE_SSL_REDIRECT": "false",
        "TRUSTED_PROXIES": HOST,
        "BENCH_STATIC_ROOT": str(STATIC_ROOT),
        "BENCH_PASSWORD_HASHER": hasher,
        "PRIVATE_STORAGE_ROOT": str(workdir / "private"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    for name, value in (("WEB_CONCURRENCY", workers), ("WEB_THREADS", threads)):
        environment.pop(name, None)
        if value:
            environment[name] = str(value)
    return environment


def collect_static(environment: dict[str, str]) -> None:
    """The image's collectstatic, into var/bench-static; skipped while the sources are those it was collected from
    (a minute of compression on two cores)."""
    from django.contrib.staticfiles import finders

    listing = sorted(
        (path, os.stat(storage.path(path)).st_mtime_ns)
        for finder in finders.get_finders()
        for path, storage in finder.list(["CVS", ".*", "*~"])
    )
    stamp = STATIC_ROOT / ".sources"
    fingerprint = json.dumps(listing)
    if stamp.exists() and stamp.read_text() == fingerprint and (STATIC_ROOT / "staticfiles.json").exists():
        return
    print("collecting static files into var/bench-static (once) ...", flush=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=environment, check=True
    )
    stamp.write_text(fingerprint)


@dataclass
class Gunicorn:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def workers(self) -> list[int]:
        """The master's children (its workers) right now."""
        return children(self.process.pid)


@contextmanager
def gunicorn(environment: dict[str, str], *, legacy: bool, workdir: Path) -> Iterator[Gunicorn]:
    port = free_port()
    bind = ["--bind", f"{HOST}:{port}"]
    if legacy:
        argv = [str(Path(sys.executable).parent / "gunicorn"), *LEGACY_COMMAND, *bind]
        environment = {**environment, "WEB_CONCURRENCY": environment.get("WEB_CONCURRENCY", str(LEGACY_WORKERS))}
        environment.pop("WEB_THREADS", None)
    else:
        argv = [str(Path(sys.executable).parent / "gunicorn"), "--config", str(GUNICORN_CONFIG), *bind]
        argv.append("jakpreneur.wsgi:application")
    log = workdir / f"gunicorn-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            argv, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Gunicorn(process, port, log)
    try:

        def ready() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-4000:]}")
            try:
                return fetch(port, "/bench/ok/").status == 200
            except OSError:
                return False

        wait_until(ready, timeout=90, interval=0.3, describe=lambda: log.read_text()[-4000:])
        yield server
    finally:
        stop_process_group(process)


def nginx_config(upstream: int, listen: int, workdir: Path) -> str:
    """deploy/nginx.conf as it runs here: its own files in `workdir`, plain HTTP on the loopback instead of TLS,
    gunicorn's port as the upstream. Each change names the text it replaces, so a changed deploy file stops the
    bench instead of being measured half-applied."""
    text = NGINX_CONFIG.read_text()
    replacements = [
        ("pid /tmp/nginx.pid;", f"pid {workdir}/nginx.pid;"),
        ("access_log /dev/stdout portal;", f"access_log {workdir}/nginx-access.log portal;"),
        ("error_log /dev/stderr warn;", f"error_log {workdir}/nginx-error.log warn;"),
        ("server web:8000;", f"server {HOST}:{upstream};"),
        ("listen 80;", f"listen {HOST}:{free_port()};"),
        ("listen 443 ssl;", f"listen {HOST}:{listen};"),
        ("http2 on;", ""),
        (
            "http {",
            "http {\n"
            + "".join(
                f"    {kind}_temp_path {workdir}/{kind};\n"
                for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
            ),
        ),
    ]
    for old, new in replacements:
        if text.count(old) != 1:
            raise RuntimeError(f"deploy/nginx.conf no longer has exactly one {old!r}: update bench/throughput.py")
        text = text.replace(old, new)
    text, removed = re.subn(r"^\s*ssl_\w+ [^;]*;\n", "", text, flags=re.MULTILINE)
    if not removed:
        raise RuntimeError("deploy/nginx.conf has no ssl_ directives to drop: update bench/throughput.py")
    return text


@contextmanager
def nginx(upstream: int, workdir: Path) -> Iterator[tuple[int, int]]:
    """nginx in front of gunicorn; yields its port and its master's pid."""
    executable = shutil.which("nginx")
    if executable is None:
        raise RuntimeError("nginx is not installed (apt-get install -y nginx), or choose --via direct")
    port = free_port()
    config = workdir / f"nginx-{port}.conf"
    config.write_text(nginx_config(upstream, port, workdir))
    argv = [executable, "-c", str(config), "-p", str(workdir), "-g", "daemon off; user root;"]
    subprocess.run([*argv, "-t", "-q"], check=True)
    log = workdir / f"nginx-{port}.out"
    with log.open("wb") as output:
        process = subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:

        def ready() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"nginx exited:\n{log.read_text()}")
            try:
                return fetch(port, "/bench/ok/").status == 200
            except OSError:
                return False

        wait_until(ready, timeout=20, interval=0.2, describe=log.read_text)
        yield port, process.pid
    finally:
        stop_process_group(process)


TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def cpu_ms(pid: int, *, children: bool = False) -> float:
    """A process's CPU time so far (user and system), with its reaped children's when asked; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime: the workers it has reaped
    return ticks * TICK_MS


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


@dataclass
class Usage:
    peak_kib: int
    pss_kib: int
    started: int
    cpu_ms: dict[str, float]


@dataclass
class Mark:
    peaks: dict[int, int]
    cpu_ms: dict[str, dict[int, float]]


BENCH_BACKENDS: set[int] = set()  # this process's own PostgreSQL backends: the bench's reads are not the server's


def note_backend() -> None:
    """Remember the backend of this thread's database connection as the bench's own."""
    from django.db import connection

    connection.ensure_connection()
    BENCH_BACKENDS.add(connection.connection.info.backend_pid)


class Watch:
    """What the server uses: each worker's VmHWM (its peak resident memory, the pages it shares with the master
    counted whole) and Pss (a shared page counted as its share), sampled every quarter second; and the CPU time
    of gunicorn (master, workers, and the workers it has reaped), of the PostgreSQL backends serving the bench
    database (a backend that exits takes its time with it) and of nginx's workers, read at a mark and after."""

    def __init__(self, server: Gunicorn, proxy: int | None) -> None:
        self.server = server
        self.proxy = proxy
        self.peaks: dict[int, int] = {}
        self.shares: dict[int, int] = {}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopping.wait(0.25):
            self.sample()

    def sample(self) -> None:
        for pid in self.server.workers():
            for path, name, into in (
                (f"/proc/{pid}/status", "VmHWM", self.peaks),
                (f"/proc/{pid}/smaps_rollup", "Pss", self.shares),
            ):
                try:
                    match = re.search(rf"^{name}:\s+(\d+) kB", Path(path).read_text(), re.MULTILINE)
                except OSError:
                    continue
                if match:
                    into[pid] = max(into.get(pid, 0), int(match[1]))

    def cpu(self) -> dict[str, dict[int, float]]:
        """CPU time so far by group and process. gunicorn's is one figure (the master with its reaped workers and
        the live ones), so a worker replaced in between is counted whole, once."""
        from django.db import connection

        note_backend()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            backends = [pid for (pid,) in cursor.fetchall() if pid not in BENCH_BACKENDS]
        usage = {
            "gunicorn": {
                self.server.process.pid: cpu_ms(self.server.process.pid, children=True)
                + sum(cpu_ms(pid) for pid in self.server.workers())
            },
            "postgres": {pid: cpu_ms(pid) for pid in backends},
        }
        if self.proxy is not None:
            usage["nginx"] = {pid: cpu_ms(pid) for pid in children(self.proxy)}
        return usage

    def mark(self) -> Mark:
        self.sample()
        return Mark(dict(self.peaks), self.cpu())

    def since(self, mark: Mark) -> Usage:
        """The highest VmHWM and Pss of the workers that ran since the mark, how many started, the CPU spent."""
        self.sample()
        alive = set(self.server.workers())
        ran = [pid for pid in self.peaks if pid in alive or pid not in mark.peaks]
        now = self.cpu()
        return Usage(
            peak_kib=max((self.peaks[pid] for pid in ran), default=0),
            pss_kib=max((self.shares.get(pid, 0) for pid in ran), default=0),
            started=len(set(self.peaks) - set(mark.peaks)),
            # a process that ended in between took its time with it (a PostgreSQL backend closing): not counted
            cpu_ms={
                group: sum(ms - mark.cpu_ms.get(group, {}).get(pid, 0.0) for pid, ms in times.items() if ms)
                for group, times in now.items()
            },
        )

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join()


# --- HTTP as a browser speaks it ---------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    ms: float

    @property
    def location(self) -> str:
        return urlsplit(self.headers.get("Location", "")).path


def fetch(port: int, path: str) -> Response:
    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        return Response(response.status, response.headers, body, (time.perf_counter() - started) * 1000)
    finally:
        connection.close()


class Browser:
    """One person: a connection kept open while the server allows, and the cookies it was given. Cookies are kept
    by hand: production marks them Secure, and the bench speaks plain HTTP to a server that believes it is behind
    TLS (nginx says so), as the real browser's are behind the real proxy."""

    def __init__(self, port: int, *, secure: bool) -> None:
        self.port = port
        # behind nginx the portal sees the host without the port ($host) and https (X-Forwarded-Proto)
        self.origin = f"https://{HOST}" if secure else f"http://{HOST}:{port}"
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookies: dict[str, str] = {}

    def close(self) -> None:
        self.connection.close()

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str = "") -> Response:
        headers = {"Host": f"{HOST}:{self.port}", "Accept-Language": "id"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if method == "POST":
            headers.update({"Origin": self.origin, "Referer": self.origin + path, "Content-Type": content_type})
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()  # the server closed a kept-alive connection first: once more, anew
                if attempt == 2:
                    raise
        ms = (time.perf_counter() - started) * 1000
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value in ("", '""') or "max-age=0" in cookie.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return Response(response.status, response.headers, data, ms)

    def post(self, path: str, fields: dict[str, Any]) -> Response:
        data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **fields}
        return self.request("POST", path, urlencode(data).encode(), "application/x-www-form-urlencoded")

    def post_files(self, path: str, fields: dict[str, str], files: dict[str, tuple[str, str, bytes]]) -> Response:
        boundary = secrets.token_hex(16)
        parts = []
        for name, value in {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **fields}.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, content_type, content) in files.items():
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            )
            parts.append(head.encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request("POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}")


def log_in(port: int, email: str, password: str, *, secure: bool) -> dict[str, str]:
    """The cookies of a session opened through the real login form."""
    browser = Browser(port, secure=secure)
    try:
        page = browser.request("GET", "/akun/masuk/")
        assert page.status == 200, page.status
        answer = browser.post("/akun/masuk/", {"username": email, "password": password})
        if answer.status == 302 and answer.location == CODE_PAGE:
            answer = browser.post(CODE_PAGE, {"code": second_factor_code(email), "next": "/beranda/"})
        if answer.status != 302:
            raise RuntimeError(f"logging in as {email} answered {answer.status}, not a redirect")
        return dict(browser.cookies)
    finally:
        browser.close()


CODE_PAGE = "/akun/dua-langkah/kode/"


def second_factor_code(email: str) -> str:
    """The code the account's authenticator shows now: staff log in with a second factor; a generated account has
    no authenticator, so it gets one here, as if set up before."""
    from accounts.models import User
    from accounts.two_factor import current_code
    from tests.support.second_factor import authenticator

    return current_code(authenticator(User.objects.get(email=email)))


# --- the program's people ---------------------------------------------------------------------------------------


@dataclass
class People:
    participant: str
    mentor: str
    caseload: int
    agency: str


def choose_people(wanted_caseload: int) -> People:
    """A participant with an approved registration (one with an active mentor when the mentoring stage is
    loaded), the mentor whose caseload is nearest `wanted_caseload`, and the first agency staff member."""
    from django.db.models import Count, Q

    from accounts.models import Role, User
    from mentoring.models import MentorAssignment

    if not User.objects.filter(email="peserta1@bench.id").exists():
        sys.exit("no generated people in this database: run bench/generate.py first")
    mentored = (
        MentorAssignment.objects.filter(active=True)
        .order_by("participant_id")
        .values_list("participant__user__email", flat=True)
    )
    participant = mentored.first() or (
        User.objects.filter(participant__registration__status="approved")
        .order_by("pk")
        .values_list("email", flat=True)
        .first()
    )
    mentors = list(
        User.objects.filter(role=Role.MENTOR, is_active=True)
        .annotate(held=Count("mentee_assignments", filter=Q(mentee_assignments__active=True)))
        .values_list("email", "held")
    )
    mentor, held = min(mentors, key=lambda row: (abs(row[1] - wanted_caseload), row[0]))
    agency = (
        User.objects.filter(role=Role.AGENCY, is_active=True).order_by("pk").values_list("email", flat=True).first()
    )
    assert participant and agency, "the people stage made no approved participant or agency staff"
    return People(participant=participant, mentor=mentor, caseload=held, agency=agency)


@dataclass
class Place:
    kecamatan: int
    kelurahan: int | str
    prefix: str


def places() -> list[Place]:
    from geography.models import Kecamatan, Kelurahan

    first_kelurahan: dict[int, int] = {}
    for kelurahan in Kelurahan.objects.order_by("kecamatan_id", "name"):
        first_kelurahan.setdefault(kelurahan.kecamatan_id, kelurahan.pk)
    return [Place(k.pk, first_kelurahan.get(k.pk, ""), k.nik_prefix) for k in Kecamatan.objects.order_by("code")]


class NikPool:
    """Valid NIKs of women born 1970-1999 in each kecamatan, none of them a participant's already (checked by
    their keyed hash, batch by batch, so runs after runs go on finding new ones)."""

    def __init__(self, where: list[Place]) -> None:
        self.places = where
        self.counter = itertools.count()
        self.ready: list[tuple[str, Place, datetime.date]] = []
        self.lock = threading.Lock()

    def _refill(self) -> None:
        from core.crypto import keyed_hash
        from registration.models import Participant
        from registration.nik import make_nik

        note_backend()
        candidates = []
        for n in itertools.islice(self.counter, 2000):
            place = self.places[n % len(self.places)]
            born = datetime.date(1970, 1, 1) + datetime.timedelta(days=(n // len(self.places)) % 10_950)
            serial = 1 + n // (len(self.places) * 10_950)
            candidates.append((make_nik(district=place.prefix, birth_date=born, sex="F", serial=serial), place, born))
        hashes = {keyed_hash(nik): (nik, place, born) for nik, place, born in candidates}
        taken = set(Participant.objects.filter(nik_hash__in=hashes).values_list("nik_hash", flat=True))
        self.ready.extend(value for key, value in hashes.items() if key not in taken)

    def take(self) -> tuple[str, Place, datetime.date]:
        with self.lock:
            while not self.ready:
                self._refill()
            return self.ready.pop(0)


def ktp_photo() -> bytes:
    """A JPEG the size of a phone's KTP photo, with enough detail to cost what a real one costs to re-encode."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", KTP_SIZE, (40, 90, 160))
    draw = ImageDraw.Draw(image)
    for i in range(0, KTP_SIZE[0], 7):
        draw.line([(i, 0), (KTP_SIZE[0] - i, KTP_SIZE[1])], fill=((i * 7) % 256, (i * 3) % 256, 200), width=2)
    noise = Image.effect_noise(KTP_SIZE, 40).convert("RGB")
    image = Image.blend(image, noise, 0.3)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def person_fields(nik: str, place: Place, born: datetime.date, email: str, n: int) -> dict[str, Any]:
    return {
        "full_name": f"Peserta Baru {n}",
        "nik": nik,
        "birth_date": born.isoformat(),
        "sex": "F",
        "phone": "",
        "email": email,
        "address": f"Jl. Bench No. {n}",
        "kecamatan": place.kecamatan,
        "kelurahan": place.kelurahan,
        "track": "pemula",
        "jakarta_ktp": "True",
        "non_jakarta_basis": "",
        "domicile_since": "",
        "partner_activity": "",
    }


def business_fields(place: Place, n: int) -> dict[str, Any]:
    from django.utils import timezone

    return {
        "name": f"Usaha Baru {n}",
        "sector": "culinary",
        "address": f"Jl. Usaha Bench No. {n}",
        "kecamatan": place.kecamatan,
        "planned_start": f"{timezone.localdate():%Y-%m}",
        "planned_capital": "2500000",
    }


WIZARD = "/pendaftaran/"


def step(name: str) -> str:
    return f"{WIZARD}{name}/"


def expect(recorder: Recorder, name: str, response: Response, status: int, location: str | None = None) -> bool:
    ok = response.status == status and (location is None or response.location == location)
    recorder.add(name, response.ms, ok, "" if ok else explain(response))
    return ok


def explain(response: Response) -> str:
    """A failed answer in a few words: its status, where it sends, and the first errors its page shows."""
    errors = re.findall(
        rb'class="[^"]*(?:invalid-feedback|alert-danger|errorlist)[^"]*"[^>]*>\s*(?:<[^>]+>\s*)*([^<]{1,160})',
        response.body,
    )
    return f"{response.status} {response.location} {[e.decode(errors='replace').strip() for e in errors[:3]]}"


def submit_wizard(
    browser: Browser, recorder: Recorder, pool: NikPool, ktp: bytes, n: int, email: str, *, pages: bool
) -> bool:
    """The wizard's four submits; with `pages`, each step's page first, as a person opens it."""
    nik, place, born = pool.take()
    steps: list[tuple[str, Callable[[], Response], str]] = [
        ("person", lambda: browser.post(step("person"), person_fields(nik, place, born, email, n)), step("business")),
        ("business", lambda: browser.post(step("business"), business_fields(place, n)), step("documents")),
        (
            "documents",
            lambda: browser.post_files(
                step("documents"),
                {},
                {"ktp": ("ktp.jpg", "image/jpeg", ktp), "plan_statement": ("rencana.pdf", "application/pdf", PDF)},
            ),
            step("review"),
        ),
        ("review", lambda: browser.post(step("review"), {}), "/beranda/"),
    ]
    for name, send, following in steps:
        if pages and not expect(recorder, f"GET {name}", browser.request("GET", step(name)), 200):
            return False
        if not expect(recorder, f"POST {name}", send(), 302, following):
            return False
    return True


def confirmation_path(email: str) -> str | None:
    from notifications.models import Message

    note_backend()
    link = (
        Message.objects.filter(template="account_signup_confirm", recipient__email=email)
        .order_by("-pk")
        .values_list("context__link", flat=True)
        .first()
    )
    return urlsplit(link).path if link else None


def register(browser: Browser, recorder: Recorder, pool: NikPool, ktp: bytes, n: int, email: str) -> bool:
    """The whole path of a new participant, from the signup page to the home page after submitting."""
    if not expect(recorder, "GET signup", browser.request("GET", "/akun/daftar/"), 200):
        return False
    signup = browser.post(
        "/akun/daftar/",
        {
            "full_name": f"Peserta Baru {n}",
            "email": email,
            "phone": "",
            "password1": SIGNUP_PASSWORD,
            "password2": SIGNUP_PASSWORD,
        },
    )
    sent = signup.status == 200 and b'name="password1"' not in signup.body
    recorder.add("POST signup", signup.ms, sent, "" if sent else explain(signup))
    path = confirmation_path(email) if sent else None
    if path is None:
        return False
    if not expect(recorder, "GET confirm", browser.request("GET", path), 200):
        return False
    if not expect(recorder, "POST confirm", browser.post(path, {"password": SIGNUP_PASSWORD}), 302, WIZARD):
        return False
    if not expect(recorder, "GET wizard", browser.request("GET", WIZARD), 302, step("person")):
        return False
    if not submit_wizard(browser, recorder, pool, ktp, n, email, pages=True):
        return False
    return expect(recorder, "GET home", browser.request("GET", "/beranda/"), 200)


def wizard_accounts(count: int, run: str) -> list[dict[str, str]]:
    """`count` active entrepreneurs without a registration, each with a session (made in bulk, as a login would
    make it) and a CSRF cookie: the wizard scenario submits steps, it does not log in."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.crypto import get_random_string

    from accounts.models import Role, User

    password = make_password(SIGNUP_PASSWORD)
    users = User.objects.bulk_create(
        [
            User(
                email=f"wizard-{run}-{i}@bench.id", full_name=f"Wizard {i}", role=Role.ENTREPRENEUR, password=password
            )
            for i in range(count)
        ]
    )
    accounts = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "accounts.backends.EmailOrPhoneBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        accounts.append(
            {"sessionid": str(session.session_key), "csrftoken": get_random_string(32), "email": str(user.email)}
        )
    return accounts


def drive(users: int, seconds: float, work: Callable[[int, Callable[[], bool]], None]) -> float:
    """`users` threads calling work(thread, still_running) until `seconds` pass; returns the seconds it took."""
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    threads = [threading.Thread(target=work, args=(i, lambda: time.monotonic() < deadline)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started


# --- the scenarios -----------------------------------------------------------------------------------------------


def wrk(
    port: int, path: str, cookies: dict[str, str], seconds: float, connections: int, script: Path
) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (apt-get install -y wrk)")
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s", "-s", str(script)]
    argv += ["-H", "Accept-Language: id"]
    if cookies:
        argv += ["-H", "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items())]
    output = subprocess.run([*argv, f"http://{HOST}:{port}{path}"], capture_output=True, text=True, check=True).stdout
    line = next((line for line in output.splitlines() if line.startswith("WRK ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no report:\n{output}")
    report: dict[str, Any] = json.loads(line[4:])
    return report


@dataclass
class Bench:
    args: argparse.Namespace
    people: People
    cookies: dict[str, dict[str, str]]
    pool: NikPool
    ktp: bytes
    run: str
    script: Path
    bare: dict[str, float] = field(default_factory=dict)  # requests per second of the bare view, by way in

    def get_page(self, scenario: str, via: str, port: int, watch: Watch) -> Result:
        path, who = {
            "bare": ("/bench/ok/", None),
            "bare-login": ("/bench/ok/", "participant"),  # the same view with a login: its session and user read
            "landing": ("/", None),
            "home": ("/beranda/", "participant"),
            "caseload": ("/pendampingan/", "mentor"),
            "dashboard": ("/dasbor/", "agency"),
        }[scenario]
        cookies = self.cookies[who] if who else {}
        check = Browser(port, secure=via == "nginx")
        check.cookies = dict(cookies)
        first = check.request("GET", path)
        check.close()
        if first.status != 200:
            raise RuntimeError(f"{scenario}: GET {path} answered {first.status} {first.location}, not 200")
        wrk(port, path, cookies, self.args.warmup, self.args.connections, self.script)
        before, load = watch.mark(), os.getloadavg()[0]
        report = wrk(port, path, cookies, self.args.seconds, self.args.connections, self.script)
        usage = watch.since(before)
        errors = sum(report[k] for k in ("connect", "read", "write", "status", "timeout"))
        result = Result(
            scenario=scenario,
            via=via,
            requests=report["requests"],
            seconds=report["duration_us"] / 1e6,
            errors=errors,
            p50=report["p50"] / 1000,
            p95=report["p95"] / 1000,
            p99=report["p99"] / 1000,
            load=max(load, os.getloadavg()[0]),
            note=f"{len(first.body):,} bytes",
        )
        result.use(usage)
        if scenario == "bare":
            self.bare[via] = result.rps
        if scenario == "caseload":
            result.note += f", caseload {self.people.caseload}"
        return result

    def wizard(self, via: str, port: int, watch: Watch) -> Result:
        users, seconds = self.args.users, self.args.seconds
        accounts = wizard_accounts(int(seconds * 50) + 4 * users, f"{self.run}-{via}")
        taken = iter(range(len(accounts)))
        lock = threading.Lock()
        recorder = Recorder()

        def work(_thread: int, running: Callable[[], bool]) -> None:
            while running():
                with lock:
                    n = next(taken, None)
                if n is None:
                    recorder.failures.append("ran out of prepared accounts")
                    return
                account = accounts[n]
                browser = Browser(port, secure=via == "nginx")
                browser.cookies = {"sessionid": account["sessionid"], "csrftoken": account["csrftoken"]}
                submit_wizard(browser, recorder, self.pool, self.ktp, n, account["email"], pages=False)
                browser.close()

        before, load = watch.mark(), os.getloadavg()[0]
        took = drive(users, seconds, work)
        usage = watch.since(before)
        result = recorder.result("wizard", via, took)
        result.parts = recorder.by_name("wizard", via, took)
        result.use(usage)
        result.load = max(load, os.getloadavg()[0])
        result.note = "; ".join(recorder.failures[:3])
        return result

    def registration(self, via: str, port: int, watch: Watch) -> Result:
        counter = itertools.count()
        recorder = Recorder()
        flows: list[tuple[float, bool]] = []

        def work(_thread: int, running: Callable[[], bool]) -> None:
            while running():
                n = next(counter)
                browser = Browser(port, secure=via == "nginx")
                started = time.perf_counter()
                ok = register(browser, recorder, self.pool, self.ktp, n, f"daftar-{self.run}-{via}-{n}@bench.id")
                flows.append(((time.perf_counter() - started) * 1000, ok))
                browser.close()

        before, load = watch.mark(), os.getloadavg()[0]
        took = drive(self.args.users, self.args.seconds, work)
        usage = watch.since(before)
        requests = recorder.result("registration", via, took)
        times = [ms for ms, _ok in flows]
        # the row counts registrations completed; its times and errors are those of every request on the path
        result = Result(
            scenario="registration",
            via=via,
            requests=sum(1 for _ms, ok in flows if ok),
            seconds=took,
            errors=requests.errors,
            p50=requests.p50,
            p95=requests.p95,
            p99=requests.p99,
            load=max(load, os.getloadavg()[0]),
        )
        result.use(usage)
        flow = Result("whole path", via, len(flows), took, 0, *(percentile(times, p) for p in (50, 95, 99)))
        flow.note = "15 requests one after the other, the outbox read between"
        result.parts = [flow, *recorder.by_name("registration", via, took)]
        summary = f"registrations/s; the times are of its {requests.requests:,} requests ({requests.rps:.1f}/s)"
        result.note = "; ".join([summary, *recorder.failures[:3]])
        return result


# --- reporting ---------------------------------------------------------------------------------------------------


def hashing_costs() -> list[tuple[str, float]]:
    """Milliseconds to check one password, median of five, for the hasher before issue 12 and the one after."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from accounts.hashers import OwaspArgon2PasswordHasher

    costs = []
    for hasher in (PBKDF2PasswordHasher(), OwaspArgon2PasswordHasher()):
        encoded = hasher.encode(SIGNUP_PASSWORD, hasher.salt())
        times = []
        for _ in range(5):
            started = time.perf_counter()
            hasher.verify(SIGNUP_PASSWORD, encoded)
            times.append((time.perf_counter() - started) * 1000)
        name = "$".join(encoded.split("$")[:2] if hasher.algorithm.startswith("pbkdf2") else encoded.split("$")[1:4])
        costs.append((name, statistics.median(times)))
    return costs


def row(result: Result, label: str | None = None) -> str:
    ratio = f"{result.ratio:.2f}" if result.ratio is not None else ""
    peak = f"{result.peak_kib / 1024:.0f}" if result.peak_kib else ""
    pss = f"{result.pss_kib / 1024:.0f}" if result.pss_kib else ""
    load = f"{result.load:.2f}" if result.load else ""
    cpu = "+".join(f"{result.cpu_ms[group]:.1f}" for group in CPU_GROUPS if group in result.cpu_ms)
    capacity = f"{result.capacity:.1f}" if result.cpu_ms else ""
    return (
        f"  {label or result.scenario:24} {result.rps:9.1f} {result.p50:8.1f} {result.p95:8.1f} {result.p99:8.1f} "
        f"{result.errors:7d} {peak:>8} {pss:>7} {result.workers_seen or '':>5} {ratio:>6} {load:>5} {cpu:>16} "
        f"{capacity:>7}  {result.note}"
    )


HEADER = (
    f"  {'scenario':24} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'peak MiB':>8} "
    f"{'pss MiB':>7} {'new w':>5} {'/bare':>6} {'load':>5} {'cpu ms g+pg+ngx':>16} {'cap/s':>7}"
)
CPU_GROUPS = ("gunicorn", "postgres", "nginx")
LEGEND = (
    "  peak MiB: the highest VmHWM of a worker; pss MiB: its share; new w: workers started during the run; /bare: "
    "req/s over the bare view's;\n  cpu ms: CPU time per request (per registration for `registration`) in gunicorn, "
    "PostgreSQL and nginx; cap/s: the cores' time over that, the rate if the server had the machine to itself"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--seconds", type=float, default=20.0, help="each scenario's measured time")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of unmeasured load before each GET")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--via", default="nginx,direct", help="nginx, direct or both (comma-separated)")
    parser.add_argument("--connections", type=int, default=8, help="wrk's open connections")
    parser.add_argument("--users", type=int, default=8, help="people at once in the wizard and registration")
    parser.add_argument("--caseload", type=int, default=600, help="the caseload of the mentor whose list is timed")
    parser.add_argument("--legacy", action="store_true", help="the Dockerfile's command before issue 12")
    parser.add_argument("--hasher", choices=("argon2", "pbkdf2"), default="argon2")
    parser.add_argument("--workers", type=int, help="WEB_CONCURRENCY (default: the config's, 2 x cores + 1)")
    parser.add_argument("--threads", type=int, help="WEB_THREADS (more than 1: gthread workers)")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(143))  # stop the servers on the way out
    scenarios = [s for s in args.scenarios.split(",") if s]
    vias = [v for v in args.via.split(",") if v]
    unknown = set(scenarios) - set(SCENARIOS) | set(vias) - {"nginx", "direct"}
    if unknown:
        parser.error(f"unknown: {sorted(unknown)}")
    if "bare" not in scenarios and any(s in TARGETS and TARGETS[s][0][0] == "ratio" for s in scenarios):
        scenarios.insert(0, "bare")  # the ratios need it

    results: list[Result] = []
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-throughput-")))
        redis_server = stack.enter_context(throwaway_redis())
        environment = server_environment(
            args.database, redis_server.url, workdir, hasher=args.hasher, workers=args.workers, threads=args.threads
        )
        os.environ.update({k: v for k, v in environment.items() if k not in ("WEB_CONCURRENCY", "WEB_THREADS")})
        import django

        django.setup()
        from bench.program.program import PASSWORD

        collect_static(environment)
        people = choose_people(args.caseload)
        script = workdir / "report.lua"
        script.write_text(WRK_REPORT)
        costs = hashing_costs()
        server = stack.enter_context(gunicorn(environment, legacy=args.legacy, workdir=workdir))
        ports = {"direct": server.port}
        proxy = None
        if "nginx" in vias:
            ports["nginx"], proxy = stack.enter_context(nginx(server.port, workdir))
        watch = Watch(server, proxy)
        stack.callback(watch.stop)
        first_way = vias[0]
        secure = first_way == "nginx"
        cookies = {
            role: log_in(ports[first_way], email, PASSWORD, secure=secure)
            for role, email in (
                ("participant", people.participant),
                ("mentor", people.mentor),
                ("agency", people.agency),
            )
        }
        from django.db import connection

        connection.close()
        bench = Bench(args, people, cookies, NikPool(places()), ktp_photo(), secrets.token_hex(3), script)
        configuration = (
            "legacy: " + " ".join(LEGACY_COMMAND) if args.legacy else f"{GUNICORN_CONFIG.relative_to(ROOT)}"
        )
        workers = len(server.workers())
        print(
            f"database {args.database}; gunicorn {configuration}; {workers} workers"
            f"{f' x {args.threads} threads' if args.threads and not args.legacy else ''}; {os.cpu_count()} cores; "
            f"participant {people.participant}, mentor {people.mentor} (caseload {people.caseload}), {people.agency}"
        )
        print(
            "password check: "
            + "; ".join(f"{name} {ms:.0f} ms" for name, ms in costs)
            + f" (hasher in use: {args.hasher})"
        )
        print(LEGEND)
        for via in vias:
            print(
                f"\nvia {via} (port {ports[via]}), {args.seconds:g} s each, "
                f"{args.connections} connections / {args.users} people"
            )
            print(HEADER)
            for scenario in scenarios:
                if scenario == "wizard":
                    result = bench.wizard(via, ports[via], watch)
                elif scenario == "registration":
                    result = bench.registration(via, ports[via], watch)
                else:
                    result = bench.get_page(scenario, via, ports[via], watch)
                if via in bench.bare and scenario not in ("bare", "wizard", "registration"):
                    result.ratio = result.rps / bench.bare[via]
                results.append(result)
                print(row(result), flush=True)
                for part in result.parts:
                    print(row(part, f"  {part.scenario}"))
                if scenario in TARGETS:
                    print(f"  {'':24} target: {result.verdict()}")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2))


if __name__ == "__main__":
    main()
