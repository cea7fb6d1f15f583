"""The error answers (core.errors, templates/4xx/5xx.html): branded, in the user's language, with a way back,
leaking nothing; 503 while the database is down, rendered with no database and no session."""

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from conftest import PASSWORD


def said(text: str, language: str) -> str:
    """The text as the page says it in that language (the catalogue's translation)."""
    with translation.override(language):
        return translation.gettext(text)


# A stack, the database's words, or Django's bare English pages ("403 Forbidden", "Not Found", "Server Error").
LEAKS = (
    "Traceback",
    "OperationalError",
    "psycopg",
    "could not connect",
    "<h1>403 Forbidden</h1>",
    "<h1>Not Found</h1>",
)
BARE_500 = "Server Error (500)"


def assert_branded(response: object, *, code: int, language: str, back: str) -> str:
    assert response.status_code == code  # type: ignore[attr-defined]
    body: str = response.content.decode()  # type: ignore[attr-defined]
    assert f'data-error="{code}"' in body
    assert f'<html lang="{language}">' in body
    assert f'id="error-back" class="btn btn-jakpreneur" href="{back}"' in body
    assert 'href="#content"' in body and 'id="content"' in body
    for leak in LEAKS:
        assert leak not in body
    return body


@pytest.fixture
def english() -> Client:
    """Another person, whose browser has chosen English."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["mentoring:incentive_report", "mentoring:mentors"])
def test_a_mentor_opening_the_incentive_report_or_the_targets_gets_the_branded_403(
    client: Client, mentor_tebet: User, name: str
) -> None:
    client.login(username=mentor_tebet.email, password=PASSWORD)
    body = assert_branded(client.get(reverse(name)), code=403, language="id", back=reverse("home"))
    assert said("This page is not open to you", "id") in body


@pytest.mark.django_db
def test_the_403_speaks_english_to_an_english_user(english: Client, mentor_tebet: User) -> None:
    english.login(username=mentor_tebet.email, password=PASSWORD)
    body = assert_branded(
        english.get(reverse("mentoring:incentive_report")), code=403, language="en", back=reverse("home")
    )
    assert "This page is not open to you" in body


@pytest.mark.django_db
def test_404_is_branded_and_leads_home(client: Client, english: Client) -> None:
    body = assert_branded(client.get("/tidak-ada/"), code=404, language="id", back=reverse("landing"))
    assert said("Page not found", "id") in body
    body = assert_branded(english.get("/no-such-page/"), code=404, language="en", back=reverse("landing"))
    assert "Page not found" in body


@pytest.mark.django_db
def test_404_of_a_missing_object_names_no_model(client: Client, mentor_tebet: User) -> None:
    client.login(username=mentor_tebet.email, password=PASSWORD)
    body = assert_branded(
        client.get(reverse("mentoring:participant", args=[999999])), code=404, language="id", back=reverse("home")
    )
    assert "matches the given query" not in body


def _fail(exception: Exception) -> object:
    def view(*args: object, **kwargs: object) -> object:
        raise exception

    return view


@pytest.mark.django_db
def test_500_is_branded_and_leaks_nothing(monkeypatch: pytest.MonkeyPatch, english: Client) -> None:
    from jakpreneur import urls

    monkeypatch.setattr(urls.urlpatterns[0], "callback", _fail(RuntimeError("secret internals")))
    client = Client(raise_request_exception=False)
    body = assert_branded(client.get("/"), code=500, language="id", back=reverse("landing"))
    assert "secret internals" not in body and BARE_500 not in body
    english.raise_request_exception = False
    assert "Something went wrong on our side" in assert_branded(
        english.get("/"), code=500, language="en", back=reverse("landing")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["id", "en"])
def test_503_while_the_database_is_down_needs_no_database_and_no_session(
    monkeypatch: pytest.MonkeyPatch, entrepreneur: User, language: str
) -> None:
    """A logged-in user's request while PostgreSQL cannot be reached (a throwaway fault: the connection refuses
    every query; the machine's PostgreSQL keeps running). Even loading the session fails, so the page must not
    need it."""
    from django.db import connection

    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.login(username=entrepreneur.email, password=PASSWORD)

    def refused(*args: object, **kwargs: object) -> object:
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    with monkeypatch.context() as fault:
        fault.setattr(connection, "cursor", refused)
        response = client.get(reverse("home"))
    body = assert_branded(response, code=503, language=language, back=reverse("landing"))
    assert response["Retry-After"] == "60"
    assert said("The portal is temporarily unavailable", language) in body
    assert "5432" not in body and "refused" not in body


@pytest.mark.django_db
def test_503_when_a_view_meets_a_broken_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    from jakpreneur import urls

    monkeypatch.setattr(urls.urlpatterns[0], "callback", _fail(OperationalError("server closed the connection")))
    response = Client(raise_request_exception=False).get("/")
    body = assert_branded(response, code=503, language="id", back=reverse("landing"))
    assert "server closed" not in body
