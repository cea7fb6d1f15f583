"""Reads of P4 licensing, always scoped to the user who asks. Each is a fixed number of queries, whatever the
number of rows: a list is one query (joined); a participant's wallet (licences, open requests, what they lack) is
one, and so is a page of participants with theirs (`with_wallet`: JSON arrays in the participant rows)."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts import permissions as account_permissions
from accounts.models import User
from accounts.permissions import AnyUser
from mentoring.models import MentorAssignment
from mentoring.permissions import is_mentor
from partners.performance import Figure, Period, StepActivity, count_by_period
from registration.choices import Status
from registration.models import Participant
from registration.selectors import NOBODY, is_verified, scope_of

from . import permissions
from .choices import OPEN_STATUSES, RequestStatus
from .models import Licence, LicenceRequest, LicenceType, RequestMove

KEPT_WALLET = "_licence_wallet"  # the wallet a page loaded, kept on its user for the P4 step (see keep_wallet)


def valid_on(day: datetime.date, prefix: str = "") -> Q:
    """Licences valid on `day`, in SQL: the rule of `Licence.is_valid_on` (`prefix` reaches the licence)."""
    return Q(**{f"{prefix}issued_on__lte": day}) & (
        Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gte": day})
    )


def formal_filter(day: datetime.date | None = None) -> Q:
    """Participants whose business is formal on `day` (today): they hold an NIB, the business-number type, valid
    that day. A Q on Participant (an Exists: no query of its own), the program figure the targets count."""
    day = day or timezone.localdate()
    return Q(
        Exists(
            Licence.objects.filter(valid_on(day), participant=OuterRef("pk"), licence_type__is_business_number=True)
        )
    )


# --- what a user reaches ----------------------------------------------------------------------------------------


def _in_scope(user: AnyUser, through: str = "") -> Q:
    """Participants whose licences the user sees, as a filter (`registration.selectors.scope_of`): a participant
    themself, office staff (mentors and secretariat) their kecamatan, agency staff all (no condition, so a
    program-wide queue joins no participant); nobody for anyone else (partner users, anonymous)."""
    return scope_of(user, through) if permissions.sees_licensing(user) else NOBODY


def participants_in_scope(user: AnyUser) -> QuerySet[Participant]:
    return Participant.objects.filter(_in_scope(user))


def requests_for(user: AnyUser) -> QuerySet[LicenceRequest]:
    return LicenceRequest.objects.filter(_in_scope(user, "participant__"))


def licences_for(user: AnyUser) -> QuerySet[Licence]:
    return Licence.objects.filter(_in_scope(user, "participant__"))


def request_page(user: AnyUser) -> QuerySet[LicenceRequest]:
    """A request with what its page shows: the type, the participant with their registration (the predicates read
    it), the licence issued, and the moves with who made them."""
    return requests_for(user).select_related(
        "licence_type", "participant__registration", "participant__kecamatan", "participant__business", "licence"
    )


def moves_of(licence_request: LicenceRequest) -> list[RequestMove]:
    return list(licence_request.moves.select_related("moved_by").order_by("moved_at", "pk"))


def requests_of(participant: Participant) -> QuerySet[LicenceRequest]:
    """The participant's requests, the open ones first, each newest first."""
    return (
        LicenceRequest.objects.filter(participant=participant)
        .select_related("licence_type")
        .annotate(is_open_now=ExpressionWrapper(Q(status__in=OPEN_STATUSES), output_field=BooleanField()))
        .order_by("-is_open_now", "-created_at", "-pk")
    )


def licences_of(participant: Participant) -> QuerySet[Licence]:
    return Licence.objects.filter(participant=participant).select_related("licence_type")


# --- prerequisites: held (a licence valid today) or asked for (an open request) -----------------------------


def _inner(ref: Any) -> Any:
    """A reference to the participant (a value, or an OuterRef of the query a subquery is nested in) as seen from
    one level deeper."""
    return OuterRef(ref) if isinstance(ref, OuterRef) else ref


def _holding(participant: Any, licence_type: Any, today: datetime.date) -> QuerySet[Licence]:
    return Licence.objects.filter(valid_on(today), participant=participant, licence_type=licence_type)


def _asking(participant: Any, licence_type: Any) -> QuerySet[LicenceRequest]:
    return LicenceRequest.objects.open().filter(participant=participant, licence_type=licence_type)


