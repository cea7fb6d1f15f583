"""The forms of an import of transactions: the file sent, and the decision on a checked file."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import importing

SAVE_ALL = "save_all"
SAVE_GOOD = "save_good"
DISCARD = "discard"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File of transactions"),
        help_text=_("A CSV file (UTF-8) or an Excel .xlsx file, at most 2 MB and 2,000 rows."),
        widget=forms.FileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self) -> Any:
        """Refuse a file too big before it is read (whether it is a spreadsheet is read from its content)."""
        upload = self.cleaned_data["file"]
        try:
            importing.check_size(upload.size or 0)
        except ValidationError as exc:
            raise ValidationError(exc.messages, code=exc.code) from exc
        return upload


class ImportDecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            (SAVE_ALL, _("Save all rows")),
            (SAVE_GOOD, _("Save the good rows only")),
            (DISCARD, _("Discard the file")),
        ]
    )
