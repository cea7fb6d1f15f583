"""P6 financial reporting: the cash books of the `sizes.books` participants with a `book_rank`, their money owed,
the monthly reports computed from the books (as `finance.services.records.refresh_months` computes them), the
months closed, the imports, the changes of class; and the monthly reports mentors entered for other mentored
participants.

- A book runs from the month after the registration was approved, at most the twelve months before the current
  one, to today: `sizes.entries_per_month` entries a month (a sale, raw materials, and a third: another sale,
  wages, rent, electricity, the owner's draw, other income, equipment or a loan), with an opening balance (cash on
  hand, and equipment owned for half of them). Sales follow the business's size (its turnover at registration for
  a going business; 2 to 12 million a month for a starting one), growing a little over the year; 1.5% of the books
  are large businesses (180 to 300 million a month) whose yearly sales pass the micro limit of PP 7/2021: their
  class change ("naik kelas") is recorded in the month it happened. 15% of the books import some months from a
  file (the entries' keys as the import makes them unique, and a saved `ImportBatch` per file).
- Money owed: 0.9 a book (piutang two in three, hutang the rest), due in two to six weeks; two in three settled
  through a settling entry, the others open (some overdue).
- Monthly reports: one for every month with entries or money owed made in it, from the rows written: turnover and
  expenses by category (credit sales and purchases the month they were made), profit, and the assets at the
  month's end (cash not below zero, money owed still open, equipment at cost); first reported with the month's
  first write (or before, by a later month's write that made it a quiet month between two of the book's: an
  imported month), last changed with the latest write dated in it or before.
- Closing: 35% of the books close their months a week after each ends (a prefix of months, each a `MonthEvent`);
  one in seven of those reopened the last one to correct it and closed it again.
- Entered reports: 35% of the other mentored participants have two to ten consecutive months entered directly (by
  their mentor, now and then by themselves), expenses given for most.

Every write is before the start of `program.today`, after the approval, and in a month not yet closed when made."""

from __future__ import annotations

import datetime
import time
from typing import TYPE_CHECKING, Any

from .licensing import analyze, data_end, planned

if TYPE_CHECKING:
    from .program import Program

MOVER_SHARE = 0.015
IMPORT_SHARE = 0.15
CLOSING_SHARE = 0.35
REOPEN_SHARE = 0.15  # of the books that close
ENTERED_SHARE = 0.35
# the third entry of a month: category, its share of draws, the lowest and highest share of the month's sales
THIRD = [
    ("sales", 0.35, 0.35, 0.55),
    ("wages", 0.20, 0.15, 0.25),
    ("rent", 0.15, 0.08, 0.15),
    ("other_out", 0.10, 0.03, 0.08),
    ("owner_draw", 0.10, 0.10, 0.20),
    ("other_in", 0.05, 0.02, 0.06),
    ("equipment", 0.03, 0.20, 0.50),
    ("loan_received", 0.02, 1.00, 3.00),  # of the base monthly sales
]
NOTES = {
    "sales": ["Penjualan warung", "Pesanan daring", "Bazar kelurahan", "Pesanan katering", "Penjualan harian"],
    "raw_materials": ["Bahan baku pasar", "Kemasan dan label", "Belanja stok", "Cabai, bawang, minyak"],
    "wages": ["Upah karyawan", "Upah harian pembantu"],
    "rent": ["Sewa tempat", "Sewa dapur"],
    "other_out": ["Listrik dan gas", "Ongkos kirim", "Pulsa dan internet"],
    "owner_draw": ["Keperluan rumah", "Uang sekolah anak"],
    "other_in": ["Jasa antar", "Titipan dagangan"],
    "equipment": ["Etalase baru", "Kompor dan blender", "Mesin jahit"],
    "loan_received": ["Pinjaman modal", "Pinjaman koperasi"],
}
CUSTOMERS = ["Katering Bu Rina", "Toko Oleh-Oleh Betawi", "Warung Pak Darto", "Kantin Sekolah", "Kantor Kelurahan"]
SUPPLIERS = ["Toko Kemasan Sinar Jaya", "Agen Sembako Makmur", "Pemasok Bahan Baku", "Toko Bangunan Jaya"]
REOPEN_REASON = "Salah catat penjualan; diperbaiki."


