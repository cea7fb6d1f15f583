"""The forms of the financial statements: the period and language to issue, and the code a bank checks."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.languages import active_language

from ..choices import StatementLanguage
from .records import MonthField

CODE_CHARS = 24  # as the URL takes it: the code with any dashes or spaces a person types


class StatementForm(forms.Form):
    period_start = MonthField(label=_("From month"))
    period_end = MonthField(label=_("To month"))
    language = forms.ChoiceField(label=_("Language of the statements"), choices=StatementLanguage.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("language", active_language())
        super().__init__(*args, **kwargs)


class StatementCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=CODE_CHARS,
        help_text=_("The code printed at the foot of every page of the statements."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
