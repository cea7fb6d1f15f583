"""Reads of the personal-data pages: everything the program holds about a participant (`dossier`), who processed
it (`trail_of`, `trail_rows`), and for a breach notice whose data a key, a partner or a staff account read
(`subjects_of_partner`, `subjects_of_account`). Each a fixed number of queries, whatever the number of rows."""

import datetime
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pghistory.core
from django.db.models import Count, F, Max, Min, Model, Q, QuerySet, Sum, TextField, Window
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from pghistory.models import Events

from accounts.models import Role, User
from accounts.permissions import is_program_wide
from core import audit
from finance.choices import Direction
from mentoring.models import FollowUp, Visit
from partners.models import PartnerKey, PartnerOrganisation
from registration.models import Participant
from registration.selectors import participant_of

from .inventory import PARTICIPANT, SECTIONS, USER, Section, paths_to
from .models import CorrectionRequest, CorrectionState, DeletionRequest, DeletionState

# --- the download ---------------------------------------------------------------------------------------------

PAGE_ROWS = 200  # a section's rows on the page and in the PDF; the JSON file has them all
ROWS_CHUNK = 2000  # the JSON's rows are read from the database this many at a time


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
class Month:
    """A month of the cash book, summed: what the page and the PDF show of it (the JSON has every line)."""

    month: datetime.date
    money_in: int
    money_out: int
    lines: int


@dataclass(frozen=True)
class Part:
    section: Section
    title: str
    records: list[Record]  # the first PAGE_ROWS (none for a section summed by month)
    held: int  # how many rows the program holds
    months: list[Month]

    @property
    def more(self) -> int:
        """The rows held but not listed (in the JSON file): none where the months sum them all."""
        return 0 if self.months else self.held - len(self.records)


@dataclass(frozen=True)
class Dossier:
    user: User
    participant: Participant | None
    parts: list[Part]
    made_at: datetime.datetime

    @property
    def rows(self) -> int:
        return sum(part.held for part in self.parts)


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


def _value(section: Section, obj: Model, f: Any) -> Any:
    if f.is_relation:
        value: Any = getattr(obj, f.name) if f.name in section.named else getattr(obj, f.attname)
    else:
        value = getattr(obj, f.attname)
    return _data(bool(value) if isinstance(value, FieldFile) else value)


def _link(section: Section, obj: Model) -> str:
    if section.link is None:
        return ""
    url_name, attribute, needs = section.link
    return reverse(url_name, args=[getattr(obj, attribute)]) if not needs or getattr(obj, needs) else ""


def _record(section: Section, obj: Model, fields: list[Any]) -> Record:
    values = []
    for f in fields:
        value = _value(section, obj, f)
        values.append(Value(f.name, str(f.verbose_name), value, _shown(f, value)))
    return Record(values, _link(section, obj))


def _rows(section: Section, user: User, participant: Participant | None) -> QuerySet[Model] | None:
    owner = user if section.of == USER else participant
    if owner is None:
        return None
    rows = section.model._default_manager.filter(**{section.owner: owner.pk})
    if section.where is not None:
        rows = rows.filter(section.where)
    joins = [*section.named, *section.related]
    if joins:
        rows = rows.select_related(*joins)
    return rows.order_by(*section.order)


def _months(rows: QuerySet[Model]) -> list[Month]:
    """The cash book by month, in and out summed: one query, whatever the number of lines."""
    summed = (
        rows.order_by()
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(
            money_in=Coalesce(Sum("amount", filter=Q(direction=Direction.IN)), 0),
            money_out=Coalesce(Sum("amount", filter=Q(direction=Direction.OUT)), 0),
            lines=Count("pk"),
        )
        .order_by("month")
    )
    return [Month(**row) for row in summed]


def _part(section: Section, rows: QuerySet[Model] | None) -> Part:
    title = str(section.title)
    if rows is None:
        return Part(section, title, [], 0, [])
    if section.by_month:
        months = _months(rows)
        return Part(section, title, [], sum(m.lines for m in months), months)
    # the rows held counted in the same query (a window over the whole filter, before the limit)
    listed = list(rows.annotate(held=Window(Count("pk")))[:PAGE_ROWS])
    fields = section.fields()
    records = [_record(section, obj, fields) for obj in listed]
    return Part(section, title, records, listed[0].held if listed else 0, [])


def dossier(user: User) -> Dossier:
    """What the program holds about an entrepreneur as the page and the PDF show it, section by section
    (privacy.inventory): the first PAGE_ROWS rows of each with how many there are, the cash book summed by month
    (the JSON file, `every_row`, has them all). One query per section, a bounded work whatever the number of
    rows."""
    participant = participant_of(user)
    parts = [_part(section, _rows(section, user, participant)) for section in SECTIONS]
    return Dossier(user=user, participant=participant, parts=parts, made_at=timezone.now())


@dataclass(frozen=True)
class Rows:
    section: Section
    title: str
    labels: dict[str, str]
    rows: Iterator[tuple[dict[str, Any], str]]  # each row's values by field name, and its file's link


