"""What every endpoint of the API shares, whatever app it belongs to: JSON errors with a code and field errors
(from DRF's own errors, a service's ValidationError and a predicate's refusal alike), cursor pagination in a
stable order, a JSON parser that strips bidirectional controls as the web forms do, and conditional GETs."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.middleware import http
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, parsers, status
from rest_framework.response import Response

from .decisions import Refused
from .text import strip_bidi

API_PREFIX = "/api/v1/"
NON_FIELD = "non_field_errors"


def _stripped(value: Any) -> Any:
    if isinstance(value, str):
        return strip_bidi(value)
    if isinstance(value, list):
        return [_stripped(item) for item in value]
    if isinstance(value, dict):
        return {strip_bidi(str(key)): _stripped(item) for key, item in value.items()}
    return value


class JSONParser(parsers.JSONParser):
    """JSON bodies, with bidirectional controls stripped from every key and string (core.text says why)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return _stripped(super().parse(stream, media_type, parser_context))


class CursorPagination(pagination.CursorPagination):
    """Every list: a cursor, never an offset, so a deep page costs what the first does. Ordered by id, newest
    first, unless the view says otherwise (its ordering must end in a unique field)."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def for_schema(view: Any) -> bool:
    """True while drf-spectacular builds the schema: a viewset's queryset has no key to scope it then."""
    return bool(getattr(view, "swagger_fake_view", False))


def _details(detail: Any) -> Any:
    """DRF's full details ({"message", "code"} leaves) keyed by field."""
    if isinstance(detail, dict):
        return {key: _details(value) for key, value in detail.items()}
    if isinstance(detail, list):
        flat: list[Any] = []
        for item in detail:
            value = _details(item)
            flat.extend(value if isinstance(value, list) and value and isinstance(value[0], dict) else [value])
        return flat
    return detail


def _field_errors(exc: DjangoValidationError) -> dict[str, list[dict[str, str]]]:
    items = list(exc.error_dict.items()) if hasattr(exc, "error_dict") else [(NON_FIELD, exc.error_list)]
    errors: dict[str, list[dict[str, str]]] = {}
    for field, field_errors in items:
        key = NON_FIELD if field == "__all__" else field
        for error in field_errors:
            message = error.message % error.params if error.params else error.message
            errors.setdefault(key, []).append({"message": str(message), "code": error.code or "invalid"})
    return errors


def error_body(code: str, detail: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "detail": detail}
    if errors:
        body["errors"] = errors
    return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error as {"code", "detail", "errors"?}. A service's refusal (core.decisions.Refused) answers 409
    with its code; its ValidationError 400 with the errors by field; Http404 and DRF's own errors keep their
    status. Anything else is a server error (Django's handler)."""
    if isinstance(exc, Refused):
        message = exc.messages[0] if exc.messages else _("Not allowed now.")
        return Response(error_body(exc.code or "refused", message), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        return Response(
            error_body("invalid", _("Some values are not valid."), _field_errors(exc)),
            status=status.HTTP_400_BAD_REQUEST,
        )
    from rest_framework.views import exception_handler as drf_exception_handler  # DRF's settings import this module

    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        details = _details(exc.get_full_details())
        errors = details if isinstance(details, dict) else {NON_FIELD: details}
        response.data = error_body("invalid", _("Some values are not valid."), errors)
    else:
        response.data = error_body(str(exc.default_code), str(exc.detail))
    return response


class ConditionalGetMiddleware(http.ConditionalGetMiddleware):
    """ETag (a hash of the body) and 304 for an unchanged GET, on the API only: its answers are data, cheap to
    hash, and a partner polling a list saves the transfer. Pages keep no ETag (core.middleware)."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not request.path.startswith(API_PREFIX):
            return response
        return super().process_response(request, response)
