"""The monthly indicator form, shared by a mentor recording on a participant's behalf and, later, the participant."""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import forms as core_forms
from core.dates import BAD_MONTH
from core.money import MAX_RUPIAH, capital_warning, monthly_sales_warning

from ..services import MAX_WORKERS, check_month

__all__ = ["BAD_MONTH", "MonthField", "MonthlyRecordForm"]

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
