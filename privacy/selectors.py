"""Reads of the personal-data pages: everything the program holds about a participant (`dossier`), who processed
it (`trail_of`, `trail_rows`), and for a breach notice whose data a key, a partner or a staff account read
(`subjects_of_partner`, `subjects_of_account`). Each a fixed number of queries, whatever the number of rows."""

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pghistory.core
from django.db.models import Count, F, Max, Min, Model, QuerySet
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from pghistory.models import Events

from accounts.models import Role, User
from core import audit
from partners.models import PartnerKey, PartnerOrganisation
from registration.models import Participant
from registration.selectors import participant_of

from .inventory import PARTICIPANT, SECTIONS, USER, Section, paths_to
from .models import DeletionRequest, DeletionState

# --- the download ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    name: str  # the field's name: the JSON's key
    label: str  # what a person reads
    data: Any  # JSON-ready
    shown: str


@dataclass(frozen=True)
class Record:
    values: list[Value]
    link: str = ""  # where the portal serves the row's file to its owner


@dataclass(frozen=True)
class Part:
    section: Section
    title: str
    records: list[Record]


@dataclass(frozen=True)
class Dossier:
    user: User
    participant: Participant | None
    parts: list[Part]
    made_at: datetime.datetime

    @property
    def rows(self) -> int:
        return sum(len(part.records) for part in self.parts)


def _data(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).isoformat(timespec="seconds") if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, Model):
        return str(value)
    return value


def _shown(field: Any, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "j M Y H:i")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "j M Y")
    if isinstance(value, int) and not isinstance(value, bool):
        return formats.number_format(value, force_grouping=True)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _record(section: Section, obj: Model, fields: list[Any]) -> Record:
    hidden: tuple[str, ...] = ()
    if section.hidden_unless is not None and not getattr(obj, section.hidden_unless[0]):
        hidden = section.hidden_unless[1]
    values = []
    for f in fields:
        if f.name in hidden:
            values.append(Value(f.name, str(f.verbose_name), None, _("not shared with you")))
            continue
        if f.is_relation:
            value: Any = getattr(obj, f.name) if f.name in section.named else getattr(obj, f.attname)
        else:
            value = getattr(obj, f.attname)
        if isinstance(value, FieldFile):
            value = bool(value)
        values.append(Value(f.name, str(f.verbose_name), _data(value), _shown(f, _data(value))))
    link = ""
    if section.link is not None:
        url_name, attribute, needs = section.link
        if not needs or (needs not in hidden and getattr(obj, needs)):
            link = reverse(url_name, args=[getattr(obj, attribute)])
    return Record(values, link)


def _rows(section: Section, user: User, participant: Participant | None) -> list[Model]:
    owner = user if section.of == USER else participant
    if owner is None:
        return []
    rows = section.model._default_manager.filter(**{section.owner: owner.pk})
    if section.where is not None:
        rows = rows.filter(section.where)
    joins = [*section.named, *section.related]
    if joins:
        rows = rows.select_related(*joins)
    return list(rows.order_by(*section.order))


def dossier(user: User) -> Dossier:
    """Everything the program holds about an entrepreneur, section by section (privacy.inventory): one query per
    section, whatever the number of rows."""
    participant = participant_of(user)
    parts = []
    for section in SECTIONS:
        fields = section.fields()
        parts.append(
            Part(
                section,
                str(section.title),
                [_record(section, obj, fields) for obj in _rows(section, user, participant)],
            )
        )
    return Dossier(user=user, participant=participant, parts=parts, made_at=timezone.now())


# --- who processed my data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrailRow:
    at: datetime.datetime
    action: str
    what: str
    actor: str  # a staff member's name with their role, a partner's name, "you" or "the system"
    channel: str


def trail_of(participant: Participant) -> QuerySet[Events]:
    """The audit trail about a participant, newest first: their record and every tracked row pointing to it (the
    same events staff read on the participant's page), including staff opening their documents."""
    # pgh_id is unique only within an event table, so the model completes the order; the keyset of
    # core.pagination does not apply (the events are a union, not a table), its pages are numbered
    events: QuerySet[Events] = Events.objects.references(participant)  # type: ignore[no-untyped-call]
    return events.order_by("-pgh_created_at", "-pgh_id", "-pgh_model")


def trail_rows(events: Iterable[Events], *, owner: User) -> list[TrailRow]:
    """The events as the participant reads them: who, when, which kind of record, what action; never the values
    (a mentor's unshared notes stay with the mentors). Two queries: the actors, and the organisations of the
    partners' API accounts among them."""
    events = list(events)
    ids = {e.pgh_context.get("user") for e in events if e.pgh_context} - {None}
    actors = {u.pk: u for u in User.objects.filter(pk__in=ids).only("full_name", "role")} if ids else {}
    partner_ids = [pk for pk, u in actors.items() if u.role == Role.PARTNER]
    organisations = (
        dict(PartnerOrganisation.objects.filter(api_user__in=partner_ids).values_list("api_user", "name"))
        if partner_ids
        else {}
    )
    roles = dict(Role.choices)
    rows = []
    for event in events:
        context = event.pgh_context or {}
        user_id = context.get("user")
        if user_id is None:
            actor = _("the system")
        elif user_id == owner.pk:
            actor = _("you")
        elif user_id in organisations:
            actor = _("%(partner)s (partner)") % {"partner": organisations[user_id]}
        elif (who := actors.get(user_id)) is not None:
            actor = f"{who.full_name} ({roles.get(who.role, who.role)})"
        else:
            actor = _("a removed account")
        model = _model(event.pgh_obj_model)
        rows.append(
            TrailRow(
                at=event.pgh_created_at,
                action=str(audit.LABELS.get(event.pgh_label, event.pgh_label)),
                what=str(model._meta.verbose_name) if model is not None else event.pgh_obj_model,
                actor=str(actor),
                channel=str(dict(audit.Channel.choices).get(str(context.get("channel")), "—")),
            )
        )
    return rows