def lacking_types(
    participant: Any, licence_type: Any, *, today: datetime.date, held_only: bool = False
) -> QuerySet[LicenceType]:
    """The prerequisites of `licence_type` that `participant` neither holds (a licence valid today) nor asked for
    (an open request): a refused or withdrawn request does not count. With `held_only`, those they do not hold,
    asked for or not: what a request needs before it goes to the issuing office. The one rule, in SQL;
    `participant` and `licence_type` are values, or OuterRefs when it is nested in another query."""
    inner = _inner(participant)
    lacking = LicenceType.objects.filter(needed_for=licence_type).exclude(
        Exists(_holding(inner, OuterRef("pk"), today))
    )
    if not held_only:
        lacking = lacking.exclude(Exists(_asking(inner, OuterRef("pk"))))
    return lacking.order_by("position", "name")


def missing_prerequisites(
    participant: Participant,
    licence_type: LicenceType,
    *,
    today: datetime.date | None = None,
    held_only: bool = False,
) -> list[LicenceType]:
    """What the participant lacks to ask for `licence_type`, or (`held_only`) to have it submitted and issued
    (one query)."""
    return list(
        lacking_types(participant.pk, licence_type.pk, today=today or timezone.localdate(), held_only=held_only)
    )


# --- a participant's wallet: licences, open requests and what they lack -------------------------------------


VALID_STATES = ("valid", "expiring")  # licence_state's answers for a licence valid today (valid_on)


@dataclass(frozen=True)
class WalletLicence:
    public_id: str
    licence: str
    number: str
    subject: str
    issued_on: datetime.date
    expires_on: datetime.date | None
    has_scan: bool
    state: str  # valid, expiring (within the type's reminder days), expired, not_yet (issued in the future)


@dataclass(frozen=True)
class WalletRequest:
    pk: int
    licence: str
    subject: str
    status: str
    since: datetime.datetime

    @property
    def status_label(self) -> Promise:
        return RequestStatus(self.status).label


@dataclass(frozen=True)
class Wallet:
    """A participant's licences, open requests and what they still lack, as their home page, their mentor's
    list and their mentoring page show them."""

    participant: Participant
    verified: bool
    licences: list[WalletLicence] = field(default_factory=list)
    open_requests: list[WalletRequest] = field(default_factory=list)
    lacking: list[str] = field(default_factory=list)  # prerequisites missing for the types asked for
    needs_business_number: bool = False  # neither a valid NIB nor an open request for one

    @property
    def valid_count(self) -> int:
        return sum(1 for licence in self.licences if licence.state in VALID_STATES)


def licence_state(
    issued_on: datetime.date, expires_on: datetime.date | None, reminder_days: int, today: datetime.date
) -> str:
    """Where a licence stands on `today`: the wallet's badge (valid, expiring, expired, not_yet)."""
    if issued_on > today:
        return "not_yet"
    if expires_on is None:
        return "valid"
    if expires_on < today:
        return "expired"
    return "expiring" if (expires_on - today).days <= reminder_days else "valid"


def with_wallet(participants: QuerySet[Participant], *, today: datetime.date) -> QuerySet[Participant]:
    """Annotate participants with their wallet, in the same query: their licences and open requests as JSON arrays
    (each request with what it lacks, each row whether it is of the business number)."""
    licences = (
        Licence.objects.filter(participant=OuterRef("pk"))
        .order_by("licence_type__position", "-issued_on", "-pk")
        .values(
            row=JSONObject(
                public_id="public_id",
                licence="licence_type__name",
                number="number",
                subject="subject",
                issued_on="issued_on",
                expires_on="expires_on",
                has_scan=ExpressionWrapper(~Q(scan=""), output_field=BooleanField()),
                reminder_days="licence_type__reminder_days",
                is_number="licence_type__is_business_number",
            )
        )
    )
    lacking = lacking_types(OuterRef("participant_id"), OuterRef("licence_type_id"), today=today)
    requests = (
        LicenceRequest.objects.open()
        .filter(participant=OuterRef("pk"))
        .order_by("created_at", "pk")
        .values(
            row=JSONObject(
                pk="pk",
                licence="licence_type__name",
                subject="subject",
                status="status",
                since="status_changed_at",
                is_number="licence_type__is_business_number",
                lacking=ArraySubquery(lacking.values(row=JSONObject(name="name", number="is_business_number"))),
            )
        )
    )
    # whether they hold or asked for the business number is read off these rows (wallet_from): as EXISTS beside
    # them, PostgreSQL hashed every valid NIB of the program for each page (62 ms at a million, twice)
    return participants.annotate(licence_rows=ArraySubquery(licences), request_rows=ArraySubquery(requests))


