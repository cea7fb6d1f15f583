"""Tests that log a user in without the login page (Client.login, force_login) get the second factor with it,
as they get the session without typing a password; tests of the code page itself log in through the login form.
Browser journeys type a real code: `authenticator_code`.

Client.login and force_login log in on a bare HttpRequest, which no request through the handler is: only those
logins have their pending mark taken off."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.two_factor import PENDING, current_code


def _given(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and type(request) is HttpRequest:
        request.session.pop(PENDING, None)


@pytest.fixture(autouse=True, scope="session")
def _second_factor_given_to_client_logins() -> Iterator[None]:
    """Connected once the apps are ready, so it runs after accounts' own receiver has marked the login."""
    user_logged_in.connect(_given, dispatch_uid="tests.support.second_factor")
    yield
    user_logged_in.disconnect(dispatch_uid="tests.support.second_factor")


def authenticator(user: User) -> TOTPDevice:
    """The user's confirmed authenticator, made if they have none (as if set up earlier)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def authenticator_code(device: TOTPDevice) -> str:
    """The code the person's app shows now."""
    return current_code(device)
