"""Writes of P4 licensing. Each runs in one transaction, enforces the predicates of permissions.py, is recorded in
the audit trail as the acting user's (@audit.audited; the channel comes from the entry point: web, admin, API or
task) and queues its messages to the participant through the notifications outbox in the same transaction. They
take typed values, never a form.

A request moves along choices.MOVES; every move, its creation included, is a RequestMove row (who, when, a note)
and a message to the participant. Requests of one participant are made one at a time (their participant row is
locked), so the prerequisite check sees the others; at most one request per participant and type is open (the
constraint one_open_request_per_licence, whose violation is a refusal, never an error page). A prerequisite asked
for is enough to make a request; it must be held (a licence valid today) before the request is submitted to the
issuing office or issued (permissions.can_move)."""

import datetime
from dataclasses import dataclass, field
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import DateField, ExpressionWrapper, F, OuterRef, Q, Subquery, Value
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core import audit
from core.dates import is_plausible_past_date
from core.decisions import Refused
from core.web import absolute_url
from mentoring.models import MentorAssignment
from mentoring.selectors import active_mentor_filter
from notifications.services import notify
from registration import measures
from registration.documents import validate_document
from registration.models import Participant

from . import permissions, selectors
from .choices import RequestStatus
from .messages import MESSAGES
from .models import OWN_PREREQUISITE, Licence, LicenceRequest, LicenceType, RequestMove

REMINDER_BATCH_SIZE: Final = 500
# a message is an SMS (a body of at most 320 characters): what it quotes is cut to these lengths (pages show it whole)
MESSAGE_TEXT_CHARS: Final = 100  # a reason or a note
MESSAGE_NAME_CHARS: Final = 40  # a licence type's name
MESSAGE_PERSON_CHARS: Final = 30  # a person's full name
NOTE_CHARS: Final = 2000

ALREADY_OPEN = _("There is an open request for %(type)s already: follow that one.")
PREREQUISITE_MISSING = _("%(type)s needs %(needed)s first. Ask for it too (tick the box), or wait until it is issued.")
PREREQUISITE_CLOSED = _("%(type)s needs %(needed)s first, which is not open for requests now.")
REASON_REQUIRED = _("Say why the request is refused: the participant reads it.")
ISSUE_THROUGH_LICENCE = _("A request is issued with its licence: its number and dates.")
NUMBER_REQUIRED = _("Give the licence number.")
NUMBER_TAKEN = _("A %(type)s with this number is recorded already.")
ISSUE_DATE = _("Give the date on the licence: today or earlier.")
OPEN_REQUEST_FOR_TYPE = _(
    "%(name)s has an open request for %(type)s: record the licence by issuing that request instead."
)
OTHER_BUSINESS_NUMBER = _("%(name)s is the business identification number already: only one type can be.")
PREREQUISITE_CYCLE = _("%(needed)s needs %(type)s itself: a licence type cannot need a type that needs it.")
SCAN_FIELD = "scan"

# the message each move sends to the participant (the request made: licensing_requested)
MOVE_MESSAGES: Final = {
    RequestStatus.DOCUMENTS_COMPLETE: "licensing_documents_complete",
    RequestStatus.REQUESTED: "licensing_documents_missing",
    RequestStatus.SUBMITTED: "licensing_submitted",
    RequestStatus.ISSUED: "licensing_issued",
    RequestStatus.REFUSED: "licensing_refused",
    RequestStatus.WITHDRAWN: "licensing_withdrawn",
}


# --- the values the services take -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LicenceData:
    """What a licence says: its number and dates. No expiry date given: the type's usual one (none for a licence
    that does not expire: LicenceType.expiry_for)."""

    number: str
    issued_on: datetime.date
    expires_on: datetime.date | None = None


