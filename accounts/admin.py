from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.admin import NEWEST_FIRST, ProgramAdmin

from . import services
from .models import Role, User
from .permissions import can_change_access, can_change_account, roles_given_by
from .web import request_user

# django-otp's own admin pages edit devices directly (and show the authenticator's key): devices change only
# through accounts.services, from the person's account security page or the reset above.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(User)
class UserAdmin(ProgramAdmin, BaseUserAdmin[User]):
    ordering = NEWEST_FIRST
    list_display = ["full_name", "email", "phone", "role", "office", "is_active"]
    list_filter = ["role", "is_active", "is_staff", "office"]
    list_select_related = ["office"]
    search_fields = ["=email", "=phone", "^full_name"]
    autocomplete_fields = ["office"]
    fieldsets = [
        (None, {"fields": ["email", "phone", "password"]}),
        (_("Person"), {"fields": ["full_name", "role", "office"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "phone", "full_name", "role", "office", "password1", "password2"],
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined", "language"]
    actions = ["reset_second_factor"]

    @admin.action(description=_("Reset the second factor (a lost phone): every login of the account ends"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """For someone who lost their phone and their recovery codes, once staff checked who is asking."""
        actor = request_user(request)
        self._each(
            request,
            queryset,
            lambda user: services.second_factor_reset(user=user, acting_user=actor),
            lambda n: (
                ngettext(
                    "The second factor of %(count)d account was reset; its owner was told.",
                    "The second factor of %(count)d accounts was reset; their owners were told.",
                    n,
                )
                % {"count": n}
            ),
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Agency staff manage program accounts; privileged ones stay with administrators (permissions)."""
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or can_change_account(request_user(request), obj).ok

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or can_change_account(request_user(request), obj).ok

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_change_access(request_user(request)).ok:
            readonly += ["is_staff", "is_superuser", "groups", "user_permissions"]
        return readonly

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role":
            allowed = roles_given_by(request_user(request))
            kwargs["choices"] = [(role.value, role.label) for role in Role if role.value in allowed]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    # Writes go through accounts.services, as from every other channel: the same rules, the same audit trail,
    # and a change of role, office or active flag tells the apps registered in accounts.registry.

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool) -> None:
        actor = request_user(request)
        if not change:
            data = form.cleaned_data
            created = services.user_create(
                full_name=obj.full_name,
                email=obj.email,
                phone=obj.phone,
                role=obj.role,
                office=obj.office,
                password=data.get("password1") if data.get("set_usable_password", True) else None,
                acting_user=actor,
            )
            obj.pk, obj.password = created.pk, created.password
            obj._state.adding, obj._state.db = False, created._state.db
            return
        services.user_update_profile(
            user=obj, full_name=obj.full_name, email=obj.email, phone=obj.phone, acting_user=actor
        )
        services.user_update_position(
            user=obj, role=obj.role, office=obj.office, is_active=obj.is_active, acting_user=actor
        )
        services.user_update_access(user=obj, is_staff=obj.is_staff, is_superuser=obj.is_superuser, acting_user=actor)

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        services.user_delete(user=obj, acting_user=request_user(request))
