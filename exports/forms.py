"""The export buttons' form: which list, which format, and the page's filter as its query string."""

from django import forms
from django.http import QueryDict

from .models import Format
from .services import BAD_FORMAT, FILTER_TOO_LONG, UNKNOWN_LIST

MAX_QUERY_LENGTH = 2000


class StartForm(forms.Form):
    list = forms.CharField(max_length=64, error_messages={"required": UNKNOWN_LIST, "max_length": UNKNOWN_LIST})
    format = forms.ChoiceField(
        choices=Format.choices, error_messages={"required": BAD_FORMAT, "invalid_choice": BAD_FORMAT}
    )
    query = forms.CharField(
        max_length=MAX_QUERY_LENGTH, required=False, strip=False, error_messages={"max_length": FILTER_TOO_LONG}
    )

    def params(self) -> QueryDict:
        """The page's filter, as its query string gave it."""
        return QueryDict(self.cleaned_data["query"])
