"""What the navigation bar offers the current user: asked from every app through core.navigation."""

from typing import Any

from django.http import HttpRequest

from core.navigation import links_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The links each app offers this user (their predicates run no query), in order; none when logged out."""
    user = request.user
    return {"nav_links": links_for(user) if user.is_authenticated else []}
