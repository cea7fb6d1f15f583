"""Helpers shared by the P3 pages."""

import re

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
REPORT_MAX_MONTHS = 12
