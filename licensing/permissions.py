"""Who may do what in P4 licensing, checking role AND state: `can_<action>(user, obj, ...) -> Decision`.

Services enforce these (`.enforce()`); views, templates, the admin and the API only ask them. How a user stands
to one participant (their own record, their current mentor, their kecamatan's staff, agency staff, the licensing
office they consented to) is worked out once, by `standing_of`, and handed to the predicates: a page asks several
of them for one participant at the cost of one lookup. The state half is the model's (`LicenceRequest.can_move_to`,
the MOVES of choices.py) and, for a request going to the issuing office or issued, its prerequisites held
(`selectors.missing_prerequisites`, one query).

Which requests and licences a user reaches at all is the selectors' business: another kecamatan's, or a peer's,
is a 404 before any predicate is asked."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.models import Role, User
from accounts.permissions import AnyUser
from core.decisions import ALLOWED, Decision, deny
from mentoring.permissions import is_mentor
from mentoring.selectors import current_mentor
from partners.choices import OrganisationKind, Purpose
from partners.models import Consent, PartnerOrganisation
from partners.selectors import purposes_in_force
from registration.models import Participant
from registration.selectors import is_verified

from . import selectors
from .choices import RequestStatus
from .models import LicenceRequest, LicenceType

# where a request stands once it reached the issuing office (moved to submitted): what a licensing office sees
REACHED_OFFICE = (RequestStatus.SUBMITTED, RequestStatus.ISSUED, RequestStatus.REFUSED)
# the moves a licensing office makes: its decision on a request submitted to it
OFFICE_MOVES = (RequestStatus.ISSUED, RequestStatus.REFUSED)
# the page's buttons, in the order of a request's life
MOVE_ORDER = (
    RequestStatus.DOCUMENTS_COMPLETE,
    RequestStatus.REQUESTED,
    RequestStatus.SUBMITTED,
    RequestStatus.ISSUED,
    RequestStatus.REFUSED,
    RequestStatus.WITHDRAWN,
)

NOT_VERIFIED = _("Licence requests open once the participant's registration is verified.")
NOT_FOR_THEM = _(
    "Only the participant, their mentor, their kecamatan secretariat and agency staff ask for a licence for them."
)
NOT_CHECKER = _("Only the participant's mentor, their kecamatan secretariat and agency staff check the documents.")
NOT_OFFICE = _("Only agency staff and the licensing office issue or refuse a request submitted to it.")
NOT_SUBMITTER = _("Only agency staff submit a request to the issuing office.")
NOT_WITHDRAWER = _("Only the participant and their mentor withdraw a request.")
STATUS_CHANGED = _(
    "This request is “%(status)s” now, so it cannot be moved to “%(target)s”. Someone may have acted on it already."
)
TYPE_CLOSED = _("%(type)s is not open for requests now.")
PREREQUISITE_NOT_HELD = _(
    "%(type)s needs %(needed)s, which the participant does not hold yet (issued and valid today). The request goes "
    "to the issuing office, and is issued, only after that."
)
NOT_RECORDER = _("Only agency staff record or correct a licence.")
NOT_TYPE_MANAGER = _("Only agency staff change the licence types.")


@dataclass(frozen=True)
class Standing:
    """How a user stands to one participant: what the predicates of this module ask."""

    owner: bool = False  # the participant themself
    mentor: bool = False  # their current mentor (mentoring.selectors.current_mentor)
    office: bool = False  # staff of their kecamatan office, a mentor or the secretariat: sees their licences
    secretariat: bool = False  # the secretariat of their kecamatan
    agency: bool = False  # agency staff and administrators
    licensing_office: bool = False  # the API account of a licensing office they consented to (P4 in force)

    @property
    def sees(self) -> bool:
        return self.owner or self.office or self.agency or self.licensing_office


def licensing_office_of(user: AnyUser) -> PartnerOrganisation | None:
    """The licensing office a user acts for: the API account of an active government partner other than the city
    app (one query; none for anyone else, with no query)."""
    if not (isinstance(user, User) and user.role == Role.PARTNER):
        return None
    return PartnerOrganisation.objects.filter(
        api_user=user, active=True, kind=OrganisationKind.GOVERNMENT, is_city_app=False
    ).first()


def office_serves(organisation: PartnerOrganisation, participant: Participant) -> bool:
    """Whether a licensing office works for the participant today: an agreement in force with it covers P4, and
    the participant's consent to it for licensing is active (two queries; the API's scope says the same for a
    key: licensing.api.visible_requests)."""
    if Purpose.LICENSING not in purposes_in_force(organisation, timezone.localdate()):
        return False
    return (
        Consent.objects.active()
        .filter(participant=participant, organisation=organisation, purpose=Purpose.LICENSING)
        .exists()
    )


def standing_of(user: AnyUser, participant: Participant) -> Standing:
    """How `user` stands to `participant`. No query for the participant, agency staff and the secretariat; one for
    a mentor of their kecamatan (is it their current mentor?); up to three for a partner's API account."""
    if not isinstance(user, User) or not user.is_active:
        return Standing()
    if participant.user_id == user.pk:
        return Standing(owner=True)
    if permissions.is_program_wide(user):
        return Standing(agency=True)
    if permissions.works_in(user, participant.kecamatan_id):
        if permissions.is_secretariat(user):
            return Standing(office=True, secretariat=True)
        mentor = is_mentor(user) and getattr(current_mentor(participant), "pk", None) == user.pk
        return Standing(office=True, mentor=mentor)
    organisation = licensing_office_of(user)
    if organisation is not None and office_serves(organisation, participant):
        return Standing(licensing_office=True)
    return Standing()


