"""Throwaway servers for fault tests: a private redis-server on a spare port, a real Celery worker, an SMTP sink
that records every email it is handed, a private PostgreSQL cluster and the portal under gunicorn.

Nothing here touches the machine's Redis on 6379; every process started here is stopped on exit.
A test that lets a worker read its rows must commit them: mark it `django_db(transaction=True)` (the root
conftest reloads the kecamatan that the flush ending such a test wipes).

    with throwaway_redis() as redis_server, celery_broker(redis_server.url):
        redis_server.stop()            # the broker is down
        ...                            # code under test publishes and must cope
        redis_server.start()           # same port again
        redis_server.pause()           # or hung: SIGSTOP, connections accepted but never answered
        redis_server.resume()          # SIGCONT
        with celery_worker(broker_url=redis_server.url, database_url=current_database_url(), beat=True) as worker:
            wait_until(lambda: ..., timeout=30, describe=worker.log)

A process started here can run under settings of its own: `settings={...}` writes a module that imports the
given settings module and sets those names (plain values: strings, numbers, dicts of them).
"""

import email
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MACHINE_REDIS_PORT = 6379


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def wait_until(
    predicate: Callable[[], bool],
    *,
    timeout: float,
    interval: float = 0.1,
    describe: Callable[[], str] | None = None,
) -> None:
    """Poll until predicate() is true; raise TimeoutError (with describe() appended) after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return
        if time.monotonic() >= deadline:
            detail = f"\n{describe()}" if describe else ""
            raise TimeoutError(f"condition not met within {timeout:.1f}s{detail}")
        time.sleep(interval)


def stop_process_group(process: subprocess.Popen[bytes], *, grace: float = 15.0) -> None:
    """SIGTERM the process group started for `process`, then SIGKILL it if it is still there after `grace`."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        process.wait(timeout=5)


