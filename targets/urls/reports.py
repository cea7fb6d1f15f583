"""The weekly target reports' pages, under dasbor/laporan/: the list, building this week's now, and each report's
files."""

from django.urls import URLPattern, path

from ..views import reports

urlpatterns: list[URLPattern] = [
    path("dasbor/laporan/", reports.reports, name="reports"),
    path("dasbor/laporan/buat/", reports.report_build, name="report_build"),
    path("dasbor/laporan/<int:pk>/<str:kind>/", reports.report_download, name="report_download"),
]
