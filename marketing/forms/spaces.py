"""Forms of the selling spaces: they turn what people type into the values the services take; the rules (days
within the space, from today on, a free booth) are the services', shown on these forms."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from geography.models import Wilayah

from ..choices import Grade
from ..models import Booth, SellingSpace
from ..services.spaces import BoothData, Days, SpaceData, check_program_days

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SpaceForm(forms.ModelForm[SellingSpace]):
    """A selling space: what, where, when, and which grades may apply."""

    wilayah = forms.ModelChoiceField(label=_("Wilayah"), queryset=Wilayah.objects.order_by("code"))
    accepts_grades = forms.MultipleChoiceField(
        label=_("Grades accepted"),
        choices=Grade.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Businesses with a product graded so may apply."),
    )

    class Meta:
        model = SellingSpace
        fields = [
            "name",
            "kind",
            "wilayah",
            "venue",
            "description",
            "opens_on",
            "closes_on",
            "accepts_grades",
            "active",
        ]
        widgets = {
            "opens_on": DATE_INPUT,
            "closes_on": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def values(self) -> SpaceData:
        return space_values(self.cleaned_data)


def space_values(data: dict[str, Any]) -> SpaceData:
    """A space form's cleaned data (the staff page or the admin) as the values the services take."""
    return SpaceData(
        name=data["name"],
        kind=data["kind"],
        wilayah=data["wilayah"],
        venue=data["venue"],
        opens_on=data["opens_on"],
        closes_on=data.get("closes_on"),
        accepts_grades=tuple(data["accepts_grades"]),
        description=data.get("description") or "",
        active=bool(data.get("active")),
    )


class BoothForm(forms.ModelForm[Booth]):
    class Meta:
        model = Booth
        fields = ["code", "description"]

    def values(self) -> BoothData:
        return BoothData(code=self.cleaned_data["code"], description=self.cleaned_data["description"])


class ApplicationForm(forms.Form):
    """The days a business asks for, first and last included, and a note to staff."""

    starts_on = forms.DateField(label=_("First day"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Last day"), widget=DATE_INPUT, help_text=_("The same day for one day."))
    note = forms.CharField(
        label=_("Note for the organisers"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: what you will sell, what you need at the booth."),
    )

    def clean(self) -> dict[str, Any]:
        """Days of the program's years only, said on their field before the service's other rules."""
        data = super().clean() or {}
        try:
            check_program_days(starts_on=data.get("starts_on"), ends_on=data.get("ends_on"))
        except ValidationError as exc:
            self.add_error(None, exc)
        return data

    def days(self) -> Days:
        return Days(first=self.cleaned_data["starts_on"], last=self.cleaned_data["ends_on"])


class AcceptForm(forms.Form):
    """The booth to give: the choices are the booths free on the days applied for; any booth is taken in, so that
    a booth taken meanwhile, or of another space, gets the service's clear refusal."""

    booth = forms.ModelChoiceField(label=_("Booth"), queryset=Booth.objects.all(), empty_label=None)

    def __init__(self, *args: Any, free: QuerySet[Booth], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer(free)

    def offer(self, free: QuerySet[Booth]) -> None:
        """Show these booths as the choices."""
        self.free = [(booth.pk, booth_label(booth)) for booth in free]
        self.fields["booth"].choices = self.free  # type: ignore[attr-defined]  # a ModelChoiceField: choices settable


def booth_label(booth: Booth) -> str:
    return f"{booth.code} · {booth.description}" if booth.description else booth.code


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the business reads it)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