class RedisServer:
    """A redis-server without persistence that can be stopped and started again on the same port, or paused (hung)
    and resumed."""

    def __init__(self, port: int, workdir: Path) -> None:
        if port == MACHINE_REDIS_PORT:
            raise ValueError("A throwaway Redis never uses the machine's port 6379.")
        self.port = port
        self.workdir = workdir
        self._process: subprocess.Popen[bytes] | None = None
        self._paused = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def ping(self) -> bool:
        client = redis.Redis(
            host="127.0.0.1",
            port=self.port,
            socket_connect_timeout=0.5,
            socket_timeout=0.5,
            retry=Retry(NoBackoff(), 0),  # one try: redis-py otherwise retries for seconds
        )
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def start(self, *, timeout: float = 10.0) -> None:
        if self.running:
            return
        executable = shutil.which("redis-server")
        if executable is None:
            raise RuntimeError("redis-server is not installed (Debian package redis-server).")
        self._process = subprocess.Popen(
            [
                executable,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--protected-mode", "no",
                "--dir", str(self.workdir),
                "--logfile", str(self.workdir / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        wait_until(self.ping, timeout=timeout, describe=self.log)

    def stop(self, *, timeout: float = 10.0) -> None:
        if self._process is None:
            return
        self.resume(wait=False)  # a stopped process leaves SIGTERM pending: it would only die at the SIGKILL
        stop_process_group(self._process, grace=timeout)
        self._process = None
        wait_until(lambda: not self.ping(), timeout=timeout)

    def pause(self, *, timeout: float = 10.0) -> None:
        """Hang the server (SIGSTOP): unlike a stopped one, the kernel still accepts new connections into the
        listen backlog and takes what clients send on open ones, but nothing is answered until resume().
        throwaway_redis's exit resumes it (stop() does) so no stopped redis-server outlives the test."""
        if self._process is None or not self.running:
            raise RuntimeError("Only a running Redis can be paused.")
        os.kill(self._process.pid, signal.SIGSTOP)
        self._paused = True
        wait_until(lambda: not self.ping(), timeout=timeout)

    def resume(self, *, timeout: float = 10.0, wait: bool = True) -> None:
        """Let a paused server run again (SIGCONT); it then answers what was sent to it meanwhile."""
        if not self._paused or self._process is None:
            return
        os.kill(self._process.pid, signal.SIGCONT)
        self._paused = False
        if wait:
            wait_until(self.ping, timeout=timeout, describe=self.log)

    def log(self) -> str:
        path = self.workdir / "redis.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else "(no redis log)"


@contextmanager
def throwaway_redis(port: int | None = None) -> Iterator[RedisServer]:
    """A running private redis-server on a spare port; stopped (and its files removed) on exit."""
    with tempfile.TemporaryDirectory(prefix="throwaway-redis-") as workdir:
        server = RedisServer(port or free_port(), Path(workdir))
        server.start()
        try:
            yield server
        finally:
            server.stop()


def _reset_broker_pools() -> None:
    """Drop every pooled broker connection and producer, and forget a failed publish, so the next publish connects
    afresh."""
    from kombu import pools

    from core.tasks import broker_try_again
    from jakpreneur.celery import app

    broker_try_again()

    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
    pools.reset()  # type: ignore[no-untyped-call]  # closes and forgets the pools; new ones come on demand


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Point this process's Celery app at `url` with eager mode off; restore the previous broker on exit."""
    from jakpreneur.celery import app

    saved_conf = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    saved_env = os.environ.get("CELERY_BROKER_URL")  # Celery reads this before its own configuration
    os.environ["CELERY_BROKER_URL"] = url
    app.conf.update(broker_url=url, task_always_eager=False)
    _reset_broker_pools()
    try:
        yield
    finally:
        _reset_broker_pools()
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env
        app.conf.update(**saved_conf)


def current_database_url() -> str:
    """A DATABASE_URL for the database this process uses: inside a test, pytest-django's test database."""
    from django.db import connection

    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


class CeleryWorker:
    """A `celery worker` subprocess; its combined output goes to a log file readable through log()."""

    def __init__(self, process: subprocess.Popen[bytes], log_path: Path) -> None:
        self.process = process
        self.log_path = log_path

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return f"--- celery worker output (exit code {self.process.poll()}) ---\n{text[-6000:]}"

    def wait_ready(self, *, timeout: float = 30.0) -> None:
        """Wait for the worker's 'ready.' line; fail at once if the worker exited."""

        def ready() -> bool:
            if not self.alive:
                raise RuntimeError(f"celery worker exited early\n{self.log()}")
            return " ready." in self.log_path.read_text(errors="replace")

        wait_until(ready, timeout=timeout, describe=self.log)


@contextmanager
def celery_worker(
    *,
    broker_url: str,
    database_url: str,
    beat: bool = False,
    env: Mapping[str, str] | None = None,
    settings_module: str = "jakpreneur.settings.test",
    ready_timeout: float = 30.0,
    settings: Mapping[str, Any] | None = None,
) -> Iterator[CeleryWorker]:
    """A real Celery worker (solo pool, optionally with embedded beat) on the given broker and database, under
    `settings_module` with `settings` set over it.

    Waits until the worker is ready; on exit sends SIGTERM to its process group, SIGKILL after 10 s.
    """
    worker_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "REDIS_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "jakpreneur", "worker",
        "--pool", "solo",
        "--loglevel", "INFO",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--hostname", f"throwaway-{os.getpid()}@%h",
    ]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="celery-worker-") as workdir:
        if settings:
            worker_env.update(_settings_env(settings_module, settings, workdir=Path(workdir)))
        if beat:
            command += ["--beat", "--schedule", str(Path(workdir) / "beat-schedule")]
        log_path = Path(workdir) / "worker.log"
        with log_path.open("wb") as log_file:  # the worker keeps its own copy of the descriptor
            process = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=worker_env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = CeleryWorker(process, log_path)
        try:
            worker.wait_ready(timeout=ready_timeout)
            yield worker
        finally:
            stop_process_group(process, grace=10.0)


def _settings_env(settings_module: str, settings: Mapping[str, Any] | None, *, workdir: Path) -> dict[str, str]:
    """The environment that runs a process under `settings_module`, or, with `settings`, under a module written
    into `workdir` that imports it and sets those names."""
    if not settings:
        return {"DJANGO_SETTINGS_MODULE": settings_module}
    lines = [f"from {settings_module} import *  # noqa: F403"]
    lines += [f"{name} = {value!r}" for name, value in settings.items()]
    (workdir / "throwaway_settings.py").write_text("\n".join(lines) + "\n")
    python_path = os.pathsep.join(filter(None, [str(workdir), str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    return {"DJANGO_SETTINGS_MODULE": "throwaway_settings", "PYTHONPATH": python_path}


# An SMTP server that accepts every message and records it: what a recipient's mail system is handed.


@dataclass(frozen=True)
class ReceivedEmail:
    message_id: str
    recipients: tuple[str, ...]
    subject: str


class SmtpSink:
    """A minimal SMTP server (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) on 127.0.0.1 recording each message.

    `on_message(sink, received)` runs once a message's data has arrived and before the server answers "250" to
    it: the moment a real mail system has the message but its sender does not know yet."""

    def __init__(self, on_message: Callable[["SmtpSink", ReceivedEmail], None] | None = None) -> None:
        self.received: list[ReceivedEmail] = []
        self.on_message = on_message
        self._lock = threading.Lock()
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                try:
                    sink._converse(self.rfile, self.wfile)
                except OSError:
                    return  # the client went away mid-conversation (a test killed it)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _converse(self, rfile: Any, wfile: Any) -> None:
        def reply(line: str) -> None:
            wfile.write(line.encode() + b"\r\n")
            wfile.flush()

        reply("220 sink ESMTP")
        recipients: list[str] = []
        while line := rfile.readline():
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                reply("250-sink")
                reply("250-8BITMIME")
                reply("250 SMTPUTF8")
            elif verb in {"HELO", "NOOP"}:
                reply("250 OK")
            elif verb == "MAIL":
                recipients = []
                reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.partition(":")[2].strip().strip("<>"))
                reply("250 OK")
            elif verb == "RSET":
                recipients = []
                reply("250 OK")
            elif verb == "DATA":
                reply("354 End data with <CR><LF>.<CR><LF>")
                data = bytearray()
                while (chunk := rfile.readline()) not in (b".\r\n", b".\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                parsed = email.message_from_bytes(bytes(data))
                received = ReceivedEmail(
                    message_id=str(parsed.get("Message-ID", "")),
                    recipients=tuple(recipients),
                    subject=str(parsed.get("Subject", "")),
                )
                with self._lock:
                    self.received.append(received)
                if self.on_message is not None:
                    self.on_message(self, received)
                reply("250 OK queued")
            elif verb == "QUIT":
                reply("221 Bye")
                return
            else:
                reply("502 Command not implemented")

    def count(self) -> int:
        with self._lock:
            return len(self.received)

    def message_ids(self) -> list[str]:
        with self._lock:
            return [received.message_id for received in self.received]


@contextmanager
def smtp_sink(on_message: Callable[[SmtpSink, ReceivedEmail], None] | None = None) -> Iterator[SmtpSink]:
    """A running SmtpSink on a spare port; shut down on exit."""
    sink = SmtpSink(on_message)
    sink._thread.start()
    try:
        yield sink
    finally:
        sink._server.shutdown()
        sink._server.server_close()


# A private PostgreSQL cluster: initdb and pg_ctl of the machine's PostgreSQL 15, on a spare port.

POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
MACHINE_POSTGRES_PORT = 5432


class PostgresServer:
    """A throwaway cluster that can be stopped, started and restarted on the same port. PostgreSQL refuses to run
    as root, so under root its commands run as the `postgres` system user (runuser)."""

    def __init__(self, port: int, workdir: Path) -> None:
        if port == MACHINE_POSTGRES_PORT:
            raise ValueError("A throwaway PostgreSQL never uses the machine's port 5432.")
        self.port = port
        self.workdir = workdir
        self.data = workdir / "data"
        self.logfile = workdir / "postgres.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str, timeout: float = 60.0) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        result = subprocess.run(
            [*prefix, *command], capture_output=True, text=True, timeout=timeout, check=False, cwd=self.workdir
        )
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}\n{self.log()}")

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.workdir, user="postgres")
        self._run(
            str(POSTGRES_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip

    def _pg_ctl(self, action: str, *arguments: str) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.workdir} -c fsync=off"
        pg_ctl = str(POSTGRES_BIN / "pg_ctl")
        self._run(pg_ctl, "-D", str(self.data), "-l", str(self.logfile), "-o", options, *arguments, "-w", action)

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self) -> None:
        """A fast shutdown: open sessions are cut off, as when the server is stopped for maintenance."""
        self._pg_ctl("stop", "-m", "fast")

    def restart(self) -> None:
        self._pg_ctl("restart", "-m", "fast")

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def create_database(self, name: str) -> str:
        """Create a database and return its DATABASE_URL."""
        self._run(str(POSTGRES_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return self.url(name)

    def log(self) -> str:
        return self.logfile.read_text(errors="replace")[-4000:] if self.logfile.exists() else "(no postgres log)"


@contextmanager
def throwaway_postgres(port: int | None = None) -> Iterator[PostgresServer]:
    """A running private PostgreSQL cluster on a spare port; stopped (and its files removed) on exit."""
    with tempfile.TemporaryDirectory(prefix="throwaway-postgres-") as workdir:
        server = PostgresServer(port or free_port(), Path(workdir))
        server.init()
        server.start()
        try:
            yield server
        finally:
            if server.running:
                server.stop()


def manage(*arguments: str, env: Mapping[str, str], timeout: float = 600.0) -> str:
    """Run `manage.py` with the given arguments in a child process; its output, or RuntimeError if it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(arguments)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


class PortalServer:
    """The portal under gunicorn with the production configuration (deploy/gunicorn.conf.py)."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
        self.process = process
        self.port = port
        self.log_path = log_path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return f"--- gunicorn output (exit code {self.process.poll()}) ---\n{text[-6000:]}"


@contextmanager
def portal_server(
    *,
    database_url: str,
    env: Mapping[str, str] | None = None,
    settings_module: str = "jakpreneur.settings.test",
    settings: Mapping[str, Any] | None = None,
    workers: int = 2,
    ready_timeout: float = 60.0,
) -> Iterator[PortalServer]:
    """gunicorn with deploy/gunicorn.conf.py on a spare port, against `database_url`; ready once it answers."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="portal-") as workdir:
        server_env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "WEB_CONCURRENCY": str(workers),
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
            **_settings_env(settings_module, settings, workdir=Path(workdir)),
        }
        log_path = Path(workdir) / "gunicorn.log"
        command = [
            sys.executable, "-m", "gunicorn", "--config", str(PROJECT_ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind", f"127.0.0.1:{port}", "jakpreneur.wsgi:application",
        ]  # fmt: skip
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=server_env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = PortalServer(process, port, log_path)

        def answering() -> bool:
            if not server.alive:
                raise RuntimeError(f"gunicorn exited early\n{server.log()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return True
            except OSError:
                return False

        try:
            wait_until(answering, timeout=ready_timeout, interval=0.2, describe=server.log)
            yield server
        finally:
            stop_process_group(process, grace=10.0)
