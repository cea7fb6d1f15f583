"""Admin for agency staff, built for a million participants: exact-NIK lookup through the keyed hash (by POST,
so a NIK never stands in a URL or an access log), joined related rows, filters on indexed columns, no
full-table count. Every write goes through the services (contact and business corrections, deletion), so the
admin meets the same rules as the web and its changes are in the audit trail as the staff member's."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.web import request_user
from core.admin import NEWEST_FIRST, ProgramAdmin, RecordAdmin
from core.forms import RUPIAH_ADMIN_FIELDS, MonthField
from core.web import error_text

from . import permissions, selectors, services, validators
from .choices import Track
from .models import (
    REFERENCE_SHAPE,
    Business,
    Document,
    Participant,
    ParticipantImport,
    Registration,
    RegistrationDecision,
)
from .nik import compact
from .values import BusinessData, ContactData


def business_values(business: Business) -> BusinessData:
    """What an admin form made of a business, as the values `business_update` takes."""
    return BusinessData(
        name=business.name,
        sector=business.sector,
        started_on=business.started_on,
        address=business.address,
        kecamatan=business.kecamatan,
        workers=business.workers,
        assets=business.assets,
        monthly_turnover=business.monthly_turnover,
        planned_start=business.planned_start,
        planned_capital=business.planned_capital,
    )


COMMON_BUSINESS_FIELDS = ["participant", "name", "sector", "address", "kecamatan"]
BUSINESS_FIELDS_OF_TRACK = {
    Track.PEMULA: ["planned_start", "planned_capital"],
    Track.NAIK_KELAS: ["started_on", "workers", "assets", "monthly_turnover"],
}


def business_fields(participant: Participant | None, *, common: list[str]) -> list[str]:
    """The business fields of the participant's track: a planned business (pemula) or a running one."""
    track = participant.track if participant is not None else Track.NAIK_KELAS
    return [*common, *BUSINESS_FIELDS_OF_TRACK[Track(track)]]


# the search of a participant's records by their registration reference (ProgramAdmin.search_shapes)
PARTICIPANT_REFERENCE_SHAPES = {"=participant__registration__reference": REFERENCE_SHAPE}


class ServiceForm(ModelForm[Any]):
    """An admin form whose save is a service's: `service_errors` puts the service's refusal on the form."""

    def service_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc)


class ParticipantContactForm(ServiceForm):
    """The participant's contact data as staff correct it, checked with the service's own rules first."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            contact = ContactData(
                phone=data.get("phone") or "",
                email=data.get("email") or "",
                address=data.get("address") or "",
                kelurahan=data.get("kelurahan"),
            )
            try:
                validators.clean_contact(contact, participant=self.instance)
            except ValidationError as exc:
                self.service_errors(exc)
        return data


class ServiceAdmin(ProgramAdmin):
    """Saves through services: the form's save writes nothing, save_model calls the service; a refusal the form
    did not foresee (a race) rolls the whole change back and is shown as a message."""

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        return form.save(commit=False)

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, error_text(exc), messages.ERROR)
            return redirect(request.get_full_path())


class NoNikInUrlAdmin(ServiceAdmin):
    """The changelist search travels in the URL: a NIK typed there is refused, pointing to the NIK lookup."""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        term = compact(search_term)
        if len(term) == 16 and term.isdigit():
            messages.warning(request, _("To find a participant by NIK, use “Find by NIK”: a NIK never goes in a URL."))
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)


class NikLookupForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"})
    )


class DocumentInline(admin.TabularInline[Document, Participant]):
    model = Document
    readonly_fields = ("kind", "link", "content_type", "size", "uploaded_by", "uploaded_at")
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("file"))
    def link(self, obj: Document) -> str:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("registration:document", args=[obj.public_id]),
            _("open"),
        )


class BusinessAdminForm(ServiceForm):
    """A business as staff correct it: checked with the rules of registration before anything is saved."""

    planned_start = MonthField(label=_("planned start (month)"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        business = self.instance
        if not self.errors and business.pk is not None:
            values = BusinessData(
                name=data.get("name", business.name),
                sector=data.get("sector", business.sector),
                started_on=data.get("started_on", business.started_on),
                address=data.get("address", business.address),
                kecamatan=data.get("kecamatan", business.kecamatan),
                workers=data.get("workers", business.workers) or 0,
                assets=data.get("assets", business.assets) or 0,
                monthly_turnover=data.get("monthly_turnover", business.monthly_turnover) or 0,
                planned_start=data.get("planned_start", business.planned_start),
                planned_capital=data.get("planned_capital", business.planned_capital),
            )
            try:
                validators.clean_business(values, track=business.participant.track)
            except ValidationError as exc:
                self.service_errors(exc)
        return data


class BusinessInlineFormSet(BaseInlineFormSet[Business, Participant, Any]):
    """The participant's business, saved through `business_update`."""

    request: HttpRequest

    def save(self, commit: bool = True) -> list[Business]:
        self.new_objects, self.deleted_objects, self.changed_objects = [], [], []
        for form in self.forms:
            if form.has_changed() and form.instance.pk is not None:
                business = services.business_update(
                    business=form.instance, data=business_values(form.instance), acting_user=request_user(self.request)
                )
                self.changed_objects.append((business, form.changed_data))
        return [business for business, _fields in self.changed_objects]


