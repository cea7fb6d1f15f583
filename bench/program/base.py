"""The generator's machinery: sizes, the seeded random functions in SQL, the plan of every participant, and a
loader that writes any model's rows server-side from its `_meta`, so a new column with a default needs nothing here.

Rows are made by `INSERT ... SELECT` over `generate_series` (or over the plan), in chunks that move a progress bar:
no row crosses the wire, which beats COPY from the client. While the program loads, the session runs with
`session_replication_role = replica` (no foreign-key or history triggers fire), the loaded tables' secondary
indexes are dropped and made again at the end, and the foreign keys are checked by `check_references` instead.
"""

from __future__ import annotations

import dataclasses
import datetime
import sys
import time
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED


@dataclasses.dataclass(frozen=True)
class Sizes:
    """How much of the program to make. The default is the issue's program; `small()` is a hundredth."""

    participants: int = 1_000_000
    mentors: int = 2_000
    visits: int = 5_000_000
    follow_ups: int = 1_000_000
    enrolments: int = 2_000_000
    books: int = 300_000  # businesses with 12 months of indicators and transactions
    entries_per_month: int = 3
    licences: int = 250_000
    products: int = 100_000
    referrals: int = 30_000
    partners: int = 40
    keys: int = 60
    access_logs: int = 2_000_000
    history: int = 2_000_000  # audit rows beyond the bulk load (participants' and visits' changes)
    courses: int = 400
    sessions: int = 20_000

    @classmethod
    def small(cls) -> Sizes:
        full = cls()
        sizes = {f.name: max(1, getattr(full, f.name) // 100) for f in dataclasses.fields(cls)}
        # every kecamatan keeps two mentors, the books their months
        return cls(**{**sizes, "mentors": 88, "entries_per_month": full.entries_per_month, "keys": 6})


class Progress:
    """One line per step, a bar that fills as its chunks land, and the step's time at the end."""

    WIDTH = 30

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.started = time.monotonic()
        self.steps: list[tuple[str, int, float]] = []

    def show(self, name: str, done: int, total: int, since: float) -> None:
        if self.quiet:
            return
        filled = int(self.WIDTH * done / total) if total else self.WIDTH
        bar = "#" * filled + "." * (self.WIDTH - filled)
        line = f"\r  {name:34} [{bar}] {done:>11,}/{total:<11,} {time.monotonic() - since:6.1f} s"
        sys.stdout.write(line)
        sys.stdout.flush()

    def done(self, name: str, rows: int, since: float) -> None:
        seconds = time.monotonic() - since
        self.steps.append((name, rows, seconds))
        if not self.quiet:
            sys.stdout.write(f"\r  {name:34} {rows:>11,} rows {seconds:7.1f} s{' ' * (self.WIDTH + 12)}\n")
            sys.stdout.flush()


RANDOM_FUNCTIONS = """
CREATE OR REPLACE FUNCTION bench_u(i bigint, salt int) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  $$ SELECT (hashint8extended(i, {seed}::bigint * 1000 + salt) & 2147483647)::float8 / 2147483648.0 $$;
CREATE OR REPLACE FUNCTION bench_n(i bigint, salt int, n int) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  $$ SELECT floor(bench_u(i, salt) * n)::int $$;
CREATE OR REPLACE FUNCTION bench_pick(i bigint, salt int, choices anyarray) RETURNS anyelement
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  $$ SELECT choices[1 + bench_n(i, salt, cardinality(choices))] $$;
CREATE OR REPLACE FUNCTION bench_uuid(i bigint, salt int) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  $$ SELECT md5({seed}::text || ':' || salt || ':' || i)::uuid $$;
"""


class Loader:
    """Writes rows of Django models server-side and remembers which tables it filled.

    `rows(model, columns, count=...)` inserts `count` rows, `i` running from 1 (the SQL expressions in `columns`
    use it); `rows(model, columns, source=..., key=..., span=(lo, hi))` inserts one row per row of a FROM clause
    (the plan, a join), chunked over `key` between `lo` and `hi`. Columns are the model's field names (`mentor`
    or `mentor_id` for a foreign key); a field left out takes its database default, its Python default (the same
    value on every row; a UUID gets `bench_uuid`), `now()` for auto_now, or NULL; a required field with none of
    them stops the load with its name. Parameters: `%(name)s` from `params`; write modulo as `mod(a, b)`."""

    CHUNK = 250_000

    def __init__(self, sizes: Sizes, seed: int, today: datetime.date, progress: Progress) -> None:
        self.sizes = sizes
        self.seed = seed
        self.today = today
        self.progress = progress
        self.tables: list[str] = []
        self.saved_indexes: dict[str, list[tuple[str, str]]] = {}
        self.salts: dict[str, int] = {}

    # the session -----------------------------------------------------------------------------------------

    def execute(self, sql: str, params: Any = None) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    def value(self, sql: str, params: Any = None) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return row[0] if row else None

    def begin(self) -> None:
        self.execute(RANDOM_FUNCTIONS.format(seed=int(self.seed)))
        self.execute("SET session_replication_role = replica")
        self.execute("SET maintenance_work_mem = '1GB'")
        self.execute("SET synchronous_commit = off")

    def end(self) -> None:
        self.execute("SET session_replication_role = DEFAULT")

    def salt(self, name: str) -> int:
        """A salt of its own for each named random draw, so adding a draw never changes another's values."""
        return self.salts.setdefault(name, 1 + abs(hash_text(name)) % 1_000_000)

    # rows ------------------------------------------------------------------------------------------------

    def rows(
        self,
        model: type[models.Model],
        columns: dict[str, str],
        *,
        count: int | None = None,
        source: str | None = None,
        key: str = "i",
        span: tuple[int, int] | None = None,
        params: dict[str, Any] | None = None,
        name: str | None = None,
    ) -> int:
        table = model._meta.db_table
        self.claim(table)
        names, exprs, values = self.columns_of(model, columns)
        if source is None:
            if count is None:
                raise ValueError("rows() needs a count or a source")
            span = (1, count)
            source = "generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g(i)"
            where = ""
        else:
            if span is None:
                raise ValueError("rows() over a source needs its key's span")
            where = (
                f" WHERE {key} BETWEEN %(lo)s AND %(hi)s"
                if " WHERE " not in source.upper()
                else (f" AND {key} BETWEEN %(lo)s AND %(hi)s")
            )
        sql = f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(exprs)} FROM {source}{where}"
        label = name or table
        lo, hi = span
        total = max(0, hi - lo + 1)
        started = time.monotonic()
        written = 0
        for start in range(lo, hi + 1, self.CHUNK):
            stop = min(hi, start + self.CHUNK - 1)
            written += self.execute(sql, {**(params or {}), **values, "lo": start, "hi": stop})
            self.progress.show(label, stop - lo + 1, total, started)
        if written > 50_000:  # later stages join this table: the planner needs its statistics now, not at the end
            self.execute(f"ANALYZE {table}")
        self.progress.done(label, written, started)
        return written

    def columns_of(
        self, model: type[models.Model], given: dict[str, str]
    ) -> tuple[list[str], list[str], dict[str, Any]]:
        by_name = {}
        for field in model._meta.concrete_fields:
            by_name[field.name] = field
            by_name[field.attname] = field
        unknown = set(given) - set(by_name)
        if unknown:
            raise ValueError(f"{model.__name__} has no field {sorted(unknown)}")
        chosen = {by_name[name].attname: expr for name, expr in given.items()}
        names, exprs, values = [], [], {}
        for field in model._meta.concrete_fields:
            if field.attname in chosen:
                names.append(field.column)
                exprs.append(chosen[field.attname])
                continue
            if field.primary_key and isinstance(field, models.AutoField | models.BigAutoField):
                continue
            if getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
                continue
            names.append(field.column)
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                exprs.append("now()")
            elif isinstance(field, models.UUIDField) and callable(field.default):
                exprs.append(f"bench_uuid(i, {self.salt(model._meta.db_table + field.name)})")
            elif field.has_default():
                if callable(field.default) and (field.unique or field.primary_key):
                    raise ValueError(f"{model.__name__}.{field.name} is unique with a default made per row: give it")
                param = f"d_{field.attname}"
                values[param] = field.get_db_prep_save(field.get_default(), connection)
                exprs.append(f"%({param})s")
            elif field.null:
                exprs.append("NULL")
            else:
                raise ValueError(
                    f"{model.__name__}.{field.name} is required and has no default: give it a value in bench/program"
                )
        return names, exprs, values

    # indexes and the end of the load -----------------------------------------------------------------------

    def claim(self, table: str) -> None:
        """The first write to a table drops its secondary indexes (those no constraint owns); `finish` remakes them."""
        if table in self.tables:
            return
        self.tables.append(table)
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT i.relname, pg_get_indexdef(i.oid)
                FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
                WHERE t.relname = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
                """,
                [table],
            )
            indexes = cursor.fetchall()
            for index, _definition in indexes:
                cursor.execute(f'DROP INDEX "{index}"')
        self.saved_indexes[table] = indexes

    def finish(self) -> None:
        started = time.monotonic()
        definitions = [d for table in self.tables for _name, d in self.saved_indexes[table]]
        for n, definition in enumerate(definitions, 1):
            self.execute(definition)
            self.progress.show("indexes", n, len(definitions), started)
        self.progress.done("indexes", len(definitions), started)
        with connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(
                    "SELECT a.attname FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid"
                    " WHERE t.relname = %s AND pg_get_serial_sequence(%s, a.attname) IS NOT NULL",
                    [table, table],
                )
                for (column,) in cursor.fetchall():
                    highest = f"GREATEST(1, (SELECT max({column}) FROM {table}))"
                    cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, %s), {highest})", [table, column])

    def analyze(self) -> None:
        """The planner's statistics of every table, and each table's visibility map, as autovacuum leaves a table
        that has been written in production: without it an index-only scan reads the heap all the same. (Inside a
        transaction, as the suite's run of `--small` is, VACUUM cannot run: the statistics alone.)"""
        started = time.monotonic()
        self.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        self.progress.done("vacuum and analyze", len(self.tables), started)


def hash_text(text: str) -> int:
    """A hash of a text that is the same in every process (Python's own `hash` is salted per process)."""
    return int(uuid.uuid5(uuid.NAMESPACE_OID, text).int % 2_147_483_647)


def check_references(tables: Iterable[str]) -> list[str]:
    """Every foreign key of the loaded tables points to a row (the load ran without the trigger that checks)."""
    from django.apps import apps

    wanted = set(tables)
    broken = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            if table not in wanted:
                continue
            for field in model._meta.concrete_fields:
                if not field.is_relation or not field.db_constraint:
                    continue
                target = field.related_model._meta.db_table
                target_column = field.target_field.column
                cursor.execute(
                    f"SELECT count(*) FROM {table} s WHERE s.{field.column} IS NOT NULL AND NOT EXISTS"
                    f" (SELECT 1 FROM {target} t WHERE t.{target_column} = s.{field.column})"
                )
                missing = cursor.fetchone()[0]
                if missing:
                    broken.append(f"{table}.{field.column}: {missing} rows point nowhere in {target}")
    return broken
