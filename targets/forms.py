"""The dashboard's filters, read from the query string so a view can be shared: the year (a program year,
`core.dates`), the wilayah, kecamatan or mentor, and the measure the rankings are sorted by; and the same area
with the measure, year or cohort (and month) of the participants behind a number. Each part is checked to exist
here; whether the viewer may see it is `targets.permissions.place_for`'s question."""

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from core.dates import FIRST_PROGRAM_YEAR, LAST_PROGRAM_YEAR, is_program_year
from geography.models import Kecamatan, Wilayah
from registration.measures import Measure

from .permissions import Choice

DEFAULT_RANK = Measure.VERIFIED
BAD_YEAR = _("Choose a program year, from %(first)s to %(last)s.")
NO_MENTOR = _("There is no mentor with this number.")
YEAR_OR_COHORT = _("Give either the year the number counts or the cohort (the year of registration), not both.")
MONTH_NEEDS_YEAR = _("A month is counted within a year: give the year too.")


class Geography:
    """Jakarta's kecamatan with their wilayah, read once (one query): the filters' choices and what the scope
    looks up."""

    def __init__(self) -> None:
        self.kecamatans: dict[int, Kecamatan] = {
            kecamatan.pk: kecamatan
            for kecamatan in Kecamatan.objects.select_related("wilayah").order_by("wilayah__code", "name")
        }
        self.wilayahs: dict[int, Wilayah] = {}
        members: dict[int, set[int]] = {}
        for kecamatan in self.kecamatans.values():
            self.wilayahs.setdefault(kecamatan.wilayah_id, kecamatan.wilayah)
            members.setdefault(kecamatan.wilayah_id, set()).add(kecamatan.pk)
        self.members = {wilayah_id: frozenset(ids) for wilayah_id, ids in members.items()}

    def kecamatan_choices(self) -> list[tuple[Any, Any]]:
        groups: dict[int, list[tuple[int, str]]] = {}
        for kecamatan in self.kecamatans.values():
            groups.setdefault(kecamatan.wilayah_id, []).append((kecamatan.pk, kecamatan.name))
        return [("", _("All kecamatan")), *((self.wilayahs[pk].name, rows) for pk, rows in groups.items())]

    def wilayah_choices(self) -> list[tuple[Any, Any]]:
        return [("", _("All wilayah")), *((pk, wilayah.name) for pk, wilayah in self.wilayahs.items())]


def _program_year(value: int | None) -> None:
    if value is not None and not is_program_year(value):
        raise forms.ValidationError(
            BAD_YEAR, code="not_program_year", params={"first": FIRST_PROGRAM_YEAR, "last": LAST_PROGRAM_YEAR}
        )


def _year_field(label: Any, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        help_text=help_text,
        validators=[_program_year],
        widget=forms.NumberInput(attrs={"min": FIRST_PROGRAM_YEAR, "max": LAST_PROGRAM_YEAR}),
    )


class AreaForm(forms.Form):
    """The wilayah, kecamatan and mentor a page is about (each optional; none: the whole program)."""

    wilayah = forms.TypedChoiceField(label=_("Wilayah"), coerce=int, empty_value=None, required=False)
    kecamatan = forms.TypedChoiceField(label=_("Kecamatan"), coerce=int, empty_value=None, required=False)
    mentor = forms.IntegerField(label=_("Mentor"), required=False, min_value=1, widget=forms.Select)

    def __init__(self, *args: Any, geography: Geography, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.geography = geography
        wilayah, kecamatan = self.fields["wilayah"], self.fields["kecamatan"]
        assert isinstance(wilayah, forms.TypedChoiceField) and isinstance(kecamatan, forms.TypedChoiceField)
        wilayah.choices = geography.wilayah_choices()
        kecamatan.choices = geography.kecamatan_choices()
        self.offer_mentors([])

    def clean_mentor(self) -> User | None:
        """The mentor named, loaded (one query when one is named)."""
        pk = self.cleaned_data.get("mentor")
        if pk is None:
            return None
        mentor = User.objects.filter(pk=pk, role=Role.MENTOR).first()
        if mentor is None:
            raise forms.ValidationError(NO_MENTOR, code="no_mentor")
        return mentor

    def offer_mentors(self, mentors: list[User]) -> None:
        """The mentor select's options (the kecamatan's mentors, known once the place is)."""
        widget = self.fields["mentor"].widget
        assert isinstance(widget, forms.Select)
        widget.choices = [("", _("All mentors")), *((mentor.pk, mentor.full_name) for mentor in mentors)]

    def choice(self) -> Choice:
        """The area asked for (a valid form only)."""
        data = self.cleaned_data
        wilayah_id, kecamatan_id = data.get("wilayah"), data.get("kecamatan")
        return Choice(
            wilayah=self.geography.wilayahs[wilayah_id] if wilayah_id is not None else None,
            kecamatan=self.geography.kecamatans[kecamatan_id] if kecamatan_id is not None else None,
            mentor=data.get("mentor"),
        )


class DashboardForm(AreaForm):
    """The dashboard's filters: the year (this year when none), the area, and the measure the rankings sort by."""

    field_order = ["year", "wilayah", "kecamatan", "mentor", "rank"]

    year = _year_field(_("Year"))
    rank = forms.TypedChoiceField(
        label=_("Rank by"),
        choices=Measure.choices,
        coerce=Measure,
        empty_value=DEFAULT_RANK,
        required=False,
        error_messages={"invalid_choice": _("There is no measure “%(value)s” to rank by.")},
    )

    def __init__(self, data: QueryDict | None = None, **kwargs: Any) -> None:
        # What is counted when the URL names no year or ranking is what the form shows, so pressing the filter
        # button after changing one field keeps the other (an empty select would show its first measure).
        if data is not None and not (data.get("rank") and data.get("year")):
            data = data.copy()
            data["rank"] = data.get("rank") or DEFAULT_RANK.value
            data["year"] = data.get("year") or str(timezone.localdate().year)
        super().__init__(data, **kwargs)

    def clean_year(self) -> int:
        year: int | None = self.cleaned_data.get("year")
        return year if year is not None else timezone.localdate().year


class ParticipantsForm(AreaForm):
    """The participants behind a number: the measure; the year it was reached in (and the month, for the trend),
    or the cohort (the funnel: those who registered in that year, whenever they reached it); and the area."""

    measure = forms.TypedChoiceField(
        label=_("Measure"),
        choices=Measure.choices,
        coerce=Measure,
        error_messages={"invalid_choice": _("There is no measure “%(value)s”.")},
    )
    year = _year_field(_("Year"))
    cohort = _year_field(_("Cohort"), _("The year they registered."))
    month = forms.TypedChoiceField(
        label=_("Month"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", "—"), *((month, str(month)) for month in range(1, 13))],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        year, cohort = data.get("year"), data.get("cohort")
        if "year" in data and "cohort" in data and (year is None) == (cohort is None):
            raise forms.ValidationError(YEAR_OR_COHORT, code="year_or_cohort")
        if data.get("month") is not None and year is None:
            self.add_error("month", forms.ValidationError(MONTH_NEEDS_YEAR, code="month_needs_year"))
        return data
