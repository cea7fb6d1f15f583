from django.urls import path

from . import views

app_name = "licensing"
urlpatterns = [
    # participants (a request's page and its moves: also their mentor and staff)
    path("perizinan/", views.mine, name="mine"),
    path("perizinan/ajukan/", views.request_create, name="request_create"),
    path("perizinan/permohonan/<int:pk>/", views.request_detail, name="request"),
    path("perizinan/permohonan/<int:pk>/pindah/", views.move, name="move"),
    path("perizinan/izin/<uuid:public_id>/pindaian/", views.scan, name="scan"),
    # mentors, the kecamatan secretariat and agency staff
    path("petugas/perizinan/", views.queue, name="queue"),
    path("petugas/perizinan/peserta/", views.participants, name="participants"),
    path("petugas/perizinan/peserta/<int:pk>/", views.participant, name="participant"),
    path("petugas/perizinan/peserta/<int:participant_pk>/ajukan/", views.request_create, name="request_for"),
    path("petugas/perizinan/peserta/<int:pk>/catat/", views.record, name="record"),
    path("petugas/perizinan/permohonan/<int:pk>/terbitkan/", views.issue, name="issue"),
    path("petugas/perizinan/izin/<uuid:public_id>/ubah/", views.correct, name="correct"),
]
