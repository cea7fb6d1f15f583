"""What every endpoint of the API shares, whatever app it belongs to: JSON errors with a code and field errors
(from DRF's own errors, a service's ValidationError and a predicate's refusal alike), cursor pagination in a
stable order, a JSON parser that strips bidirectional controls as the web forms do, and conditional GETs."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.middleware import http
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, pagination, parsers, serializers, status
from rest_framework.response import Response

from .decisions import Refused
from .errors import API_PREFIX
from .text import strip_bidi

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

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> tuple[str, ...]:
        """The view's `ordering` (e.g. ("-month", "-id")) where it has one, else newest id first. Ties in its
        first field are broken by the rest, so a page boundary inside equal values moves no row."""
        ordering = getattr(view, "ordering", None)
        if ordering:
            return (ordering,) if isinstance(ordering, str) else tuple(ordering)
        return (self.ordering,) if isinstance(self.ordering, str) else tuple(self.ordering)


class OptionalURLField(serializers.URLField):
    """A link a person may leave empty (a blank URLField): null in the answer when empty, so that an answer's
    value always is a URI, as the schema says."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value: Any) -> Any:
        return value or None


class OptionalEmailField(serializers.EmailField):
    """An email address a person may leave empty: null in the answer when empty (see OptionalURLField)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value: Any) -> Any:
        return value or None


def for_schema(view: Any) -> bool:
    """True while drf-spectacular builds the schema: a viewset's queryset has no key to scope it then."""
    return bool(getattr(view, "swagger_fake_view", False))


def _is_leaf(detail: Any) -> bool:
    return isinstance(detail, dict) and set(detail) == {"message", "code"}


def _flat_errors(detail: Any, prefix: str = "", into: dict[str, list[Any]] | None = None) -> dict[str, list[Any]]:
    """DRF's full details ({"message", "code"} leaves) as one level of fields: a nested field's errors under its
    dotted path ("business.name", "present.2"), so every error body has the shape the schema gives it."""
    errors: dict[str, list[Any]] = {} if into is None else into
    if _is_leaf(detail):
        errors.setdefault(prefix or NON_FIELD, []).append(detail)
    elif isinstance(detail, dict):
        for key, value in detail.items():
            _flat_errors(value, f"{prefix}.{key}" if prefix else str(key), errors)
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            if _is_leaf(item):
                errors.setdefault(prefix or NON_FIELD, []).append(item)
            else:
                _flat_errors(item, f"{prefix}.{index}" if prefix else str(index), errors)
    return errors


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


class FieldErrorSerializer(serializers.Serializer[Any]):
    message = serializers.CharField()
    code = serializers.CharField(help_text="Stable: what a client program checks (e.g. required, not_enrolled).")


class ErrorSerializer(serializers.Serializer[Any]):
    """The body of every error (`error_body`), as the schema documents it."""

    code = serializers.CharField(help_text="invalid, not_authenticated, not_found, throttled, or a refusal's code.")
    detail = serializers.CharField(help_text="What went wrong, for a person.")
    # a declared field: DRF's metaclass takes it out of the class, so Serializer.errors stays the property
    errors = serializers.DictField(  # type: ignore[assignment]
        child=FieldErrorSerializer(many=True),
        required=False,
        help_text=f"By field (`{NON_FIELD}` for the whole input); only with code invalid.",
    )


ERROR_DESCRIPTIONS = {
    400: "Some values are not valid: `errors` says which, by field. Nothing was changed.",
    401: "No key, or a key that is unknown, revoked or expired (WWW-Authenticate: Api-Key).",
    403: "A key of another kind (a partner's key on a JAKI endpoint, or the other way round).",
    404: "Not found, or not visible to this key (no consent, or the agreement does not cover it).",
    409: "Refused in the record's present state: `code` says why (e.g. not_announced, future_day).",
    429: "Too many requests for this key: Retry-After says how many seconds to wait.",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """The schema's error responses of an operation, each with the one error body: `responses={200: X,
    **error_responses(400, 404)}`. 401, 403 and 429 apply to every keyed endpoint, so they are always included."""
    wanted = sorted({401, 403, 429, *statuses})
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]) for code in wanted}


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
        response.data = error_body("invalid", _("Some values are not valid."), _flat_errors(exc.get_full_details()))
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