class BusinessInline(admin.StackedInline[Business, Participant]):
    model = Business
    form = BusinessAdminForm
    formset = BusinessInlineFormSet
    autocomplete_fields = ["kecamatan"]
    can_delete = False
    formfield_overrides = RUPIAH_ADMIN_FIELDS

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a business comes with its registration

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return business_fields(obj, common=COMMON_BUSINESS_FIELDS[1:])

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.request = request  # type: ignore[attr-defined]
        return formset


@admin.register(Participant)
class ParticipantAdmin(NoNikInUrlAdmin):
    list_display = ["full_name", "masked_nik", "kecamatan", "track", "status", "created_at"]
    list_filter = ["track", "registration__status", "registration__channel", "jakarta_ktp", "kecamatan"]
    list_select_related = ["kecamatan", "registration"]
    search_fields = ["=registration__reference", "^full_name"]
    search_shapes = {"=registration__reference": REFERENCE_SHAPE}
    search_help_text = _("Registration reference (JP-…) or the start of a name. For a NIK, use “Find by NIK”.")
    change_list_template = "admin/registration/participant/change_list.html"
    autocomplete_fields = ["kelurahan"]
    history_about_related = True  # the history lists the business, registration, documents ... too
    form = ParticipantContactForm
    # staff correct the contact data here (participant_update_contact); identity, track and eligibility are what
    # was verified, and the kecamatan decides who verifies and mentors: they change through the fix, not here
    fields = [
        "user",
        "full_name",
        "masked_nik",
        "birth_date",
        "sex",
        "phone",
        "email",
        "address",
        "kecamatan",
        "kelurahan",
        "jakarta_ktp",
        "non_jakarta_basis",
        "domicile_since",
        "partner_activity",
        "track",
        "created_at",
    ]
    readonly_fields = [
        "user",
        "full_name",
        "masked_nik",
        "birth_date",
        "sex",
        "kecamatan",
        "jakarta_ktp",
        "non_jakarta_basis",
        "domicile_since",
        "partner_activity",
        "track",
        "created_at",
    ]
    inlines = [BusinessInline, DocumentInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # participants come in through a registration (online or at the office)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or bool(permissions.can_delete_participant(request.user, obj))
        )

    def save_model(self, request: HttpRequest, obj: Participant, form: Any, change: bool) -> None:
        if not form.changed_data:
            return
        services.participant_update_contact(
            participant=obj,
            contact=ContactData(phone=obj.phone, email=obj.email, address=obj.address, kelurahan=obj.kelurahan),
            acting_user=request_user(request),
        )

    def delete_model(self, request: HttpRequest, obj: Participant) -> None:
        services.participant_delete(participant=obj, acting_user=request_user(request))

    @admin.display(description=_("NIK"))
    def masked_nik(self, obj: Participant) -> str:
        return obj.masked_nik

    def get_urls(self) -> list[URLPattern]:
        lookup = path("nik/", self.admin_site.admin_view(self.nik_lookup), name="registration_participant_nik")
        return [lookup, *super().get_urls()]

    def nik_lookup(self, request: HttpRequest) -> HttpResponse:
        """Find a participant by exact NIK (POST only), through the keyed hash, and open their page."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = NikLookupForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            found = selectors.with_nik(self.get_queryset(request), form.cleaned_data["nik"])
            if found is not None:
                return redirect("admin:registration_participant_change", found.pk)
            form.add_error("nik", _("No participant has this NIK."))
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.opts, "title": _("Find by NIK")}
        return TemplateResponse(request, "admin/registration/participant/nik_lookup.html", context)

    @admin.display(description=_("status"), ordering="registration__status")
    def status(self, obj: Participant) -> str:
        return str(obj.registration.get_status_display())


@admin.register(Business)
class BusinessAdmin(ServiceAdmin):
    list_display = ["name", "participant", "sector", "kecamatan", "workers", "assets", "monthly_turnover"]
    list_filter = ["sector", "kecamatan"]
    list_select_related = ["participant", "kecamatan"]
    search_fields = ["^name"]
    autocomplete_fields = ["kecamatan"]
    readonly_fields = ["participant"]  # a business belongs to its participant for good
    form = BusinessAdminForm
    formfield_overrides = RUPIAH_ADMIN_FIELDS

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return business_fields(obj.participant if obj is not None else None, common=COMMON_BUSINESS_FIELDS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a business comes with its registration

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # it goes with its participant

    def save_model(self, request: HttpRequest, obj: Business, form: Any, change: bool) -> None:
        if form.changed_data:
            services.business_update(business=obj, data=business_values(obj), acting_user=request_user(request))


class DecisionInline(admin.TabularInline[RegistrationDecision, Registration]):
    model = RegistrationDecision
    readonly_fields = ("decision", "reason", "decided_by", "decided_at")
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Registration)
class RegistrationAdmin(RecordAdmin, NoNikInUrlAdmin):
    """Read-only: a registration is made by the registration services and decided on the participant's page
    (registration_decide), where the rules and the messages to the participant are."""

    list_display = ["reference", "participant", "kecamatan", "status", "channel", "registered_by", "submitted_at"]
    list_filter = ["status", "channel", "participant__track", "kecamatan"]
    list_select_related = ["participant", "kecamatan", "registered_by"]
    search_fields = ["=reference"]
    raw_id_fields = ["participant", "registered_by"]
    readonly_fields = ["reference", "status", "submitted_at", "decided_at", "last_reason"]
    inlines = [DecisionInline]


@admin.register(ParticipantImport)
class ParticipantImportAdmin(RecordAdmin):
    """Read-only: an office's spreadsheet of participants is checked, saved and discarded on the office's pages
    (the import services); the rows waiting are encrypted and never shown here."""

    list_display = ["file_name", "office", "created_by", "status", "rows_total", "good_count", "created_at"]
    list_filter = ["status", "office"]
    list_select_related = ["office", "created_by"]
    ordering = NEWEST_FIRST
    fields = readonly_fields = (
        "file_name",
        "office",
        "created_by",
        "language",
        "status",
        "rows_total",
        "rows_done",
        "good_count",
        "errors",
        "duplicates",
        "saved",
        "only_good_rows",
        "decided_by",
        "failure",
        "created_at",
        "checked_at",
        "finished_at",
    )