# --- roles (plain answers for menus and pages: no query) --------------------------------------------------------


def sees_licensing(user: AnyUser) -> bool:
    """Whether the user has any licensing page at all: participants (their own), office staff and agency staff."""
    return permissions.is_entrepreneur(user) or permissions.is_office_staff(user) or permissions.is_program_wide(user)


def follows_participants(user: AnyUser) -> bool:
    """Mentors, the secretariat and agency staff: the participants' licences and what each still lacks."""
    return permissions.is_office_staff(user) or permissions.is_program_wide(user)


def works_the_queue(user: AnyUser) -> bool:
    """The staff queue of open requests: the kecamatan secretariat (their office) and agency staff (all)."""
    return permissions.is_secretariat(user) or permissions.is_program_wide(user)


def issues_licences(user: AnyUser) -> bool:
    """Agency staff submit, issue and refuse requests and record licences on the web."""
    return permissions.is_program_wide(user)


# --- decisions --------------------------------------------------------------------------------------------------


def _standing(user: AnyUser, participant: Participant, standing: Standing | None) -> Standing:
    return standing if standing is not None else standing_of(user, participant)


def can_request(user: AnyUser, participant: Participant, *, standing: Standing | None = None) -> Decision:
    """Ask for help with a licence: the participant, their current mentor, their kecamatan secretariat or agency
    staff (who help walk-ins), once the participant is verified."""
    found = _standing(user, participant, standing)
    if not (found.owner or found.mentor or found.secretariat or found.agency):
        return deny("not_allowed", NOT_FOR_THEM)
    if not is_verified(participant):
        return deny("not_verified", NOT_VERIFIED)
    return ALLOWED


def can_request_type(licence_type: LicenceType) -> Decision:
    """A licence type staff closed takes no new requests (those open go on)."""
    if not licence_type.active:
        return deny("type_closed", TYPE_CLOSED % {"type": licence_type.name})
    return ALLOWED


