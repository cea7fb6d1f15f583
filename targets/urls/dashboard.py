"""The dashboard's pages, under dasbor/: the dashboard itself and the participants behind one of its numbers
(the measure, year or cohort and the place in the query string)."""

from django.urls import URLPattern, path

from ..views import dashboard

urlpatterns: list[URLPattern] = [
    path("dasbor/", dashboard.dashboard, name="dashboard"),
    path("dasbor/peserta/", dashboard.participants, name="participants"),
]
