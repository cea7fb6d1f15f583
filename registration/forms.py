"""Registration forms: turn what a person types into the values the services take (registration.values), and
show early, through the same validators the services call, what the services would refuse."""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.template.defaultfilters import filesizeformat
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.forms import PhoneField, PhoneInput
from core.forms import (
    CONFIRM_FIGURES,
    SAVE_ALL,
    SAVE_GOOD,
    MonthField,
    RupiahField,
    SpreadsheetUploadForm,
    ask_figure_confirmation,
    check_figures,
)
from core.forms import ImportDecisionForm as BaseImportDecisionForm
from core.money import capital_warning, format_rupiah, monthly_sales_warning
from geography.models import Kecamatan, Kelurahan

from . import eligibility, importing, validators
from .choices import Decision, DocumentKind, NonJakartaBasis, Sex, Track
from .documents import validate_document
from .models import Business, Participant
from .nik import compact
from .values import BusinessData, ContactData, PersonData

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = [(True, _("Yes")), (False, _("No"))]


class KecamatanChoiceField(forms.ModelChoiceField[Kecamatan]):
    def label_from_instance(self, obj: Kecamatan) -> str:
        return f"{obj.name} ({obj.wilayah.name})"


def kecamatan_choices() -> QuerySet[Kecamatan]:
    return Kecamatan.objects.select_related("wilayah").order_by("name")


def kecamatan_field(label: StrOrPromise) -> KecamatanChoiceField:
    return KecamatanChoiceField(queryset=kecamatan_choices(), label=label)


class KelurahanSelect(forms.Select):
    """Every kelurahan, labelled with its kecamatan, so the choice works without a script; each option carries
    its kecamatan (`data-kecamatan`), so `static/js/kelurahan.js` narrows the list to the kecamatan chosen."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        instance = getattr(option["value"], "instance", None)
        if isinstance(instance, Kelurahan):
            option["attrs"]["data-kecamatan"] = str(instance.kecamatan_id)
        return option


class CachedChoiceIterator(ModelChoiceIterator[Kelurahan]):
    """The choices from the field's rows, read once per form where the list is shown (an answer checked after
    that is checked against them: no query more)."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        assert isinstance(self.field, KelurahanChoiceField)
        for obj in self.field.rows():
            yield self.choice(obj)

    def __len__(self) -> int:
        assert isinstance(self.field, KelurahanChoiceField)
        return len(self.field.rows()) + (1 if self.field.empty_label is not None else 0)


class KelurahanChoiceField(forms.ModelChoiceField[Kelurahan]):
    widget = KelurahanSelect
    iterator = CachedChoiceIterator
    listed = True  # False: the form is checked, not shown (`PersonForm(listed=False)`)

    def rows(self) -> list[Kelurahan]:
        cached = getattr(self, "_rows", None)
        if cached is None or cached[0] is not self.queryset:
            cached = (self.queryset, list(self.queryset or []))
            self._rows = cached
        return cached[1]

    def to_python(self, value: Any) -> Kelurahan | None:
        if value in self.empty_values:
            return None
        key = str(value.pk if isinstance(value, Kelurahan) else value)
        if self.listed:  # the list is shown too: checked against it, one query for both
            found = next((row for row in self.rows() if str(row.pk) == key), None)
        else:  # only checked (each later wizard step checks the earlier ones): the one row, not the 267
            among = self.queryset if self.queryset is not None else Kelurahan.objects.none()
            found = among.filter(pk=int(key)).first() if key.isdigit() and len(key) < 10 else None
        if found is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found

    def label_from_instance(self, obj: Kelurahan) -> str:
        return f"{obj.name} ({obj.kecamatan.name})"


def kelurahan_choices() -> QuerySet[Kelurahan]:
    return Kelurahan.objects.select_related("kecamatan").order_by("kecamatan__name", "name")


KELURAHAN_NEEDED = _("Choose the kelurahan you live in.")


