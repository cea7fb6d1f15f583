from django.urls import URLPattern

from .views import urls

app_name = "privacy"

urlpatterns: list[URLPattern] = urls
