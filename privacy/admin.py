"""Deletion requests in the admin: read, and decided through the same service as agency staff's queue page
(`services.participant_erase`, which checks who acts): nothing is edited by hand."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.web import request_user

from . import services
from .models import DeletionRequest


@admin.register(DeletionRequest)
class DeletionRequestAdmin(admin.ModelAdmin[DeletionRequest]):
    list_display = ("asked_at", "user", "state", "decided_by", "decided_at")
    list_filter = ("state",)
    list_select_related = ("user", "decided_by")
    ordering = ("-asked_at", "-id")
    actions = ["erase"]
    readonly_fields = [f.name for f in DeletionRequest._meta.concrete_fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Erase the data of the selected requests"), permissions=["view"])
    def erase(self, request: HttpRequest, queryset: QuerySet[DeletionRequest]) -> None:
        staff = request_user(request)
        done = 0
        for asked in queryset.order_by("pk"):
            try:
                services.participant_erase(request=asked, acting_user=staff)
            except ValidationError as exc:
                self.message_user(request, f"#{asked.pk}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, _("%(n)d erased.") % {"n": done}, messages.SUCCESS)