@dataclass(frozen=True)
class LicenceTypeData:
    """A licence type as staff set it (its code apart, which never changes once made)."""

    name: str
    description: str
    issuer: str
    official_url: str
    documents_needed: list[str]
    validity_months: int | None
    reminder_days: int
    number_digits: int | None
    is_business_number: bool
    active: bool
    position: int
    prerequisites: list[LicenceType] = field(default_factory=list)

    def apply_to(self, licence_type: LicenceType) -> None:
        licence_type.name = self.name.strip()
        licence_type.description = self.description.strip()
        licence_type.issuer = self.issuer.strip()
        licence_type.official_url = self.official_url.strip()
        licence_type.documents_needed = [line.strip() for line in self.documents_needed if line.strip()]
        licence_type.validity_months = self.validity_months
        licence_type.reminder_days = self.reminder_days
        licence_type.number_digits = self.number_digits
        licence_type.is_business_number = self.is_business_number
        licence_type.active = self.active
        licence_type.position = self.position


@dataclass(frozen=True)
class RequestOutcome:
    """A request made, and the prerequisite requests made before it in the same transaction (when asked)."""

    request: LicenceRequest
    prerequisites: list[LicenceRequest] = field(default_factory=list)


# --- messages ---------------------------------------------------------------------------------------------------


def _short(text: str, chars: int = MESSAGE_TEXT_CHARS) -> str:
    return Truncator(" ".join(text.split())).chars(chars)


def _named(full_name: str, licence_type: LicenceType) -> dict[str, str]:
    """The names every licensing message quotes, shortened for an SMS: the recipient's and the licence's."""
    return {
        "full_name": _short(full_name, MESSAGE_PERSON_CHARS),
        "licence": _short(licence_type.name, MESSAGE_NAME_CHARS),
    }


def _day_text(day: datetime.date) -> str:
    return formats.date_format(day, "d-m-Y")


def _notify_participant(licence_request: LicenceRequest, template: str, **extra: str) -> None:
    """A message about a request to its participant (the request with its participant's user and type loaded)."""
    participant = licence_request.participant
    context = {
        **_named(participant.full_name, licence_request.licence_type),
        "link": absolute_url("licensing:request", licence_request.pk),
        **extra,
    }
    notify(template=template, context={key: context[key] for key in MESSAGES[template]}, user=participant.user)


# --- requests ---------------------------------------------------------------------------------------------------


def _lock_participant(participant: Participant) -> Participant:
    """The participant's row locked: their requests are made one at a time (a second waits for the first)."""
    locked: Participant = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("registration", "user")
        .get(pk=participant.pk)
    )
    return locked


def _open_request(
    *, participant: Participant, licence_type: LicenceType, subject: str, note: str, by: User
) -> LicenceRequest:
    """Insert an open request and its first move; a second open request of the type is refused (the constraint
    decides, under any concurrency; its violation rolls back only this insert's savepoint)."""
    now = timezone.now()
    licence_request = LicenceRequest(
        participant=participant,
        licence_type=licence_type,
        subject=subject.strip(),
        note=note.strip(),
        status=RequestStatus.REQUESTED,
        requested_by=by,
        created_at=now,
        status_changed_at=now,
    )
    licence_request.full_clean(
        exclude=["participant", "kecamatan", "licence_type", "requested_by"], validate_constraints=False
    )  # the kecamatan: the participant's, set on save
    try:
        with transaction.atomic():
            licence_request.save()
    except IntegrityError as exc:
        if "one_open_request_per_licence" not in str(exc):
            raise
        raise Refused(ALREADY_OPEN % {"type": licence_type.name}, code="already_open") from exc
    RequestMove.objects.create(
        request=licence_request,
        from_status="",
        to_status=RequestStatus.REQUESTED,
        moved_by=by,
        moved_at=now,
        note=note,
    )
    _notify_participant(licence_request, "licensing_requested")
    return licence_request


