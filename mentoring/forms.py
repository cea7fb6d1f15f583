"""P3 forms: validation of what a mentor, staff or a participant types. Made for a phone: big touch targets,
the right keyboards, nothing that needs JavaScript."""

import datetime
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .models import STEP_CHOICES, HelpTopic, VisitKind
from .validators import PHOTO_TYPES, check_follow_up_due, check_visit_date, validate_photo

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FOLLOW_UP_ROWS = 3

__all__ = ["PHOTO_TYPES", "validate_photo"]  # the rules live in validators; kept here for the forms' callers


class VisitForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    kind = forms.ChoiceField(label=_("Kind of visit"), choices=VisitKind.choices, widget=forms.RadioSelect)
    steps = forms.MultipleChoiceField(
        label=_("Program steps discussed"),
        choices=STEP_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(label=_("Notes"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    shared = forms.BooleanField(
        label=_("Share these notes with the participant"),
        required=False,
        help_text=_("Shared notes, follow-ups and photo are shown to the participant; others stay with the mentors."),
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,image/jpeg,image/png"}),
    )
    stage = forms.ChoiceField(
        label=_("The participant's stage now"),
        choices=[("", _("unchanged")), *STEP_CHOICES],
        required=False,
        help_text=_("The step of the program the participant is working on now."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photo"].help_text = _("JPEG or PNG, at most %(limit)s.") % {
            "limit": filesizeformat(settings.DOCUMENT_MAX_BYTES)
        }
        if not self.is_bound:
            self.fields["date"].initial = timezone.localdate()

    def clean_date(self) -> datetime.date:
        date: datetime.date = self.cleaned_data["date"]
        check_visit_date(date)
        return date

    def clean_notes(self) -> str:
        notes = str(self.cleaned_data["notes"]).strip()
        if not notes:
            raise ValidationError(_("Write what you talked about."), code="required")
        return notes

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if photo:
            self.photo_content_type = validate_photo(photo)
        return photo


class FollowUpForm(forms.Form):
    what = forms.CharField(label=_("Follow-up agreed"), max_length=200, required=False)
    due_date = forms.DateField(label=_("Due"), widget=DATE_INPUT, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        what = (data.get("what") or "").strip()
        due = data.get("due_date")
        if what and not due and "due_date" not in self.errors:
            self.add_error("due_date", _("Give a due date for this follow-up."))
        if due and not what:
            self.add_error("what", _("Say what is to be done."))
        if due and "due_date" not in self.errors:
            try:
                check_follow_up_due(due)
            except ValidationError as exc:
                self.add_error("due_date", exc)
        data["what"] = what
        return data


class BaseFollowUpFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def __init__(self, *args: Any, visit_date: datetime.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visit_date = visit_date

    def clean(self) -> None:
        super().clean()
        if any(self.errors) or self.visit_date is None:
            return
        for form in self.forms:
            due = form.cleaned_data.get("due_date")
            if due:
                try:
                    check_follow_up_due(due, visit_date=self.visit_date)
                except ValidationError as exc:
                    if exc.code == "before_visit":
                        form.add_error("due_date", exc)

    def agreed(self) -> list[tuple[str, datetime.date]]:
        """The rows filled in: (what, due date)."""
        return [
            (form.cleaned_data["what"], form.cleaned_data["due_date"])
            for form in self.forms
            if form.cleaned_data.get("what") and form.cleaned_data.get("due_date")
        ]


FollowUpFormSet = cast(
    type[BaseFollowUpFormSet],
    forms.formset_factory(
        FollowUpForm, formset=BaseFollowUpFormSet, extra=FOLLOW_UP_ROWS, max_num=10, validate_max=True
    ),
)


class CaseloadSearchForm(forms.Form):
    """The caseload's search box (a NUL or an overlong text is refused, never sent to the database)."""

    q = forms.CharField(label=_("Search by name"), max_length=100, required=False)


class MentorChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        load = getattr(obj, "load", None)
        if load is None:
            return obj.full_name
        return _("%(name)s (%(count)s participants)") % {"name": obj.full_name, "count": load}


class AssignForm(forms.Form):
    mentor = MentorChoiceField(queryset=User.objects.none(), label=_("Mentor"), empty_label=None)
    reason = forms.CharField(label=_("Reason for the change"), max_length=200, required=False)

    def __init__(self, *args: Any, mentors: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = self.mentors = mentors  # type: ignore[attr-defined]

    def list_mentors(self) -> None:
        """Before the form is shown: its mentors listed once. A queryset's choices are asked again each time they
        are read (the page asks whether there are any, then the select lists them), each a query counting every
        mentor's participants; a saved choice needs none (the chosen mentor alone is looked up)."""
        field = self.fields["mentor"]
        assert isinstance(field, MentorChoiceField)
        field.choices = [(mentor.pk, field.label_from_instance(mentor)) for mentor in self.mentors]


class HelpRequestForm(forms.Form):
    topic = forms.ChoiceField(label=_("Topic"), choices=HelpTopic.choices)
    subject = forms.CharField(label=_("In a few words"), max_length=120)
    body = forms.CharField(label=_("Your question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))

    def clean_subject(self) -> str:
        return _required_text(self.cleaned_data["subject"])

    def clean_body(self) -> str:
        return _required_text(self.cleaned_data["body"])


class HelpReplyForm(forms.Form):
    body = forms.CharField(label=_("Your message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_body(self) -> str:
        return _required_text(self.cleaned_data["body"])


def _required_text(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError(_("This field is required."), code="required")
    return value
