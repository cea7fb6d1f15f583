from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin import ProgramAdmin

from .models import Role, User


@admin.register(User)
class UserAdmin(ProgramAdmin, BaseUserAdmin[User]):
    ordering = ["-date_joined"]
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

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Agency staff manage program accounts (entrepreneurs, mentors, secretariat, partners); accounts with
        admin access or a program-wide role stay with administrators, so nobody can raise their own reach."""
        if not super().has_change_permission(request, obj):
            return False
        return request.user.is_superuser or obj is None or not is_privileged(obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_staff", "is_superuser", "groups", "user_permissions"]
        return readonly

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [(role.value, role.label) for role in Role if role not in PRIVILEGED_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


PRIVILEGED_ROLES = (Role.AGENCY, Role.ADMINISTRATOR)


def is_privileged(user: User) -> bool:
    return user.is_superuser or user.is_staff or user.role in PRIVILEGED_ROLES