def _day(value: Any) -> datetime.date:
    day = parse_date(str(value))
    assert day is not None
    return day


def wallet_from(participant: Participant, *, today: datetime.date) -> Wallet:
    """The wallet of a participant annotated by `with_wallet` (no query)."""
    row: Any = participant
    licences = []
    for item in row.licence_rows:
        issued_on = _day(item["issued_on"])
        expires_on = _day(item["expires_on"]) if item["expires_on"] else None
        licences.append(
            WalletLicence(
                public_id=str(item["public_id"]),
                licence=item["licence"],
                number=item["number"],
                subject=item["subject"],
                issued_on=issued_on,
                expires_on=expires_on,
                has_scan=bool(item["has_scan"]),
                state=licence_state(issued_on, expires_on, int(item["reminder_days"]), today),
            )
        )
    holds_number = any(
        item["is_number"] and licence.state in VALID_STATES
        for item, licence in zip(row.licence_rows, licences, strict=True)
    )
    asked_number = any(item["is_number"] for item in row.request_rows)
    needs_number = not (holds_number or asked_number)
    requests: list[WalletRequest] = []
    lacking: list[str] = []
    for item in row.request_rows:
        since = parse_datetime(str(item["since"]))
        assert since is not None
        names = [needed["name"] for needed in item["lacking"] if not (needs_number and needed["number"])]
        requests.append(
            WalletRequest(
                pk=int(item["pk"]),
                licence=item["licence"],
                subject=item["subject"],
                status=item["status"],
                since=since,
            )
        )
        lacking.extend(name for name in names if name not in lacking)
    return Wallet(
        participant=participant,
        verified=is_verified(participant),
        licences=licences,
        open_requests=requests,
        lacking=lacking,
        needs_business_number=needs_number,
    )


def wallet_of(user: AnyUser, *, today: datetime.date | None = None) -> Wallet | None:
    """The user's own wallet, in ONE query; None when they are not a participant."""
    if not user.is_authenticated:
        return None
    today = today or timezone.localdate()
    participants = Participant.objects.filter(user_id=user.pk).select_related("registration")
    participant = with_wallet(participants, today=today).first()
    return wallet_from(participant, today=today) if participant is not None else None


def keep_wallet(user: User) -> Wallet | None:
    """The user's wallet, loaded once and kept on the user object for the rest of the request: the home page shows
    it, and the P4 step of the journey reads the same (licensing.journey) without a query of its own."""
    wallet = wallet_of(user)
    setattr(user, KEPT_WALLET, wallet)
    return wallet


def participant_wallet(participant: Participant, *, today: datetime.date | None = None) -> Wallet:
    """One participant's wallet, for staff and mentors (one query)."""
    today = today or timezone.localdate()
    annotated = with_wallet(
        Participant.objects.filter(pk=participant.pk).select_related("registration"), today=today
    ).get()
    return wallet_from(annotated, today=today)


# --- the staff queue --------------------------------------------------------------------------------------------


def _queue_scope(user: AnyUser) -> QuerySet[LicenceRequest]:
    """The open requests the user works: the secretariat its office's kecamatan, agency staff all, by the
    request's own kecamatan (its participant's), so a kecamatan's queue reads the request's index and joins no
    participant. Not `_in_scope`: its program-wide condition (`id IS NOT NULL`) kept agency staff's counts from
    being read off an index alone (28 -> 50 ms at 1M)."""
    if not permissions.works_the_queue(user):
        return LicenceRequest.objects.none()
    requests = LicenceRequest.objects.filter(status__in=OPEN_STATUSES)
    if account_permissions.is_program_wide(user):
        return requests
    return requests.filter(kecamatan_id=user.office_id)  # type: ignore[union-attr,misc]  # a secretariat's office


