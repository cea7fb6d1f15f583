"""Text a person types, neutralised once on the way in: bidirectional control characters (which can make a name
or a reference read differently on screen, in the admin, in PDFs and exports than it is stored) are stripped
from every submitted value before any form or view sees it. The API's parsers call `strip_bidi` the same way."""

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from django.http import HttpRequest, HttpResponse, QueryDict

if TYPE_CHECKING:
    from django.http.request import _ImmutableQueryDict

# the embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), the marks (U+200E, U+200F) and the
# Arabic letter mark (U+061C)
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def strip_bidi(text: str) -> str:
    return BIDI_CONTROLS.sub("", text)


def _cleaned(query: "_ImmutableQueryDict") -> "_ImmutableQueryDict":
    if not any(BIDI_CONTROLS.search(value) for values in query.lists() for value in values[1]):
        return query
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        cleaned.setlist(strip_bidi(key), [strip_bidi(value) for value in values])
    cleaned._mutable = False
    return cast("_ImmutableQueryDict", cleaned)


class BidiStripMiddleware:
    """Strip bidirectional controls from the query string and the submitted form of every request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.GET = _cleaned(request.GET)
        if request.method == "POST":
            request.POST = _cleaned(request.POST)
        return self.get_response(request)
