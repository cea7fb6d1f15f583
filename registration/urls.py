from django.urls import path

from . import views
from .views import imports, to_follow
from .views.mine import my_contact, my_registration

app_name = "registration"
urlpatterns = [
    path("pendaftaran/", views.wizard, name="wizard"),
    path("pendaftaran/perbaikan/", views.fix, name="fix"),
    path("pendaftaran-saya/", my_registration, name="mine"),
    path("pendaftaran-saya/kontak/", my_contact, name="my_contact"),
    path("pendaftaran/<slug:step>/", views.wizard_step, name="wizard_step"),
    path("kantor/pendaftaran/", views.assisted, name="assisted"),
    path("kantor/pendaftaran/<str:reference>/tanda-terima/", views.walk_in_receipt, name="walk_in_receipt"),
    path("kantor/impor-peserta/", imports.import_upload, name="import_upload"),
    path("kantor/impor-peserta/daftar/", imports.import_list, name="imports"),
    path("kantor/impor-peserta/contoh.xlsx", imports.import_template, name="import_template"),
    path("kantor/impor-peserta/<int:pk>/", imports.import_detail, name="import"),
    path("kantor/impor-peserta/<int:pk>/status/", imports.import_status, name="import_status"),
    path("verifikasi/", views.queue, name="queue"),
    path("peserta/", views.participant_list, name="participants"),
    path("peserta/<int:pk>/", views.participant_detail, name="participant"),
    path("peserta/<int:pk>/dokumen-susulan/", to_follow.add_documents, name="add_documents"),
    path("dokumen/<uuid:public_id>/", views.document, name="document"),
]
