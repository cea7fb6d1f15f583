"""Writes of P6 financial reporting, in one transaction each, recorded in the audit trail as the acting user's:
`records` (the monthly report, closing, class), `books` (the cash book and money owed), `imports` (a file of
transactions), `statements` (the PDF statements and their verification code)."""

from registration.validators import MAX_WORKERS

from .books import (
    check_debt,
    check_entry,
    day_errors,
    debt_add,
    debt_change_decision,
    debt_delete,
    debt_settle,
    debt_unsettle,
    debt_update,
    entry_add,
    entry_change_decision,
    entry_delete,
    entry_update,
    opening_balance_set,
)
from .imports import import_check, import_discard, import_save
from .records import (
    MAX_REASON_CHARS,
    PROGRAM_TASK,
    check_month,
    check_program_year,
    month_close,
    month_reopen,
    monthly_record_check,
    monthly_record_delete,
    monthly_record_save,
    program_report_build,
    program_report_request,
    refresh_months,
)
from .statements import statement_issue

__all__ = [
    "MAX_REASON_CHARS",
    "MAX_WORKERS",
    "PROGRAM_TASK",
    "check_debt",
    "check_entry",
    "check_month",
    "check_program_year",
    "day_errors",
    "debt_add",
    "debt_change_decision",
    "debt_delete",
    "debt_settle",
    "debt_unsettle",
    "debt_update",
    "entry_add",
    "entry_change_decision",
    "entry_delete",
    "entry_update",
    "import_check",
    "import_discard",
    "import_save",
    "month_close",
    "month_reopen",
    "monthly_record_check",
    "monthly_record_delete",
    "monthly_record_save",
    "opening_balance_set",
    "program_report_build",
    "program_report_request",
    "refresh_months",
    "statement_issue",
]
