from django.urls import URLPattern

app_name = "capital"
urlpatterns: list[URLPattern] = []  # the capital helper adds the pages under /permodalan/
