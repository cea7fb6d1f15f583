"""The choices of P4 licensing: where a licence request stands, and the moves between its states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    DOCUMENTS_COMPLETE = "documents", _("Documents complete")
    SUBMITTED = "submitted", _("Submitted to the issuing office")
    ISSUED = "issued", _("Issued")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A request still being worked on: at most one per participant and licence type.
OPEN_STATUSES = (RequestStatus.REQUESTED, RequestStatus.DOCUMENTS_COMPLETE, RequestStatus.SUBMITTED)
CLOSED_STATUSES = (RequestStatus.ISSUED, RequestStatus.REFUSED, RequestStatus.WITHDRAWN)

# The moves a request may make; every other one is refused (LicenceRequest.can_move_to).
MOVES: dict[str, tuple[str, ...]] = {
    RequestStatus.REQUESTED: (RequestStatus.DOCUMENTS_COMPLETE, RequestStatus.REFUSED, RequestStatus.WITHDRAWN),
    RequestStatus.DOCUMENTS_COMPLETE: (
        RequestStatus.REQUESTED,  # a document turned out to be wrong: back to collecting
        RequestStatus.SUBMITTED,
        RequestStatus.REFUSED,
        RequestStatus.WITHDRAWN,
    ),
    RequestStatus.SUBMITTED: (RequestStatus.ISSUED, RequestStatus.REFUSED),
    RequestStatus.ISSUED: (),
    RequestStatus.REFUSED: (),
    RequestStatus.WITHDRAWN: (),
}
