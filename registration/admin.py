"""Admin for agency staff, built for a million participants: exact-NIK lookup through the keyed hash (by POST,
so a NIK never stands in a URL or an access log), joined related rows, filters on indexed columns, no
full-table count."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ProgramAdmin
from core.crypto import keyed_hash

from .models import Business, Document, Participant, Registration, RegistrationDecision
from .nik import compact


class NoNikInUrlAdmin(ProgramAdmin):
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


class BusinessInline(admin.StackedInline[Business, Participant]):
    model = Business
    autocomplete_fields = ["kecamatan"]
    can_delete = False


@admin.register(Participant)
class ParticipantAdmin(NoNikInUrlAdmin):
    list_display = ["full_name", "masked_nik", "kecamatan", "track", "status", "created_at"]
    list_filter = ["track", "registration__status", "registration__channel", "jakarta_ktp", "kecamatan"]
    list_select_related = ["kecamatan", "registration"]
    search_fields = ["=registration__reference", "^full_name"]
    search_help_text = _("Registration reference (JP-…) or the start of a name. For a NIK, use “Find by NIK”.")
    change_list_template = "admin/registration/participant/change_list.html"
    autocomplete_fields = ["kelurahan"]
    raw_id_fields = ["user"]
    exclude = ["nik"]
    # the kecamatan decides who verifies and mentors: it changes through the participant's fix, not here
    readonly_fields = ["masked_nik", "kecamatan", "created_at"]
    inlines = [BusinessInline, DocumentInline]

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
            found = self.get_queryset(request).filter(nik_hash=keyed_hash(compact(form.cleaned_data["nik"]))).first()
            if found is not None:
                return redirect("admin:registration_participant_change", found.pk)
            form.add_error("nik", _("No participant has this NIK."))
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.opts, "title": _("Find by NIK")}
        return TemplateResponse(request, "admin/registration/participant/nik_lookup.html", context)

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
class RegistrationAdmin(NoNikInUrlAdmin):
    list_display = ["reference", "participant", "kecamatan", "status", "channel", "registered_by", "submitted_at"]
    list_filter = ["status", "channel", "participant__track", "kecamatan"]
    list_select_related = ["participant", "kecamatan", "registered_by"]
    search_fields = ["=reference"]
    raw_id_fields = ["participant", "registered_by"]
    readonly_fields = ["reference", "status", "submitted_at", "decided_at", "last_reason"]
    inlines = [DecisionInline]
