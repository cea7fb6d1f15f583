"""P6's forms by area: `records` (the monthly report), `books` (cash book, money owed), `imports`, `statements`."""

from .records import BAD_MONTH, MonthField, MonthlyRecordForm

__all__ = ["BAD_MONTH", "MonthField", "MonthlyRecordForm"]
