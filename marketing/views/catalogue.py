"""Placeholder until its helper writes it."""

from django.urls import URLPattern

urls: list[URLPattern] = []
