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
from django.utils.functional import cached_property

M = TypeVar("M", bound=Model)


@dataclass
class Page(Generic[M]):
    items: list[M]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1


MAX_PAGE = 10_000  # beyond, a filter serves better than paging; and an absurd number cannot reach the database


def paginate(queryset: QuerySet[M], page: str | None, per_page: int = 25) -> Page[M]:
    try:
        number = min(max(1, int(page or 1)), MAX_PAGE)
    except ValueError:
        number = 1
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return Page(items=rows[:per_page], number=number, has_next=len(rows) > per_page)


COUNT_CAP = 10_000  # a filtered admin list counts its rows up to here; beyond, it says "more than"


class LargeTablePaginator(Paginator):  # type: ignore[type-arg]
    """The admin's paginator for tables of millions of rows: an unfiltered list shows PostgreSQL's row
    estimate instead of counting every row; a filtered list counts what the filter selects up to COUNT_CAP + 1
    rows (`capped` then), so a filter that matches millions costs what one that matches ten thousand does."""

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
            if row and row[0] > COUNT_CAP:
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

    def after(self, queryset: QuerySet[M], token: str) -> QuerySet[M]:
        """The rows past the one `token` names. Raises ValueError for a token that names no row's key."""
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
        comparison = "<" if self.descending else ">"
        # the SQL holds only the model's own quoted column names; the keys are parameters
        row_after = RawSQL(f"({columns}) {comparison} ({marks})", params, output_field=BooleanField())  # noqa: S611
        return queryset.filter(row_after)
