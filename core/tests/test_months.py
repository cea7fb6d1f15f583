"""The one parser of a typed month (YYYY-MM), used by the indicator form and every page that takes a month."""

import datetime

import pytest
from django.utils import timezone

from core.dates import parse_month
from finance.forms import MonthlyRecordForm


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2025-03", datetime.date(2025, 3, 1)),
        (" 2025-12 ", datetime.date(2025, 12, 1)),
        ("2018-01", datetime.date(2018, 1, 1)),  # core.dates.FIRST_PROGRAM_YEAR
        ("2100-12", datetime.date(2100, 12, 1)),
    ],
)
def test_a_typed_month_is_its_first_day(text: str, month: datetime.date) -> None:
    assert parse_month(text) == month


@pytest.mark.parametrize(
    "text",
    [
        "0000-01",
        "2024-13",
        "2024-00",
        "1999-12",
        "2000-01",
        "2017-12",
        "2101-01",
        "9999-12",
        "2024-1",
        "2024-03-01",
        "2024/03",
        "Maret 2025",
        "\uff12\uff10\uff12\uff14-01",  # full-width digits
        "2024-03\x00",
        "",
        "junk",
    ],
)
def test_anything_else_is_not_a_month(text: str) -> None:
    assert parse_month(text) is None


@pytest.mark.parametrize("text", ["0000-01", "2024-13", "junk", "1999-12"])
def test_the_form_refuses_a_bad_month_with_a_message(text: str) -> None:
    form = MonthlyRecordForm({"month": text, "turnover": "1", "workers": "1", "assets": "1"})
    assert not form.is_valid()
    assert "2025-03" in form.errors["month"][0]


def test_the_form_refuses_a_month_still_to_come() -> None:
    next_year = timezone.localdate().year + 1
    form = MonthlyRecordForm({"month": f"{next_year}-01", "turnover": "1", "workers": "1", "assets": "1"})
    assert not form.is_valid()
    assert form.has_error("month", "future_month")


def test_the_form_cleans_a_month_to_its_first_day() -> None:
    form = MonthlyRecordForm({"month": "2025-03", "turnover": "1", "workers": "1", "assets": "1"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["month"] == datetime.date(2025, 3, 1)
