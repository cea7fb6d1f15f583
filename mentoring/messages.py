"""The messages of P3 mentoring and the context each needs (registered with the notifications app)."""

from typing import Final

MESSAGES: Final[dict[str, dict[str, type]]] = {
    "mentoring_participant_assigned": {"full_name": str, "participant_name": str, "kecamatan": str, "link": str},
    "mentoring_follow_ups_due": {"full_name": str, "count": int, "items": str, "link": str},
    "mentoring_help_message": {"full_name": str, "sender_name": str, "subject": str, "link": str},
}