def every_row(user: User) -> Iterator[Rows]:
    """Every section with every row, for the JSON file: the rows read in chunks as they are written, never held
    all at once (one query per section, its rows fetched a chunk at a time)."""
    participant = participant_of(user)
    for section in SECTIONS:
        fields = section.fields()
        rows = _rows(section, user, participant)
        found = (
            ({f.name: _value(section, obj, f) for f in fields}, _link(section, obj))
            for obj in (rows.iterator(chunk_size=ROWS_CHUNK) if rows is not None else ())
        )
        yield Rows(section, str(section.title), {f.name: str(f.verbose_name) for f in fields}, found)


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
    return events.exclude(_not_shared(participant)).order_by("-pgh_created_at", "-pgh_id", "-pgh_model")


def _not_shared(participant: Participant) -> Q:
    """The events of the visits the mentor did not share and of their follow-ups: those visits stay with the
    mentors, even that they happened (mentoring.selectors.visits_for), so their trail does too. By the visit's
    sharing now, as its page; two subqueries of the trail's one query."""
    as_text = Cast("pk", output_field=TextField())
    visits = Visit.objects.filter(participant=participant, shared=False).values_list(as_text)
    follow_ups = FollowUp.objects.filter(participant=participant, visit__shared=False).values_list(as_text)
    return Q(pgh_obj_model=Visit._meta.label, pgh_obj_id__in=visits) | Q(
        pgh_obj_model=FollowUp._meta.label, pgh_obj_id__in=follow_ups
    )


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

# what the list shows of each person, and what a notice needs to reach them: never the whole NIK (a list of the
# people of a breach is the worst file to leak); the page shows the masked one, stored
SUBJECT_FIELDS = ("full_name", "nik_masked", "phone", "email", "kecamatan__name", "user_id", "kecamatan_id")


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


# The entrepreneur's account and its second factor (accounts.models): staff change an email or a phone, or reset a
# second factor, on the account, not on the participant record. The path from each one's events to the account.
_ACCOUNT_EVENTS = {USER: "pgh_obj", "accounts.AuthenticatorDevice": "user", "accounts.RecoveryCodes": "user"}


def _event_paths() -> list[tuple[type[Model], str]]:
    """Each audit-event model that leads to a participant, with its shortest lookup to them (the event's own copy
    of the row's foreign key first, so a deleted row's events still name whom they were about); and the events of
    an entrepreneur's account, through the account to its participant."""
    found = []
    for model in pghistory.core.event_models():
        paths = paths_to(model, PARTICIPANT, skip=frozenset({"pgh_context"}))
        if paths:
            found.append((model, paths[0]))
        elif (account := _ACCOUNT_EVENTS.get(model.pgh_tracked_model._meta.label)) is not None:  # type: ignore[attr-defined]
            found.append((model, f"{account}__participant"))
    return found


def touched_by(account: User, *, start: datetime.datetime, end: datetime.datetime) -> list[Touched]:
    """The participants whose records a staff account changed or opened (the audit trail's recorded reads and
    changes) from `start` to `end`, with how many times (the account's actions: one change writing several rows
    is one time) and first and last; the most recent first; only the participants still there (the page's total
    and its list agree). One query: the events per person and action of each event table, in the account's
    contexts of the window (their index of the user with the time) and within the window themselves (a context
    lasts as long as its transaction), joined by UNION ALL and merged here (a staff member's window touches
    thousands of people, not millions)."""
    contexts = audit.contexts_by(account.pk, start=start, end=end).values("id")
    parts = [
        model._default_manager.filter(pgh_context_id__in=contexts, pgh_created_at__gte=start, pgh_created_at__lt=end)
        .annotate(touched=F(path))
        .filter(touched__in=Participant.objects.values("pk"))
        .values("touched", "pgh_context_id")
        .annotate(first_at=Min("pgh_created_at"), last_at=Max("pgh_created_at"))
        .order_by()
        for model, path in _event_paths()
    ]
    if not parts:
        return []
    actions: dict[int, set[uuid.UUID]] = {}
    first: dict[int, datetime.datetime] = {}
    last: dict[int, datetime.datetime] = {}
    for row in parts[0].union(*parts[1:], all=True):
        pid = int(row["touched"])
        actions.setdefault(pid, set()).add(row["pgh_context_id"])
        first[pid] = min(first.get(pid, row["first_at"]), row["first_at"])
        last[pid] = max(last.get(pid, row["last_at"]), row["last_at"])
    touched = [Touched(pid, len(ids), first[pid], last[pid]) for pid, ids in actions.items()]
    return sorted(touched, key=lambda t: (-t.last_at.timestamp(), t.participant_id))


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
        if participant is None:  # removed between the two queries: nothing to show
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


# --- correction requests ----------------------------------------------------------------------------------------


def open_corrections(user: User) -> QuerySet[CorrectionRequest]:
    """The correction requests waiting, oldest first, each with its participant and kecamatan joined: one query a
    page. Agency staff see the program's; a secretariat its kecamatan's participants' alone."""
    found = CorrectionRequest.objects.filter(state=CorrectionState.ASKED)
    if not is_program_wide(user):
        if user.office_id is None:  # a secretariat member without an office serves no kecamatan
            return found.none()
        found = found.filter(participant__kecamatan_id=user.office_id)
    return found.select_related("participant__kecamatan").order_by("asked_at", "id")


def corrections_of(user: User) -> QuerySet[CorrectionRequest]:
    """The account's own correction requests, newest first."""
    return CorrectionRequest.objects.filter(user=user).order_by("-asked_at", "-id")
