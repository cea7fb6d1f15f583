from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin import ProgramAdmin

from .models import Kecamatan, Kelurahan, Wilayah


class ReferenceDataAdmin(ProgramAdmin):
    """Official area codes: agency staff look them up (and pick them in autocompletes); administrators edit."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)


@admin.register(Wilayah)
class WilayahAdmin(ReferenceDataAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]


@admin.register(Kecamatan)
class KecamatanAdmin(ReferenceDataAdmin):
    list_display = ["code", "name", "wilayah"]
    list_filter = ["wilayah"]
    list_select_related = ["wilayah"]
    search_fields = ["name", "code"]


@admin.register(Kelurahan)
class KelurahanAdmin(ReferenceDataAdmin):
    list_display = ["code", "name", "kecamatan"]
    list_select_related = ["kecamatan"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["kecamatan"]
