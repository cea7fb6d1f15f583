"""Licensing forms: turn what people type into the values the services take, and show the services' refusals.
No rule lives here: the services and the predicates decide."""

from typing import Any

from django import forms
from django.contrib.postgres.forms import SimpleArrayField
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from geography.models import Kecamatan

from .choices import OPEN_STATUSES, RequestStatus
from .models import Licence, LicenceType
from .services import LicenceData, LicenceTypeData

NOTE_MAX = 2000
DATE_INPUT = {"type": "date"}
# a refusal a service gives without a field, shown next to the field it is about
REQUEST_ERRORS = {"prerequisite_missing": "with_prerequisites", "prerequisite_closed": "licence_type"}


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d")


class LicenceTypeChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A licence type, named with what the participant lacks for it (`lacking`, from the view's query)."""

    def label_from_instance(self, obj: Any) -> str:
        lacking = list(getattr(obj, "lacking", []) or [])
        if not lacking:
            return str(obj.name)
        return str(_("%(type)s (needs %(needed)s first)") % {"type": obj.name, "needed": ", ".join(lacking)})


class RequestForm(forms.Form):
    """Ask for help with a licence. When a type needs another first that the participant lacks, a box (ticked
    by default) asks for that one too."""

    licence_type = LicenceTypeChoice(
        label=_("Which licence?"), queryset=LicenceType.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    subject = forms.CharField(
        label=_("For which product or brand? (if any)"),
        max_length=150,
        required=False,
        help_text=_("For example the product a P-IRT or a halal certificate is for, or the brand to register."),
    )
    note = forms.CharField(
        label=_("Anything your mentor should know"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    with_prerequisites = forms.BooleanField(
        label=_(
            "Also ask for what it needs first. For example, P-IRT needs an NIB first: we will also request your NIB."
        ),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, types: QuerySet[LicenceType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["licence_type"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = types
        if not any(getattr(t, "lacking", None) for t in types):
            del self.fields["with_prerequisites"]


class MoveForm(forms.Form):
    """One move of a request (issuing apart: IssueForm), with a note; a refusal needs its reason."""

    target = forms.ChoiceField(
        choices=[(s.value, s.label) for s in RequestStatus if s != RequestStatus.ISSUED], widget=forms.HiddenInput
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The participant reads it in the request's history."),
    )
    reason = forms.CharField(
        label=_("Reason for refusal"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LicenceForm(forms.Form):
    """A licence's number and dates, and its scan (PDF, JPEG or PNG, checked by the P1 document rules)."""

    number = forms.CharField(label=_("Licence number"), max_length=40)
    issued_on = forms.DateField(label=_("Issued on"), widget=date_input())
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=date_input(),
        help_text=_("Leave empty for the usual validity of this licence (none for one that does not expire)."),
    )
    scan = forms.FileField(
        label=_("Scan of the licence"),
        required=False,
        help_text=_("A PDF, JPEG or PNG file. A photo is stored without its location data."),
    )

    def licence(self) -> LicenceData:
        data = self.cleaned_data
        return LicenceData(number=data["number"], issued_on=data["issued_on"], expires_on=data["expires_on"])

    def scan_upload(self) -> Any:
        return self.cleaned_data.get("scan") or None


class IssueForm(LicenceForm):
    note = forms.CharField(
        label=_("Note"), max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RecordForm(LicenceForm):
    """A licence the participant held already."""

    licence_type = forms.ModelChoiceField(
        label=_("Licence"), queryset=LicenceType.objects.order_by("position", "name")
    )
    subject = forms.CharField(label=_("For which product or brand? (if any)"), max_length=150, required=False)

    field_order = ["licence_type", "number", "subject", "issued_on", "expires_on", "scan"]


class CorrectForm(LicenceForm):
    """Correct a licence; its scan is replaced only when a new one is chosen."""

    @classmethod
    def of(cls, licence: Licence, data: Any = None, files: Any = None) -> "CorrectForm":
        initial = {"number": licence.number, "issued_on": licence.issued_on, "expires_on": licence.expires_on}
        return cls(data, files, initial=initial)


class QueueFilter(forms.Form):
    """The staff queue's filters; agency staff also choose a kecamatan."""

    licence_type = forms.ModelChoiceField(
        label=_("Licence"), queryset=LicenceType.objects.order_by("position", "name"), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Every open status")), *((s.value, s.label) for s in OPEN_STATUSES)],
        required=False,
    )
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Kecamatan.objects.order_by("name"), required=False
    )

    def __init__(self, *args: Any, choose_kecamatan: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not choose_kecamatan:
            del self.fields["kecamatan"]


class ParticipantsFilter(forms.Form):
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Kecamatan.objects.order_by("name"), required=False
    )

    def __init__(self, *args: Any, choose_kecamatan: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not choose_kecamatan:
            del self.fields["kecamatan"]


# --- the admin's licence type form ------------------------------------------------------------------------------


class LicenceTypeForm(forms.ModelForm[LicenceType]):
    """A licence type in the admin: the documents one per line; the code fixed once the type exists."""

    documents_needed = SimpleArrayField(
        forms.CharField(max_length=200, required=False),
        delimiter="\n",
        required=False,
        label=_("Documents needed"),
        help_text=_("One document per line."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    class Meta:
        model = LicenceType
        fields = [
            "code",
            "name",
            "description",
            "issuer",
            "official_url",
            "documents_needed",
            "prerequisites",
            "validity_months",
            "reminder_days",
            "number_digits",
            "is_business_number",
            "active",
            "position",
        ]

    def clean_documents_needed(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("documents_needed") or [] if line.strip()]


def licence_type_data(data: dict[str, Any]) -> LicenceTypeData:
    """A licence type form's cleaned data as the values the service takes."""
    return LicenceTypeData(
        name=data["name"],
        description=data.get("description") or "",
        issuer=data["issuer"],
        official_url=data.get("official_url") or "",
        documents_needed=list(data.get("documents_needed") or []),
        validity_months=data.get("validity_months"),
        reminder_days=data["reminder_days"],
        number_digits=data.get("number_digits"),
        is_business_number=bool(data.get("is_business_number")),
        active=bool(data.get("active")),
        position=data.get("position") or 0,
        prerequisites=list(data.get("prerequisites") or []),
    )
