"""The program's measures (registered, verified, trained ... moved up a class): when each participant reached
each, told by the app that owns it, so the targets and the dashboard count them without knowing any step app.

- A step app registers, in its AppConfig.ready(), an expression on Participant giving the day the participant
  reached the measure (a DateField expression; NULL while not reached): `register(Measure.TRAINED, reached_on)`.
  The same expression answers for one participant (after a change) and for the whole program (the nightly
  rebuild), so the two cannot disagree.
- The participant's current mentor (for the mentor level of targets) is registered the same way, as an
  expression giving the mentor's user id (`register_mentor`).
- A service that changes what a measure or the mentor reads calls `changed(participant_id)`. The ids are
  collected per transaction and handed to the listeners once, after the commit (`on_commit`); the targets app
  listens and refreshes its summary tables in a Celery task. Nothing is sent when the transaction rolls back."""

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, DateField, Expression, IntegerField, TextChoices, Value, When
from django.db.models.functions import Cast, TruncDate
from django.utils.translation import gettext_lazy as _

from .choices import Status


class Measure(TextChoices):
    """What the program counts and sets targets on. The order is the funnel's: P1 (registered, verified) to P7,
    then the two that are not steps (formal: holds a valid NIB; moved up a business class)."""

    REGISTERED = "registered", _("Registered")
    VERIFIED = "verified", _("Verified (P1)")
    TRAINED = "trained", _("Trained (P2)")
    MENTORED = "mentored", _("Mentored (P3)")
    LICENSED = "licensed", _("Licensed (P4)")
    MARKETED = "marketed", _("Marketed (P5)")
    REPORTING = "reporting", _("Reporting (P6)")
    CAPITALISED = "capitalised", _("Capitalised (P7)")
    FORMAL = "formal", _("Formal (holds an NIB)")
    MOVED_UP = "moved_up", _("Moved up a business class")


# The funnel P1 -> P7, in order: each step's conversion is from the one before it.
FUNNEL: tuple[Measure, ...] = (
    Measure.REGISTERED,
    Measure.VERIFIED,
    Measure.TRAINED,
    Measure.MENTORED,
    Measure.LICENSED,
    Measure.MARKETED,
    Measure.REPORTING,
    Measure.CAPITALISED,
)

ReachedOn = Callable[[], Any]  # returns a fresh expression each call (expressions are not reusable across queries)

_reached: dict[str, ReachedOn] = {}
_mentor: list[Callable[[], Any]] = []
_listeners: list[Callable[[set[int]], None]] = []


def register(measure: Measure, reached_on: ReachedOn) -> None:
    """`reached_on()` returns an expression on Participant: the day the participant reached `measure`, or NULL."""
    if measure in _reached:
        raise ValueError(f"Measure {measure!r} is registered twice")
    _reached[measure] = reached_on


def register_mentor(mentor_of: Callable[[], Any]) -> None:
    """`mentor_of()` returns an expression on Participant: the user id of the current mentor, or NULL."""
    _mentor[:] = [mentor_of]


def reached_on(measure: Measure) -> Expression:
    """The expression for `measure`; a measure no app tells yet is reached by nobody (NULL)."""
    factory = _reached.get(measure)
    return factory() if factory is not None else Cast(Value(None), output_field=DateField())


def mentor_of() -> Expression:
    return _mentor[0]() if _mentor else Cast(Value(None), output_field=IntegerField())


def listen(listener: Callable[[set[int]], None]) -> None:
    """`listener(participant_ids)` is called after each commit that changed those participants' measures."""
    if listener not in _listeners:
        _listeners.append(listener)


def changed(participant_ids: int | Iterable[int]) -> None:
    """The measures of these participants may have changed: tell the listeners once, after the commit.

    The ids gather per transaction (keyed by its outermost atomic block), and every call asks for a flush on
    commit: the first flush hands over the whole set and the others find it empty, so a savepoint rolled back
    (which drops its own callbacks) loses nothing. Outside a transaction the listeners hear at once."""
    ids = {participant_ids} if isinstance(participant_ids, int) else set(participant_ids)
    if not ids or not _listeners:
        return
    if not connection.in_atomic_block:
        _tell(ids)
        return
    outermost = connection.atomic_blocks[0]
    marker, pending = getattr(connection, _PENDING, (None, set()))
    if marker is not outermost:
        pending = set()
    setattr(connection, _PENDING, (outermost, pending | ids))
    transaction.on_commit(_flush)


_PENDING = "jakpreneur_measures_pending"  # kept on the (per-thread) connection, with its transaction's marker


def _flush() -> None:
    _marker, pending = getattr(connection, _PENDING, (None, set()))
    setattr(connection, _PENDING, (None, set()))
    if pending:
        _tell(pending)


def _tell(ids: set[int]) -> None:
    for listener in _listeners:
        listener(set(ids))


# --- P1's own measures (registered in RegistrationConfig.ready) -------------------------------------------------


def registered_on() -> Expression:
    """Registered: the day the participant's record was created (a resubmission does not move it)."""
    return TruncDate("created_at")


def verified_on() -> Expression:
    """Verified: the day the kecamatan secretariat approved the registration."""
    return Case(When(registration__status=Status.APPROVED, then=TruncDate("registration__decided_at")))
