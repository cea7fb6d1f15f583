"""The messages of the personal-data pages and the context each needs (registered with the notifications app)."""

from typing import Final

MESSAGES: Final[dict[str, dict[str, type]]] = {
    # a correction request decided: what it was about, accepted or not, and the note of who decided
    "privacy_correction_decided": {"full_name": str, "what": str, "applied": bool, "note": str},
}