def load(program: Program) -> None:
    program.execute("SET jit = off")  # the planner's row guesses over generate_series would compile for seconds
    planned(program, "finance: books planned", plan_books)
    opening_entries(program)
    debts(program)
    settling_entries(program)
    book_entries(program)
    planned(program, "finance: months summed", month_sums)
    planned(program, "finance: reports computed", plan_records)
    book_records(program)
    month_events(program)
    import_batches(program)
    class_changes(program)
    entered_records(program)
    for table in ("bench_book", "bench_bm", "bench_rec"):
        program.execute(f"DROP TABLE {table}")


def _in_categories() -> list[str]:
    from finance.choices import CATEGORY_RULES, Direction

    return [str(c) for c, rule in CATEGORY_RULES.items() if rule.direction == Direction.IN]


def _line(line: str) -> list[str]:
    from finance.choices import CATEGORY_RULES

    return [str(c) for c, rule in CATEGORY_RULES.items() if rule.line == line]


def _jakarta(day_sql: str) -> str:
    """SQL: the start of a day (a date expression) in Jakarta, as a timestamptz."""
    return f"(({day_sql})::timestamp AT TIME ZONE 'Asia/Jakarta')"


def plan_books(program: Program) -> str:
    """bench_book: per book its first month, how many months after it (the current one the last), its size, and
    what it does (imports, closes, reopens)."""
    p = program
    current = p.today.replace(day=1)
    first = datetime.date(current.year - 1, current.month, 1)
    u = "bench_u(b.i, {})".format
    p.execute("DROP TABLE IF EXISTS bench_book")
    p.execute(
        f"""
        CREATE UNLOGGED TABLE bench_book AS
        SELECT x.*, (extract(year FROM age(%(current)s::date, x.start_month)) * 12
                     + extract(month FROM age(%(current)s::date, x.start_month)))::int AS months
        FROM (
            SELECT b.i, b.track, bu.workers, {u(p.salt("mover"))} < {MOVER_SHARE} AS mover,
                   greatest(%(first)s::date,
                            (date_trunc('month', b.decided AT TIME ZONE 'Asia/Jakarta') + interval '1 month')::date)
                       AS start_month,
                   CASE WHEN {u(p.salt("mover"))} < {MOVER_SHARE}
                        THEN 1000000 * (180 + bench_n(b.i, {p.salt("mover size")}, 120))
                        WHEN b.track = 'naik_kelas'
                        THEN greatest(bu.monthly_turnover, 1000000) * (0.9 + 0.4 * {u(p.salt("book size"))})
                        ELSE 1000000 * (2 + bench_n(b.i, {p.salt("book size")}, 11)) END::bigint AS s0,
                   {u(p.salt("book imports"))} < {IMPORT_SHARE} AS imports,
                   {u(p.salt("book closes"))} < {CLOSING_SHARE} AS closes,
                   {u(p.salt("book reopens"))} < {REOPEN_SHARE} AS reopens,
                   {u(p.salt("book equipment"))} < 0.5 AS has_equipment
            FROM bench_plan b JOIN registration_business bu ON bu.id = b.i
            WHERE b.book_rank IS NOT NULL
        ) x
        WHERE x.start_month < %(current)s
        """,
        {"current": current, "first": first},
    )
    p.execute("ALTER TABLE bench_book ADD PRIMARY KEY (i)")
    p.execute("ANALYZE bench_book")
    return "bench_book"


def _columns(program: Program, model: Any, columns: dict[str, str]) -> tuple[list[str], list[str], dict[str, Any]]:
    """`Loader.columns_of`, leaving out the columns PostgreSQL computes itself (a `GeneratedField`: the
    monthly report's month number), which an INSERT may not name."""
    from django.db import models

    generated = {f.name: "NULL" for f in model._meta.concrete_fields if isinstance(f, models.GeneratedField)}
    names, exprs, values = program.columns_of(model, {**columns, **generated})
    computed = {model._meta.get_field(name).column for name in generated}
    kept = [n for n, name in enumerate(names) if name not in computed]
    return [names[n] for n in kept], [exprs[n] for n in kept], values


