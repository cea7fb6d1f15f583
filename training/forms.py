"""Training forms and the session filter: validation of what people type, nothing more."""

import datetime
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geography.models import Wilayah
from partners.models import PartnerOrganisation
from registration.choices import Sector

from .choices import Agency, SkillType
from .models import Course, Session, date_out_of_range_message, in_date_range
from .permissions import OrganiserScope
from .services import CourseDetails, Organiser, SessionDetails

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MAX_CAPACITY = 1000
SESSION_DATE_FIELDS = ("starts_at", "ends_at", "registration_deadline")


def datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


class CourseForm(forms.ModelForm[Course]):
    """A course. Agency staff choose its organiser (an agency or a partner); a partner's courses are its own."""

    organiser_agency = forms.ChoiceField(
        label=_("Organising agency"), choices=[("", "—"), *Agency.choices], required=False
    )
    organiser_partner = forms.ModelChoiceField(
        label=_("Or organising partner"),
        queryset=PartnerOrganisation.objects.filter(active=True).order_by("name"),
        required=False,
    )

    class Meta:
        model = Course
        fields = [
            "title",
            "skill_type",
            "topic",
            "sector",
            "track_fit",
            "description",
            "completion_threshold",
            "organiser_agency",
            "organiser_partner",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, choose_organiser: bool, **kwargs: Any) -> None:
        """Without choose_organiser, the instance given carries the organiser (the partner's organisation)."""
        super().__init__(*args, **kwargs)
        if not choose_organiser:
            del self.fields["organiser_agency"]
            del self.fields["organiser_partner"]

    def organiser(self, scope: OrganiserScope) -> Organiser:
        """Who organises the course: agency staff choose; a partner's users organise for their organisation."""
        if scope.program_wide:
            data = self.cleaned_data
            return Organiser(partner=data["organiser_partner"], agency=data["organiser_agency"])
        return Organiser(partner=scope.partner, agency="")

    def details(self) -> CourseDetails:
        return course_details(self.cleaned_data)


class SessionForm(forms.ModelForm[Session]):
    """A session's place, dates and seats. Dates are Jakarta time."""

    is_online = forms.TypedChoiceField(
        label=_("Where"),
        choices=[(False, _("In person, at a venue")), (True, _("Online, by video conference"))],
        coerce=lambda v: v in (True, "True"),
        widget=forms.RadioSelect,
        initial=False,
    )
    wilayah = forms.ModelChoiceField(label=_("Wilayah"), queryset=Wilayah.objects.order_by("name"), required=False)
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        validators=[MaxValueValidator(MAX_CAPACITY)],
        help_text=_("How many participants can take part."),
    )

    class Meta:
        model = Session
        fields = [
            "is_online",
            "wilayah",
            "venue",
            "meeting_url",
            "starts_at",
            "ends_at",
            "registration_deadline",
            "capacity",
        ]
        widgets = {
            "starts_at": datetime_input(),
            "ends_at": datetime_input(),
            "registration_deadline": datetime_input(),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        # Before the model's checks see them: a year such as 0001 or 9999 overflows on its way to and from UTC.
        for name in SESSION_DATE_FIELDS:
            value = self.cleaned_data.get(name)
            if value is not None and not in_date_range(value):
                self.add_error(name, ValidationError(date_out_of_range_message(), code="out_of_range"))
        if not self.cleaned_data.get("is_online"):
            self.cleaned_data["meeting_url"] = ""
        return self.cleaned_data

    def details(self) -> SessionDetails:
        return session_details(self.cleaned_data)


def course_details(data: dict[str, Any]) -> CourseDetails:
    """A course form's cleaned data (the organiser's page or the admin) as the values the services take."""
    return CourseDetails(
        title=data["title"],
        skill_type=data["skill_type"],
        topic=data["topic"],
        sector=data["sector"],
        track_fit=data["track_fit"],
        description=data["description"],
        completion_threshold=data["completion_threshold"],
    )


def session_details(data: dict[str, Any]) -> SessionDetails:
    """A session form's cleaned data (the organiser's page or the admin) as the values the services take."""
    return SessionDetails(
        is_online=bool(data["is_online"]),
        wilayah=data["wilayah"],
        venue=data["venue"],
        meeting_url=data["meeting_url"],
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        registration_deadline=data["registration_deadline"],
        capacity=data["capacity"],
    )


class AttendanceForm(forms.Form):
    """Ticks for the people present on one day: the choices are the session's attending enrolments."""

    present = forms.TypedMultipleChoiceField(
        label=_("Present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, enrolment_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(pk, str(pk)) for pk in enrolment_ids]  # type: ignore[attr-defined]


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("5 is the best."),
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SessionFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("date_from", "date_to"):
            if data.get(name) is not None and not in_date_range(data[name]):
                self.add_error(name, ValidationError(date_out_of_range_message(), code="out_of_range"))
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", ValidationError(_("The end date is before the start date."), code="dates"))
        return data


class SessionFilter(django_filters.FilterSet):
    """The filters of the browse page. Dates are days in Jakarta time."""

    skill = django_filters.ChoiceFilter(
        label=_("Skill"), field_name="course__skill_type", choices=SkillType.choices, empty_label=_("Any skill")
    )
    sector = django_filters.ChoiceFilter(
        label=_("Sector"), choices=Sector.choices, method="filter_sector", empty_label=_("Any sector")
    )
    wilayah = django_filters.ModelChoiceFilter(
        label=_("Wilayah"), queryset=Wilayah.objects.order_by("name"), empty_label=_("Any wilayah")
    )
    mode = django_filters.ChoiceFilter(
        label=_("Online or in person"),
        choices=[("online", _("Online")), ("offline", _("In person"))],
        method="filter_mode",
        empty_label=_("Either"),
    )
    date_from = django_filters.DateFilter(
        label=_("From"), method="filter_date_from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label=_("Until"), method="filter_date_to", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Session
        fields: list[str] = []
        form = SessionFilterForm

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # targets big enough for a finger on a phone
        for field in self.form.fields.values():
            widget = field.widget
            size = "form-select-lg" if isinstance(widget, forms.Select) else "form-control-lg"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {size}".strip()

    def filter_sector(self, queryset: QuerySet[Session], name: str, value: str) -> QuerySet[Session]:
        """Courses for the sector, and courses for every sector."""
        return queryset.filter(Q(course__sector=value) | Q(course__sector=""))

    def filter_mode(self, queryset: QuerySet[Session], name: str, value: str) -> QuerySet[Session]:
        return queryset.filter(is_online=value == "online")

    def filter_date_from(self, queryset: QuerySet[Session], name: str, value: datetime.date) -> QuerySet[Session]:
        return queryset.filter(starts_at__gte=_start_of(value))

    def filter_date_to(self, queryset: QuerySet[Session], name: str, value: datetime.date) -> QuerySet[Session]:
        return queryset.filter(starts_at__lt=_start_of(value + datetime.timedelta(days=1)))


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
