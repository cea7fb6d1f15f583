from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("ekspor/", views.mine, name="list"),
    path("ekspor/mulai/", views.start, name="start"),
    path("ekspor/<int:pk>/unduh/", views.download, name="download"),
]
