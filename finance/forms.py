"""The monthly indicator form, shared by a mentor recording on a participant's behalf and, later, the participant."""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.dates import BAD_MONTH, parse_month

from .services import MAX_RUPIAH, MAX_WORKERS, check_month

__all__ = ["BAD_MONTH", "MonthField", "MonthlyRecordForm"]


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (what a browser's month picker sends), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM", "pattern": r"\d{4}-\d{2}"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime.date):
            return f"{value:%Y-%m}"
        return value

    def clean(self, value: Any) -> datetime.date:
        month = parse_month(super().clean(value))
        if month is None:
            raise ValidationError(BAD_MONTH, code="invalid")
        return check_month(month)


class MonthlyRecordForm(forms.Form):
    month = MonthField(label=_("Month"))
    turnover = forms.IntegerField(
        label=_("Turnover this month (Rp)"),
        min_value=0,
        max_value=MAX_RUPIAH,
        help_text=_("In whole rupiah: the sales of the month."),
    )
    workers = forms.IntegerField(label=_("Workers"), min_value=0, max_value=MAX_WORKERS)
    assets = forms.IntegerField(
        label=_("Assets (Rp)"),
        min_value=0,
        max_value=MAX_RUPIAH,
        help_text=_("In whole rupiah, without land and buildings."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("turnover", "workers", "assets"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric"})
