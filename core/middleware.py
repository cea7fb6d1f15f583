"""Response headers every page carries that no installed library sends: the Permissions-Policy, and no-store
for anything shown to a logged-in person (their data must not stay in a shared computer's cache or a proxy's)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers

# Browser features no page of the portal uses. The visit photo is a plain file input: on a phone it offers the
# camera app, which needs no camera permission for the page (only getUserMedia would), so camera is off too.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
        "interest-cohort",
        "browsing-topics",
    )
)


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; `Cache-Control: no-store` on every response to a logged-in user
    (a private file's own `private, no-store` is kept as it is)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private; Expires now
        return response
