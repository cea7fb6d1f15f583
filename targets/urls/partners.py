"""Partner performance, under dasbor/mitra/: per partner and agreement, the activities, participants served and
their outcomes (the filters and the order in the query string)."""

from django.urls import URLPattern, path

from ..views import partners

urlpatterns: list[URLPattern] = [
    path("dasbor/mitra/", partners.partners, name="partners"),
]