def _may_move_to(found: Standing, licence_request: LicenceRequest, target: str) -> Decision:
    """The role half of a move: who moves a request to `target`. A licensing office decides only on a request that
    reached it."""
    if target in (RequestStatus.DOCUMENTS_COMPLETE, RequestStatus.REQUESTED):
        allowed, reason = found.mentor or found.secretariat or found.agency, NOT_CHECKER
    elif target == RequestStatus.WITHDRAWN:
        allowed, reason = found.owner or found.mentor, NOT_WITHDRAWER
    elif target == RequestStatus.SUBMITTED:
        allowed, reason = found.agency, NOT_SUBMITTER
    else:  # OFFICE_MOVES: issued, refused
        office = found.licensing_office and licence_request.status in REACHED_OFFICE
        allowed, reason = found.agency or office, NOT_OFFICE
    return ALLOWED if allowed else deny("not_allowed", reason)


def _prerequisites_held(licence_request: LicenceRequest) -> Decision:
    """A request goes to the issuing office, and is issued, only once its participant holds every prerequisite (a
    licence valid today): a prerequisite merely asked for, or refused or withdrawn meanwhile, holds it back (one
    query; the request with its participant and type loaded)."""
    licence_type = licence_request.licence_type
    missing = selectors.missing_prerequisites(licence_request.participant, licence_type, held_only=True)
    if missing:
        needed = ", ".join(t.name for t in missing)
        return deny("prerequisite_not_held", PREREQUISITE_NOT_HELD % {"type": licence_type.name, "needed": needed})
    return ALLOWED


def can_move(
    user: AnyUser, licence_request: LicenceRequest, target: str, *, standing: Standing | None = None
) -> Decision:
    """Move a request to `target` (issuing is a move too, through the licence: services.request_issue). Documents
    complete, or back to collecting: the mentor, the secretariat, agency staff; submitted: agency staff; issued,
    refused: agency staff and the licensing office (a request submitted to it); withdrawn: the participant and
    their mentor. Only along MOVES; submitted and issued only with every prerequisite held."""
    decision = _may_move_to(_standing(user, licence_request.participant, standing), licence_request, target)
    if not decision:
        return decision
    if not licence_request.can_move_to(target):
        return deny(
            "not_now",
            STATUS_CHANGED % {"status": licence_request.get_status_display(), "target": RequestStatus(target).label},
        )
    if target in (RequestStatus.SUBMITTED, RequestStatus.ISSUED):
        return _prerequisites_held(licence_request)
    return ALLOWED


def can_issue(user: AnyUser, licence_request: LicenceRequest, *, standing: Standing | None = None) -> Decision:
    """Issue a request with its licence: a move to issued (a submitted request, its prerequisites held)."""
    return can_move(user, licence_request, RequestStatus.ISSUED, standing=standing)


def move_decisions(
    user: AnyUser, licence_request: LicenceRequest, *, standing: Standing | None = None
) -> dict[str, Decision]:
    """The user's decision on each move of the request now, in the order of a page's buttons (at most one query:
    submitted and issued, which ask the prerequisites, are never both possible)."""
    found = _standing(user, licence_request.participant, standing)
    return {target: can_move(user, licence_request, target, standing=found) for target in MOVE_ORDER}


def moves_offered(user: AnyUser, licence_request: LicenceRequest, *, standing: Standing | None = None) -> list[str]:
    """The moves the user may make on the request now, in the order of MOVE_ORDER (a page's buttons)."""
    decisions = move_decisions(user, licence_request, standing=standing)
    return [target for target, decision in decisions.items() if decision]


def can_record(user: AnyUser, participant: Participant) -> Decision:
    """Record a licence the participant held already (no request): agency staff, for a verified participant."""
    if not permissions.is_program_wide(user):
        return deny("not_allowed", NOT_RECORDER)
    if not is_verified(participant):
        return deny("not_verified", NOT_VERIFIED)
    return ALLOWED


def can_correct(user: AnyUser) -> Decision:
    """Correct a licence's number, dates or scan: agency staff."""
    if not permissions.is_program_wide(user):
        return deny("not_allowed", NOT_RECORDER)
    return ALLOWED


def can_manage_types(user: AnyUser | None) -> Decision:
    """The licence types (what each needs, who issues it, how long it is valid): agency staff."""
    if user is None or not permissions.is_program_wide(user):
        return deny("not_allowed", NOT_TYPE_MANAGER)
    return ALLOWED
