"""Reads of P1 registration, always scoped to the user who asks."""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from redis.exceptions import RedisError

from accounts import permissions
from accounts.permissions import AnyUser
from core.crypto import keyed_hash

from .choices import Channel, DocumentKind, ImportStatus, Status
from .models import Document, Participant, ParticipantImport, Registration
from .nik import compact

REFERENCE_PREFIX = "JP-"


def looks_like_nik(term: str) -> bool:
    """A search term that is a NIK (16 digits, spaces and dots allowed): it must never travel in a URL."""
    number = compact(term)
    return len(number) == 16 and number.isdigit()


def looks_like_reference(term: str) -> bool:
    return term.strip().upper().startswith(REFERENCE_PREFIX)


def search_condition(term: str, *, participant: str = "") -> Q:
    """Search by a registration reference (exact) or the start of a name (case-insensitive): the one search of
    the staff lists. `participant` is the path to the participant ("participant__" from a registration)."""
    term = term.strip()
    if looks_like_reference(term):
        reference = "reference" if participant else "registration__reference"
        return Q(**{reference: term.upper()})
    return Q(**{f"{participant}full_name__istartswith": term})


NOBODY = Q(pk__in=[])  # a filter no row passes (Django answers it without a query)


def scope_of(user: AnyUser, through: str = "") -> Q:
    """The participants a user may see, as a filter on Participant (or, with `through`, on rows reaching one,
    e.g. "participant__"): staff all (any participant: a program-wide list joins nothing, the condition is the
    row's own column), office staff their kecamatan, a participant themself, nobody else."""
    if permissions.is_program_wide(user):
        return Q(**{f"{through}pk__isnull": False})  # a real condition, not Q(): it holds its place in an OR
    if permissions.is_office_staff(user):
        return Q(**{f"{through}kecamatan_id": user.office_id})  # type: ignore[union-attr]
    if user.is_authenticated:
        return Q(**{f"{through}user": user})
    return NOBODY


def participants_for(user: AnyUser) -> QuerySet[Participant]:
    """Participants a user may see (`scope_of`)."""
    return Participant.objects.filter(scope_of(user))


def participant_list(user: AnyUser) -> QuerySet[Participant]:
    return (
        participants_for(user)
        .select_related("kecamatan__wilayah", "registration", "business")
        .order_by("-created_at", "-pk")
    )


def participant_by_nik(user: AnyUser, nik: str) -> Participant | None:
    """The participant with exactly this NIK among those the user may see, found through the keyed hash (the
    NIK itself is encrypted): the lookup of the admin's "Find by NIK" and of the staff participant list."""
    return with_nik(participants_for(user), nik)


def with_nik(participants: QuerySet[Participant], nik: str) -> Participant | None:
    """The participant of `participants` with exactly this NIK, found through its keyed hash (one query)."""
    return participants.filter(nik_hash=keyed_hash(compact(nik))).first()


def participant_detail(user: AnyUser) -> QuerySet[Participant]:
    return (
        participants_for(user)
        .filter(registration__isnull=False)
        .select_related(
            "kecamatan__wilayah", "kelurahan", "business__kecamatan", "registration__registered_by", "user"
        )
    )


def verification_scope(user: AnyUser, *, search: str = "") -> QuerySet[Registration]:
    """Every registration a verifier works, of any status: secretariat their kecamatan, agency staff all."""
    if not permissions.can_verify_registrations(user):
        return Registration.objects.none()
    qs = Registration.objects.all()
    if not permissions.is_program_wide(user):
        qs = qs.filter(kecamatan_id=user.office_id)  # type: ignore[union-attr,misc]
    if search.strip():
        qs = qs.filter(search_condition(search, participant="participant__"))
    return qs


def verification_queue(user: AnyUser, *, status: str = Status.SUBMITTED, search: str = "") -> QuerySet[Registration]:
    """Registrations of one status a verifier works, oldest first (the index `registration_queue`)."""
    return (
        verification_scope(user, search=search)
        .filter(status=status)
        .select_related("participant", "kecamatan", "participant__business")
        .order_by("submitted_at", "pk")
    )


# A tab counts its registrations up to here, then says "more than": the decided tabs of the whole program hold
# hundreds of thousands, and counting them all read every row of the table for each view of the queue (130 ms at a
# million); what waits is far fewer, counted exactly.
COUNT_CAP = 10_000


@dataclass(frozen=True)
class QueueCount:
    """How many registrations of one status the verifier has (`capped`: more than COUNT_CAP, counted no further),
    and how many of them wait too long."""

    total: int = 0
    waiting_too_long: int = 0
    capped: bool = False


