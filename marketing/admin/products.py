"""Products, listings, online stores, calls and curation in the admin. Calls are opened and changed through the
curation services, as on the staff pages (the same rules, the same audit trail). Listings, products, photos and
stores are the business's own, and submissions move only through curation: the admin shows them, and validates
checked submissions through the service (agency staff validate anywhere)."""

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
from core.forms import RUPIAH_ADMIN_FIELDS

from .. import permissions
from ..choices import Category
from ..forms.curation import possible_curators
from ..models import CriterionComment, Listing, OnlineStore, Product, ProductCall, ProductPhoto, Submission
from ..services import curation as services
from ..services.curation import CallData


@admin.register(Listing)
class ListingAdmin(RecordAdmin):
    list_display = ["public_name", "business", "published", "public_phone", "public_email", "updated_at"]
    list_filter = ["published"]
    list_select_related = ["business"]
    search_fields = ["^public_name", "^business__name"]
    readonly_fields = [
        "business", "public_name", "description", "public_phone", "public_email", "eorder_url", "published",
        "updated_at",
    ]  # fmt: skip


class PhotoInline(admin.TabularInline[ProductPhoto, Product]):
    model = ProductPhoto
    readonly_fields = ("public_id", "content_type", "position", "uploaded_at")
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Product)
class ProductAdmin(RecordAdmin):
    ordering = NEWEST_FIRST
    list_display = ["name", "business", "category", "price", "grade", "graded_at", "updated_at"]
    list_filter = ["category", "grade"]
    list_select_related = ["business"]
    search_fields = ["^name", "^business__name"]
    readonly_fields = [
        "business", "name", "description", "price", "category", "grade", "graded_at", "created_at", "updated_at"
    ]  # fmt: skip
    formfield_overrides = RUPIAH_ADMIN_FIELDS
    inlines = [PhotoInline]


@admin.register(OnlineStore)
class OnlineStoreAdmin(RecordAdmin):
    ordering = NEWEST_FIRST
    list_display = ["platform", "url", "business", "checked_at", "checked_by", "created_at"]
    list_filter = ["platform", ("checked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["business", "checked_by"]
    search_fields = ["^business__name", "url"]
    readonly_fields = ["business", "platform", "url", "checked_by", "checked_at", "created_at"]


class CallAdminForm(ModelForm[ProductCall]):
    categories = forms.MultipleChoiceField(
        label=_("categories"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to take every category."),
    )
    curators = forms.ModelMultipleChoiceField(
        label=_("curators"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ProductCall
        fields = ["title", "theme", "description", "opens_on", "closes_on", "categories", "curators"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["curators"].queryset = possible_curators()  # type: ignore[attr-defined]


def call_values(data: dict[str, Any]) -> CallData:
    return CallData(
        title=data["title"],
        theme=data.get("theme", ""),
        description=data.get("description", ""),
        opens_on=data["opens_on"],
        closes_on=data["closes_on"],
        categories=tuple(data.get("categories") or ()),
        curators=tuple(data["curators"]),
    )


@admin.register(ProductCall)
class ProductCallAdmin(ServiceAdmin):
    form = CallAdminForm
    list_display = ["title", "theme", "opens_on", "closes_on", "created_by"]
    list_filter = ["opens_on"]
    list_select_related = ["created_by"]
    search_fields = ["^title"]
    readonly_fields = ["created_by", "created_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a call keeps its submissions' history

    def service_check(self, obj: ProductCall, data: dict[str, Any], acting_user: User) -> None:
        permissions.can_run_calls(acting_user).enforce()
        if {"title", "opens_on", "closes_on", "curators"} <= data.keys():
            services.check_call(call_values(data))

    def save_model(self, request: HttpRequest, obj: ProductCall, form: ModelForm[ProductCall], change: bool) -> None:
        values, user = call_values(form.cleaned_data), request_user(request)
        if change:
            saved = services.call_update(call=obj, data=values, acting_user=user)
        else:
            saved = services.call_create(data=values, acting_user=user)
        copy_saved(saved, obj)

    def save_related(self, request: HttpRequest, form: ModelForm[ProductCall], formsets: Any, change: bool) -> None:
        """The service set the curators already."""


class CommentInline(admin.TabularInline[CriterionComment, Submission]):
    model = CriterionComment
    readonly_fields = ("criterion", "comment")
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(RecordAdmin, ServiceAdmin):
    """Read-only (RecordAdmin), with ServiceAdmin's way of running a service on each selected row."""

    ordering = NEWEST_FIRST

    list_display = ["product", "call", "status", "grade", "submitted_at", "checked_at", "validated_at", "graded_at"]
    list_filter = ["status", "grade", "call"]
    list_select_related = ["product", "call"]
    search_fields = ["^product__name", "^product__business__name"]
    readonly_fields = [
        "call", "product", "status", "submitted_by", "submitted_at", "checked_by", "checked_at", "validated_by",
        "validated_at", "grade", "graded_by", "graded_at", "comment", "returned_reason",
    ]  # fmt: skip
    inlines = [CommentInline]
    actions = ["validate"]

    @admin.action(description=_("Validate the selected checked submissions (they go to the curators)"))
    def validate(self, request: HttpRequest, queryset: QuerySet[Submission]) -> None:
        user = request_user(request)
        self._each(
            request,
            queryset,
            lambda s: services.submission_validate(submission=s, passed=True, reason="", acting_user=user),
            lambda n: (
                ngettext("%(count)d submission validated.", "%(count)d submissions validated.", n) % {"count": n}
            ),
        )
