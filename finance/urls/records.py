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
]
