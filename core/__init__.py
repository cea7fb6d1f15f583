"""The bottom layer every app may import and that imports no app: decisions, the audit trail, encrypted
fields, private files, pagination, dates, languages and the small web helpers."""