def _insert(
    program: Program,
    model: Any,
    columns: dict[str, str],
    *,
    source: str,
    key: str,
    span: tuple[int, int],
    params: dict[str, Any],
    name: str,
) -> None:
    """`Loader.rows` for a model with a column PostgreSQL computes (`_columns`)."""
    p = program
    table = model._meta.db_table
    p.claim(table)
    names, exprs, values = _columns(p, model, columns)
    where = (
        f" AND {key} BETWEEN %(lo)s AND %(hi)s"
        if " WHERE " in source.upper()
        else (f" WHERE {key} BETWEEN %(lo)s AND %(hi)s")
    )
    sql = f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(exprs)} FROM {source}{where}"
    lo, hi = span
    started = time.monotonic()
    written = 0
    for start in range(lo, hi + 1, p.CHUNK):
        stop = min(hi, start + p.CHUNK - 1)
        written += p.execute(sql, {**params, **values, "lo": start, "hi": stop})
        p.progress.show(name, stop - lo + 1, hi - lo + 1, started)
    p.progress.done(name, written, started)


def month_sums(program: Program) -> str:
    """bench_bm: what the entries written bring to each month of each book (`finance.ledger`'s sums: revenue,
    expenses, the cash moved, equipment bought; the first and last write), and its imported entries as the
    import stored its rows. One read of the table, after it is written."""
    p = program
    signed = "CASE WHEN direction = 'in' THEN amount ELSE -amount END"
    imported = "source = 'imported'"
    p.execute("SET work_mem = '512MB'")
    p.execute("DROP TABLE IF EXISTS bench_bm")
    p.execute(
        f"""
        CREATE UNLOGGED TABLE bench_bm AS
        SELECT participant_id AS i, date_trunc('month', day)::date AS month,
               coalesce(sum(amount) FILTER (WHERE category = ANY(%(revenue)s)), 0) AS rev,
               coalesce(sum(amount) FILTER (WHERE category = ANY(%(expense)s)), 0) AS exp,
               sum({signed}) AS cash, coalesce(sum(amount) FILTER (WHERE category = ANY(%(equipment)s)), 0) AS equip,
               min(recorded_at) AS first_at, max(recorded_at) AS last_at,
               count(*) FILTER (WHERE {imported}) AS imported, min(recorded_at) FILTER (WHERE {imported}) AS import_at,
               jsonb_agg(jsonb_build_object('day', day, 'direction', direction, 'amount', amount,
                                            'category', category, 'note', note, 'key', entry_key, 'repeated', false)
                         ORDER BY day, entry_key) FILTER (WHERE {imported}) AS rows
        FROM finance_entry GROUP BY 1, 2
        """,
        {"revenue": _line("revenue"), "expense": _line("expense"), "equipment": _line("equipment")},
    )
    p.execute("RESET work_mem")
    return "bench_bm"


def _direction(category_sql: str) -> str:
    return f"CASE WHEN {category_sql} = ANY(%(in)s) THEN 'in' ELSE 'out' END"


def opening_entries(program: Program) -> None:
    """The opening balance on the book's first day: the cash on hand, and the equipment owned (an asset at cost,
    with the owner's capital it stands for), marked as the service marks them."""
    from finance.models import Entry
    from finance.selectors.books import OPENING_CAPITAL, OPENING_CASH, OPENING_EQUIPMENT

    p = program
    lines = [
        (
            OPENING_CASH,
            "owner_capital",
            f"greatest(1, round(k.s0 * (0.5 + bench_u(k.i, {p.salt('opening cash')})) / 100000)) * 100000",
        ),
        (OPENING_CAPITAL, "owner_capital", f"1000000 * (1 + bench_n(k.i, {p.salt('opening equipment')}, 20))"),
        (OPENING_EQUIPMENT, "equipment", f"1000000 * (1 + bench_n(k.i, {p.salt('opening equipment')}, 20))"),
    ]
    values = ", ".join(f"('{mark}', '{category}', {n})" for n, (mark, category, _amount) in enumerate(lines))
    amounts = " ".join(f"WHEN {n} THEN {amount}" for n, (_m, _c, amount) in enumerate(lines))
    p.rows(
        Entry,
        {
            "participant": "k.i",
            "day": "k.start_month",
            "direction": _direction("o.category"),
            "category": "o.category",
            "amount": f"(CASE o.n {amounts} END)::bigint",
            "note": "''",
            "source": "'opening'",
            "entry_key": "o.mark",
            "recorded_by": "k.i",
            "recorded_at": f"{_jakarta('k.start_month')} + interval '9 hours'",
        },
        source=f"bench_book k CROSS JOIN (VALUES {values}) AS o(mark, category, n) WHERE (o.n = 0 OR k.has_equipment)",
        key="k.i",
        span=(1, p.sizes.participants),
        params={"in": _in_categories()},
        name="cash book: opening balances",
    )


