"""The public catalogue's search form: the words and the filters, turned into the selectors' `CatalogueFilters`.
Every field is optional: an empty form shows the whole catalogue."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..choices import PUBLIC_GRADE_CHOICES, Category
from ..selectors.catalogue import CatalogueFilters, kecamatan_choices

MAX_SEARCH = 100  # characters: enough for any product name, and a bounded query


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the catalogue"),
        max_length=MAX_SEARCH,
        required=False,
        help_text=_('Words of a name or a description, e.g. keripik tempe. "Quotes" for a phrase, -word leaves out.'),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "enterkeyhint": "search"}),
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("Any category")), *Category.choices], required=False
    )
    grade = forms.ChoiceField(
        label=_("Curation grade"), choices=[("", _("Any grade")), *PUBLIC_GRADE_CHOICES], required=False
    )
    kecamatan = forms.ChoiceField(label=_("Kecamatan of the business"), required=False)

    FILTERS = ("category", "grade", "kecamatan")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kecamatan = self.fields["kecamatan"]
        assert isinstance(kecamatan, forms.ChoiceField)
        kecamatan.choices = [("", _("Any kecamatan")), *kecamatan_choices()]
        # targets big enough for a finger on a phone
        self.fields["q"].widget.attrs.update({"class": "form-control form-control-lg", "aria-describedby": "q-help"})
        for name in self.FILTERS:
            self.fields[name].widget.attrs["class"] = "form-select-lg"

    def full_clean(self) -> None:
        super().full_clean()
        if "q" in self.errors:  # the search box is drawn by hand (an input group), so mark it here
            attrs = self.fields["q"].widget.attrs
            attrs.update({"class": f"{attrs['class']} is-invalid", "aria-invalid": "true"})
            attrs["aria-describedby"] = "q-error q-help"

    @property
    def filters_used(self) -> int:
        return self.filters().used if self.is_valid() else 0

    def filters(self) -> CatalogueFilters:
        """The search as the selectors take it (a valid form only)."""
        data = self.cleaned_data
        return CatalogueFilters(
            text=data.get("q", ""),
            category=data.get("category", ""),
            grade=data.get("grade", ""),
            kecamatan=data.get("kecamatan", ""),
        )
