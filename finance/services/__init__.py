"""Writes of P6 financial reporting, in one transaction each, recorded in the audit trail as the acting user's:
`records` (the monthly report, closing, class), `books` (the cash book and money owed), `imports` (a file of
transactions), `statements` (the PDF statements and their verification code)."""

from .records import MAX_WORKERS, check_month, monthly_record_delete, monthly_record_save, refresh_months

__all__ = ["MAX_WORKERS", "check_month", "monthly_record_delete", "monthly_record_save", "refresh_months"]
