"""The messages of P4 licensing and the context each needs (registered with the notifications app). Every move of
a request tells its participant, with a link to the request; the expiry reminder goes to the holder and their
mentor."""

from typing import Final

REQUEST: Final[dict[str, type]] = {"full_name": str, "licence": str, "link": str}

MESSAGES: Final[dict[str, dict[str, type]]] = {
    "licensing_requested": REQUEST,
    "licensing_documents_complete": REQUEST,
    "licensing_documents_missing": {**REQUEST, "note": str},
    "licensing_submitted": REQUEST,
    "licensing_issued": {**REQUEST, "number": str},
    "licensing_refused": {**REQUEST, "reason": str},
    "licensing_withdrawn": REQUEST,
    "licensing_recorded": {**REQUEST, "number": str},
    "licensing_expiry_reminder": {**REQUEST, "expires_on": str},
    "licensing_expiry_reminder_mentor": {**REQUEST, "participant_name": str, "expires_on": str},
}
