from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ProgramAdmin

from .models import PartnerMember, PartnerOrganisation


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


@admin.register(PartnerMember)
class PartnerMemberAdmin(ProgramAdmin):
    list_display = ["user", "organisation", "created_at"]
    list_filter = ["organisation__kind"]
    list_select_related = ["user", "organisation"]
    search_fields = ["=user__email", "^user__full_name", "^organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    readonly_fields = ["created_at"]