def _prerequisites_to_request(
    participant: Participant, licence_type: LicenceType, *, today: datetime.date, chain: tuple[int, ...] = ()
) -> list[LicenceType]:
    """The missing prerequisites of `licence_type`, their own missing ones first, each once (deepest first)."""
    found: list[LicenceType] = []
    for needed in selectors.missing_prerequisites(participant, licence_type, today=today):
        if needed.pk in chain:
            continue
        for deeper in _prerequisites_to_request(participant, needed, today=today, chain=(*chain, licence_type.pk)):
            if deeper.pk not in {t.pk for t in found}:
                found.append(deeper)
        if needed.pk not in {t.pk for t in found}:
            found.append(needed)
    return found


@transaction.atomic
@audit.audited
def request_create(
    *,
    participant: Participant,
    licence_type: LicenceType,
    acting_user: User,
    subject: str = "",
    note: str = "",
    with_prerequisites: bool = False,
) -> RequestOutcome:
    """Ask for help with a licence, for a verified participant: by them, their mentor, their kecamatan secretariat
    or agency staff. Its prerequisites must be held (valid) or requested (an open request); with
    `with_prerequisites`, the missing ones are requested first, in this transaction. One open request per type."""
    locked = _lock_participant(participant)
    permissions.can_request(acting_user, locked).enforce()
    permissions.can_request_type(licence_type).enforce()
    today = timezone.localdate()
    missing = _prerequisites_to_request(locked, licence_type, today=today)
    if missing and not with_prerequisites:
        names = ", ".join(t.name for t in missing)
        raise Refused(PREREQUISITE_MISSING % {"type": licence_type.name, "needed": names}, code="prerequisite_missing")
    closed = [t for t in missing if not t.active]
    if closed:
        names = ", ".join(t.name for t in closed)
        raise Refused(PREREQUISITE_CLOSED % {"type": licence_type.name, "needed": names}, code="prerequisite_closed")
    made = [
        _open_request(participant=locked, licence_type=needed, subject="", note="", by=acting_user)
        for needed in missing
    ]
    licence_request = _open_request(
        participant=locked, licence_type=licence_type, subject=subject, note=note, by=acting_user
    )
    return RequestOutcome(request=licence_request, prerequisites=made)


def requests_follow_participant(sender: Any, *, participant: Participant, **_: Any) -> None:
    """A corrected participant's requests move with them to their new kecamatan (a receiver of registration's
    `participant_moved`, inside the correcting transaction and its audit context): an open one is then in the
    queue of the new kecamatan's secretariat, as the participant's file is."""
    LicenceRequest.objects.filter(participant=participant).update(kecamatan_id=participant.kecamatan_id)


def _lock_request(licence_request: LicenceRequest) -> LicenceRequest:
    locked: LicenceRequest = (
        LicenceRequest.objects.select_for_update(of=("self",))
        .select_related("licence_type", "participant__user", "participant__registration")
        .get(pk=licence_request.pk)
    )
    return locked


def _move(
    locked: LicenceRequest, target: str, *, by: User, note: str, now: datetime.datetime, reason: str = ""
) -> RequestMove:
    """Record a move of a locked request the predicates allowed."""
    move = RequestMove.objects.create(
        request=locked, from_status=locked.status, to_status=target, moved_by=by, moved_at=now, note=note.strip()
    )
    locked.status = target
    locked.status_changed_at = now
    locked.refusal_reason = reason
    locked.save(update_fields=["status", "status_changed_at", "refusal_reason"])
    return move


@transaction.atomic
@audit.audited
def request_move(
    *, licence_request: LicenceRequest, target: str, acting_user: User, note: str = "", reason: str = ""
) -> LicenceRequest:
    """Move a request along MOVES (permissions.can_move says who): documents complete, back to collecting them
    (the note says what is missing), submitted to the issuing office (its prerequisites held), refused (with the
    reason the participant reads) or withdrawn. Issuing goes through `request_issue`, with the licence."""
    if target == RequestStatus.ISSUED:
        raise Refused(ISSUE_THROUGH_LICENCE, code="issue_through_licence")
    locked = _lock_request(licence_request)
    permissions.can_move(acting_user, locked, target).enforce()
    reason = reason.strip()
    if target == RequestStatus.REFUSED and not reason:
        raise ValidationError({"reason": ValidationError(REASON_REQUIRED, code="required")})
    _move(
        locked,
        target,
        by=acting_user,
        note=note,
        now=timezone.now(),
        reason=reason if target == RequestStatus.REFUSED else "",
    )
    extra = {"reason": _short(reason), "note": _short(note)}
    _notify_participant(locked, MOVE_MESSAGES[RequestStatus(target)], **extra)
    return locked


