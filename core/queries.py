"""Query expressions every app uses."""

from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, F, Func, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def count_of(queryset: QuerySet[Any]) -> Coalesce:
    """The number of rows of a correlated subquery, as a column of the outer query: counted for the outer rows
    shown only (after their LIMIT), where a join grouped by the outer row would count every row first. COUNT(*),
    not of the key: an index that holds the filter's columns answers alone (a mentor's year of visits by
    `mentoring_visit_mentor_date`: 0.2 ms, against 1.25 ms reading each visit's row for its id). Not Django's
    Count, an aggregate, which would group the subquery."""
    counted = queryset.order_by().annotate(n=Func(template="COUNT(*)", output_field=IntegerField())).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class AnyOf(Func):
    """`column = ANY(ARRAY(SELECT ...))`: true for the rows whose `column` (a path) is one of the values the
    queryset's one column gives. The array is computed once, before the outer query (an InitPlan), and the planner
    starts from those few values through the column's index; as IN or EXISTS, the same condition is a join the
    planner may put last, after reading every row the other filters leave (bench/FIGURES.md: a mentor's queue)."""

    output_field = BooleanField()
    arg_joiner = " = ANY("
    template = "%(expressions)s)"

    def __init__(self, column: str, values: QuerySet[Any]) -> None:
        super().__init__(F(column), ArraySubquery(values))
