"""The audit trail: who changed what, when, through which channel, with before and after values.

Built on django-pghistory (docs/ARCHITECTURE.md says why): each tracked model gets an event table filled by
PostgreSQL triggers in the same transaction as the change, so a queryset update, a bulk create or an admin edit
is recorded as surely as a service's save. Who and through which channel come from the context around the
change:

- the channel is set once at the entry point: `AuditMiddleware` (web or admin), `AuditedTask` (task), and later
  the API and imports, with `channel(...)`;
- the acting user is set by every service that takes one, with `@audited` (it reads `acting_user`).

A change made outside any channel (a shell, a migration) is recorded with the channel "shell".
"""

import datetime
import functools
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

import pghistory
import pghistory.core
import pghistory.middleware
from django.contrib.auth import get_user_model
from django.db import models
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from pghistory import runtime
from pghistory.models import Context, Events

P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M", bound=type[models.Model])

CREATED, UPDATED, DELETED, VIEWED = "created", "updated", "deleted", "viewed"
LABELS = {CREATED: _("created"), UPDATED: _("changed"), DELETED: _("deleted"), VIEWED: _("viewed")}
HISTORY_LIMIT = 200  # the newest events shown on a history page
HIDDEN_SUFFIX = "_hash"  # keyed hashes (the NIK's) are recorded, never shown: they say nothing to a person


class Channel(models.TextChoices):
    WEB = "web", _("web")
    ADMIN = "admin", _("admin")
    API = "api", _("API")
    IMPORT = "import", _("import")
    TASK = "task", _("task")
    SHELL = "shell", _("shell")


# --- recording -----------------------------------------------------------------------------------------------


# The tracked models whose events only program-wide staff read about a participant (their books, their loans):
# `history_about(..., restricted=False)` leaves them out, so a kecamatan's staff reading a participant's trail
# do not read around the rule that keeps the books from them.
_restricted: set[str] = set()


def track(
    *,
    fields: list[str] | None = None,
    exclude: list[str] | None = None,
    views: bool = False,
    restricted: bool = False,
    app_label: str | None = None,
) -> Callable[[M], M]:
    """Record every insert, update and delete of a model (and, with `views`, each time staff open it) in an
    event model named <Model>Event. Encrypted fields must be left out (`exclude`): the trail never holds
    personal data in clear. `restricted`: its events are read about a participant by program-wide staff only.
    `app_label`: the app whose migrations hold the event model, for a library's model (its own app has none)."""
    trackers: list[pghistory.Tracker] = [
        pghistory.InsertEvent(CREATED),
        pghistory.UpdateEvent(UPDATED),
        pghistory.DeleteEvent(DELETED),
    ]
    if views:
        trackers.append(pghistory.ManualEvent(VIEWED))

    def decorate(model: M) -> M:
        tracked: M = pghistory.track(
            *trackers,
            fields=fields,
            exclude=exclude,
            model_name=f"{model.__name__}Event",
            app_label=app_label,
            meta={
                "indexes": [models.Index(fields=["pgh_obj", "-pgh_id"], name=f"{model.__name__.lower()[:24]}_hist")]
            },
        )(model)
        if restricted:
            _restricted.add(model._meta.label)
        return tracked

    return decorate


@contextmanager
def _scope(**metadata: Any) -> Iterator[None]:
    """Group the changes inside under a context of their own: the outer one's metadata plus these. pghistory
    keeps one context per outermost block; a task run eagerly inside a request, or a second actor, must not
    relabel the request's own changes, so an inner scope gets its own context id."""
    outer = getattr(runtime._tracker, "value", None)
    if outer is None:
        with pghistory.context(**metadata):
            yield
        return
    runtime._tracker.value = runtime.Context(id=uuid.uuid4(), metadata={**outer.metadata, **metadata})
    try:
        yield
    finally:
        runtime._tracker.value = outer


def current_metadata() -> dict[str, Any]:
    """What the changes made now are recorded with (empty outside any channel)."""
    outer = getattr(runtime._tracker, "value", None)
    return dict(outer.metadata) if outer is not None else {}


@contextmanager
def channel(name: Channel, **extra: Any) -> Iterator[None]:
    """Record the changes made inside as coming through this channel (an entry point sets it once)."""
    with _scope(channel=name.value, **extra):
        yield


def enter(name: Channel, *, user: models.Model | None, **extra: Any) -> None:
    """Relabel the request under way: its changes from now on come through `name`, done by `user`. For an entry
    point that learns who is acting only inside the request (the API authenticates a key in the view, after
    AuditMiddleware opened the request's context)."""
    pghistory.context(channel=name.value, user=user.pk if user is not None else None, **extra)


@contextmanager
def acting(user: models.Model | None) -> Iterator[None]:
    """Record the changes made inside as done by `user` (None: the system)."""
    user_id = user.pk if user is not None else None
    current = current_metadata()
    if current and current.get("user") == user_id:
        yield
        return
    with _scope(user=user_id, channel=current.get("channel", Channel.SHELL.value)):
        yield


