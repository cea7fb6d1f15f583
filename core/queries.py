"""Query expressions every app uses."""

from typing import Any

from django.db.models import F, Func, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def count_of(queryset: QuerySet[Any]) -> Coalesce:
    """The number of rows of a correlated subquery, as a column of the outer query: counted for the outer rows
    shown only (after their LIMIT), where a join grouped by the outer row would count every row first."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
