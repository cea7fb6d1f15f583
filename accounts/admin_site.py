"""The admin site: Django's, asking for the second factor as well as admin access (accounts.two_factor)."""

from django.contrib import admin
from django.http import HttpRequest

from .two_factor import is_pending


class ProgramAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        """Admin access, and the login's second factor given: a password alone never opens the admin, even if a
        page were reached past the gate that sends a pending session to the code page."""
        return super().has_permission(request) and not is_pending(request)
