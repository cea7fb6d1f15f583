"""Redis hung: every write still succeeds without waiting more than half a second on it, and every message queued
meanwhile goes out once, after it answers again.

A hung Redis (here a throwaway one under SIGSTOP) is not a dead one: the kernel still completes new connections into
the listen backlog and takes what is written on open ones, so no connect fails and no "connection refused" comes
back. Only the socket timeouts of the broker's and the cache's clients end the wait, on the connections they pooled
before the hang and on the new ones. A publish written into an open connection may even be queued by Redis once it
resumes, though the request gave up on it and left the message to the outbox dispatcher: the message then reaches
the worker twice and must still be sent once. The writes, timings and delivery are those of
tests/test_fault_redis_down.py."""

from pathlib import Path

import pytest
import redis

from accounts.models import User
from tests.support.servers import RedisServer
from tests.test_fault_redis_down import writes_outlast_redis_and_every_message_goes_out_once


def hang(redis_server: RedisServer) -> None:
    """Pause Redis while the broker and the cache hold connections to it, so the writes meet open ones first."""
    client = redis.Redis(host="127.0.0.1", port=redis_server.port, socket_timeout=0.5)
    try:
        others = [entry for entry in client.client_list() if entry["cmd"] != "client|list"]
    finally:
        client.close()
    assert len(others) >= 2, f"expected the broker's and the cache's pooled connections, found {others}"
    redis_server.pause()


@pytest.mark.fault
@pytest.mark.django_db(transaction=True)
def test_writes_do_not_wait_on_a_hung_redis_and_every_message_goes_out_once_after_it_resumes(
    mentor_tebet: User, entrepreneur: User, agency_staff: User, private_storage: Path
) -> None:
    writes_outlast_redis_and_every_message_goes_out_once(
        fail=hang,
        recover=RedisServer.resume,
        state="hung",
        mentor=mentor_tebet,
        entrepreneur=entrepreneur,
        agency_staff=agency_staff,
        private_storage=private_storage,
    )
