"""What `bench/timing.py` times: a `Page` is one request a user makes (who, which URL, which object, found by
asking the data) with the best hand-written SQL for the same answer. The tables of pages are in the
`timing_*` modules next to this one, by area; `all_pages()` gathers them in the order they are printed.

A page's `pick` is SQL returning one row: its `user` column is the account that logs in (none for a public page,
`key` for an API page: the id of a usable PartnerKey), its other columns fill `{name}` in the URL and the query
string and `%(name)s` in the best SQL. A pick that returns no row (or NULL for a value the URL names), or a table of
`needs` without rows, means the data is missing: the page is listed as "no data" and skipped. Every best SQL may
also use `%(today)s`, `%(now)s`, `%(month)s` (the first day of this month), `%(year)s`, `%(tz)s` (the portal's time
zone) and `%(rows)s` (a page of 25 and the row that tells another follows). Write `%%` for a literal percent sign.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType

PAGE_SIZE = 25  # core.pagination.paginate's default
ADMIN_PAGE_SIZE = 50  # core.admin.ProgramAdmin.list_per_page
API_PAGE_SIZE = 50  # core.api.CursorPagination.page_size


@dataclasses.dataclass(frozen=True)
class Page:
    """One page or endpoint, as a user opens it, and the best SQL for its answer."""

    name: str  # unique; `--only` and `--explain` name it
    who: str  # the role that opens it, as printed
    url: str  # the path, with {column} of the pick
    sql: tuple[str, ...]  # the best SQL: each statement run and fetched, in order
    pick: str = ""  # SQL returning one row (see the module docstring); empty: nothing to choose
    params: Mapping[str, str] = dataclasses.field(default_factory=lambda: MappingProxyType({}))
    deep: str = ""  # API: the pick column holding the cursor position of the deep page (DRF's `p`)
    first: str = ""  # API deep page: the name of its first page, for the deep/first ratio
    note: str = ""  # what the page shows, in a few words, printed with --list
    needs: tuple[str, ...] = ()  # tables that must have rows for the page to show anything (else "no data")

    def __post_init__(self) -> None:
        if isinstance(self.sql, str):
            raise TypeError(f"{self.name}: sql is a tuple of statements")


# --- who opens the pages: picks shared by several pages ------------------------------------------------------

AGENCY = "SELECT id AS user FROM accounts_user WHERE role = 'agency' AND is_active AND is_staff ORDER BY id LIMIT 1"

# the kecamatan with the most participants, and a secretary of it
LARGEST_KECAMATAN = """
    SELECT kecamatan_id FROM registration_participant GROUP BY kecamatan_id ORDER BY count(*) DESC, kecamatan_id
    LIMIT 1"""
SECRETARY = f"""
    SELECT u.id AS user, u.office_id AS kecamatan FROM accounts_user u
    WHERE u.role = 'secretariat' AND u.is_active AND u.office_id = ({LARGEST_KECAMATAN})
    ORDER BY u.id LIMIT 1"""

# the mentor whose active caseload is closest to 600 (the busiest at the small size)
MENTOR = """
    SELECT a.mentor_id AS user, u.office_id AS kecamatan, count(*) AS caseload
    FROM mentoring_mentorassignment a JOIN accounts_user u ON u.id = a.mentor_id
    WHERE a.active AND u.is_active
    GROUP BY a.mentor_id, u.office_id ORDER BY abs(count(*) - 600), a.mentor_id LIMIT 1"""


def mentor_and(columns: str, joins: str = "", where: str = "", order: str = "") -> str:
    """The MENTOR pick with more columns about one of their active participants (`a` is the assignment, `p` the
    participant): e.g. the one of their participants with the most visits."""
    return f"""
        WITH m AS ({MENTOR})
        SELECT m.user, m.kecamatan, {columns}
        FROM m JOIN mentoring_mentorassignment a ON a.mentor_id = m.user AND a.active
        JOIN registration_participant p ON p.id = a.participant_id {joins}
        {("WHERE " + where) if where else ""}
        ORDER BY {order or "p.id"} LIMIT 1"""


def entrepreneur(where: str = "", order: str = "p.id", joins: str = "") -> str:
    """A verified participant (their user logs in; `p` is the participant, `r` the registration), the first by
    `order` among those matching `where`."""
    return f"""
        SELECT p.user_id AS user, p.id AS participant, p.kecamatan_id AS kecamatan
        FROM registration_participant p JOIN registration_registration r ON r.participant_id = p.id {joins}
        WHERE r.status = 'approved' {("AND " + where) if where else ""}
        ORDER BY {order} LIMIT 1"""


def all_pages() -> list[Page]:
    """Every page of every area, in the order they are printed; names must be unique."""
    from bench import timing_admin, timing_api, timing_people, timing_staff

    pages = [*timing_people.PAGES, *timing_staff.PAGES, *timing_admin.pages(), *timing_api.PAGES]
    names = [page.name for page in pages]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"page names used twice: {duplicates}")
    return pages


def not_timed() -> dict[str, str]:
    """Routes no page times on purpose, with the reason (printed with the coverage)."""
    from bench import timing_admin, timing_api, timing_people, timing_staff

    reasons: dict[str, str] = {}
    for module in (timing_people, timing_staff, timing_admin, timing_api):
        reasons.update(getattr(module, "NOT_TIMED", {}))
    return reasons
