"""The base of every admin page of the program, and its history page (the audit trail, not Django's LogEntry)."""

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from . import audit
from .pagination import Keyset, LargeTablePaginator
from .web import add_service_errors, error_text

# The order of the admin lists of tables that grow with the program, whose rows are written in time order: the
# primary key's, which its index serves at any size (tests/test_admin_ordering.py asks an index of every large list).
NEWEST_FIRST = ("-pk",)


AFTER_VAR = "after"  # the keyset of the last row shown: the next page starts past it


class KeysetChangeList(ChangeList):
    """An admin list of a large table pages by keyset: "Next" carries the last row's ordering key (?after=), and
    the page is read from there by the ordering's index, never by OFFSET, so the thousandth page costs what the
    first does. A list whose order a keyset cannot follow (core.pagination.Keyset) pages by number as before."""

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.after = request.GET.get(AFTER_VAR, "")
        self.keyset: Keyset | None = None
        self.next_url = self.first_url = ""
        super().__init__(request, *args, **kwargs)

    def get_filters_params(self, params: Any = None) -> dict[str, Any]:
        lookup_params: dict[str, Any] = super().get_filters_params(params)
        lookup_params.pop(AFTER_VAR, None)
        return lookup_params

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        keyset = Keyset.of(self.queryset)
        if keyset is None or not self.multi_page or self.show_all:
            return
        self.keyset = keyset
        try:
            rows = keyset.after(self.queryset, self.after) if self.after else self.queryset
        except ValueError as exc:
            raise IncorrectLookupParameters from exc  # the admin reloads the list without the bad parameter
        found = list(rows[: self.list_per_page + 1])
        self.result_list = found[: self.list_per_page]
        if len(found) > self.list_per_page:
            self.next_url = self.get_query_string({AFTER_VAR: keyset.token(self.result_list[-1])}, [PAGE_VAR])
        if self.after:
            self.first_url = self.get_query_string(remove=[AFTER_VAR, PAGE_VAR])


def sees_whole_program(request: HttpRequest) -> bool:
    """Agency staff and administrators with admin access (the user model says who sees the whole program)."""
    user = request.user
    return bool(user.is_authenticated and user.is_staff and getattr(user, "sees_whole_program", False))


SEARCH_TERM = "_program_admin_search_term"


class ProgramAdmin(admin.ModelAdmin[Any]):
    """Admin pages for agency staff: they see and change program data; deleting stays with administrators.
    Built for tables of a million rows: no full count (an estimate, or a count capped at COUNT_CAP), pages past
    the first by keyset, related rows joined, large foreign keys by id.
    Writes go through the app's services: a subclass overrides save_model/delete_model/actions to call them.
    The "History" button shows the object's audit trail (who, when, which channel, before and after)."""

    show_full_result_count = False
    paginator = LargeTablePaginator
    list_per_page = 50
    # Search fields that answer only a term of one shape (a registration reference: "JP-" and letters or digits): a
    # term of that shape is looked up in them alone, any other term in the other fields. Searched together, the OR
    # across joined tables keeps PostgreSQL from using any of their indexes (a name searched in the participants'
    # admin took 600 ms at a million, counting through a hash join of two tables).
    search_shapes: dict[str, re.Pattern[str]] = {}
    # "about": the history also lists the tracked rows that point to the object (a participant's records)
    history_about_related = False

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return KeysetChangeList

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        setattr(request, SEARCH_TERM, search_term.strip())  # for get_search_fields, which Django calls without it
        return super().get_search_results(request, queryset, search_term)

    def get_search_fields(self, request: HttpRequest) -> list[str] | tuple[str, ...]:
        fields = super().get_search_fields(request)
        term = getattr(request, SEARCH_TERM, None)
        if not self.search_shapes or term is None:
            return fields
        shaped = [
            field for field in fields if field in self.search_shapes and self.search_shapes[field].fullmatch(term)
        ]
        return shaped or [field for field in fields if field not in self.search_shapes]

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

    def _refused(self, request: HttpRequest, obj: Any, exc: ValidationError) -> None:
        self.message_user(request, f"{obj}: {error_text(exc)}", messages.ERROR)

    def _each(
        self,
        request: HttpRequest,
        objects: Iterable[Any],
        call: Callable[[Any], object],
        done: Callable[[int], str],
    ) -> None:
        changed = 0
        for obj in objects:
            try:
                call(obj)
            except ValidationError as exc:
                self._refused(request, obj, exc)
            else:
                changed += 1
        if changed:
            self.message_user(request, done(changed), messages.SUCCESS)

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


def copy_saved(saved: Any, obj: Any) -> None:
    """Give the admin's object what the service saved (its id, status, counts), so the admin's redirect and log
    speak of the saved row."""
    for field in type(obj)._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False


class ServiceAdmin(ProgramAdmin):
    """Save and delete through the app's services; a refusal is shown as the admin's error message.
    `service_check` asks the service's rules while the form is validated, so a refusal shows on the form,
    not as an error page."""

    def service_check(self, obj: Any, data: dict[str, Any], acting_user: Any) -> None:
        """Raise the ValidationError the service would for saving `obj` (as in the database) with `data`."""

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)
        check, acting_user = self.service_check, request.user

        class CheckedForm(form_class):  # type: ignore[valid-type,misc]
            def clean(self) -> dict[str, Any]:
                data: dict[str, Any] = super().clean()
                if not self.errors:
                    try:
                        check(self.instance, data, acting_user)
                    except ValidationError as exc:
                        add_service_errors(self, exc)
                return data

        return CheckedForm
