"""What every write of a participant's books starts with: their row locked, so the writes of one book (entries,
money owed, imports, the monthly reports computed from them) run one at a time and each sees the other's rows;
and a change dated in a closed month refused (`permissions.month_open_decision`)."""

import datetime

from accounts.models import User
from registration.models import Participant
from registration.selectors import is_verified

from .. import permissions, selectors


def lock_participant(participant_id: int) -> Participant:
    """The participant's row, locked until the transaction ends (with their registration loaded)."""
    participant: Participant = (
        Participant.objects.select_for_update(of=("self",)).select_related("registration").get(pk=participant_id)
    )
    return participant


def book_of(participant_id: int, user: User, *, lock: bool = True) -> Participant:
    """The participant (locked for a write of their book), once the user may keep their book."""
    if lock:
        participant = lock_participant(participant_id)
    else:
        participant = Participant.objects.select_related("registration").get(pk=participant_id)
    permissions.can_keep_books(user, participant, verified=is_verified(participant)).enforce()
    return participant


def check_open(participant: Participant, *days: datetime.date) -> None:
    """Refuse a change dated in a closed month, or before one: one query."""
    latest_closed = selectors.latest_closed_month(participant)
    for day in days:
        permissions.month_open_decision(day, latest_closed=latest_closed).enforce()
