"""The portal's error answers: branded pages in the user's language, each with a way back, that leak nothing.

403 and 404 render through the normal layout (`templates/403.html`, `404.html`: Django's own handlers). The
500 and 503 pages use `templates/errors/plain.html`, which needs no database, no session and no user.

While the database is down every page would answer 500: `server_error` (the project's `handler500`, set in
`jakpreneur/urls.py`) answers 503 "temporarily unavailable" instead, with `Retry-After`, whenever the failure is
the database's (`django.db.OperationalError` or `InterfaceError`, or a failure caused by one). As the handler it
sees every failure, a middleware's too (loading the session or the user), and Django has logged it already.
With DEBUG on, Django shows its technical page instead, as for every error."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 60


def is_database_down(exception: BaseException | None) -> bool:
    """Whether a failure is the database being unreachable (or its connection broken), directly or as a cause."""
    seen = 0
    while exception is not None and seen < 10:
        if isinstance(exception, DATABASE_ERRORS):
            return True
        exception = exception.__cause__ or exception.__context__
        seen += 1
    return False


def database_unavailable(request: HttpRequest | None = None) -> HttpResponse:
    """The 503 page: rendered without a request context, so nothing asks the database or the session."""
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the 503 page when the database is down, else the branded 500 page (no stack, no error text)."""
    if is_database_down(sys.exc_info()[1]):
        return database_unavailable(request)
    return HttpResponseServerError(loader.render_to_string("500.html"))
