"""The messages of P2 training and the context each needs (registered with the notifications app). Each carries
a `link`: the session's page, or My trainings for the certificate."""

from typing import Final

SESSION_FULL: Final[dict[str, type]] = {
    "full_name": str,
    "course": str,
    "starts_at": str,
    "online": bool,
    "place": str,
    "link": str,
}
SESSION_SHORT: Final[dict[str, type]] = {"full_name": str, "course": str, "starts_at": str, "link": str}

MESSAGES: Final[dict[str, dict[str, type]]] = {
    "training_enrolled": SESSION_FULL,
    "training_waitlisted": SESSION_SHORT,
    "training_waitlist_promoted": SESSION_FULL,
    "training_session_reminder": SESSION_FULL,
    "training_session_cancelled": SESSION_SHORT,
    "training_certificate_issued": {"full_name": str, "course": str, "code": str, "link": str},
}
