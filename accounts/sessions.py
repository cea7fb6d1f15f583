"""How long a login lasts: SESSION_ABSOLUTE_SECONDS from the password at most, SESSION_IDLE_SECONDS without a
request at most: 12 hours and 30 minutes, NIST SP 800-63B's re-authentication for AAL2, which OWASP ASVS 5.0
(V7.1.1, level 2) asks to be documented and justified against. Django's own expiry is the cookie's; these are
checked on the server, so a copied cookie dies on time too.

The time of the last request is written at most once a minute (SEEN_PRECISION), so a busy page saves its session
no more often than that.
"""

import time
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends.base import SessionBase
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

LOGGED_IN_AT = "accounts_logged_in_at"
SEEN_AT = "accounts_seen_at"
SEEN_PRECISION = 60  # seconds


@receiver(user_logged_in, dispatch_uid="accounts.sessions.start")
def start(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None:
        now = int(time.time())
        request.session[LOGGED_IN_AT] = now
        request.session[SEEN_AT] = now


def expiry(session: SessionBase, now: int) -> str | None:
    """Why a logged-in session is over ("absolute" or "idle"), or None while it lasts. A session from before
    these times were kept starts counting now."""
    logged_in_at = session.setdefault(LOGGED_IN_AT, now)
    seen_at = session.setdefault(SEEN_AT, now)
    if now - logged_in_at >= settings.SESSION_ABSOLUTE_SECONDS:
        return "absolute"
    if now - seen_at >= settings.SESSION_IDLE_SECONDS:
        return "idle"
    return None


class SessionTimeoutMiddleware:
    """Logs out a session past either limit and sends the person to log in again, saying why."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if SESSION_KEY in request.session:
            now = int(time.time())
            reason = expiry(request.session, now)
            if reason is not None:
                return self.log_out(request, reason)
            if now - request.session[SEEN_AT] >= SEEN_PRECISION:
                request.session[SEEN_AT] = now
        response: HttpResponse = self.get_response(request)
        return response

    def log_out(self, request: HttpRequest, reason: str) -> HttpResponse:
        back_to = request.get_full_path() if request.method == "GET" else None
        logout(request)
        if reason == "idle":
            text = _(
                "You were logged out after %(minutes)d minutes without activity, to protect your data. Log in again."
            ) % {"minutes": settings.SESSION_IDLE_SECONDS // 60}
        else:
            text = _("You were logged out: a login lasts %(hours)d hours at most. Log in again.") % {
                "hours": settings.SESSION_ABSOLUTE_SECONDS // 3600
            }
        if request.method != "GET":
            text += " " + _("What you sent last was not saved: please fill it in again.")
        messages.warning(request, text)
        login = reverse("accounts:login")
        return redirect(f"{login}?{urlencode({'next': back_to})}" if back_to else login)