def verification_counts(user: AnyUser, *, now: datetime.datetime, search: str = "") -> dict[str, QueueCount]:
    """The count of every status tab in the user's scope (and the search), read by the indexes
    `registration_queue` (a kecamatan) and `registration_status` (the whole program), which hold the status. Without
    a search, each tab up to COUNT_CAP + 1 rows, and the submitted ones waiting too long (five queries); with one,
    the few rows it matches grouped by status at once (one query: five would each join the participants)."""
    scope = verification_scope(user, search=search).order_by()
    overdue = Q(status=Status.SUBMITTED, submitted_at__lt=Registration.waiting_too_long_since(now))
    if search.strip():
        rows = (
            scope.values("status")
            .annotate(total=Count("status"), overdue=Count("status", filter=overdue))
            .values_list("status", "total", "overdue")
        )
        found = {status: (total, too_long) for status, total, too_long in rows}
    else:
        too_long = min(scope.filter(overdue)[: COUNT_CAP + 1].count(), COUNT_CAP)
        found = {status: (scope.filter(status=status)[: COUNT_CAP + 1].count(), 0) for status in Status.values}
        found[Status.SUBMITTED] = (found[Status.SUBMITTED][0], too_long)
    counts = {}
    for status in Status.values:
        total, too_long = found.get(status, (0, 0))
        counts[status] = QueueCount(total=min(total, COUNT_CAP), waiting_too_long=too_long, capped=total > COUNT_CAP)
    return counts


def walk_in_receipts_for(user: AnyUser) -> QuerySet[Registration]:
    """Registrations made at an office whose receipt the user may open: the office staff who registered it, and
    the staff of that kecamatan office; nobody else (a 404)."""
    if not permissions.is_office_staff(user):
        return Registration.objects.none()
    return (
        Registration.objects.filter(channel=Channel.OFFICE)
        .filter(Q(registered_by=user) | Q(kecamatan_id=user.office_id))  # type: ignore[union-attr]
        .select_related("participant__user", "kecamatan__wilayah", "registered_by")
    )


IDENTITY_DOCUMENTS = (DocumentKind.KTP, DocumentKind.LURAH_LETTER)


def documents_for(user: AnyUser) -> QuerySet[Document]:
    """Documents a user may open: those of participants they may see, and their own draft's. The identity
    documents (the KTP shows the full NIK) are for the participant and the verifiers only, not for mentors."""
    if not user.is_authenticated:
        return Document.objects.none()
    of_participants = scope_of(user, "participant__")
    if not (permissions.can_verify_registrations(user) or permissions.is_entrepreneur(user)):
        of_participants &= ~Q(kind__in=IDENTITY_DOCUMENTS)
    return Document.objects.filter(of_participants | Q(draft__user=user))


def registration_of(user: AnyUser) -> Registration | None:
    """The user's own registration, if they are a participant."""
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.select_related("participant__business", "participant__kecamatan")
        .filter(participant__user=user)
        .first()
    )


def participant_of(user: AnyUser) -> Participant | None:
    """The user's own participant record with its registration (one query), or None."""
    if not user.is_authenticated:
        return None
    return Participant.objects.select_related("registration", "kecamatan").filter(user=user).first()


def is_verified(participant: Participant | None) -> bool:
    """Whether the participant's registration is approved (no query when loaded by participant_of)."""
    registration = getattr(participant, "registration", None) if participant is not None else None
    return registration is not None and registration.is_approved


# --- imports of participants from an office's spreadsheet -----------------------------------------------------


def participant_imports_for(user: AnyUser) -> QuerySet[ParticipantImport]:
    """The imports a user may see: those of their own kecamatan office, for its mentors and secretariat (who may
    import); nobody else (a 404)."""
    if not permissions.can_register_walk_ins(user):
        return ParticipantImport.objects.none()
    return ParticipantImport.objects.filter(office_id=user.office_id).select_related(  # type: ignore[union-attr]
        "created_by", "decided_by", "office"
    )


@dataclass(frozen=True)
class ImportProgress:
    """Where a running import stands: `done` of `total` rows checked (checking) or registered (saving)."""

    status: str
    done: int
    total: int

    @property
    def running(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.SAVING)


def import_progress(batch: ParticipantImport) -> ImportProgress:
    """The check's progress is in the batch (a transaction a chunk); the save's, one transaction, in the cache
    (nothing shown while the cache is down)."""
    if batch.status == ImportStatus.SAVING:
        try:
            saved = cache.get(batch.progress_key)
        except RedisError:
            saved = None
        return ImportProgress(status=batch.status, done=int(saved or 0), total=batch.good_count)
    return ImportProgress(status=batch.status, done=batch.rows_done, total=batch.rows_total)


def imported_participants(user: AnyUser, batch: ParticipantImport) -> dict[int, Participant]:
    """The participants a saved import registered that the user may see, by id (one query)."""
    ids = [int(entry["participant"]) for entry in batch.saved]
    return {p.pk: p for p in participants_for(user).filter(pk__in=ids).select_related("registration")}
