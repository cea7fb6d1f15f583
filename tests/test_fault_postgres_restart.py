"""PostgreSQL restarted under load: the portal answers the branded 503 at once while it is gone, and 200 again as
soon as it is back, with no restart of the portal.

A private PostgreSQL cluster (tests.support.servers.throwaway_postgres), the portal migrated onto it and served by
gunicorn with the production configuration (deploy/gunicorn.conf.py) and persistent connections with health checks
(as settings/production.py), and threads asking for a page that reads the database (the landing page's office
finder) in a loop. The cluster is restarted (`pg_ctl restart -m fast`), then stopped for some seconds and started."""

import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest

from tests.support.servers import manage, portal_server, throwaway_postgres, wait_until

CLIENTS = 4
PAGE = "/?kecamatan=1"  # the office finder: a query on every request
ANSWER_WITHIN_SECONDS = 1.0  # the 503 while PostgreSQL is gone
NO_HANG_SECONDS = 2.0  # any answer: libpq's connect_timeout (settings, database()) bounds a connection attempt
OUTAGE_SECONDS = 4.0


@dataclass(frozen=True)
class Answer:
    started: float
    seconds: float
    status: int
    branded_503: bool


def ask(url: str) -> Answer:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the test's own server
            status, body, retry_after = response.status, b"", None
    except urllib.error.HTTPError as error:
        status, body, retry_after = error.code, error.read(), error.headers.get("Retry-After")
    seconds = time.monotonic() - started
    branded = status == 503 and b'data-error="503"' in body and retry_after == "60" and b"Traceback" not in body
    return Answer(started, seconds, status, branded)


@pytest.mark.fault
def test_a_postgres_restart_under_load_answers_the_branded_503_fast_and_the_portal_recovers_by_itself() -> None:
    with throwaway_postgres() as postgres:
        database_url = postgres.create_database("jakpreneur_fault") + "?CONN_MAX_AGE=60&CONN_HEALTH_CHECKS=True"
        environment = {"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "jakpreneur.settings.test"}
        manage("migrate", "--noinput", env=environment)
        with portal_server(database_url=database_url, env=environment) as portal:
            url = portal.url + PAGE
            wait_until(lambda: ask(url).status == 200, timeout=30, describe=portal.log)
            answers: list[Answer] = []
            done = threading.Event()

            def load() -> None:
                while not done.is_set():
                    answers.append(ask(url))

            clients = [threading.Thread(target=load) for _ in range(CLIENTS)]
            for client in clients:
                client.start()
            try:
                time.sleep(2)
                restart_began = time.monotonic()
                postgres.restart()
                restart_ended = time.monotonic()
                time.sleep(3)
                stop_began = time.monotonic()
                postgres.stop()
                time.sleep(OUTAGE_SECONDS)
                start_began = time.monotonic()
                postgres.start()
                back = time.monotonic()
                time.sleep(4)
            finally:
                done.set()
                for client in clients:
                    client.join(timeout=30)
            assert portal.alive, portal.log()
            portal_log = portal.log()

    during_outage = [answer for answer in answers if stop_began + 0.5 < answer.started < start_began]
    first_200_after = min(answer.started for answer in answers if answer.started > back and answer.status == 200)
    after_recovery = [answer for answer in answers if answer.started >= first_200_after]
    during_restart = [answer for answer in answers if restart_began <= answer.started <= restart_ended]
    slowest = max(answer.seconds for answer in answers)
    slowest_503 = max(answer.seconds for answer in answers if answer.status == 503)
    print(
        f"\n{len(answers)} requests from {CLIENTS} threads: "
        f"{sum(answer.status == 200 for answer in answers)} x 200, {sum(answer.status == 503 for answer in answers)} "
        f"x 503, others {sorted({answer.status for answer in answers} - {200, 503})}; slowest {slowest:.3f} s, "
        f"slowest 503 {slowest_503:.3f} s. "
        f"Restart: {restart_ended - restart_began:.2f} s, {len(during_restart)} requests, "
        f"{sum(answer.status == 503 for answer in during_restart)} x 503. Stopped {start_began - stop_began:.1f} s: "
        f"{len(during_outage)} requests, all 503 in at most {max(answer.seconds for answer in during_outage):.3f} s. "
        f"First 200 {first_200_after - back:.3f} s after PostgreSQL was back ({first_200_after - start_began:.3f} s "
        f"after its start began)."
    )

    # No 500 and no hang, ever: each request is answered, 200 or the branded 503 (within a second).
    assert {answer.status for answer in answers} <= {200, 503}
    assert all(answer.branded_503 for answer in answers if answer.status == 503)
    assert slowest_503 < ANSWER_WITHIN_SECONDS
    assert slowest < NO_HANG_SECONDS
    # While PostgreSQL is stopped every request gets the 503 page.
    assert during_outage and all(answer.status == 503 for answer in during_outage)
    # Once it is back, the same gunicorn (no restart) answers 200 at once, and every request after that too.
    assert first_200_after - back < 1.0
    assert after_recovery and all(answer.status == 200 for answer in after_recovery)
    assert " 500 " not in portal_log
