"""The portal's error answers: branded pages in the user's language, each with a way back, that leak nothing.

Under /api/ every error is JSON (`{code, detail}`), whatever raised it. Elsewhere 400, 403 and 404 render
through the normal layout (`templates/400.html`, `403.html`, `404.html`: Django's own views). The
500 and 503 pages use `templates/errors/plain.html`, which needs no database, no session and no user.

While the database is down every page would answer 500: `server_error` (the project's `handler500`, set in
`jakpreneur/urls.py`) answers 503 "temporarily unavailable" instead, with `Retry-After`, whenever the failure is
the database's (`django.db.OperationalError` or `InterfaceError`, or a failure caused by one). As the handler it
sees every failure, a middleware's too (loading the session or the user), and Django has logged it already.
With DEBUG on, Django shows its technical page instead, as for every error."""

import json
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"

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


def is_api(request: HttpRequest | None) -> bool:
    return request is not None and request.path.startswith(API_PREFIX)


def api_error(status: int, code: str, detail: str) -> HttpResponse:
    """An error of the API answered outside a view (no route, a body Django could not parse, a crash): JSON with a
    code and a detail, as the views' own errors are (core.api.exception_handler)."""
    return HttpResponse(json.dumps({"code": code, "detail": detail}), status=status, content_type="application/json")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: JSON under /api/, else the branded page."""
    if is_api(request):
        return api_error(400, "bad_request", _("The request could not be read."))
    return defaults.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: JSON under /api/ (an unknown address is "not_found" like an object out of scope)."""
    if is_api(request):
        return api_error(404, "not_found", _("Not found."))
    return defaults.page_not_found(request, exception)


def database_unavailable(request: HttpRequest | None = None) -> HttpResponse:
    """The 503 page: rendered without a request context, so nothing asks the database or the session."""
    if is_api(request):
        response = api_error(503, "unavailable", _("The service is temporarily unavailable. Try again shortly."))
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the 503 page when the database is down, else the branded 500 page (no stack, no error text)."""
    if is_database_down(sys.exc_info()[1]):
        return database_unavailable(request)
    if is_api(request):
        return api_error(500, "server_error", _("Something went wrong on our side. Try again later."))
    return HttpResponseServerError(loader.render_to_string("500.html"))
