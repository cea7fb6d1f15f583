from django.contrib import admin

from .models import Kecamatan, Kelurahan, Wilayah


@admin.register(Wilayah)
class WilayahAdmin(admin.ModelAdmin[Wilayah]):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]


@admin.register(Kecamatan)
class KecamatanAdmin(admin.ModelAdmin[Kecamatan]):
    list_display = ["code", "name", "wilayah"]
    list_filter = ["wilayah"]
    list_select_related = ["wilayah"]
    search_fields = ["name", "code"]


@admin.register(Kelurahan)
class KelurahanAdmin(admin.ModelAdmin[Kelurahan]):
    list_display = ["code", "name", "kecamatan"]
    list_select_related = ["kecamatan"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["kecamatan"]
