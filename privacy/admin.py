"""Deletion requests in the admin: read, and decided through the same service as agency staff's queue page
(`services.participant_erase`, which checks who acts): nothing is edited by hand."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.web import request_user
from core.admin import NEWEST_FIRST, RecordAdmin

from . import services
from .models import DeletionRequest


@admin.register(DeletionRequest)
class DeletionRequestAdmin(RecordAdmin):
    list_display = ("asked_at", "user", "state", "decided_by", "decided_at")
    list_filter = ("state",)
    list_select_related = ("user", "decided_by")
    ordering = NEWEST_FIRST  # the newest request first: the primary key's order is the order they were asked in
    actions = ["erase"]
    readonly_fields = [f.name for f in DeletionRequest._meta.concrete_fields]

    @admin.action(description=_("Erase the data of the selected requests"), permissions=["view"])
    def erase(self, request: HttpRequest, queryset: QuerySet[DeletionRequest]) -> None:
        staff = request_user(request)
        self._each(
            request,
            queryset.order_by("pk"),
            lambda asked: services.participant_erase(request=asked, acting_user=staff),
            lambda n: _("%(n)d erased.") % {"n": n},
        )
