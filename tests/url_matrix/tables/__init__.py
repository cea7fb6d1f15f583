"""The case tables, one module per app; `ALL` is every case of the site (the API's and the admin's are in
`api` and `admin`)."""

from ..cases import Table
from . import (
    capital,
    exports,
    feedback,
    finance,
    licensing,
    marketing,
    mentoring,
    partners,
    privacy,
    registration,
    site,
    targets,
    training,
)

MODULES = (
    site,
    registration,
    training,
    mentoring,
    licensing,
    marketing,
    finance,
    capital,
    feedback,
    exports,
    targets,
    partners,
    privacy,
)


def every_case() -> Table:
    table: Table = {}
    for module in MODULES:
        overlap = set(table) & set(module.CASES)
        assert not overlap, f"named twice: {overlap}"
        table.update(module.CASES)
    return table