# --- licences ---------------------------------------------------------------------------------------------------


def _checked_number(licence_type: LicenceType, number: str) -> str:
    """The number as stored: spaces collapsed; a fixed-length number (an NIB) as its digits alone, so the same
    number typed with separators is the same number."""
    number = " ".join(number.split())
    if not number:
        raise ValidationError({"number": ValidationError(NUMBER_REQUIRED, code="required")})
    try:
        licence_type.check_number(number)
    except ValidationError as exc:
        raise ValidationError({"number": exc}) from exc
    if licence_type.number_digits is not None:
        number = "".join(ch for ch in number if ch.isdigit())
    return number


def _fill(licence: Licence, licence_type: LicenceType, data: LicenceData) -> None:
    """Give a licence its number and dates, checked: the number's form, an issue date that is not in the future, an
    expiry (the type's usual one when none is given) not before it, and a number not recorded already."""
    errors: dict[str, list[ValidationError]] = {}
    try:
        licence.number = _checked_number(licence_type, data.number)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if not is_plausible_past_date(data.issued_on):
        errors["issued_on"] = [ValidationError(ISSUE_DATE, code="not_plausible")]
    if errors:
        raise ValidationError(errors)
    licence.issued_on = data.issued_on
    licence.expires_on = data.expires_on if data.expires_on is not None else licence_type.expiry_for(data.issued_on)
    licence.full_clean(
        exclude=["participant", "licence_type", "request", "recorded_by", SCAN_FIELD], validate_constraints=False
    )
    taken = Licence.objects.filter(licence_type=licence_type, number=licence.number).exclude(pk=licence.pk)
    if taken.exists():
        raise ValidationError(
            {"number": ValidationError(NUMBER_TAKEN % {"type": licence_type.name}, code="number_taken")}
        )


def _attach_scan(licence: Licence, scan: UploadedFile[Any] | None) -> str:
    """Check the scan by the document rules of P1 (type read from its bytes, size bounded, images re-encoded) and
    store it on the licence (not saved yet); the stored name, or "" without a scan."""
    if scan is None:
        return ""
    try:
        content_type = validate_document(scan)
    except ValidationError as exc:
        raise ValidationError({SCAN_FIELD: exc}) from exc
    licence.scan.save("scan", scan, save=False)
    licence.scan_content_type = content_type
    licence.scan_size = scan.size or 0
    return licence.scan.name or ""


def _save_licence(licence: Licence, scan: UploadedFile[Any] | None) -> Licence:
    """Store the scan and save the licence; a number recorded meanwhile (a concurrent save) is refused like one
    recorded before, and no stored file is left behind."""
    stored = _attach_scan(licence, scan)
    try:
        with transaction.atomic():
            licence.save()
    except BaseException as exc:
        if stored:
            licence.scan.storage.delete(stored)
        if isinstance(exc, IntegrityError) and "one_licence_per_number" in str(exc):
            message = NUMBER_TAKEN % {"type": licence.licence_type.name}
            raise ValidationError({"number": ValidationError(message, code="number_taken")}) from exc
        raise
    measures.changed(licence.participant_id)
    return licence


