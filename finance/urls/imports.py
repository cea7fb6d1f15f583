from django.urls import path

from ..views import imports as views

urlpatterns = [
    path("keuangan/impor/", views.import_upload, name="import_upload"),
    path("keuangan/impor/contoh/", views.import_template, name="import_template"),
    path("keuangan/impor/<int:pk>/", views.import_detail, name="import_detail"),
]