def debts(program: Program) -> None:
    """Money owed, made on a day of the book (before today), with its ids from the book: 2 (i - 1) + slot."""
    from finance.models import Debt

    p = program
    days = "(%(today)s::date - k.start_month)"
    incurred = f"k.start_month + bench_n(k.i * 2 + d.n, {p.salt('debt day')}, {days})"
    receivable = f"bench_u(k.i * 2 + d.n, {p.salt('debt kind')}) < 0.65"
    settled = f"({incurred}) + 3 + bench_n(k.i * 2 + d.n, {p.salt('debt settled after')}, 58)"
    p.rows(
        Debt,
        {
            "id": "2 * (k.i - 1) + d.n",
            "participant": "k.i",
            "kind": f"CASE WHEN {receivable} THEN 'receivable' ELSE 'payable' END",
            "counterparty": f"CASE WHEN {receivable}"
            f" THEN bench_pick(k.i * 2 + d.n, {p.salt('customer')}, %(customers)s::text[])"
            f" ELSE bench_pick(k.i * 2 + d.n, {p.salt('supplier')}, %(suppliers)s::text[]) END",
            "amount": f"greatest(1, round(k.s0 * (0.05 + 0.25 * bench_u(k.i * 2 + d.n, {p.salt('debt amount')}))"
            " / 1000))::bigint * 1000",
            "incurred_on": incurred,
            "due_on": f"CASE WHEN bench_u(k.i * 2 + d.n, {p.salt('debt due')}) < 0.8"
            f" THEN ({incurred}) + 14 + bench_n(k.i * 2 + d.n, {p.salt('debt due days')}, 32) END",
            "note": f"CASE WHEN {receivable} THEN 'Pesanan ' || (10 + bench_n(k.i, {p.salt('debt note')}, 90))"
            " || ' porsi' ELSE 'Belanja bahan' END",
            "settled_on": f"CASE WHEN bench_u(k.i * 2 + d.n, {p.salt('debt settles')}) < 0.67"
            f" AND {settled} < %(today)s THEN {settled} END",
            "recorded_by": "k.i",
            "recorded_at": f"{_jakarta(incurred)} + interval '10 hours'"
            f" + interval '1 minute' * bench_n(k.i * 2 + d.n, {p.salt('debt at')}, 480)",
        },
        source="bench_book k JOIN generate_series(1, 2) AS d(n)"
        f" ON bench_u(k.i * 2 + d.n, {p.salt('debt')}) < CASE d.n WHEN 1 THEN 0.6 ELSE 0.3 END",
        key="k.i",
        span=(1, p.sizes.participants),
        params={"today": p.today, "customers": CUSTOMERS, "suppliers": SUPPLIERS},
        name="money owed",
    )


def settling_entries(program: Program) -> None:
    """The cash a settled debt moved, on the day it was settled (the service's settling entry)."""
    from finance.models import Entry

    p = program
    p.rows(
        Entry,
        {
            "participant": "d.participant_id",
            "day": "d.settled_on",
            "direction": "CASE d.kind WHEN 'receivable' THEN 'in' ELSE 'out' END",
            "category": "CASE d.kind WHEN 'receivable' THEN 'debt_collected' ELSE 'debt_paid' END",
            "amount": "d.amount",
            "note": "d.counterparty",
            "source": "'settlement'",
            "settles": "d.id",
            "entry_key": "''",
            "recorded_by": "d.participant_id",
            "recorded_at": f"{_jakarta('d.settled_on')} + interval '16 hours'"
            f" + interval '1 minute' * bench_n(d.id, {p.salt('settled at')}, 360)",
        },
        source="finance_debt d WHERE d.settled_on IS NOT NULL",
        key="d.participant_id",
        span=(1, p.sizes.participants),
        params={},
        name="cash book: debts settled",
    )


