"""Admin for agency staff, built for a million participants: exact-NIK search through the keyed hash,
joined related rows, filters on indexed columns, no full-table count."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin import ProgramAdmin
from jakpreneur.crypto import keyed_hash

from .models import Business, Document, Participant, Registration, RegistrationDecision
from .nik import compact


class NikSearchAdmin(ProgramAdmin):
    """A search term that is a NIK finds its participant through the keyed hash, an indexed exact match."""

    nik_hash_lookup = "nik_hash"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        term = compact(search_term)
        if len(term) == 16 and term.isdigit():
            return queryset.filter(**{self.nik_hash_lookup: keyed_hash(term)}), False
        return super().get_search_results(request, queryset, search_term)


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


class BusinessInline(admin.StackedInline[Business, Participant]):
    model = Business
    autocomplete_fields = ["kecamatan"]
    can_delete = False


@admin.register(Participant)
class ParticipantAdmin(NikSearchAdmin):
    list_display = ["full_name", "masked_nik", "kecamatan", "track", "status", "created_at"]
    list_filter = ["track", "registration__status", "registration__channel", "jakarta_ktp", "kecamatan"]
    list_select_related = ["kecamatan", "registration"]
    search_fields = ["=registration__reference", "^full_name"]
    search_help_text = _("Exact NIK (16 digits), registration reference (JP-…) or the start of a name.")
    autocomplete_fields = ["kecamatan", "kelurahan"]
    raw_id_fields = ["user"]
    exclude = ["nik"]
    readonly_fields = ["masked_nik", "created_at"]
    inlines = [BusinessInline, DocumentInline]

    @admin.display(description=_("NIK"))
    def masked_nik(self, obj: Participant) -> str:
        return obj.masked_nik

    @admin.display(description=_("status"), ordering="registration__status")
    def status(self, obj: Participant) -> str:
        return str(obj.registration.get_status_display())


@admin.register(Business)
class BusinessAdmin(ProgramAdmin):
    list_display = ["name", "participant", "sector", "kecamatan", "workers", "assets", "monthly_turnover"]
    list_filter = ["sector", "kecamatan"]
    list_select_related = ["participant", "kecamatan"]
    search_fields = ["^name"]
    autocomplete_fields = ["kecamatan"]
    raw_id_fields = ["participant"]


class DecisionInline(admin.TabularInline[RegistrationDecision, Registration]):
    model = RegistrationDecision
    readonly_fields = ("decision", "reason", "decided_by", "decided_at")
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Registration)
class RegistrationAdmin(NikSearchAdmin):
    nik_hash_lookup = "participant__nik_hash"
    list_display = ["reference", "participant", "kecamatan", "status", "channel", "registered_by", "submitted_at"]
    list_filter = ["status", "channel", "participant__track", "kecamatan"]
    list_select_related = ["participant", "kecamatan", "registered_by"]
    search_fields = ["=reference"]
    raw_id_fields = ["participant", "registered_by"]
    readonly_fields = ["reference", "status", "submitted_at", "decided_at", "last_reason"]
    inlines = [DecisionInline]
