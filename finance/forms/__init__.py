"""P6's forms by area: `records` (the monthly report), `books` (cash book, money owed), `imports`, `statements`."""

from .books import DebtForm, EntryForm, OpeningBalanceForm, SettleForm
from .imports import ImportDecisionForm, ImportUploadForm
from .records import BAD_MONTH, CloseMonthForm, MonthField, MonthlyRecordForm, ReopenMonthForm, WorkersForm
from .statements import StatementCodeForm, StatementForm

__all__ = [
    "BAD_MONTH",
    "CloseMonthForm",
    "DebtForm",
    "EntryForm",
    "ImportDecisionForm",
    "ImportUploadForm",
    "MonthField",
    "MonthlyRecordForm",
    "OpeningBalanceForm",
    "ReopenMonthForm",
    "SettleForm",
    "StatementCodeForm",
    "StatementForm",
    "WorkersForm",
]
