"""Pagination that never counts the whole table: it fetches one row more than a page to know if more follow."""

from dataclasses import dataclass
from typing import Generic, TypeVar

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Model, QuerySet
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


class LargeTablePaginator(Paginator):  # type: ignore[type-arg]
    """The admin's paginator for tables of millions of rows: an unfiltered list shows PostgreSQL's row
    estimate instead of counting every row; a filtered list counts what the filter (and its index) selects."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if isinstance(queryset, QuerySet) and not queryset.query.where and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [queryset.model._meta.db_table]
                )
                row = cursor.fetchone()
            if row and row[0] > 10_000:
                return int(row[0])
        return super().count
