from django.urls import path

from . import views

app_name = "mentoring"
urlpatterns = [
    path("pendampingan/", views.caseload, name="caseload"),
    path("pendampingan/peserta/<int:pk>/", views.participant, name="participant"),
    path("pendampingan/peserta/<int:pk>/kunjungan/", views.log_visit, name="log_visit"),
    path("pendampingan/peserta/<int:pk>/mentor/", views.assign, name="assign"),
    path("pendampingan/tanpa-mentor/", views.unassigned, name="unassigned"),
    path("pendampingan/kunjungan/<uuid:public_id>/foto/", views.visit_photo, name="visit_photo"),
    path("pendampingan/tindak-lanjut/<int:pk>/selesai/", views.follow_up_done, name="follow_up_done"),
    path("pendampingan/bantuan/", views.help_list, name="help_list"),
    path("pendampingan/bantuan/baru/", views.help_new, name="help_new"),
    path("pendampingan/bantuan/<int:pk>/", views.help_thread, name="help_thread"),
    path("pendampingan/bantuan/<int:pk>/tutup/", views.help_close, name="help_close"),
    path("pendampingan/mentor/", views.mentors, name="mentors"),
    path("pendampingan/laporan-insentif/", views.incentive_report, name="incentive_report"),
    path("pendampingan/laporan-insentif.<slug:fmt>", views.incentive_export, name="incentive_export"),
    path("mentor-saya/", views.my_mentor, name="my_mentor"),
]