def book_entries(program: Program) -> None:
    """`sizes.entries_per_month` entries in each month of each book, on days before today. Each entry's draws are
    made once, in a subquery kept apart (OFFSET 0), which the chunk's range reaches inside."""
    from finance.models import Entry

    p = program
    e = "(k.i * 1024 + g.m * 32 + j.j)"  # one key per entry of a book: m < 32, j < 32
    bounds, total = [], 0.0
    for category, share, _low, _high in THIRD:
        total += share
        bounds.append(f"WHEN x.v < {total:.4f} THEN '{category}'")
    shares = {category: (low, high) for category, _s, low, high in THIRD if category not in ("sales", "loan_received")}
    shares["raw_materials"] = (0.30, 0.45)
    amount_cases = " ".join(
        f"WHEN '{category}' THEN x.sm * ({low} + {high - low} * x.u)" for category, (low, high) in shares.items()
    )
    amount = (
        "CASE x.category"
        " WHEN 'sales' THEN x.sm * (CASE WHEN x.j = 1 THEN 0.45 + 0.2 * x.u ELSE 0.35 + 0.2 * x.u END)"
        " WHEN 'loan_received' THEN round(x.s0 * (1 + 2 * x.u) / 100000) * 100000"
        f" {amount_cases} END"
    )
    notes = " ".join(
        f"WHEN '{category}' THEN bench_pick(x.e, {p.salt('entry note')}, ARRAY{words!r}::text[])"
        for category, words in NOTES.items()
    )
    import_at = (
        f"least({_jakarta('k.start_month + make_interval(months => g.m + 1)')}"
        f" + interval '1 hour' * (30 + bench_n(k.i * 16 + g.m, {p.salt('import at')}, 60)),"
        " %(end)s - interval '1 hour')"
    )
    source = f"""(
        SELECT y.*, CASE WHEN y.j = 1 THEN 'sales' WHEN y.j = 2 THEN 'raw_materials'
                         ELSE (CASE {" ".join(bounds).replace("x.v", "y.v")} END) END AS category
        FROM (
            SELECT k.i, k.s0, g.m, j.j, {e} AS e,
                   (k.start_month + make_interval(months => g.m))::date
                       + bench_n({e}, {p.salt("entry day")}, 28) AS day,
                   k.s0 * (0.85 + 0.3 * g.m / 12.0) * (0.9 + 0.2 * bench_u(k.i * 32 + g.m, {p.salt("month sales")}))
                       AS sm,
                   bench_u({e}, {p.salt("third category")}) AS v,
                   bench_u({e}, {p.salt("entry amount")}) AS u,
                   bench_u({e}, {p.salt("entry has note")}) < 0.7 AS noted,
                   (k.imports AND g.m < k.months AND bench_u(k.i * 16 + g.m, {p.salt("month imported")}) < 0.4)
                       AS imported,
                   {import_at} AS import_at
            FROM bench_book k
            CROSS JOIN LATERAL generate_series(0, k.months) AS g(m)
            CROSS JOIN generate_series(1, %(per_month)s) AS j(j)
            WHERE k.i BETWEEN %(lo)s AND %(hi)s
            OFFSET 0
        ) y
    ) x WHERE x.day < %(today)s"""
    p.rows(
        Entry,
        {
            "participant": "x.i",
            "day": "x.day",
            "direction": _direction("x.category"),
            "category": "x.category",
            "amount": f"greatest(1, round(({amount}) / 1000))::bigint * 1000",
            "note": f"CASE WHEN x.noted THEN (CASE x.category {notes} END) ELSE '' END",
            "source": "CASE WHEN x.imported THEN 'imported' ELSE 'typed' END",
            "entry_key": "CASE WHEN x.imported THEN encode(sha256(('bench:' || x.e)::bytea), 'hex') ELSE '' END",
            "recorded_by": "x.i",
            "recorded_at": f"CASE WHEN x.imported THEN x.import_at ELSE {_jakarta('x.day')} + interval '17 hours'"
            f" + interval '1 minute' * bench_n(x.e, {p.salt('entry at')}, 360) END",
        },
        source=source,
        key="x.i",
        span=(1, p.sizes.participants),
        params={
            "in": _in_categories(),
            "today": p.today,
            "end": data_end(p),
            "per_month": p.sizes.entries_per_month,
        },
        name="cash book entries",
    )


