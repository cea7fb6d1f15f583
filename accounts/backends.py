"""Log in with an email address or an Indonesian mobile number in any common spelling."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from core.phone import normalize_phone

from .models import User


def normalize_login(login: str) -> str:
    """An email in lower case, a mobile number as +62…; anything else as typed (stripped)."""
    login = login.strip()
    if "@" in login:
        return login.lower()
    try:
        return normalize_phone(login)
    except ValidationError:
        return login


def lockout_key(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The login django-axes counts failures against: 0812…, +62812… and 62812… are one account."""
    login = (credentials or {}).get("username") or request.POST.get("username", "")
    return normalize_login(str(login))


def find_user_by_login(login: str) -> User | None:
    """The user an email address or mobile number belongs to, or None."""
    login = normalize_login(login)
    if "@" in login:
        return User.objects.filter(email__iexact=login).first()
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
