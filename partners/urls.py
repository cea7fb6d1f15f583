from django.urls import URLPattern

from .views import data, partner, staff

app_name = "partners"

urlpatterns: list[URLPattern] = [*staff.urls, *partner.urls, *data.urls]
