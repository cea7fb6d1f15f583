from django.urls import URLPattern

urlpatterns: list[URLPattern] = []  # the pages of finance/views/books.py
