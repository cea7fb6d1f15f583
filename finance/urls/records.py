from django.urls import path
from django.views.generic import RedirectView

from ..views import records as views

urlpatterns = [
    path("keuangan/peserta/<int:pk>/bulanan/", views.monthly_records, name="monthly_records"),
    # the page's address when mentoring served it: bookmarks keep working
    path(
        "pendampingan/peserta/<int:pk>/indikator/",
        RedirectView.as_view(pattern_name="finance:monthly_records", query_string=True),
    ),
    path("keuangan/laporan/", views.reports, name="reports"),
    path("keuangan/laporan/pekerja/", views.report_workers, name="report_workers"),
    path("keuangan/laporan/tutup/", views.report_close, name="report_close"),
    path("keuangan/laporan/buka/", views.report_reopen, name="report_reopen"),
    path("keuangan/peserta/<int:pk>/laporan/", views.participant_reports, name="participant_reports"),
    path("keuangan/peserta/<int:pk>/laporan/tutup/", views.report_close, name="participant_report_close"),
    path("keuangan/peserta/<int:pk>/laporan/buka/", views.report_reopen, name="participant_report_reopen"),
    path("keuangan/program/", views.program, name="program"),
]
