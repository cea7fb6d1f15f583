"""P4 pages. Participants see their licences and requests and ask for help; mentors and staff follow their
participants' licences, move requests and issue them; agency staff work the queue. Thin: check who asks, bind a
form, call a service, render. Objects come through selectors scoped to the user: others' answer 404."""

from .participants import mine, move, request_create, request_detail, scan
from .staff import correct, issue, participant, participants, queue, record

__all__ = [
    "correct",
    "issue",
    "mine",
    "move",
    "participant",
    "participants",
    "queue",
    "record",
    "request_create",
    "request_detail",
    "scan",
]
