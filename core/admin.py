"""The base of every admin page of the program, and its history page (the audit trail, not Django's LogEntry)."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from . import audit
from .pagination import LargeTablePaginator


def sees_whole_program(request: HttpRequest) -> bool:
    """Agency staff and administrators with admin access (the user model says who sees the whole program)."""
    user = request.user
    return bool(user.is_authenticated and user.is_staff and getattr(user, "sees_whole_program", False))


class ProgramAdmin(admin.ModelAdmin[Any]):
    """Admin pages for agency staff: they see and change program data; deleting stays with administrators.
    Built for tables of a million rows: no full count, related rows joined, large foreign keys by id.
    Writes go through the app's services: a subclass overrides save_model/delete_model/actions to call them.
    The "History" button shows the object's audit trail (who, when, which channel, before and after)."""

    show_full_result_count = False
    paginator = LargeTablePaginator
    list_per_page = 50
    # "about": the history also lists the tracked rows that point to the object (a participant's records)
    history_about_related = False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return sees_whole_program(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        """The admin's bulk delete goes object by object through delete_model, so through the app's service."""
        for obj in queryset:
            self.delete_model(request, obj)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        entries = audit.history_about(obj) if self.history_about_related else audit.history_of(obj)
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %(object)s") % {"object": obj},
            "subtitle": None,
            "object": obj,
            "opts": self.model._meta,
            "entries": entries,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/audit_history.html", context)


class RecordAdmin(ProgramAdmin):
    """Rows the pages' services write (registrations, seats, completions, ratings): the admin shows them and
    changes nothing, so no edit goes around the service and its rules."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
