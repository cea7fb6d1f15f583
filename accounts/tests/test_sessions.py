"""How long a login lasts, and a new session at each login (accounts.sessions)."""

import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.sessions import LOGGED_IN_AT, SEEN_AT, SEEN_PRECISION
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

HOME = "/beranda/"


def age(client: Client, **seconds_ago: int) -> None:
    """Move the session's clock back: logged_in / seen that many seconds ago."""
    session = client.session
    now = int(time.time())
    if "logged_in" in seconds_ago:
        session[LOGGED_IN_AT] = now - seconds_ago["logged_in"]
    if "seen" in seconds_ago:
        session[SEEN_AT] = now - seconds_ago["seen"]
    session.save()


def test_a_login_starts_a_new_session(client: Client, entrepreneur: User) -> None:
    client.get("/akun/masuk/")  # an anonymous session: the CSRF cookie, perhaps a language
    client.session.save()
    before = client.session.session_key
    client.post("/akun/masuk/", {"username": entrepreneur.email, "password": PASSWORD})
    assert client.session.session_key != before


def test_thirty_minutes_without_a_request_end_the_login(client: Client, entrepreneur: User) -> None:
    client.force_login(entrepreneur)
    age(client, seen=30 * 60 + 1)
    response = client.get("/pendaftaran/", follow=True)
    assert response.redirect_chain[0][0] == "/akun/masuk/?next=%2Fpendaftaran%2F"
    assert "30" in str(next(iter(response.context["messages"])))
    assert client.get(HOME).status_code == 302  # logged out for good, not only redirected once


def test_a_request_keeps_the_login_alive(client: Client, entrepreneur: User) -> None:
    client.force_login(entrepreneur)
    age(client, seen=29 * 60)
    assert client.get(HOME).status_code == 200
    age(client, logged_in=0)  # only the clock of the last request was moved back, and the request renewed it
    assert int(time.time()) - client.session[SEEN_AT] < SEEN_PRECISION
    assert client.get(HOME).status_code == 200


def test_twelve_hours_end_the_login_however_busy(client: Client, entrepreneur: User) -> None:
    client.force_login(entrepreneur)
    age(client, logged_in=12 * 3600, seen=5)
    response = client.get(HOME, follow=True)
    assert response.redirect_chain[0][0].startswith("/akun/masuk/")
    assert "12" in str(next(iter(response.context["messages"])))


def test_what_was_sent_after_the_timeout_is_said_to_be_lost(client: Client, entrepreneur: User) -> None:
    client.force_login(entrepreneur)
    age(client, seen=3600)
    response = client.post("/akun/dua-langkah/", {"action": "start"}, follow=True)
    assert response.redirect_chain[0][0] == "/akun/masuk/"  # a POST does not come back as a GET
    text = str(next(iter(response.context["messages"])))
    assert "not saved" in text or "tidak tersimpan" in text


def session_writes(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(HOME).status_code == 200
    return sum(1 for q in captured.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"])


def test_the_last_request_is_written_at_most_once_a_minute(client: Client, entrepreneur: User) -> None:
    client.force_login(entrepreneur)
    client.get(HOME)
    assert session_writes(client) == 0
    age(client, seen=SEEN_PRECISION)
    assert session_writes(client) == 1


def test_the_cookie_lives_no_longer_than_the_login(settings: Any) -> None:
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
