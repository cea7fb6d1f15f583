"""The monthly report's forms: a month entered directly (a mentor on a participant's behalf, or the participant),
the workers of a month computed from the books, and closing and reopening a month."""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import forms as core_forms
from core.dates import BAD_MONTH
from core.money import MAX_RUPIAH, capital_warning, monthly_sales_warning

from ..services import MAX_REASON_CHARS, MAX_WORKERS, check_month

__all__ = ["BAD_MONTH", "CloseMonthForm", "MonthField", "MonthlyRecordForm", "ReopenMonthForm", "WorkersForm"]

# amounts that look mistyped (above PP 7/2021's medium-business limits): the person confirms them
FIGURE_WARNINGS = {"turnover": monthly_sales_warning, "assets": capital_warning}


class MonthField(core_forms.MonthField):
    """A recorded month: typed as YYYY-MM, past or current, of a program year."""

    def clean(self, value: Any) -> datetime.date:
        month = super().clean(value)
        if month is None:
            raise ValidationError(BAD_MONTH, code="invalid")
        return check_month(month)


class MonthlyRecordForm(forms.Form):
    month = MonthField(label=_("Month"))
    turnover = core_forms.RupiahField(
        label=_("Turnover this month (Rp)"),
        max_value=MAX_RUPIAH,
        help_text=_("The sales of the month, for example 3.000.000 or 3 juta."),
    )
    expenses = core_forms.RupiahField(
        label=_("Expenses this month (Rp)"),
        max_value=MAX_RUPIAH,
        required=False,
        help_text=_("Optional: what the business spent in the month. The profit is turnover minus expenses."),
    )
    workers = forms.IntegerField(label=_("Workers"), min_value=0, max_value=MAX_WORKERS)
    assets = core_forms.RupiahField(
        label=_("Assets (Rp)"),
        max_value=MAX_RUPIAH,
        help_text=_("Without land and buildings, for example 5.000.000 or 5 juta."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workers"].widget.attrs.update({"inputmode": "numeric"})
        core_forms.ask_figure_confirmation(self, FIGURE_WARNINGS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        core_forms.check_figures(self, FIGURE_WARNINGS)
        return data


class WorkersForm(forms.Form):
    """The workers of a month whose other figures come from the cash book."""

    month = MonthField(widget=forms.HiddenInput)
    workers = forms.IntegerField(label=_("Workers"), min_value=0, max_value=MAX_WORKERS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workers"].widget.attrs.update({"inputmode": "numeric"})


class CloseMonthForm(forms.Form):
    month = MonthField(widget=forms.HiddenInput)


class ReopenMonthForm(forms.Form):
    month = MonthField(label=_("Month"))
    reason = forms.CharField(
        label=_("Why reopen it?"),
        max_length=MAX_REASON_CHARS,
        help_text=_("For example: a sale was left out. The reason is kept with the month."),
    )
