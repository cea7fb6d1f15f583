"""Form fields every app shares: the one rupiah field and its widget, the month field, and the confirmation asked
when a typed figure looks mistyped (warned, not refused)."""

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import spreadsheets
from core.dates import BAD_MONTH, parse_month
from core.money import MAX_RUPIAH, group, parse_rupiah

CONFIRM_FIGURES = "confirm_figures"
CONFIRM_LABEL = _("I checked the amounts marked above: they are right.")


class RupiahInput(forms.TextInput):
    """A text input for rupiah: the phone's number keypad, the amount shown grouped ("5.000.000"); the page's
    `static/js/rupiah.js` re-groups it as the person types and writes the amount in words beside it."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            {"inputmode": "numeric", "autocomplete": "off", "data-rupiah": "", "placeholder": "0", **(attrs or {})}
        )

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool):
            return group(value)
        shown: str | None = super().format_value(value)
        return shown


class RupiahField(forms.Field):
    """An amount of whole rupiah typed the Indonesian way ("5.000.000", "Rp 5.000.000,-", "5 juta"), read by
    `core.money.parse_rupiah`; cleans to an int (or None when left empty and not required)."""

    widget = RupiahInput
    default_error_messages = {"required": _("Give the amount in rupiah (0 if none).")}

    def __init__(self, *, max_value: int = MAX_RUPIAH, min_value: int | None = None, **kwargs: Any) -> None:
        # min_value is accepted (a model field's formfield passes it) but a negative amount is always refused
        kwargs.pop("step_size", None)
        self.max_value = min(max_value, MAX_RUPIAH)  # a model field's formfield passes BIGINT's bound
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            if value < 0:
                return parse_rupiah(str(value), max_value=self.max_value)  # refused as negative
            return value
        return parse_rupiah(str(value), max_value=self.max_value)


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (what a browser's month picker sends), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM", "pattern": r"\d{4}-\d{2}"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime.date):
            return f"{value:%Y-%m}"
        return value

    def clean(self, value: Any) -> datetime.date | None:
        text = super().clean(value)
        if not text:
            return None
        month = parse_month(text)
        if month is None:
            raise ValidationError(BAD_MONTH, code="invalid")
        return month


# --- figures that look mistyped: the person confirms them ------------------------------------------------------

Warnings = Mapping[str, Callable[[int | None], str | None]]


def ask_figure_confirmation(form: forms.BaseForm, warnings: Warnings) -> None:
    """Call at the end of a bound form's __init__: when a typed amount looks mistyped, the form gets a checkbox
    "the amounts are right" (and only then, so a plain form shows none)."""
    if not form.is_bound:
        return
    for name, warning in warnings.items():
        if name not in form.fields:
            continue
        try:
            amount = parse_rupiah(str(form.data.get(form.add_prefix(name), "")))
        except ValidationError:
            continue
        if warning(amount):
            form.fields[CONFIRM_FIGURES] = forms.BooleanField(label=CONFIRM_LABEL, required=False)
            return


def check_figures(form: forms.BaseForm, warnings: Warnings) -> None:
    """Call in clean(): an amount that looks mistyped is marked (code "implausible") until the person ticks the
    confirmation; once ticked it is taken as typed."""
    if form.cleaned_data.get(CONFIRM_FIGURES):
        return
    for name, warning in warnings.items():
        message = warning(form.cleaned_data.get(name)) if name in form.fields else None
        if message:
            form.add_error(name, ValidationError(message, code="implausible"))


def figure_warnings(values: Mapping[str, int | None], warnings: Warnings) -> list[tuple[str, str]]:
    """(field, warning) of the amounts that look mistyped: for a review page's notice."""
    found = [(name, warning(values.get(name))) for name, warning in warnings.items()]
    return [(name, message) for name, message in found if message]


# Every rupiah amount in the admin is typed as on the web ("5.000.000", "5 juta"): `formfield_overrides` of an
# admin whose BigIntegerFields are money (the portal keeps money in whole rupiah, BigIntegerField).
RUPIAH_ADMIN_FIELDS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.BigIntegerField: {"form_class": RupiahField}
}


# --- an import of a spreadsheet: the file sent, and the decision on the checked file ----------------------------

SAVE_ALL = "save_all"
SAVE_GOOD = "save_good"
DISCARD = "discard"
SPREADSHEET_TYPES = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SpreadsheetUploadForm(forms.Form):
    """The file of an import (a subclass names it, its help and its size limit): a file too big is refused before
    it is read; whether it is a spreadsheet is read from its content, by the import."""

    file_label: Any = _("Spreadsheet")
    file_help: Any = _("A CSV file (UTF-8) or an Excel .xlsx file, at most 2 MB and 2,000 rows.")
    max_bytes = 2 * 1024 * 1024

    file = forms.FileField(widget=forms.FileInput(attrs={"accept": SPREADSHEET_TYPES}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].label, self.fields["file"].help_text = self.file_label, self.file_help

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            spreadsheets.check_size(upload.size or 0, limit=self.max_bytes)
        except ValidationError as exc:
            raise ValidationError(exc.messages, code=exc.code) from exc
        return upload


class ImportDecisionForm(forms.Form):
    """Save every row (only when none has an error: the service says), the good rows only, or nothing; a subclass
    names the first two in its own words (`labels`)."""

    labels: Mapping[str, Any] = {SAVE_ALL: _("Save all rows"), SAVE_GOOD: _("Save the good rows only")}

    action = forms.ChoiceField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [
            (SAVE_ALL, self.labels[SAVE_ALL]),
            (SAVE_GOOD, self.labels[SAVE_GOOD]),
            (DISCARD, _("Discard the file")),
        ]