def plan_records(program: Program) -> str:
    """bench_rec: each month of each book with entries or money owed made in it, and its report as the books give
    it (`finance.ledger`); its index among the book's months, and when it was closed (if it was): a week after it
    ended, a prefix of the book's months (never the current one); the last closed of some books reopened two days
    later for a correction and closed again the day after. One statement: a rewrite of its millions of rows per
    column added would cost more than the computing."""
    p = program
    end = data_end(p)
    analyze(p, "bench_bm", "finance_debt")
    next_month = "r.month + interval '1 month'"
    close_at = (
        f"({_jakarta(next_month)} + interval '6 days'"
        f" + interval '1 hour' * bench_n(r.i * 16 + r.idx, {p.salt('closed at')}, 144))"
    )
    p.execute("DROP TABLE IF EXISTS bench_rec")
    p.execute(
        f"""
        CREATE UNLOGGED TABLE bench_rec AS
        WITH dm AS (
            SELECT participant_id AS i, date_trunc('month', incurred_on)::date AS month,
                   coalesce(sum(amount) FILTER (WHERE kind = 'receivable'), 0) AS sold,
                   coalesce(sum(amount) FILTER (WHERE kind = 'payable'), 0) AS bought,
                   min(recorded_at) AS first_at, max(recorded_at) AS last_at
            FROM finance_debt GROUP BY 1, 2
        ), months AS (
            SELECT coalesce(bm.i, dm.i) AS i, coalesce(bm.month, dm.month) AS month,
                   coalesce(bm.rev, 0) + coalesce(dm.sold, 0) AS turnover,
                   coalesce(bm.exp, 0) + coalesce(dm.bought, 0) AS expenses,
                   coalesce(bm.cash, 0) AS cash, coalesce(bm.equip, 0) AS equip,
                   least(bm.first_at, dm.first_at) AS first_at, greatest(bm.last_at, dm.last_at) AS last_at
            FROM bench_bm bm FULL JOIN dm ON dm.i = bm.i AND dm.month = bm.month
        ), owed AS (
            SELECT m.i, m.month, sum(d.amount) AS receivable
            FROM months m JOIN finance_debt d ON d.participant_id = m.i AND d.kind = 'receivable'
            WHERE d.incurred_on < m.month + interval '1 month'
              AND (d.settled_on IS NULL OR d.settled_on >= m.month + interval '1 month')
            GROUP BY m.i, m.month
        ), reports AS (
            SELECT m.i, m.month, m.turnover, m.expenses, m.turnover - m.expenses AS profit,
                   min(m.first_at) OVER later AS first_at, max(m.last_at) OVER w AS recorded_at,
                   greatest(sum(m.cash) OVER w, 0) + coalesce(o.receivable, 0) + sum(m.equip) OVER w AS assets,
                   (row_number() OVER w - 1)::int AS idx
            FROM months m LEFT JOIN owed o ON o.i = m.i AND o.month = m.month
            WINDOW w AS (PARTITION BY m.i ORDER BY m.month), later AS (PARTITION BY m.i ORDER BY m.month DESC)
        ), closed AS (
            SELECT r.*, k.workers, k.reopens,
                   CASE WHEN k.closes AND r.idx < 1 + bench_n(r.i, {p.salt("months closed")}, k.months)
                             AND {close_at} < %(end)s THEN {close_at} END AS first_close,
                   CASE WHEN bench_u(r.i, {p.salt("closed by agency")}) < 0.2
                        THEN {p.user_block("agency")} + bench_n(r.i, {p.salt("closer")}, 20) ELSE r.i END AS closed_by
            FROM reports r JOIN bench_book k ON k.i = r.i
        ), reopened AS (
            SELECT c.*,
                   CASE WHEN c.reopens AND c.first_close + interval '3 days' < %(end)s
                             AND lead(c.first_close) OVER (PARTITION BY c.i ORDER BY c.month) IS NULL
                        THEN c.first_close + interval '2 days' END AS reopened_at
            FROM closed c
        )
        SELECT r.*, CASE WHEN r.reopened_at IS NOT NULL THEN r.reopened_at + interval '1 day'
                         ELSE r.first_close END AS closed_at
        FROM reopened r
        """,
        {"end": end},
    )
    p.execute("ALTER TABLE bench_rec ADD PRIMARY KEY (i, month)")
    p.execute("ANALYZE bench_rec")
    return "bench_rec"


