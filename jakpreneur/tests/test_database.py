"""Every connection of the portal takes its session options (`jakpreneur.settings.base.database`)."""

import pytest
from django.db import connection

from jakpreneur.settings.base import database


@pytest.mark.django_db
def test_the_portals_connections_run_without_jit() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_the_options_keep_what_the_url_asked_for() -> None:
    config = database({"NAME": "x", "OPTIONS": {"options": "-c statement_timeout=5000", "sslmode": "require"}})
    assert config["OPTIONS"] == {
        "options": "-c statement_timeout=5000 -c jit=off",
        "sslmode": "require",
        "connect_timeout": 2,
    }
    assert database({"NAME": "x"})["OPTIONS"] == {"options": "-c jit=off", "connect_timeout": 2}
    # a URL's own connect_timeout is kept
    assert database({"NAME": "x", "OPTIONS": {"connect_timeout": 10}})["OPTIONS"]["connect_timeout"] == 10
