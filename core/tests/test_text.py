"""Bidirectional control characters never reach a form: stripped from every submitted value."""

import pytest
from django.http import HttpRequest, HttpResponse, QueryDict
from django.test import RequestFactory

from core.text import BidiStripMiddleware, strip_bidi

RLO, PDF, RLI, LRM = "\u202e", "\u202c", "\u2067", "\u200e"


def test_strip_bidi_removes_overrides_isolates_and_marks() -> None:
    assert strip_bidi(f"Ani{RLO}fdp.exe{PDF} {RLI}Rahma{LRM}") == "Anifdp.exe Rahma"
    assert strip_bidi("Warung Bu Siti, Rp 5.000.000") == "Warung Bu Siti, Rp 5.000.000"


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_middleware_cleans_what_a_view_receives(rf: RequestFactory, method: str) -> None:
    seen: dict[str, QueryDict] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen["data"] = request.POST if method == "post" else request.GET
        return HttpResponse()

    request = getattr(rf, method)("/", {"full_name": [f"Ani {RLO}Rahma", "Budi"], "q": "plain"})
    BidiStripMiddleware(view)(request)
    assert seen["data"].getlist("full_name") == ["Ani Rahma", "Budi"]
    assert seen["data"]["q"] == "plain"
    assert not seen["data"]._mutable
