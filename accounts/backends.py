"""Log in with an email address or an Indonesian mobile number in any common spelling."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from .models import User
from .phone import normalize_phone


def find_user_by_login(login: str) -> User | None:
    """The user an email address or mobile number belongs to, or None."""
    login = login.strip()
    if "@" in login:
        return User.objects.filter(email__iexact=login).first()
    try:
        phone = normalize_phone(login)
    except ValidationError:
        return None
    return User.objects.filter(phone=phone).first()


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