def _model(label: str) -> type[Model] | None:
    from django.apps import apps

    try:
        return apps.get_model(label)
    except LookupError:
        return None


# --- the breach-notice aid ------------------------------------------------------------------------------------

# what the list shows of each person: the NIK is decrypted only for a reader who may see it whole (exports'
# NikColumn), the masked one is stored
SUBJECT_FIELDS = ("full_name", "nik", "nik_masked", "kecamatan__name", "user_id", "kecamatan_id")


def subjects_of_partner(
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    key: PartnerKey | None,
    organisation: PartnerOrganisation | None,
) -> QuerySet[Participant]:
    """The participants a key or a partner read from `start` (included) to `end` (excluded), each with `reads`
    (how many times), `first_at` and `last_at`; the most recently read first. From the access log, through its
    index of the key (or the partner) with the time; the counts are of the filtered reads alone (the filter
    comes before the annotations, so they share its join)."""
    assert key is not None or organisation is not None
    window: dict[str, Any] = {"partner_reads__at__gte": start, "partner_reads__at__lt": end}
    if key is not None:
        window["partner_reads__key"] = key
    if organisation is not None:
        window["partner_reads__organisation"] = organisation
    return (
        Participant.objects.filter(**window)
        .annotate(reads=Count("partner_reads"), first_at=Min("partner_reads__at"), last_at=Max("partner_reads__at"))
        .select_related("kecamatan")
        .only(*SUBJECT_FIELDS)
        .order_by("-last_at", "pk")
    )


@dataclass(frozen=True)
class Touched:
    participant_id: int
    times: int
    first_at: datetime.datetime
    last_at: datetime.datetime


def _event_paths() -> list[tuple[type[Model], str]]:
    """Each audit-event model that leads to a participant, with its shortest lookup to them (the event's own copy
    of the row's foreign key first, so a deleted row's events still name whom they were about)."""
    found = []
    for model in pghistory.core.event_models():
        paths = paths_to(model, PARTICIPANT, skip=frozenset({"pgh_context"}))
        if paths:
            found.append((model, paths[0]))
    return found


def touched_by(account: User, *, start: datetime.datetime, end: datetime.datetime) -> list[Touched]:
    """The participants whose records a staff account changed or opened (the audit trail's recorded reads and
    changes) from `start` to `end`, with how many times and first and last; the most recent first. One query: a
    count per event table in the account's contexts of the window (their index of the user with the time),
    joined by UNION ALL and summed here (a staff member's window touches thousands of people, not millions)."""
    contexts = audit.contexts_by(account.pk, start=start, end=end).values("id")
    parts = [
        model._default_manager.filter(pgh_context_id__in=contexts)
        .annotate(touched=F(path))
        .filter(touched__isnull=False)
        .values("touched")
        .annotate(times=Count("pgh_id"), first_at=Min("pgh_created_at"), last_at=Max("pgh_created_at"))
        .order_by()
        for model, path in _event_paths()
    ]
    if not parts:
        return []
    merged: dict[int, Touched] = {}
    for row in parts[0].union(*parts[1:], all=True):
        pid = int(row["touched"])
        seen = merged.get(pid)
        if seen is None:
            merged[pid] = Touched(pid, row["times"], row["first_at"], row["last_at"])
        else:
            merged[pid] = Touched(
                pid, seen.times + row["times"], min(seen.first_at, row["first_at"]), max(seen.last_at, row["last_at"])
            )
    return sorted(merged.values(), key=lambda t: (-t.last_at.timestamp(), t.participant_id))


def participants_touched(touched: list[Touched]) -> list[Participant]:
    """The participants of `touched`, in its order, each with `reads`, `first_at` and `last_at` as the partner
    list's (one query)."""
    found = (
        Participant.objects.filter(pk__in=[t.participant_id for t in touched])
        .select_related("kecamatan")
        .only(*SUBJECT_FIELDS)
        .in_bulk()
    )
    shown = []
    for t in touched:
        participant = found.get(t.participant_id)
        if participant is None:  # removed since: the trail keeps their id, nothing to show
            continue
        participant.reads = t.times  # type: ignore[attr-defined]
        participant.first_at = t.first_at  # type: ignore[attr-defined]
        participant.last_at = t.last_at  # type: ignore[attr-defined]
        shown.append(participant)
    return shown


# --- deletion requests ------------------------------------------------------------------------------------------


def open_deletion_requests() -> QuerySet[DeletionRequest]:
    """The requests waiting for agency staff, oldest first (their partial index), each with its participant's
    kecamatan and the account joined: one query a page."""
    return (
        DeletionRequest.objects.filter(state=DeletionState.ASKED)
        .select_related("user", "participant__kecamatan")
        .order_by("asked_at", "id")
    )


def deletion_requests_of(user: User) -> QuerySet[DeletionRequest]:
    """The account's own requests, newest first."""
    return DeletionRequest.objects.filter(user=user).order_by("-asked_at", "-id")
