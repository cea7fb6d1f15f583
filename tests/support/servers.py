"""Throwaway servers for fault tests: a private redis-server on a spare port and a real Celery worker.

Nothing here touches the machine's Redis on 6379; every process started here is stopped on exit.
A test that lets a worker read its rows must commit them: mark it `django_db(transaction=True)` (the root
conftest reloads the kecamatan that the flush ending such a test wipes).

    with throwaway_redis() as redis_server, celery_broker(redis_server.url):
        redis_server.stop()            # the broker is down
        ...                            # code under test publishes and must cope
        redis_server.start()           # same port again
        with celery_worker(broker_url=redis_server.url, database_url=current_database_url(), beat=True) as worker:
            wait_until(lambda: ..., timeout=30, describe=worker.log)
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
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
    """A redis-server without persistence that can be stopped and started again on the same port."""

    def __init__(self, port: int, workdir: Path) -> None:
        if port == MACHINE_REDIS_PORT:
            raise ValueError("A throwaway Redis never uses the machine's port 6379.")
        self.port = port
        self.workdir = workdir
        self._process: subprocess.Popen[bytes] | None = None

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
        stop_process_group(self._process, grace=timeout)
        self._process = None
        wait_until(lambda: not self.ping(), timeout=timeout)

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
    """Drop every pooled broker connection and producer, so the next publish connects afresh."""
    from kombu import pools

    from jakpreneur.celery import app

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
) -> Iterator[CeleryWorker]:
    """A real Celery worker (solo pool, optionally with embedded beat) on the given broker and database.

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
