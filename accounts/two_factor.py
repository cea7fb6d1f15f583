"""The second factor at login: who must give one, the session's state between the password and the code, and
the gate that keeps a half-logged-in session to the code page.

A login with a password alone is a session marked *pending* when the account must give a second factor (its
role: accounts.permissions.requires_second_factor) or chose to have one (an entrepreneur with an authenticator).
A pending session reaches only the code page, the set-up page (while the account has no authenticator yet), the
language switch and log out; the admin asks the same (accounts.admin_site). The code clears the mark, records the
device in the session the way django-otp does (`django_otp.login`) and starts a new session key.

Why not django-otp's OTPMiddleware: it loads the session's device on every request (a query per page for every
staff member) only to answer "verified?", which the session answers itself here. A device deleted by a reset
cannot leave a session verified: the reset raises the account's session generation, which ends every session
(accounts.models.User.get_session_auth_hash).
"""

from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User
from .permissions import requires_second_factor

PENDING = "accounts_second_factor_pending"

# What a pending session may open: giving the code, setting up a first authenticator, the language, leaving.
OPEN_WHILE_PENDING = frozenset(
    {"accounts:second_factor_verify", "accounts:second_factor", "accounts:logout", "set_language"}
)


def has_authenticator(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


@receiver(user_logged_in, dispatch_uid="accounts.two_factor.mark_pending")
def mark_pending(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """A password login of an account that gives a second factor waits for the code."""
    if request is not None and (requires_second_factor(user) or has_authenticator(user)):
        request.session[PENDING] = True


def is_pending(request: HttpRequest) -> bool:
    """Logged in with the password, the second factor still to come."""
    return bool(request.session.get(PENDING))


def complete(request: HttpRequest, device: Device) -> None:
    """The code was right: the session is verified by that device, under a new key (no one holding the key of
    the half-logged-in session holds the whole one)."""
    django_otp.login(request, device)
    request.session.pop(PENDING, None)
    request.session.cycle_key()


def safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    """A `next` address on this site, or None."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def verify_url(next_url: str | None) -> str:
    path = reverse("accounts:second_factor_verify")
    return f"{path}?{urlencode({'next': next_url})}" if next_url else path


class SecondFactorMiddleware:
    """Sends a pending session anywhere else to the code page (a GET comes back to where it was going)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        return response

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        if SESSION_KEY not in request.session or not is_pending(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_WHILE_PENDING:
            return None
        return redirect(verify_url(request.get_full_path() if request.method == "GET" else None))


def provisioning_qr(device: TOTPDevice) -> SafeString:
    """The authenticator's key as a QR code an app scans: inline SVG drawn here (no script, no third party)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = str(image.to_string(encoding="unicode"))
    return mark_safe(svg)  # noqa: S308 - drawn by qrcode from the device's own URL, no user input


def manual_key(device: TOTPDevice) -> str:
    """The key for typing into an app that cannot scan: base32 in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def demo_code(user: User) -> str | None:
    """On the demo (bin/run), the code a demo login's authenticator shows now, so nobody needs the app to try
    the portal: only with DEBUG on and for the demo's own addresses (DEMO_SECOND_FACTOR_DOMAIN)."""
    domain = settings.DEMO_SECOND_FACTOR_DOMAIN
    if not (settings.DEBUG and domain and user.email and user.email.endswith(f"@{domain}")):
        return None
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return current_code(device) if device is not None else None


def current_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the authenticator shows now (or `steps_ahead` 30-second steps later): what the person types."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"