@transaction.atomic
@audit.audited
def request_issue(
    *,
    licence_request: LicenceRequest,
    licence: LicenceData,
    acting_user: User,
    scan: UploadedFile[Any] | None = None,
    note: str = "",
) -> Licence:
    """A submitted request whose prerequisites are held is issued: its licence is recorded (number, dates, an
    optional scan) and the request moves to issued. Agency staff, or the licensing office through the API."""
    locked = _lock_request(licence_request)
    permissions.can_issue(acting_user, locked).enforce()
    issued = Licence(
        participant=locked.participant,
        licence_type=locked.licence_type,
        request=locked,
        subject=locked.subject,
        recorded_by=acting_user,
        recorded_at=timezone.now(),
    )
    _fill(issued, locked.licence_type, licence)
    _save_licence(issued, scan)
    _move(locked, RequestStatus.ISSUED, by=acting_user, note=note, now=issued.recorded_at)
    _notify_participant(locked, MOVE_MESSAGES[RequestStatus.ISSUED], number=issued.number)
    return issued


@transaction.atomic
@audit.audited
def licence_record(
    *,
    participant: Participant,
    licence_type: LicenceType,
    licence: LicenceData,
    acting_user: User,
    subject: str = "",
    scan: UploadedFile[Any] | None = None,
) -> Licence:
    """Record a licence the participant held already, without a request (agency staff). A type with an open
    request is issued through that request instead."""
    locked = _lock_participant(participant)
    permissions.can_record(acting_user, locked).enforce()
    if LicenceRequest.objects.open().filter(participant=locked, licence_type=licence_type).exists():
        raise Refused(
            OPEN_REQUEST_FOR_TYPE % {"name": locked.full_name, "type": licence_type.name}, code="open_request"
        )
    recorded = Licence(
        participant=locked,
        licence_type=licence_type,
        subject=subject.strip(),
        recorded_by=acting_user,
        recorded_at=timezone.now(),
    )
    _fill(recorded, licence_type, licence)
    _save_licence(recorded, scan)
    notify(
        template="licensing_recorded",
        context={
            **_named(locked.full_name, licence_type),
            "number": recorded.number,
            "link": absolute_url("licensing:mine"),
        },
        user=locked.user,
    )
    return recorded


@transaction.atomic
@audit.audited
def licence_correct(
    *, licence: Licence, data: LicenceData, acting_user: User, scan: UploadedFile[Any] | None = None
) -> Licence:
    """Correct a licence's number and dates, or replace its scan (agency staff). A new expiry date is reminded of
    again in its time (`reminded_for` holds the date reminded)."""
    permissions.can_correct(acting_user).enforce()
    locked: Licence = Licence.objects.select_for_update(of=("self",)).select_related("licence_type").get(pk=licence.pk)
    old_scan = locked.scan.name if scan is not None and locked.scan else ""
    _fill(locked, locked.licence_type, data)
    _save_licence(locked, scan)
    if old_scan:
        storage = locked.scan.storage
        transaction.on_commit(lambda: storage.delete(old_scan))
    return locked


# --- licence types (the admin) ----------------------------------------------------------------------------------


def _needs_transitively(licence_type: LicenceType, start: list[LicenceType]) -> LicenceType | None:
    """The first of `start` that needs `licence_type`, directly or through others (one query for every edge)."""
    edges: dict[int, set[int]] = {}
    for from_id, to_id in LicenceType.prerequisites.through.objects.values_list(
        "from_licencetype_id", "to_licencetype_id"
    ):
        edges.setdefault(from_id, set()).add(to_id)
    for candidate in start:
        seen, todo = set(), [candidate.pk]
        while todo:
            current = todo.pop()
            if current == licence_type.pk:
                return candidate
            if current not in seen:
                seen.add(current)
                todo.extend(edges.get(current, ()))
    return None


