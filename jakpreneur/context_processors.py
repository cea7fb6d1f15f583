"""What the navigation bar offers the current user: asked from every app through core.navigation."""

from typing import Any

from django.http import HttpRequest

from core.navigation import footer_links, links_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The links each app offers this user (their predicates run no query), in order: a visitor who is not logged
    in gets the public pages (the catalogue); none on an error page for a request refused before the user was
    known (a malformed body). The footer's public links are the same for everyone."""
    user = getattr(request, "user", None)
    return {"nav_links": links_for(user) if user is not None else [], "footer_links": footer_links()}
