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

    The ids gather per transaction in a batch kept on the (per-thread) connection, handed over by the batch itself
    queued with `on_commit`. It is queued again whenever no queued copy would survive where this call stands (one
    queued inside a savepoint is dropped when that savepoint rolls back), so a savepoint rolled back loses none of
    the ids gathered outside it; the first copy to run hands over the whole set, the others nothing. A batch of
    which no copy is queued any more (its transaction rolled back) is dropped, never told with the next
    transaction's. A listener's failure is logged, never raised into the committed service (`robust`). Outside a
    transaction the listeners hear at once."""
    ids = {participant_ids} if isinstance(participant_ids, int) else set(participant_ids)
    if not ids or not _listeners:
        return
    if not connection.in_atomic_block:
        _tell(ids)
        return
    batch: _Batch | None = getattr(connection, _BATCH, None)
    queued = (
        [
            entry[0] for entry in connection.run_on_commit if entry[1] is batch.flush
        ]  # (savepoint ids, callback, robust)
        if batch is not None and not batch.told
        else []
    )
    if batch is None or not queued:
        batch = _Batch()
        setattr(connection, _BATCH, batch)
    batch.ids |= ids
    open_savepoints = set(connection.savepoint_ids)
    if not any(savepoints <= open_savepoints for savepoints in queued):
        transaction.on_commit(batch.flush, robust=True)


_BATCH = "jakpreneur_measures_batch"  # the batch of the connection's transaction (connections are per thread)


class _Batch:
    """The ids changed in one transaction; `flush` (one bound method, queued after the commit) tells them once,
    however often it was queued."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.told = False
        self.flush = self._flush

    def _flush(self) -> None:
        if self.told:
            return
        self.told = True
        _tell(self.ids)


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
