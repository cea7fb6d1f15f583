"""Admin for agency staff: the licence types (created and changed through the services, with the same rules as
everywhere: not its own prerequisite, no cycle, one business-number type; never deleted, closed instead), and the
requests and licences, read-only: requests move through the services (the actions here, the pages and the API),
licences are issued, recorded and corrected on the pages."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.web import request_user
from core.admin import NEWEST_FIRST, RecordAdmin, ServiceAdmin, copy_saved

from . import services
from .choices import RequestStatus
from .forms import LicenceTypeForm, licence_type_data
from .models import Licence, LicenceRequest, LicenceType, RequestMove


@admin.register(LicenceType)
class LicenceTypeAdmin(ServiceAdmin):
    form = LicenceTypeForm
    list_display = [
        "name",
        "code",
        "issuer",
        "validity_months",
        "reminder_days",
        "number_digits",
        "active",
        "position",
    ]
    list_filter = ["active"]
    search_fields = ["name", "=code"]
    filter_horizontal = ["prerequisites"]
    ordering = ["position", "name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["code"] if obj is not None else []  # other rows and links name a type by its code

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # requests and licences keep their type: a type no longer offered is closed (active)

    def service_check(self, obj: LicenceType, data: dict[str, Any], acting_user: Any) -> None:
        """The service's own checks (not its own prerequisite, no cycle, one business-number type), asked while
        the form is validated, so a refusal shows on the form."""
        services.licence_type_check(licence_type=obj, data=licence_type_data(data))

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        return form.save(commit=False)

    def save_model(self, request: HttpRequest, obj: LicenceType, form: Any, change: bool) -> None:
        saved = services.licence_type_save(
            licence_type=obj, data=licence_type_data(form.cleaned_data), acting_user=request_user(request)
        )
        copy_saved(saved, obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The prerequisites were saved by the service (the form's own m2m save would go around it)."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class RequestMoveInline(admin.TabularInline[RequestMove, LicenceRequest]):
    model = RequestMove
    readonly_fields = ("moved_at", "from_status", "to_status", "moved_by", "note")
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _moved(count: int) -> str:
    return ngettext("%(count)d request moved.", "%(count)d requests moved.", count) % {"count": count}


@admin.register(LicenceRequest)
class LicenceRequestAdmin(RecordAdmin, ServiceAdmin):  # read-only rows, moved by actions through the service
    ordering = NEWEST_FIRST
    list_display = ["participant", "licence_type", "subject", "status", "status_changed_at", "created_at"]
    list_filter = ["status", "licence_type", "participant__kecamatan"]
    list_select_related = ["participant", "licence_type"]
    search_fields = ["^participant__full_name", "=id"]
    search_help_text = _("The start of a participant's name, or a request number.")
    readonly_fields = [
        "participant",
        "licence_type",
        "subject",
        "note",
        "status",
        "requested_by",
        "created_at",
        "status_changed_at",
        "refusal_reason",
    ]
    inlines = [RequestMoveInline]
    actions = ["mark_documents_complete", "mark_submitted"]

    def _move_each(self, request: HttpRequest, queryset: QuerySet[LicenceRequest], target: str) -> None:
        """Move each selected request through the service; a refusal is said for that request."""
        user = request_user(request)
        self._each(
            request,
            queryset.select_related("participant", "licence_type"),
            lambda licence_request: services.request_move(
                licence_request=licence_request, target=target, acting_user=user
            ),
            _moved,
        )

    @admin.action(description=_("Mark the selected requests: documents complete"))
    def mark_documents_complete(self, request: HttpRequest, queryset: QuerySet[LicenceRequest]) -> None:
        self._move_each(request, queryset, RequestStatus.DOCUMENTS_COMPLETE)

    @admin.action(description=_("Mark the selected requests: submitted to the issuing office"))
    def mark_submitted(self, request: HttpRequest, queryset: QuerySet[LicenceRequest]) -> None:
        self._move_each(request, queryset, RequestStatus.SUBMITTED)


@admin.register(Licence)
class LicenceAdmin(RecordAdmin):
    ordering = NEWEST_FIRST
    list_display = ["number", "licence_type", "participant", "issued_on", "expires_on", "reminded_for"]
    list_filter = ["licence_type", "participant__kecamatan"]
    list_select_related = ["participant", "licence_type"]
    search_fields = ["=number", "^participant__full_name"]
    search_help_text = _("A licence number, or the start of a participant's name.")
    readonly_fields = [
        "participant",
        "licence_type",
        "request",
        "number",
        "subject",
        "issued_on",
        "expires_on",
        "scan_link",
        "recorded_by",
        "recorded_at",
        "reminded_for",
    ]
    exclude = ["scan", "scan_content_type", "scan_size"]

    @admin.display(description=_("scan"))
    def scan_link(self, obj: Licence) -> str:
        """The scan, through the permission-checked page that records who opened it."""
        if not obj.scan:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("licensing:scan", args=[obj.public_id]), _("Open the scan"))
