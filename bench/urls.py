"""The portal's URLs and a bare view, `/bench/ok/`: `HttpResponse("ok")` through the same middleware, the most a
Django request can do on this server (bench/throughput.py divides each page's throughput by its)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from jakpreneur.urls import handler400, handler404, handler500
from jakpreneur.urls import urlpatterns as portal_urlpatterns


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ok/", ok, name="bench_ok"), *portal_urlpatterns]

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]
