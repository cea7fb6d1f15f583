from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from notifications.rendering import register_message

        from . import sessions, two_factor  # noqa: F401 - their login receivers
        from .messages import MESSAGES, SECRET

        for key, context in MESSAGES.items():
            register_message(key, context=context, secret=SECRET.get(key, ()))


class ProgramAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the portal's site (admin.site is a ProgramAdminSite); named in INSTALLED_APPS,
    never this app's default."""

    default = False
    default_site = "accounts.admin_site.ProgramAdminSite"
