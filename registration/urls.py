from django.urls import path

from . import views
from .views.mine import my_registration

app_name = "registration"
urlpatterns = [
    path("pendaftaran/", views.wizard, name="wizard"),
    path("pendaftaran/perbaikan/", views.fix, name="fix"),
    path("pendaftaran-saya/", my_registration, name="mine"),
    path("pendaftaran/<slug:step>/", views.wizard_step, name="wizard_step"),
    path("kantor/pendaftaran/", views.assisted, name="assisted"),
    path("kantor/pendaftaran/<str:reference>/tanda-terima/", views.walk_in_receipt, name="walk_in_receipt"),
    path("verifikasi/", views.queue, name="queue"),
    path("peserta/", views.participant_list, name="participants"),
    path("peserta/<int:pk>/", views.participant_detail, name="participant"),
    path("dokumen/<uuid:public_id>/", views.document, name="document"),
]
