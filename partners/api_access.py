"""Who is calling the API: a key in `Authorization: Api-Key <key>`, checked against its hash
(djangorestframework-api-key). A usable key authenticates as its partner's API account, so services record
the partner as the actor and the channel as "api", with the key's prefix. Each key has its own throttle on
the shared cache (Redis). A browser's session is not an API login."""

import datetime
import logging
from typing import TYPE_CHECKING, Any, cast

import redis
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.request import Request

from accounts.models import User
from core import audit

from .choices import KeyKind
from .models import PartnerKey

if TYPE_CHECKING:
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)

KEYWORD = "Api-Key"
LAST_USED_EVERY = datetime.timedelta(minutes=1)  # how stale `last_used_at` may be (one UPDATE a minute a key)


def _key_from(request: Request) -> str | None:
    header = authentication.get_authorization_header(request).decode("latin-1", errors="replace")
    keyword, _sep, key = header.partition(" ")
    if keyword != KEYWORD:
        return None
    return key.strip() or None


def usable_key(raw: str) -> PartnerKey | None:
    """The key for this secret, if it is neither revoked nor expired (one query, with its partner, agreement
    and API account). The library's `get_usable_keys` leaves out only revoked keys: the expiry is checked here."""
    prefix, _dot, _rest = raw.partition(".")
    if not prefix:
        return None
    candidates = (
        PartnerKey.objects.get_usable_keys()
        .filter(Q(expiry_date__isnull=True) | Q(expiry_date__gt=timezone.now()), prefix=prefix)
        .select_related("organisation__api_user", "agreement__organisation")
    )
    for key in candidates:
        if key.is_valid(raw):
            return cast(PartnerKey, key)
    return None


def key_of(request: Request) -> PartnerKey:
    """The authenticated key (views behind HasPartnerKey or IsJakiKey only)."""
    assert isinstance(request.auth, PartnerKey)
    return request.auth


def api_user_of(request: Request) -> User:
    """The API account the authenticated key acts as: the `acting_user` of the services an endpoint calls."""
    user = request.user
    assert isinstance(user, User)
    return user


class KeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, PartnerKey] | None:
        raw = _key_from(request)
        if raw is None:
            return None
        key = usable_key(raw)
        user = key.organisation.api_user if key is not None else None
        if key is None or user is None or not key.organisation.active:
            raise exceptions.AuthenticationFailed(_("This API key is not valid, revoked or expired."))
        now = timezone.now()
        if key.last_used_at is None or key.last_used_at < now - LAST_USED_EVERY:
            PartnerKey.objects.filter(pk=key.pk).update(last_used_at=now)
        audit.enter(audit.Channel.API, user=user, key=key.prefix)
        return user, key

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


class _KeyOfKind(permissions.BasePermission):
    kind: str = ""

    def has_permission(self, request: Request, view: "APIView") -> bool:
        key = request.auth
        if not isinstance(key, PartnerKey):
            raise exceptions.NotAuthenticated(_("Send your API key: Authorization: Api-Key <key>."))
        return key.kind == self.kind


class HasPartnerKey(_KeyOfKind):
    """A partner organisation's key (the data endpoints)."""

    kind = KeyKind.PARTNER
    message = _("This endpoint is for partner organisations' keys.")


class IsJakiKey(_KeyOfKind):
    """The JAKI city app's key (registration and the journey)."""

    kind = KeyKind.JAKI
    message = _("This endpoint is for the JAKI app's key.")


class KeyRateThrottle(throttling.SimpleRateThrottle):
    """Requests per key (settings: REST_FRAMEWORK's "key" rate), counted in Redis; a 429 says when to retry.
    While Redis is down the calls are let through uncounted (the cache gives up within half a second: settings,
    CACHES): a partner's work does not stop with the counter."""

    scope = "key"

    def allow_request(self, request: Request, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except redis.RedisError as exc:
            logger.warning("API throttle not counted: the cache is unavailable (%s)", type(exc).__name__)
            return True

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        key = request.auth
        if not isinstance(key, PartnerKey):
            return None
        return f"throttle_key_{key.prefix}"


class KeyAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """How the schema tells clients to send their key."""

    target_class = KeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Api-Key <key>: the key the program issued to your organisation.",
        }
