"""Selling spaces, booths, applications and allocations in the admin. Spaces and booths are saved and deleted
through the services, as on the staff pages (the same rules, the same audit trail); applications and allocations
change only through the pages' decisions, so the admin shows them, and cancels allocations through the service."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.web import request_user
from core.admin import NEWEST_FIRST, RecordAdmin, ServiceAdmin, copy_saved

from ..choices import Grade
from ..forms.spaces import space_values
from ..models import Booth, BoothAllocation, SellingSpace, SpaceApplication
from ..services import spaces as services


class SpaceAdminForm(ModelForm[SellingSpace]):
    accepts_grades = forms.MultipleChoiceField(
        label=_("grades accepted"), choices=Grade.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = SellingSpace
        fields = [
            "name",
            "kind",
            "wilayah",
            "venue",
            "description",
            "opens_on",
            "closes_on",
            "accepts_grades",
            "active",
        ]


@admin.register(SellingSpace)
class SellingSpaceAdmin(ServiceAdmin):
    form = SpaceAdminForm
    list_display = ["name", "kind", "wilayah", "opens_on", "closes_on", "active"]
    list_filter = ["kind", "wilayah", "active"]
    list_select_related = ["wilayah"]
    search_fields = ["^name", "venue"]
    readonly_fields = ["created_by", "created_at"]

    def service_check(self, obj: SellingSpace, data: dict[str, Any], acting_user: User) -> None:
        services.space_check(space=obj, data=space_values(data), user=acting_user)

    def save_model(self, request: HttpRequest, obj: SellingSpace, form: ModelForm[SellingSpace], change: bool) -> None:
        data, user = space_values(form.cleaned_data), request_user(request)
        if change:
            saved = services.space_update(space=obj, data=data, acting_user=user)
        else:
            saved = services.space_create(data=data, acting_user=user)
        copy_saved(saved, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a space stays on record with its applications; it stops taking them (`active`)


@admin.register(Booth)
class BoothAdmin(ServiceAdmin):
    list_display = ["code", "space", "description"]
    list_filter = ["space__wilayah"]
    list_select_related = ["space"]
    search_fields = ["^code", "^space__name"]
    autocomplete_fields = ["space"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "space"] if obj is not None else readonly  # a booth stays with its space

    def save_model(self, request: HttpRequest, obj: Booth, form: ModelForm[Booth], change: bool) -> None:
        data = services.BoothData(code=form.cleaned_data["code"], description=form.cleaned_data["description"])
        user = request_user(request)
        if change:
            saved = services.booth_update(booth=obj, data=data, acting_user=user)
        else:
            saved = services.booth_create(space=form.cleaned_data["space"], data=data, acting_user=user)
        copy_saved(saved, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)  # the service refuses a booth ever given

    def delete_model(self, request: HttpRequest, obj: Booth) -> None:
        services.booth_delete(booth=obj, acting_user=request_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Booth]) -> None:
        user = request_user(request)
        self._each(
            request,
            queryset,
            lambda booth: services.booth_delete(booth=booth, acting_user=user),
            lambda n: ngettext("%(count)d booth deleted.", "%(count)d booths deleted.", n) % {"count": n},
        )


@admin.register(SpaceApplication)
class SpaceApplicationAdmin(RecordAdmin):
    ordering = NEWEST_FIRST
    list_display = ["business", "space", "starts_on", "ends_on", "status", "applied_at", "decided_at"]
    list_filter = ["status", "space__kind", "space__wilayah"]
    list_select_related = ["business", "space"]
    search_fields = ["^business__name", "^space__name"]
    readonly_fields = [
        "space", "business", "starts_on", "ends_on", "note", "status", "applied_by", "applied_at",
        "decided_by", "decided_at", "decision_note",
    ]  # fmt: skip


@admin.register(BoothAllocation)
class BoothAllocationAdmin(RecordAdmin, ServiceAdmin):
    ordering = NEWEST_FIRST
    list_display = ["booth", "business", "first_day", "last_day", "allocated_at", "cancelled_at"]
    list_filter = [("cancelled_at", admin.EmptyFieldListFilter), "booth__space__wilayah"]
    list_select_related = ["booth__space", "business"]
    search_fields = ["^business__name", "^booth__space__name", "=booth__code"]
    readonly_fields = ["booth", "application", "business", "first_day", "last_day", "allocated_by", "allocated_at",
                       "cancelled_at"]  # fmt: skip
    exclude = ["days"]
    actions = ["cancel"]

    @admin.display(description=_("first day"))
    def first_day(self, obj: BoothAllocation) -> Any:
        return services.Days.of(obj.days).first

    @admin.display(description=_("last day"))
    def last_day(self, obj: BoothAllocation) -> Any:
        return services.Days.of(obj.days).last

    @admin.action(description=_("Cancel the selected allocations (their booths are free again)"))
    def cancel(self, request: HttpRequest, queryset: QuerySet[BoothAllocation]) -> None:
        user = request_user(request)
        self._each(
            request,
            queryset,
            lambda allocation: services.allocation_cancel(allocation=allocation, acting_user=user),
            lambda n: (
                ngettext("%(count)d allocation cancelled.", "%(count)d allocations cancelled.", n) % {"count": n}
            ),
        )
