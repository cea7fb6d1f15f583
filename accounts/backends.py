"""Log in with an email address or an Indonesian mobile number in any common spelling."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .logins import client_address, normalize_login
from .models import User

__all__ = ["EmailOrPhoneBackend", "client_address", "find_user_by_login", "lockout_key", "normalize_login"]


def lockout_key(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The login django-axes counts failures against, written as the lookup and the stored account write it:
    0812…, +62812… and 62812… are one account, and so are SITI@… and its
    look-alikes with a long s (U+017F) or a dotless i (U+0131): accounts.logins."""
    login = (credentials or {}).get("username") or request.POST.get("username", "")
    return normalize_login(str(login))


def find_user_by_login(login: str) -> User | None:
    """The user an email address or mobile number belongs to, or None: an exact match of the stored spelling,
    which is the same normalisation (accounts.logins), so the lookup and the lockout can never disagree."""
    login = normalize_login(login)
    if "@" in login:
        return User.objects.filter(email=login).first()
    if not login.startswith("+62"):
        return None
    return User.objects.filter(phone=login).first()


class EmailOrPhoneBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        login = username or kwargs.get("email")
        if not login or not password:
            return None
        user = find_user_by_login(login)
        if user is None:
            User().set_password(password)  # same work as a real check, so timing does not reveal accounts
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