def book_records(program: Program) -> None:
    from finance.models import MonthlyRecord

    p = program
    _insert(
        p,
        MonthlyRecord,
        {
            "participant": "r.i",
            "month": "r.month",
            "turnover": "r.turnover",
            "expenses": "r.expenses",
            "profit": "r.profit",
            "workers": "r.workers",
            "assets": "r.assets",
            "source": "'books'",
            "recorded_by": "r.i",
            "recorded_at": "r.recorded_at",
            "first_recorded_at": "r.first_at",
            "closed_at": "r.closed_at",
            "closed_by": "CASE WHEN r.closed_at IS NOT NULL THEN r.closed_by END",
        },
        source="bench_rec r",
        key="r.i",
        span=(1, p.sizes.participants),
        params={},
        name="monthly reports: from the books",
    )


def month_events(program: Program) -> None:
    """A close per closed month; for a reopened one, its reopening and its second close."""
    from finance.models import MonthEvent

    p = program
    p.rows(
        MonthEvent,
        {
            "participant": "r.i",
            "month": "r.month",
            "action": "e.action",
            "reason": f"CASE WHEN e.action = 'reopen' THEN '{REOPEN_REASON}' ELSE '' END",
            "by": "CASE WHEN e.action = 'reopen' THEN r.i ELSE r.closed_by END",
            "at": "CASE e.n WHEN 0 THEN r.first_close WHEN 1 THEN r.reopened_at ELSE r.closed_at END",
        },
        source="bench_rec r JOIN (VALUES (0, 'close'), (1, 'reopen'), (2, 'close')) AS e(n, action)"
        " ON r.first_close IS NOT NULL AND (e.n = 0 OR r.reopened_at IS NOT NULL)",
        key="r.i",
        span=(1, p.sizes.participants),
        name="months closed and reopened",
    )


def import_batches(program: Program) -> None:
    """One saved import per imported month: its rows as the check stored them, numbered as in the file."""
    from finance.models import ImportBatch

    p = program
    rows = (
        "(SELECT jsonb_agg(r.value || jsonb_build_object('row', r.n + 1) ORDER BY r.n)"
        " FROM jsonb_array_elements(x.rows) WITH ORDINALITY AS r(value, n))"
    )
    p.rows(
        ImportBatch,
        {
            "participant": "x.i",
            "file_name": "'buku-kas-' || to_char(x.month, 'YYYY-MM') || '.xlsx'",
            "file_hash": "encode(sha256(('bench file:' || x.i || ':' || x.month)::bytea), 'hex')",
            "rows": rows,
            "errors": "'[]'::jsonb",
            "status": "'saved'",
            "saved_count": "x.imported",
            "repeated_count": "0",
            "created_by": "x.i",
            "created_at": "x.import_at - interval '3 minutes'",
            "decided_at": "x.import_at",
        },
        source="bench_bm x WHERE x.imported > 0",
        key="x.i",
        span=(1, p.sizes.participants),
        name="transaction imports",
    )


def class_changes(program: Program) -> None:
    """The month a large business's reports first put it above the micro class (`finance.classes.class_now`: the
    latest month's assets, the months' turnover scaled to a year), recorded with that month's last write."""
    from finance.models import ClassChange
    from registration.models import CLASS_LIMITS

    p = program
    limits = " ".join(
        f"WHEN c.capital <= {capital} AND c.yearly <= {sales} THEN '{name}'" for name, capital, sales in CLASS_LIMITS
    )
    p.execute(
        f"""
        CREATE TEMP TABLE bench_class AS
        SELECT DISTINCT ON (c.i) c.i, c.month, c.capital, c.yearly, c.recorded_at,
               CASE {limits} ELSE 'large' END AS new_class
        FROM (
            SELECT r.i, r.month, r.assets AS capital, r.recorded_at,
                   div(2 * 12 * sum(r.turnover) OVER w + count(*) OVER w, 2 * count(*) OVER w)::bigint AS yearly
            FROM bench_rec r JOIN bench_book k ON k.i = r.i AND k.mover
            WINDOW w AS (PARTITION BY r.i ORDER BY r.month)
        ) c
        WHERE NOT (c.capital <= {CLASS_LIMITS[0][1]} AND c.yearly <= {CLASS_LIMITS[0][2]})
        ORDER BY c.i, c.month
        """
    )
    p.rows(
        ClassChange,
        {
            "participant": "c.i",
            "month": "c.month",
            "previous_class": "'micro'",
            "new_class": "c.new_class",
            "capital": "c.capital",
            "yearly_sales": "c.yearly",
            "changed_at": "c.recorded_at",
        },
        source="bench_class c",
        key="c.i",
        span=(1, p.sizes.participants),
        name="changes of class",
    )
    p.execute("DROP TABLE bench_class")


