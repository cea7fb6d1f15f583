"""The filters of the staff participant list (django-filter), kept in the URL so that a page link keeps them.

The list is scoped by `selectors.participant_list(user)` before any filter runs: a filter only narrows what the
user may see (a Tebet mentor asking for Gambir gets nothing of Gambir). A NIK is never searched here: it would
stand in the URL; the page's "Find by NIK" form sends it by POST (`selectors.participant_by_nik`)."""

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.permissions import AnyUser
from geography.models import Kecamatan, Wilayah

from . import selectors
from .choices import Channel, Status, Track

NIK_IN_URL = _("To find a participant by NIK, use “Find by NIK”: a NIK never goes in a URL.")
DATES_REVERSED = _("The start of the registration period is after its end.")
NO_PARTICIPANT_WITH_NIK = _("No participant you may see has this NIK.")


class NikSearchForm(forms.Form):
    """An exact NIK, sent by POST only (as the admin's "Find by NIK"): it never stands in a URL or a log."""

    nik = forms.CharField(
        label=_("NIK"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class KecamatanFilterChoice(forms.ModelChoiceField[Kecamatan]):
    def label_from_instance(self, obj: Kecamatan) -> str:
        return f"{obj.name} ({obj.wilayah.name})"


class KecamatanFilter(django_filters.ModelChoiceFilter):
    field_class = KecamatanFilterChoice


class ParticipantFilterForm(forms.Form):
    def clean_q(self) -> str:
        term = str(self.cleaned_data.get("q") or "").strip()
        if selectors.looks_like_nik(term):
            raise ValidationError(NIK_IN_URL, code="nik_in_url")
        return term

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        period = data.get("registered")
        if period and period.start and period.stop and period.start > period.stop:
            self.add_error("registered", ValidationError(DATES_REVERSED, code="dates_reversed"))
        return data


class ParticipantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name or reference"),
        method="search",
        help_text=_("The start of a name, or a reference (JP-…)."),
    )
    wilayah = django_filters.ModelChoiceFilter(
        label=_("Wilayah"), field_name="kecamatan__wilayah", queryset=Wilayah.objects.order_by("name")
    )
    kecamatan = KecamatanFilter(
        label=_("Kecamatan"), queryset=Kecamatan.objects.select_related("wilayah").order_by("name")
    )
    status = django_filters.ChoiceFilter(label=_("Status"), field_name="registration__status", choices=Status.choices)
    track = django_filters.ChoiceFilter(label=_("Track"), choices=Track.choices)
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), field_name="registration__channel", choices=Channel.choices
    )
    registered = django_filters.DateFromToRangeFilter(
        label=_("Registered between"),
        field_name="created_at",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )

    class Meta:
        form = ParticipantFilterForm
        fields: list[str] = []

    def __init__(self, data: Any = None, queryset: Any = None, *, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(data, queryset=queryset, **kwargs)
        if not permissions.is_program_wide(user):
            # office staff work in their own kecamatan: the wilayah and kecamatan are theirs already
            for name in ("wilayah", "kecamatan"):
                self.filters.pop(name)

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if not value:
            return queryset
        return queryset.filter(selectors.search_condition(value))

    @property
    def rejected(self) -> list[str]:
        """The filters given a value that could not be read (left out of the list), as readable sentences."""
        if not self.is_bound or self.is_valid():
            return []
        return [
            f"{self.form.fields[name].label}: {' '.join(errors)}" if name in self.form.fields else " ".join(errors)
            for name, errors in self.errors.items()
        ]
