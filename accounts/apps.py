from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from notifications.rendering import register_message

        register_message("account_claim", context={"full_name", "link"}, secret={"link"})
