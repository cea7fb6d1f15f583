from django.urls import URLPattern

from .views import business, catalogue, curation, spaces

app_name = "marketing"

urlpatterns: list[URLPattern] = [*business.urls, *curation.urls, *spaces.urls, *catalogue.urls]
