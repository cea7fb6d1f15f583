"""P1 pages. Thin: check who asks, bind a form, call a service, render."""

from .office import assisted, walk_in_receipt
from .participant import fix, wizard, wizard_step
from .staff import document, participant_detail, participant_list, queue

__all__ = [
    "assisted",
    "document",
    "fix",
    "participant_detail",
    "participant_list",
    "queue",
    "walk_in_receipt",
    "wizard",
    "wizard_step",
]