class PersonForm(forms.ModelForm[Participant]):
    """The person: identity, contact, domicile, KTP origin and track."""

    nik = forms.CharField(
        label=_("NIK"),
        max_length=20,
        help_text=_("The 16-digit number on your KTP."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = PhoneField(label=_("Mobile number"), required=False)
    kecamatan = kecamatan_field(_("Kecamatan of domicile"))
    kelurahan = KelurahanChoiceField(
        queryset=kelurahan_choices(),
        label=_("Kelurahan of domicile"),
        required=False,
        help_text=_("The kelurahan of the kecamatan chosen above."),
    )
    jakarta_ktp = forms.TypedChoiceField(
        label=_("Do you have a Jakarta (DKI) KTP?"),
        choices=YES_NO,
        coerce=lambda v: v in (True, "True"),
        widget=forms.RadioSelect,
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    track = forms.ChoiceField(label=_("Track"), choices=Track.choices, widget=forms.RadioSelect)
    non_jakarta_basis = forms.ChoiceField(
        label=_("Without a Jakarta KTP, how may you join?"),
        choices=[("", "—"), *NonJakartaBasis.choices],
        required=False,
    )

    class Meta:
        model = Participant
        fields = [
            "full_name",
            "nik",
            "birth_date",
            "sex",
            "phone",
            "email",
            "address",
            "kecamatan",
            # "kelurahan" is a declared field, not a model field of the form: its row is read once, by the
            # field, and checked against the kecamatan by validators.check_kelurahan
            "track",
            "jakarta_ktp",
            "non_jakarta_basis",
            "domicile_since",
            "partner_activity",
        ]
        widgets = {
            "birth_date": DATE_INPUT,
            "domicile_since": DATE_INPUT,
        }
        help_texts = {"domicile_since": _("Only without a Jakarta KTP, as written in the lurah letter.")}

    def __init__(self, *args: Any, office_id: int | None = None, listed: bool = True, **kwargs: Any) -> None:
        """`office_id` limits the kecamatan to one office's (a walk-in registers where they live); `listed=False`
        for a form only checked, never shown (its kelurahan is then read alone, not with the list of 267)."""
        super().__init__(*args, **kwargs)
        kelurahan_field = self.fields["kelurahan"]
        assert isinstance(kelurahan_field, KelurahanChoiceField)
        kelurahan_field.listed = listed
        if office_id is not None:
            field = self.fields["kecamatan"]
            assert isinstance(field, KecamatanChoiceField)
            field.queryset = kecamatan_choices().filter(pk=office_id)
            kelurahan = self.fields["kelurahan"]
            assert isinstance(kelurahan, KelurahanChoiceField)
            kelurahan.queryset = kelurahan_choices().filter(kecamatan_id=office_id)
        self.fields["kelurahan"].widget.attrs["data-kecamatan-field"] = self["kecamatan"].auto_id
        if self.instance.pk and "kelurahan" not in self.initial:
            self.initial["kelurahan"] = self.instance.kelurahan_id

    def clean_nik(self) -> str:
        return compact(self.cleaned_data["nik"])

    def clean_phone(self) -> str:
        return self.cleaned_data.get("phone") or ""

    def clean(self) -> dict[str, Any]:
        """Show early what the services will refuse: the same validators, on what parsed so far."""
        super().clean()
        data = self.cleaned_data
        jakarta = data.get("jakarta_ktp")
        if data.get("birth_date"):
            self._collect(eligibility.check_age, birth_date=data["birth_date"])
        if jakarta is not None:
            self._collect(
                eligibility.check_residence,
                jakarta_ktp=jakarta,
                basis=data.get("non_jakarta_basis", ""),
                domicile_since=data.get("domicile_since"),
                partner_activity=data.get("partner_activity", ""),
            )
            if jakarta:
                data["non_jakarta_basis"], data["domicile_since"], data["partner_activity"] = "", None, ""
        if "nik" in data:
            try:
                validators.check_nik(
                    nik=data["nik"],
                    birth_date=data.get("birth_date"),
                    sex=data.get("sex"),
                    jakarta_ktp=jakarta,
                    participant=self.instance if self.instance.pk else None,
                )
            except ValidationError as exc:
                self.add_error("nik", exc)
        self._collect(validators.check_contact, phone=data.get("phone") or "", email=data.get("email") or "")
        self._check_kelurahan(data)
        return data

    def _check_kelurahan(self, data: dict[str, Any]) -> None:
        """The kelurahan lies in the kecamatan chosen; it is asked wherever that kecamatan's are known."""
        kecamatan, kelurahan = data.get("kecamatan"), data.get("kelurahan")
        if kecamatan is None or "kelurahan" in self.errors:
            return
        if kelurahan is None:
            if Kelurahan.objects.filter(kecamatan=kecamatan).exists():
                self.add_error("kelurahan", ValidationError(KELURAHAN_NEEDED, code="required"))
            return
        try:
            validators.check_kelurahan(kelurahan=kelurahan, kecamatan=kecamatan)
        except ValidationError as exc:
            self.add_error(None, exc)

    def _collect(self, check: Any, **kwargs: Any) -> None:
        try:
            check(**kwargs)
        except ValidationError as exc:
            self.add_error(None, exc)

    def values(self) -> PersonData:
        """The valid answers as the values the services take."""
        data = self.cleaned_data
        return PersonData(
            full_name=data["full_name"],
            nik=data["nik"],
            birth_date=data["birth_date"],
            sex=data["sex"],
            phone=data.get("phone") or "",
            email=data.get("email") or "",
            address=data["address"],
            kecamatan=data["kecamatan"],
            track=data["track"],
            jakarta_ktp=data["jakarta_ktp"],
            non_jakarta_basis=data.get("non_jakarta_basis") or "",
            domicile_since=data.get("domicile_since"),
            partner_activity=data.get("partner_activity") or "",
            kelurahan=data.get("kelurahan"),
        )


def summary(form: forms.BaseForm) -> list[tuple[str, str]]:
    """A validated form's answers as (label, readable value) pairs, for a review page; no queries."""
    rows = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", []) or name == CONFIRM_FIGURES:
            continue
        if isinstance(field, RupiahField):
            shown = format_rupiah(value)
        elif isinstance(field, MonthField):
            shown = formats.date_format(value, "F Y")
        elif isinstance(value, bool):
            shown = str(_("Yes") if value else _("No"))
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            shown = str(dict(field.choices).get(value, value))  # type: ignore[arg-type]
        elif isinstance(value, int):
            shown = formats.number_format(value, force_grouping=True)
        elif hasattr(value, "strftime"):
            shown = formats.date_format(value, "j F Y")
        else:
            shown = str(value)
        rows.append((str(field.label), shown))
    return rows


def documents_required_by(person: PersonForm) -> list[str]:
    """The document kinds a person's answers call for; from the raw answers while they do not validate yet."""
    if person.is_bound and person.is_valid():
        data = person.cleaned_data
        track, jakarta, basis = data["track"], data["jakarta_ktp"], data["non_jakarta_basis"]
    else:
        raw = person.data
        track = raw.get(person.add_prefix("track")) or Track.PEMULA
        jakarta = raw.get(person.add_prefix("jakarta_ktp"), "True") in (True, "True")
        basis = raw.get(person.add_prefix("non_jakarta_basis"), "")
    return eligibility.required_documents(track=track, jakarta_ktp=jakarta, basis=basis)


# the fields of each track beyond the common ones (name, sector, address, kecamatan)
RUNNING_FIELDS = ("started_on", "workers", "assets", "monthly_turnover")
PLANNED_FIELDS = ("planned_start", "planned_capital")
# amounts that look mistyped above PP 7/2021's medium-business limits: the person confirms them
BUSINESS_FIGURE_WARNINGS = {
    "assets": capital_warning,
    "monthly_turnover": monthly_sales_warning,
    "planned_capital": capital_warning,
}


class BusinessForm(forms.ModelForm[Business]):
    """The business: running (naik kelas: start date, workers, assets, turnover) or planned (pemula: planned start
    month and capital). With no track yet (an office form before the answer) both sets are offered."""

    kecamatan = kecamatan_field(_("Kecamatan of the business"))
    assets = RupiahField(
        label=_("Assets (Rp)"),
        help_text=_("Without land and buildings, for example 5.000.000 or 5 juta."),
    )
    monthly_turnover = RupiahField(
        label=_("Monthly turnover (Rp)"),
        help_text=_("The average sales of a month, for example 3.000.000 or 3 juta."),
    )
    # required by the rule of the starting track (eligibility.check_plan), which says so itself
    planned_start = MonthField(
        label=_("Planned start (month)"),
        required=False,
        help_text=_("This month or a later one, as year and month."),
    )
    planned_capital = RupiahField(
        label=_("Planned capital (Rp)"),
        required=False,
        help_text=_("What you plan to start with, for example 2.500.000 or 2,5 juta (0 if none yet)."),
    )

    class Meta:
        model = Business
        fields = [
            "name",
            "sector",
            "started_on",
            "planned_start",
            "address",
            "kecamatan",
            "workers",
            "assets",
            "monthly_turnover",
            "planned_capital",
        ]
        widgets = {"started_on": DATE_INPUT}
        help_texts = {"started_on": _("The day the business started; the first of the month if you do not know.")}

    def clean_workers(self) -> int | None:
        """The service's bound on the step itself, so the person fixes it here and not after sending."""
        workers: int | None = self.cleaned_data.get("workers")
        if workers is not None and workers > validators.MAX_WORKERS:
            raise validators.too_many_workers()
        return workers

    def __init__(self, *args: Any, track: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.track = track
        self.fields["workers"].widget.attrs.update({"min": 0, "max": validators.MAX_WORKERS, "inputmode": "numeric"})
        if track == Track.PEMULA:
            for name in RUNNING_FIELDS:
                del self.fields[name]
            self.fields["name"].label = _("Name of the planned business")
            self.fields["sector"].label = _("Sector of the planned business")
            self.fields["address"].label = _("Where the business will be (address)")
        elif track == Track.NAIK_KELAS:
            for name in PLANNED_FIELDS:
                del self.fields[name]
        else:
            for name in RUNNING_FIELDS:
                self.fields[name].required = False
        ask_figure_confirmation(self, BUSINESS_FIGURE_WARNINGS)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        try:
            eligibility.check_business(track=self.track, started_on=data.get("started_on"))
        except ValidationError as exc:
            self.add_error(None, exc)
        try:
            eligibility.check_plan(
                track=self.track, planned_start=data.get("planned_start"), planned_capital=data.get("planned_capital")
            )
        except ValidationError as exc:
            self.add_error(None, exc)
        check_figures(self, BUSINESS_FIGURE_WARNINGS)
        return data

    def values(self) -> BusinessData:
        """The valid answers as the values the services take."""
        data = self.cleaned_data
        return BusinessData(
            name=data["name"],
            sector=data["sector"],
            started_on=data.get("started_on"),
            address=data["address"],
            kecamatan=data["kecamatan"],
            workers=data.get("workers") or 0,
            assets=data.get("assets") or 0,
            monthly_turnover=data.get("monthly_turnover") or 0,
            planned_start=data.get("planned_start"),
            planned_capital=data.get("planned_capital"),
        )


def document_hint() -> str:
    return _("PDF, JPEG or PNG, at most %(limit)s.") % {"limit": filesizeformat(settings.DOCUMENT_MAX_BYTES)}


class DocumentsForm(forms.Form):
    """One file field per document asked for; required ones must be there, unless uploaded earlier.
    `offered_kinds` (default: the required ones) lets a form show every kind before the answers are known."""

    def __init__(
        self,
        *args: Any,
        required_kinds: list[str],
        present: set[str],
        offered_kinds: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(DocumentKind.choices)
        for kind in offered_kinds or required_kinds:
            self.fields[kind] = forms.FileField(
                label=labels[kind],
                required=kind in required_kinds and kind not in present,
                help_text=_("Uploaded: choose a file only to replace it.") if kind in present else document_hint(),
                widget=forms.ClearableFileInput(
                    attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
                ),
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self.content_types: dict[str, str] = {}
        for kind, upload in list(data.items()):
            if not upload:
                continue
            try:
                self.content_types[kind] = validate_document(upload)
            except ValidationError as exc:
                self.add_error(kind, exc)
        return data

    def uploads(self) -> dict[str, tuple[Any, str]]:
        """The valid uploads: kind -> (file, content type)."""
        return {kind: (self.cleaned_data[kind], ct) for kind, ct in self.content_types.items()}


class OwnKelurahanField(KelurahanChoiceField):
    """The kelurahan of one kecamatan, the participant's: each by its name alone."""

    def label_from_instance(self, obj: Kelurahan) -> str:
        return obj.name


class ContactForm(forms.Form):
    """A participant's own contact, as they change it ("Ubah kontak"). The form only reads what was typed (an
    email's shape, a kelurahan among the choices, the lengths the record holds): the rules (a valid mobile
    number, a way to reach them, an address, a kelurahan of their kecamatan) are the service's
    (`validators.clean_contact`), run once, in its transaction, and the view puts all its refusals on these fields
    together. The kelurahan offered are their kecamatan's only; another's is refused as not one of the choices."""

    phone = forms.CharField(
        label=_("Mobile number"),
        required=False,
        max_length=32,  # as typed, with spaces or dashes; the service keeps it as +62…
        widget=PhoneInput,
        help_text=_("For example 0812 3456 7890."),
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        max_length=Participant._meta.get_field("email").max_length,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(
        label=_("Domicile address"),
        required=False,
        max_length=Participant._meta.get_field("address").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        help_text=_("Street, number, RT/RW: where you live now."),
    )
    kelurahan = OwnKelurahanField(
        queryset=Kelurahan.objects.none(),
        label=_("Kelurahan of domicile"),
        required=False,
        empty_label="—",
    )

    def __init__(self, *args: Any, kecamatan: Kecamatan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kelurahan"]
        assert isinstance(field, OwnKelurahanField)
        field.queryset = Kelurahan.objects.filter(kecamatan=kecamatan).order_by("name")
        field.help_text = _("A kelurahan of your kecamatan, %(kecamatan)s.") % {"kecamatan": kecamatan.name}
        # a kelurahan not among the choices is another kecamatan's (or none): say so, as the service would
        field.error_messages["invalid_choice"] = _("Choose a kelurahan of your kecamatan, %(kecamatan)s.") % {
            "kecamatan": kecamatan.name
        }

    @classmethod
    def initial_of(cls, participant: Participant) -> dict[str, Any]:
        return {
            "phone": participant.phone,
            "email": participant.email,
            "address": participant.address,
            "kelurahan": participant.kelurahan_id,
        }

    def values(self) -> ContactData:
        """The answers as the values the service takes (unchecked: the service checks them)."""
        data = self.cleaned_data
        return ContactData(
            phone=data.get("phone") or "",
            email=data.get("email") or "",
            address=data.get("address") or "",
            kelurahan=data.get("kelurahan"),
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when sending back or rejecting: the participant reads it."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("decision") in (Decision.NEEDS_FIX, Decision.REJECT) and not data.get("reason", "").strip():
            self.add_error("reason", validators.REASON_NEEDED)
        return data


# A service's field-less refusal shown on a form field: the NIK taken meanwhile belongs to the NIK.
NIK_ERRORS = {"already_registered": "nik"}


# --- the import of participants from an office's spreadsheet -------------------------------------------------


class ParticipantImportForm(SpreadsheetUploadForm):
    file_label = _("Spreadsheet of participants")
    max_bytes = importing.MAX_FILE_BYTES


class ImportDecisionForm(BaseImportDecisionForm):
    labels = {SAVE_ALL: _("Register all rows"), SAVE_GOOD: _("Register the good rows only")}
