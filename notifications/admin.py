"""The outbox in the admin: read-only, cheap at a million rows."""

import json
from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.phone import normalize_phone

from .models import Message
from .rendering import message_templates, without_secrets

MESSAGE_FIELDS = (
    "recipient",
    "channel",
    "address",
    "template",
    "language",
    "shown_context",
    "status",
    "attempts",
    "last_error",
    "created_at",
    "next_attempt_at",
    "sent_at",
)


class TemplateFilter(admin.SimpleListFilter):
    """Template choices from code, so the filter needs no SELECT DISTINCT over the table."""

    title = _("template")
    parameter_name = "template"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]) -> list[tuple[str, str]]:
        return [(key, key) for key in sorted(message_templates())]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(template=value) if value else queryset


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin[Message]):
    list_display = [
        "id",
        "created_at",
        "template",
        "recipient",
        "channel",
        "address",
        "language",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "channel", TemplateFilter, "language"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    ordering = ["-id"]
    show_full_result_count = False
    list_per_page = 50
    search_fields = ["address"]
    search_help_text = _("Exact email address or mobile number.")
    fields = MESSAGE_FIELDS
    readonly_fields = MESSAGE_FIELDS

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Message], search_term: str
    ) -> tuple[QuerySet[Message], bool]:
        """Exact match on the normalised address (indexed), instead of a LIKE scan."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if "@" in term:
            return queryset.filter(address=term.lower()), False
        try:
            return queryset.filter(address=normalize_phone(term)), False
        except ValidationError:
            return queryset.none(), False

    @admin.display(description=_("context"))
    def shown_context(self, obj: Message) -> str:
        return json.dumps(without_secrets(obj.template, obj.context), ensure_ascii=False, indent=1)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False
