"""Admin of partner organisations and their users. Every write goes through partners/services.py, so it is
recorded in the audit trail as the staff member's. Deleting stays with administrators (ProgramAdmin), and the
admin refuses to delete an organisation its members or courses still refer to: deactivate it then."""

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.web import request_user
from core.admin import ProgramAdmin

from . import services
from .models import PartnerMember, PartnerOrganisation


def _copy_saved(saved: Any, obj: Any) -> None:
    """Give the admin's object what the service saved, so its redirect and log speak of the saved row."""
    for field in type(obj)._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False


class PartnerMemberInline(admin.TabularInline[PartnerMember, PartnerOrganisation]):
    model = PartnerMember
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]
    extra = 0
    verbose_name_plural = _("users acting for this organisation")


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(ProgramAdmin):
    list_display = ["name", "kind", "active", "created_at"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    readonly_fields = ["created_at"]
    inlines = [PartnerMemberInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    history_about_related = True  # its members' changes belong in its history

    def delete_model(self, request: HttpRequest, obj: PartnerOrganisation) -> None:
        services.organisation_delete(organisation=obj, acting_user=request_user(request))

    def save_model(
        self, request: HttpRequest, obj: PartnerOrganisation, form: ModelForm[PartnerOrganisation], change: bool
    ) -> None:
        data, acting_user = form.cleaned_data, request_user(request)
        if change:
            saved = services.organisation_update(
                organisation=obj, name=data["name"], kind=data["kind"], active=data["active"], acting_user=acting_user
            )
        else:
            saved = services.organisation_create(
                name=data["name"], kind=data["kind"], active=data["active"], acting_user=acting_user
            )
        _copy_saved(saved, obj)

    def save_formset(
        self, request: HttpRequest, form: ModelForm[PartnerOrganisation], formset: Any, change: bool
    ) -> None:
        if not isinstance(formset, BaseInlineFormSet) or formset.model is not PartnerMember:
            super().save_formset(request, form, formset, change)
            return
        acting_user = request_user(request)
        organisation = form.instance
        formset.save(commit=False)
        for member in formset.deleted_objects:
            services.member_remove(member=member, acting_user=acting_user)
        for member in formset.new_objects:
            _copy_saved(
                services.member_add(organisation=organisation, user=member.user, acting_user=acting_user), member
            )
        for member, _fields in formset.changed_objects:
            services.member_update(member=member, organisation=organisation, user=member.user, acting_user=acting_user)


@admin.register(PartnerMember)
class PartnerMemberAdmin(ProgramAdmin):
    list_display = ["user", "organisation", "created_at"]
    list_filter = ["organisation__kind"]
    list_select_related = ["user", "organisation"]
    search_fields = ["=user__email", "^user__full_name", "^organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    readonly_fields = ["created_at"]

    def save_model(
        self, request: HttpRequest, obj: PartnerMember, form: ModelForm[PartnerMember], change: bool
    ) -> None:
        data, acting_user = form.cleaned_data, request_user(request)
        if change:
            saved = services.member_update(
                member=obj, organisation=data["organisation"], user=data["user"], acting_user=acting_user
            )
        else:
            saved = services.member_add(organisation=data["organisation"], user=data["user"], acting_user=acting_user)
        _copy_saved(saved, obj)

    def delete_model(self, request: HttpRequest, obj: PartnerMember) -> None:
        services.member_remove(member=obj, acting_user=request_user(request))
