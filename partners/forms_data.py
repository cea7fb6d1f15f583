"""The participant's consent form on "Data saya": the tick that says they read the text, and the version of the
text they were shown (so a text changed in between is refused by the service, not silently agreed to)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class ConsentGrantForm(forms.Form):
    agree = forms.BooleanField(
        label=_("I have read and agree"),
        error_messages={"required": _("Tick the box to show you have read the text and agree to it.")},
    )
    text_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, data: Any = None, *, text_version: int) -> None:
        """`text_version`: the version of the text shown with this form (a bound form keeps what was sent)."""
        super().__init__(data, initial={"text_version": text_version})
