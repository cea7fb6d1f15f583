from django.urls import path, register_converter

from . import views
from .converters import CertificateCodeConverter

register_converter(CertificateCodeConverter, "certificate_code")

app_name = "training"
urlpatterns = [
    path("pelatihan/", views.sessions, name="sessions"),
    path("pelatihan/sesi/<int:pk>/", views.session_detail, name="session"),
    path("pelatihan/sesi/<int:pk>/daftar/", views.enrol, name="enrol"),
    path("pelatihan/saya/", views.mine, name="mine"),
    path("pelatihan/saya/<int:pk>/batal/", views.cancel, name="cancel"),
    path("pelatihan/saya/<int:pk>/nilai/", views.rate, name="rate"),
    path("pelatihan/sertifikat/<certificate_code:code>/unduh/", views.certificate_pdf, name="certificate_pdf"),
    path("sertifikat/<certificate_code:code>/", views.certificate_verify, name="certificate_verify"),
    # organisers: agency staff and partner organisations' users
    path("penyelenggara/pelatihan/", views.organiser, name="organiser"),
    path("penyelenggara/pelatihan/kursus/", views.courses, name="courses"),
    path("penyelenggara/pelatihan/kursus/baru/", views.course_create, name="course_create"),
    path("penyelenggara/pelatihan/kursus/<int:pk>/", views.course_detail, name="course"),
    path("penyelenggara/pelatihan/kursus/<int:pk>/ubah/", views.course_edit, name="course_edit"),
    path("penyelenggara/pelatihan/kursus/<int:pk>/sesi-baru/", views.session_create, name="session_create"),
    path("penyelenggara/pelatihan/sesi/<int:pk>/", views.organiser_session, name="organiser_session"),
    path("penyelenggara/pelatihan/sesi/<int:pk>/ubah/", views.session_edit, name="session_edit"),
    path("penyelenggara/pelatihan/sesi/<int:pk>/umumkan/", views.session_announce, name="session_announce"),
    path("penyelenggara/pelatihan/sesi/<int:pk>/batalkan/", views.session_cancel, name="session_cancel"),
    path("penyelenggara/pelatihan/sesi/<int:pk>/hadir/<str:day>/", views.attendance, name="attendance"),
    path("penyelenggara/pelatihan/ulasan/", views.ratings, name="ratings"),
]
