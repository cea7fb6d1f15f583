"""The messages of exports and the context each needs (registered with the notifications app): a big export's
file is ready (or could not be made), with the link to the person's exports."""

from typing import Final

MESSAGES: Final[dict[str, dict[str, type]]] = {
    "exports_ready": {"full_name": str, "title": str, "rows": int, "expires_on": str, "link": str},
    "exports_failed": {"full_name": str, "title": str, "link": str},
}
