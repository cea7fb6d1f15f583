"""How a login (an email address or a mobile number) is written once, for lookup, lockout and storage alike.

An email address is normalised to Unicode NFKC, then case-folded: look-alikes that are the same letter in
another code point become that letter (the long s U+017F is 's', the Kelvin sign is 'k', full-width letters are
ASCII), so they find, lock and occupy the same account. The dotless i U+0131 stays itself under NFKC and
case-folding, yet Django's email validator (a case-insensitive ASCII pattern) accepts it as an 'i' and
PostgreSQL's UPPER() makes it 'I': in the part before the @, where only ASCII is allowed anyway, it is folded to
'i'. The domain keeps it (a real internationalised domain may hold it). A mobile number becomes +62…
"""

import ipaddress
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from core.phone import normalize_phone

# What case-folding leaves apart but the email validator (re.IGNORECASE) and PostgreSQL's UPPER() equate with
# an ASCII i: the dotless i (U+0131), and the capital I with dot above (U+0130), which folds to i + U+0307.
_DOTLESS_I = str.maketrans({"\u0131": "i"})
_I_WITH_DOT = "i\u0307"


def normalize_email(value: str) -> str:
    """The one spelling of an email address: stripped, NFKC, case-folded; a dotless i is 'i' before the @."""
    folded = unicodedata.normalize("NFKC", value.strip()).casefold()
    local, at, domain = folded.rpartition("@")
    if not at:
        return folded
    local = local.replace(_I_WITH_DOT, "i").translate(_DOTLESS_I)
    return f"{local}@{domain}"


def normalize_login(login: str) -> str:
    """An email as normalize_email writes it, a mobile number as +62…; anything else as typed (stripped)."""
    login = unicodedata.normalize("NFKC", login.strip())
    if "@" in login:
        return normalize_email(login)
    try:
        return normalize_phone(login)
    except ValidationError:
        return login.casefold()


def _trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in settings.TRUSTED_PROXIES)


def client_address(request: HttpRequest) -> str | None:
    """The address a request came from, for the login lockout (AXES_CLIENT_IP_CALLABLE).

    The connection's own address (REMOTE_ADDR), unless that is the trusted proxy in front (TRUSTED_PROXIES,
    in docker-compose.yml the nginx service): then the last X-Forwarded-For entry, the one that proxy wrote
    (deploy/nginx.conf overwrites the header with the address it saw). Anything a client writes in the header
    itself is never read: a direct client's header is ignored, and behind the proxy only its hop counts.
    """
    remote = str(request.META.get("REMOTE_ADDR", "") or "").strip()
    if remote and _trusted_proxy(remote):
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", "") or "")
        hop = forwarded.split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(hop))
        except ValueError:
            return remote  # the proxy sent no address: count the guesses against the proxy itself
    return remote or None
