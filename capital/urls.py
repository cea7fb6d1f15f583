app_name = "capital"
from django.urls import URLPattern

urlpatterns: list[URLPattern] = []  # the capital helper adds the pages under /permodalan/
