"""data pages."""

from django.urls import URLPattern

urls: list[URLPattern] = []