def queue(
    user: AnyUser, *, licence_type: LicenceType | None = None, kecamatan_id: int | None = None, status: str = ""
) -> QuerySet[LicenceRequest]:
    """Open requests the user works, the longest waiting in its status first (the index licreq_queue): the
    secretariat their kecamatan's, agency staff all (or one kecamatan). Filtered by type and status."""
    requests = _queue_scope(user)
    if kecamatan_id is not None:
        requests = requests.filter(kecamatan_id=kecamatan_id)
    if status:
        requests = requests.filter(status=status)
    if licence_type is not None:
        requests = requests.filter(licence_type=licence_type)
    return requests.select_related("licence_type", "participant__kecamatan", "participant__business").order_by(
        "status_changed_at", "pk"
    )


def queue_counts(user: AnyUser, *, kecamatan_id: int | None = None, status: str = "") -> dict[int, int]:
    """How many open requests of each type the queue holds (with its kecamatan and status filters), in ONE grouped
    query: licence type id -> count."""
    requests = _queue_scope(user)
    if kecamatan_id is not None:
        requests = requests.filter(kecamatan_id=kecamatan_id)
    if status:
        requests = requests.filter(status=status)
    # COUNT(*), not of the key: the indexes by status or kecamatan, type and status answer alone
    rows = requests.order_by().values("licence_type").annotate(n=Count("*")).values_list("licence_type", "n")
    return dict(rows)


def queue_total(user: AnyUser) -> int:
    """The open requests the user works (the staff home panel): one query."""
    return _queue_scope(user).count()


# --- participants and what each lacks (mentors, the secretariat, agency staff) ----------------------------------


def followed_participants(
    user: AnyUser, *, kecamatan_id: int | None = None, today: datetime.date | None = None
) -> QuerySet[Participant]:
    """Verified participants whose licences the user follows, each with their wallet (`wallet_from`), by name, in
    one query a page: a mentor their own (active assignments in their kecamatan), the secretariat their
    kecamatan, agency staff all (or one kecamatan)."""
    if not permissions.follows_participants(user):
        return Participant.objects.none()
    participants = participants_in_scope(user).filter(registration__status=Status.APPROVED)
    if is_mentor(user):
        assert isinstance(user, User)
        participants = participants.filter(
            Exists(MentorAssignment.objects.filter(mentor=user, participant=OuterRef("pk"), active=True))
        )
    elif account_permissions.is_program_wide(user) and kecamatan_id is not None:
        participants = participants.filter(kecamatan_id=kecamatan_id)
    participants = participants.select_related("kecamatan", "business", "registration").order_by("full_name", "pk")
    return with_wallet(participants, today=today or timezone.localdate())


def open_types_for(participant: Participant, *, today: datetime.date | None = None) -> QuerySet[LicenceType]:
    """The types open for requests, each with the names of the prerequisites the participant lacks for it
    (`lacking`) and its prerequisites (two queries): the request form's choices."""
    lacking = lacking_types(participant.pk, OuterRef("pk"), today=today or timezone.localdate())
    return (
        LicenceType.objects.filter(active=True)
        .annotate(lacking=ArraySubquery(lacking.values("name")))
        .prefetch_related(Prefetch("prerequisites", queryset=LicenceType.objects.order_by("position", "name")))
    )


# --- partner performance (targets.partners) ---------------------------------------------------------------------


def partner_activity(periods: Mapping[int, Period]) -> dict[int, StepActivity]:
    """P4 as each licensing office worked in each period (by the caller's key): the requests it decided then,
    issued or refused (`permissions.OFFICE_MOVES`, each a move its API account made: licensing.api); served:
    the participants of those requests. ONE query whatever the number of periods; the participants are a
    subquery."""
    decisions = RequestMove.objects.filter(to_status__in=permissions.OFFICE_MOVES)
    partner, moment = "moved_by__api_organisation", "moved_at"
    figures = count_by_period(
        decisions,
        periods,
        partner=partner,
        moment=moment,
        counters={
            "decided": lambda within: Count("pk", filter=within),
            "issued": lambda within: Count("pk", filter=within & Q(to_status=RequestStatus.ISSUED)),
            "refused": lambda within: Count("pk", filter=within & Q(to_status=RequestStatus.REFUSED)),
        },
    )
    return {
        key: StepActivity(
            activities=figures[key]["decided"],
            label=_("Requests decided"),
            participants=decisions.filter(period.of(partner, moment)).order_by().values("request__participant_id"),
            details=(
                Figure(_("Issued"), figures[key]["issued"]),
                Figure(_("Refused"), figures[key]["refused"]),
            ),
        )
        for key, period in periods.items()
    }
