"""The logged-in user of a view, typed as the portal's User."""

from django.http import HttpRequest

from .models import User


def request_user(request: HttpRequest) -> User:
    """The logged-in user of a view behind login_required."""
    user = request.user
    assert isinstance(user, User)
    return user