def audited(func: Callable[P, R]) -> Callable[P, R]:
    """For a service taking `acting_user`: its changes are recorded as that user's."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        user = kwargs.get("acting_user")
        assert user is None or isinstance(user, models.Model), "acting_user is a user"
        with acting(user):
            return func(*args, **kwargs)

    wrapper.audited = True  # type: ignore[attr-defined]  # the services test looks for it
    return wrapper


def record_view(obj: models.Model, *, user: models.Model) -> None:
    """Record that `user` opened `obj` (a participant's document, a statement): who, which, when."""
    with acting(user):
        pghistory.create_event(obj, label=VIEWED)


class AuditMiddleware(pghistory.middleware.HistoryMiddleware):
    """Every request's changes carry the channel (web, or admin under the admin's address) and the user."""

    def get_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().get_context(request)
        try:
            admin_prefix = reverse("admin:index")
        except NoReverseMatch:  # pragma: no cover - the admin is always mounted
            admin_prefix = "/admin/"
        name = Channel.ADMIN if request.path.startswith(admin_prefix) else Channel.WEB
        return {**context, "channel": name.value}


# --- reading -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Entry:
    """One event as a person reads it."""

    at: datetime.datetime
    kind: str  # created, updated, deleted, viewed
    label: str
    what: str
    object_id: str
    actor: str
    channel: str
    changes: list[Change]


def _shown(field: models.Field[Any, Any] | None, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if field is not None and field.is_relation:
        return f"#{value}"
    if isinstance(field, models.BigIntegerField) and isinstance(value, int):  # money, in whole rupiah
        return formats.number_format(value, force_grouping=True)
    if isinstance(field, models.DateTimeField) and (moment := parse_datetime(str(value))) is not None:
        return formats.date_format(timezone.localtime(moment), "j M Y H:i")
    if isinstance(field, models.DateField) and (day := parse_date(str(value))) is not None:
        return formats.date_format(day, "j M Y")
    return str(value)


def _field_of(model: type[models.Model], column: str) -> models.Field[Any, Any] | None:
    for field in model._meta.concrete_fields:
        if column in (field.name, field.attname):
            return field
    return None


def _entries(events: list[Events]) -> list[Entry]:
    user_ids = {e.pgh_context.get("user") for e in events if e.pgh_context} - {None}
    names = {u.pk: str(u) for u in get_user_model()._default_manager.filter(pk__in=user_ids)} if user_ids else {}
    entries = []
    for event in events:
        tracked = event.pgh_obj_model
        model = _tracked_model(tracked)
        context = event.pgh_context or {}
        user_id = context.get("user")
        actor = names.get(user_id, f"#{user_id}") if user_id is not None else str(_("system"))
        changes = []
        if event.pgh_label == UPDATED and event.pgh_diff:
            for column, (before, after) in sorted(event.pgh_diff.items()):
                field = _field_of(model, column) if model else None
                if column.endswith(HIDDEN_SUFFIX):
                    continue
                label = str(field.verbose_name) if field is not None else column
                changes.append(Change(label, _shown(field, before), _shown(field, after)))
        elif event.pgh_label == CREATED and model is not None:
            for column, value in sorted((event.pgh_data or {}).items()):
                field = _field_of(model, column)
                # what the row was created with; empty answers and keyed hashes left out
                if (
                    field is not None
                    and not field.primary_key
                    and not column.endswith(HIDDEN_SUFFIX)
                    and value not in (None, "")
                ):
                    changes.append(Change(str(field.verbose_name), "—", _shown(field, value)))
        entries.append(
            Entry(
                at=event.pgh_created_at,
                kind=event.pgh_label,
                label=str(LABELS.get(event.pgh_label, event.pgh_label)),
                what=str(model._meta.verbose_name) if model is not None else tracked,
                object_id=str(event.pgh_obj_id or ""),
                actor=actor,
                channel=_channel_label(context.get("channel")),
                changes=changes,
            )
        )
    return entries


def _channel_label(value: str | None) -> str:
    return str(dict(Channel.choices).get(value, value)) if value else "—"


def _tracked_model(label: str) -> type[models.Model] | None:
    from django.apps import apps

    try:
        return apps.get_model(label)
    except LookupError:
        return None


def history_of(obj: models.Model, *, limit: int = HISTORY_LIMIT) -> list[Entry]:
    """The events of one object, newest first (two queries)."""
    events = list(Events.objects.tracks(obj).order_by("-pgh_created_at", "-pgh_id")[:limit])
    return _entries(events)


def history_about(obj: models.Model, *, restricted: bool = True, limit: int = HISTORY_LIMIT) -> list[Entry]:
    """The events of an object and of every tracked row that points to it (a participant's business,
    registration, documents, enrolments, visits ...), newest first (two queries). Without `restricted`, the
    events of the models tracked as restricted (a participant's books and loans) are left out."""
    events = Events.objects.references(obj)
    if not restricted:
        events = events.exclude(pgh_obj_model__in=sorted(_restricted))
    return _entries(list(events.order_by("-pgh_created_at", "-pgh_id")[:limit]))


def contexts_by(user_id: int, *, start: datetime.datetime, end: datetime.datetime) -> models.QuerySet[Context]:
    """The change contexts a user acted in between two moments (indexed: see core's migration)."""
    return Context.objects.filter(metadata__user=user_id, created_at__gte=start, created_at__lt=end)


def actions_by(
    user_id: int, *, start: datetime.datetime, end: datetime.datetime, limit: int = HISTORY_LIMIT
) -> list[Entry]:
    """Everything a user changed between two moments, newest first."""
    context_ids = list(contexts_by(user_id, start=start, end=end).values_list("id", flat=True)[:limit])
    if not context_ids:
        return []
    events = list(
        Events.objects.across(*pghistory.core.event_models())
        .filter(pgh_context_id__in=context_ids)
        .order_by("-pgh_created_at", "-pgh_id")[:limit]
    )
    return _entries(events)
