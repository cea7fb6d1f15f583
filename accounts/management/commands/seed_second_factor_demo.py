"""The demo's staff and partner logins get an authenticator, whose current code the code page shows on the demo
(accounts.two_factor.demo_code), so anyone can try each role without an app."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.permissions import SECOND_FACTOR_ROLES
from accounts.services import AUTHENTICATOR
from core import audit


class Command(BaseCommand):
    help = "Give every demo login that must log in with a second factor an authenticator (skips what exists)."

    def handle(self, *args: Any, **options: Any) -> None:
        domain = settings.DEMO_SECOND_FACTOR_DOMAIN
        if not (settings.DEBUG and domain):
            raise CommandError(
                "Demo authenticators are for the demo only: DEBUG on and DEMO_SECOND_FACTOR_DOMAIN set."
            )
        staff = User.objects.filter(
            Q(role__in=SECOND_FACTOR_ROLES) | Q(is_staff=True), email__endswith=f"@{domain}"
        ).exclude(totpdevice__confirmed=True)
        with audit.channel(audit.Channel.IMPORT):
            made = TOTPDevice.objects.bulk_create(
                TOTPDevice(user=user, name=AUTHENTICATOR, confirmed=True) for user in staff
            )
        self.stdout.write(f"Demo authenticators: {len(made)} made; the code page shows each login's code.")