def licence_type_check(*, licence_type: LicenceType, data: LicenceTypeData) -> None:
    """The rules of saving a type with these values besides the model's own: not its own prerequisite, no cycle,
    one business-number type. Writes nothing (the admin's form asks it too, to show a refusal on the form)."""
    errors: dict[str, list[ValidationError]] = {}
    if licence_type.pk is not None:
        if any(needed.pk == licence_type.pk for needed in data.prerequisites):
            errors["prerequisites"] = [ValidationError(OWN_PREREQUISITE, code="own_prerequisite")]
        else:
            cycle = _needs_transitively(licence_type, data.prerequisites)
            if cycle is not None:
                message = PREREQUISITE_CYCLE % {"needed": cycle.name, "type": licence_type.name}
                errors["prerequisites"] = [ValidationError(message, code="cycle")]
    if data.is_business_number:
        other = LicenceType.objects.filter(is_business_number=True).exclude(pk=licence_type.pk).first()
        if other is not None:
            message = OTHER_BUSINESS_NUMBER % {"name": other.name}
            errors["is_business_number"] = [ValidationError(message, code="business_number_taken")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
@audit.audited
def licence_type_save(*, licence_type: LicenceType, data: LicenceTypeData, acting_user: User) -> LicenceType:
    """Create (`licence_type` without an id, its code set) or change a licence type: agency staff."""
    permissions.can_manage_types(acting_user).enforce()
    if licence_type.pk is not None:
        licence_type = LicenceType.objects.select_for_update().get(pk=licence_type.pk)
    was_business_number = licence_type.pk is not None and licence_type.is_business_number
    licence_type_check(licence_type=licence_type, data=data)
    data.apply_to(licence_type)
    licence_type.full_clean(exclude=["prerequisites"], validate_constraints=False)
    licence_type.save()
    licence_type.prerequisites.set(data.prerequisites)
    if licence_type.is_business_number != was_business_number:  # who is formal changes with it
        measures.changed(Licence.objects.filter(licence_type=licence_type).values_list("participant_id", flat=True))
    return licence_type


# --- reminders --------------------------------------------------------------------------------------------------


def expiry_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind the holder and their current mentor of a licence expiring within its type's reminder days (from
    today on). Each expiry date is reminded once: `reminded_for` is set to it in the transaction that queues the
    messages, and rows another run holds are skipped, so a second run sends nothing. A licence that does not
    expire is never reminded. Returns how many licences were reminded."""
    today = today or timezone.localdate()
    mentor = MentorAssignment.objects.filter(
        active_mentor_filter(OuterRef("participant__kecamatan_id"), through="mentor__"),
        participant=OuterRef("participant_id"),
        active=True,
    ).order_by("-assigned_at", "-pk")
    remind_until = ExpressionWrapper(Value(today) + F("licence_type__reminder_days"), output_field=DateField())
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                Licence.objects.select_for_update(of=("self",), skip_locked=True)
                .filter(expires_on__isnull=False, expires_on__gte=today, expires_on__lte=remind_until)
                .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("expires_on")))
                .select_related("licence_type", "participant__user")
                .annotate(mentor_id=Subquery(mentor.values("mentor_id")[:1]))
                .order_by("pk")[:REMINDER_BATCH_SIZE]
            )
            if not batch:
                return sent
            mentors = User.objects.in_bulk({licence.mentor_id for licence in batch} - {None})
            for licence in batch:
                _remind(licence, mentors.get(licence.mentor_id))
                licence.reminded_for = licence.expires_on
            Licence.objects.bulk_update(batch, ["reminded_for"])
            sent += len(batch)


def _remind(licence: Licence, mentor: User | None) -> None:
    participant = licence.participant
    assert licence.expires_on is not None
    expires_on = _day_text(licence.expires_on)
    notify(
        template="licensing_expiry_reminder",
        context={
            **_named(participant.full_name, licence.licence_type),
            "expires_on": expires_on,
            "link": absolute_url("licensing:mine"),
        },
        user=participant.user,
    )
    if mentor is not None:
        notify(
            template="licensing_expiry_reminder_mentor",
            context={
                **_named(mentor.full_name, licence.licence_type),
                "participant_name": _short(participant.full_name, MESSAGE_PERSON_CHARS),
                "expires_on": expires_on,
                "link": absolute_url("licensing:participant", participant.pk),
            },
            user=mentor,
        )
