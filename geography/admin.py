from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from core.admin import ProgramAdmin
from core.web import add_service_errors

from . import services
from .models import Kecamatan, KecamatanOffice, Kelurahan, Wilayah
from .permissions import can_edit_office


class ReferenceDataAdmin(ProgramAdmin):
    """Official area codes: agency staff look them up (and pick them in autocompletes); administrators edit."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)


@admin.register(Wilayah)
class WilayahAdmin(ReferenceDataAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]


@admin.register(Kecamatan)
class KecamatanAdmin(ReferenceDataAdmin):
    list_display = ["code", "name", "wilayah"]
    list_filter = ["wilayah"]
    list_select_related = ["wilayah"]
    search_fields = ["name", "aliases", "code"]


@admin.register(Kelurahan)
class KelurahanAdmin(ReferenceDataAdmin):
    list_display = ["code", "name", "postal_code", "kecamatan"]
    list_select_related = ["kecamatan"]
    search_fields = ["name", "code", "postal_code"]
    autocomplete_fields = ["kecamatan"]


CONTACT_FIELDS = ["address", "phone", "whatsapp", "email", "opening_hours"]


class KecamatanOfficeForm(forms.ModelForm[KecamatanOffice]):
    """The office's contact details, checked by the service's own rules while the form is validated, so a refusal
    shows on its field (and nothing is saved). Phones may be typed with spaces and dashes: stored as +62…"""

    phone = forms.CharField(
        label=KecamatanOffice._meta.get_field("phone").verbose_name,
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    whatsapp = forms.CharField(
        label=KecamatanOffice._meta.get_field("whatsapp").verbose_name,
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    class Meta:
        model = KecamatanOffice
        fields = CONTACT_FIELDS

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if not self.errors:
            try:
                contact = services.clean_office_contact(**{field: data.get(field) or "" for field in CONTACT_FIELDS})
            except ValidationError as exc:
                add_service_errors(self, exc)
            else:
                data.update({field: getattr(contact, field) for field in CONTACT_FIELDS})
        return data


@admin.register(KecamatanOffice)
class KecamatanOfficeAdmin(ProgramAdmin):
    """Agency staff keep each kecamatan office's address, phones and opening hours up to date (through
    `office_update`); the 44 rows exist from the data migration, so none is added or deleted here."""

    form = KecamatanOfficeForm
    list_display = ["kecamatan", "wilayah", "phone", "whatsapp", "opening_hours", "updated_at"]
    list_filter = ["kecamatan__wilayah"]
    list_select_related = ["kecamatan__wilayah"]
    search_fields = ["kecamatan__name", "kecamatan__aliases", "address"]
    ordering = ["kecamatan__wilayah__code", "kecamatan__name"]
    readonly_fields = ["kecamatan", "updated_at"]
    fields = ["kecamatan", *CONTACT_FIELDS, "updated_at"]

    @admin.display(description=Wilayah._meta.verbose_name, ordering="kecamatan__wilayah__code")
    def wilayah(self, obj: KecamatanOffice) -> str:
        return str(obj.kecamatan.wilayah)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request) and can_edit_office(request.user, obj).ok

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: KecamatanOffice, form: Any, change: bool) -> None:
        data = form.cleaned_data
        saved = services.office_update(
            office=obj,
            address=data["address"],
            phone=data["phone"],
            whatsapp=data["whatsapp"],
            email=data["email"],
            opening_hours=data["opening_hours"],
            acting_user=request.user if request.user.is_authenticated else None,
        )
        for field in [*CONTACT_FIELDS, "updated_at"]:
            setattr(obj, field, getattr(saved, field))