def entered_records(program: Program) -> None:
    """Reports entered directly for mentored participants who keep no book: two to ten consecutive months up
    to last month (or a little before), entered by their mentor a few days after the month (by themselves now
    and then)."""
    from finance.models import MonthlyRecord

    p = program
    current = p.today.replace(day=1)
    count = f"(2 + bench_n(b.i, {p.salt('entered months')}, 9))"
    last = (
        f"(%(current)s::date - make_interval(months => 1 + CASE WHEN bench_u(b.i, {p.salt('entered stopped')}) < 0.3"
        f" THEN bench_n(b.i, {p.salt('entered gap')}, 4) ELSE 0 END))::date"
    )
    earliest = "(date_trunc('month', b.decided AT TIME ZONE 'Asia/Jakarta') + interval '1 month')::date"
    month = f"({last} - make_interval(months => g.n))::date"
    key = "(b.i * 16 + g.n)"
    turnover = (
        f"CASE WHEN b.track = 'naik_kelas' THEN greatest(bu.monthly_turnover, 500000)"
        f" ELSE 1000000 * (1 + bench_n(b.i, {p.salt('entered size')}, 8)) END"
        f" * (0.8 + 0.4 * bench_u({key}, {p.salt('entered turnover')}))"
    )
    given = f"bench_u(b.i, {p.salt('entered expenses')}) < 0.7"
    expense_share = f"(0.5 + 0.3 * bench_u({key}, {p.salt('entered expense share')}))"
    by_mentor = f"bench_u(b.i, {p.salt('entered by')}) < 0.85"
    at = (
        f"least({_jakarta(month + ' + interval ' + chr(39) + '1 month' + chr(39))}"
        f" + interval '1 hour' * (24 + bench_n({key}, {p.salt('entered at')}, 460)), %(end)s - interval '1 hour')"
    )
    _insert(
        p,
        MonthlyRecord,
        {
            "participant": "b.i",
            "month": month,
            "turnover": f"round(({turnover}) / 10000)::bigint * 10000",
            "expenses": f"CASE WHEN {given} THEN round(({turnover}) * {expense_share} / 10000)::bigint * 10000 END",
            "profit": f"CASE WHEN {given} THEN round(({turnover}) / 10000)::bigint * 10000"
            f" - round(({turnover}) * {expense_share} / 10000)::bigint * 10000 END",
            "workers": "bu.workers",
            "assets": "greatest(bu.assets + coalesce(bu.planned_capital, 0), 1000000)",
            "source": f"CASE WHEN {by_mentor} THEN 'mentor' ELSE 'participant' END",
            "recorded_by": f"CASE WHEN {by_mentor} THEN b.mentor_user ELSE b.i END",
            "recorded_at": at,
            "first_recorded_at": at,
        },
        source=f"bench_plan b JOIN registration_business bu ON bu.id = b.i"
        f" JOIN generate_series(0, 9) AS g(n) ON g.n < {count} AND {month} >= {earliest}"
        f" WHERE b.mentor_user IS NOT NULL AND b.book_rank IS NULL AND b.decided < %(end)s - interval '60 days'"
        f" AND bench_u(b.i, {p.salt('enters reports')}) < {ENTERED_SHARE}",
        key="b.i",
        span=(1, p.sizes.participants),
        params={"current": current, "end": data_end(p)},
        name="monthly reports: entered",
    )
