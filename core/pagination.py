"""Pagination that never counts the whole table: it fetches one row more than a page to know if more follow; and
the admin's, which estimates or caps its counts and reads deep pages by keyset."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, Field, Model, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.query import ModelIterable
from django.utils.functional import cached_property

M = TypeVar("M", bound=Model)


@dataclass
class Page(Generic[M]):
    """A page of a list. `next_link` and `previous_link` are the values of the `page` parameter that reach the pages
    beside it: a keyset step ("a3.<key>": the third page, past this row) where the list's order allows one, so
    the next page is read from where this one ended and costs what the first does; else the page number."""

    items: list[M]
    number: int
    has_next: bool
    next_param: str = ""
    previous_param: str = ""

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_link(self) -> str:
        return self.next_param or str(self.next_number)

    @property
    def previous_link(self) -> str:
        return self.previous_param or str(self.previous_number)


MAX_PAGE = 10_000  # beyond, a filter serves better than paging; and an absurd number cannot reach the database
AFTER, BEFORE = "a", "b"


def paginate(queryset: QuerySet[M], page: str | None, per_page: int = 25) -> Page[M]:
    """The page `page` names: a number (read by OFFSET, as a bookmark would), or a keyset step from `next_link`
    or `previous_link` (read by the ordering's index from the row it names). A value that is neither is the first
    page."""
    keyset = Keyset.of(queryset)
    stepped = keyset.step(queryset, page, per_page) if keyset and page and not page.isdigit() else None
    if stepped is not None:
        number, items, has_next = stepped
    else:
        try:
            number = min(max(1, int(page or 1)), MAX_PAGE)
        except ValueError:
            number = 1
        rows = _offset_rows(queryset, (number - 1) * per_page, per_page + 1)
        items, has_next = rows[:per_page], len(rows) > per_page
    result = Page(items=items, number=number, has_next=has_next)
    if keyset and items:
        if has_next and number < MAX_PAGE:
            result.next_param = f"{AFTER}{number + 1}.{keyset.token(items[-1])}"
        if number > 2:
            result.previous_param = f"{BEFORE}{number - 1}.{keyset.token(items[0])}"
    return result


# From this row on, a page read by OFFSET finds its rows' keys first, then reads the rows with their joins (a
# "deferred join"): PostgreSQL joins every row OFFSET skips before throwing it away, so the last page of a
# kecamatan's 22,000 participants joined 22,000 registrations and businesses (172 ms); the keys alone come from
# the ordering's index (bench/FIGURES.md). A first page is one query, as before.
DEFERRED_FROM = 500


def _offset_rows(queryset: QuerySet[M], start: int, count: int) -> list[M]:
    """`count` rows of the list from row `start`: by their keys first when deep in a list of model instances."""
    if (
        start < DEFERRED_FROM
        or not isinstance(queryset, QuerySet)  # a list's own paging object (the catalogue's), sliced as it says
        or queryset.query.combinator
        or queryset._iterable_class is not ModelIterable
    ):
        return list(queryset[start : start + count])
    keys = list(queryset.values_list("pk", flat=True)[start : start + count])
    found = {row.pk: row for row in queryset.filter(pk__in=keys)}
    return [found[key] for key in keys if key in found]


# A filtered admin list counts its rows up to COUNT_CAP; beyond, it says "more than" (as the catalogue does). At
# 10,000 a common name searched in the visits' admin spent 460 of its 570 ms counting, for a number no one pages
# through 50 at a time. An unfiltered list shows PostgreSQL's estimate once the table holds more than
# ESTIMATE_ABOVE rows, and counts a smaller one.
COUNT_CAP = 1_000
ESTIMATE_ABOVE = 10_000


class LargeTablePaginator(Paginator):  # type: ignore[type-arg]
    """The admin's paginator for tables of millions of rows: an unfiltered list shows PostgreSQL's row
    estimate instead of counting every row; a filtered list counts what the filter selects up to COUNT_CAP + 1
    rows (`capped` then), so a filter that matches millions costs what one that matches a thousand does."""

    capped = False

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet) or connection.vendor != "postgresql":
            return super().count
        if not queryset.query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [queryset.model._meta.db_table]
                )
                row = cursor.fetchone()
            if row and row[0] > ESTIMATE_ABOVE:
                return int(row[0])
        counted = queryset.order_by()[: COUNT_CAP + 1].count()
        self.capped = counted > COUNT_CAP
        return counted


@dataclass(frozen=True)
class Keyset:
    """An ordering a keyset can follow: local columns without NULLs, all in one direction, ending with the primary
    key. `after` gives the rows past the one a token names, by a row comparison the ordering's index serves, so a
    deep page costs what the first does (OFFSET reads and throws away every row before the page)."""

    fields: tuple[Field[Any, Any], ...]
    descending: bool

    @classmethod
    def of(cls, queryset: QuerySet[Any]) -> Keyset | None:
        if not isinstance(queryset, QuerySet):  # a list's own paging object (the catalogue's), not a queryset
            return None
        fields: list[Field[Any, Any]] = []
        directions = set()
        for entry in queryset.query.order_by:
            if not isinstance(entry, str):  # an expression
                return None
            name = entry.lstrip("-")
            try:
                field = queryset.model._meta.pk if name == "pk" else queryset.model._meta.get_field(name)
            except FieldDoesNotExist:  # a related field, a random order
                return None
            if not isinstance(field, Field) or field.null or not field.concrete:
                return None
            if field not in fields:
                fields.append(field)
                directions.add(entry.startswith("-"))
            if field.primary_key:
                break
        if not fields or not fields[-1].primary_key or len(directions) != 1:
            return None
        return cls(tuple(fields), directions.pop())

    def token(self, obj: Model) -> str:
        values = [field.value_to_string(obj) for field in self.fields]
        return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")

    def after(self, queryset: QuerySet[M], token: str, *, backward: bool = False) -> QuerySet[M]:
        """The rows past the one `token` names in the list's order (`backward`: the rows before it, nearest first).
        Raises ValueError for a token that names no row's key."""
        try:
            values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            keys = [field.to_python(value) for field, value in zip(self.fields, values, strict=True)]
        except (ValueError, TypeError, ValidationError, binascii.Error) as exc:
            raise ValueError("not a keyset token") from exc
        quote = connection.ops.quote_name
        table = quote(queryset.model._meta.db_table)
        columns = ", ".join(f"{table}.{quote(str(field.column))}" for field in self.fields)
        marks = ", ".join(["%s"] * len(keys))
        params = [field.get_db_prep_value(key, connection) for field, key in zip(self.fields, keys, strict=True)]
        comparison = "<" if self.descending != backward else ">"
        # the SQL holds only the model's own quoted column names; the keys are parameters
        row_after = RawSQL(f"({columns}) {comparison} ({marks})", params, output_field=BooleanField())  # noqa: S611
        rows = queryset.filter(row_after)
        return rows.reverse() if backward else rows

    def step(self, queryset: QuerySet[M], param: str, per_page: int) -> tuple[int, list[M], bool] | None:
        """The page a `page` parameter of `paginate` names by keyset: (its number, its rows, whether more follow);
        None when the parameter is no keyset step."""
        direction, (number_text, dot, token) = param[:1], param[1:].partition(".")
        if direction not in (AFTER, BEFORE) or not dot or not number_text.isdigit():
            return None
        number = min(max(1, int(number_text)), MAX_PAGE)
        try:
            rows = list(self.after(queryset, token, backward=direction == BEFORE)[: per_page + 1])
        except ValueError:
            return None
        if direction == AFTER:
            return number, rows[:per_page], len(rows) > per_page
        return number, rows[:per_page][::-1], True
