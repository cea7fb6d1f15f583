from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from notifications.rendering import register_message

        from .messages import MESSAGES, SECRET

        for key, context in MESSAGES.items():
            register_message(key, context=context, secret=SECRET.get(key, ()))
