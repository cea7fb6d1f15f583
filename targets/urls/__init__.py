"""The targets app's pages: the dashboard and the participants behind its numbers, partner performance, the
weekly reports. Each area has its own module."""

from django.urls import URLPattern

from . import dashboard, partners, reports

app_name = "targets"

urlpatterns: list[URLPattern] = [*dashboard.urlpatterns, *partners.urlpatterns, *reports.urlpatterns]
