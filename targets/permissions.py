"""Who may see the program dashboard, and which part of the program each viewer sees.

- Agency staff and administrators (`accounts.permissions.is_program_wide`): the whole program, any wilayah,
  kecamatan or mentor.
- A kecamatan's secretariat: its kecamatan and the mentors who work from it.
- A mentor: themself (their own participants).
- A partner organisation's user: the participants with an active consent to their organisation for a purpose one
  of its agreements in force covers (the partners' own rule, as `partners.selectors.consenting_participants` and
  the API's scope apply it), as one set: no wilayah, kecamatan or mentor of the program. Each is counted for a
  measure only when one of those consents is for a purpose of the measure's step (`MEASURE_STEPS`): who consented
  to training only is counted as registered, verified and trained, never behind a licence or a loan
  (`partner_participants`).
- Anyone else: refused.

The page's URL names a wilayah, kecamatan or mentor (`targets.forms.DashboardForm` checks that they exist);
`place_for` turns that choice into the `targets.figures.Area` to count, inside the viewer's scope. A choice
outside it is not found (404), never widened or narrowed in silence; a choice whose parts disagree (a kecamatan
of another wilayah) is told as such."""

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.permissions import AnyUser, is_office_staff, is_program_wide, is_secretariat, serves
from core.decisions import ALLOWED, Decision, deny
from geography.models import Kecamatan, Wilayah
from partners.choices import PURPOSE_DATA, Step, listed_purposes
from partners.models import PartnerOrganisation
from partners.selectors import consenting_ids, consents_version, organisation_of, purposes_in_force
from registration.measures import Measure

from .choices import Level
from .figures import Area

NOT_ALLOWED = _(
    "The dashboard is for agency staff, kecamatan secretariats, mentors and the users of partner organisations."
)
NO_ORGANISATION = _("Your account belongs to no active partner organisation: ask the agency to link it.")
OUTSIDE_SCOPE = "outside_scope"  # the code of a choice beyond the viewer's scope: the page answers 404
KECAMATAN_ELSEWHERE = _("This kecamatan is not in the wilayah chosen: choose one of its kecamatan, or no wilayah.")
MENTOR_ELSEWHERE = _("This mentor works in another kecamatan: choose one of the kecamatan's mentors, or no kecamatan.")


def is_dashboard_mentor(user: AnyUser) -> bool:
    """A mentor at their kecamatan office (no query)."""
    return isinstance(user, User) and is_office_staff(user) and user.role == Role.MENTOR


def is_partner_user(user: AnyUser) -> bool:
    """A partner organisation's user (no query: their organisation is looked up by `scope_of`)."""
    return user.is_authenticated and user.role == Role.PARTNER


def can_view_dashboard(user: AnyUser) -> Decision:
    """Agency staff, a kecamatan's secretariat, a mentor and a partner organisation's user (no query)."""
    if is_program_wide(user) or is_secretariat(user) or is_dashboard_mentor(user) or is_partner_user(user):
        return ALLOWED
    return deny("not_dashboard", NOT_ALLOWED)


class Reach(StrEnum):
    PROGRAM = "program"
    KECAMATAN = "kecamatan"
    MENTOR = "mentor"
    PARTNER = "partner"


@dataclass(frozen=True)
class Scope:
    """What one viewer may see: the program, one kecamatan (`office_id`), themself as a mentor, or a partner's
    consenting participants (`organisation`)."""

    user: User
    reach: Reach
    office_id: int | None = None
    organisation: PartnerOrganisation | None = None

    @property
    def shows_themes(self) -> bool:
        """The forum's themes are the program's and the secretariat's to read (not a mentor's or a partner's)."""
        return self.reach in (Reach.PROGRAM, Reach.KECAMATAN)

    @property
    def chooses_area(self) -> bool:
        """Only program-wide viewers choose a wilayah or kecamatan."""
        return self.reach == Reach.PROGRAM

    def may_open_participant(self, kecamatan_id: int) -> bool:
        """Whether the staff participant page (registration:participant) opens for this viewer (no query): agency
        staff, and office staff of the participant's kecamatan; never a partner."""
        return self.reach != Reach.PARTNER and serves(self.user, kecamatan_id)


def scope_of(user: AnyUser) -> Scope | Decision:
    """The viewer's scope, or the refusal (one query for a partner's user: their organisation; none otherwise)."""
    decision = can_view_dashboard(user)
    if not decision:
        return decision
    assert isinstance(user, User)  # every role allowed is a logged-in account
    if is_program_wide(user):
        return Scope(user=user, reach=Reach.PROGRAM)
    if is_secretariat(user):
        return Scope(user=user, reach=Reach.KECAMATAN, office_id=user.office_id)
    if is_dashboard_mentor(user):
        return Scope(user=user, reach=Reach.MENTOR, office_id=user.office_id)
    organisation = organisation_of(user)
    if organisation is None:
        return deny("no_organisation", NO_ORGANISATION)
    return Scope(user=user, reach=Reach.PARTNER, organisation=organisation)


@dataclass(frozen=True)
class Choice:
    """What the URL asks for, each part known to exist (the form checked it)."""

    wilayah: Wilayah | None = None
    kecamatan: Kecamatan | None = None
    mentor: User | None = None

    @property
    def empty(self) -> bool:
        return self.wilayah is None and self.kecamatan is None and self.mentor is None


@dataclass(frozen=True)
class Place:
    """Where the dashboard stands: the area counted and the path to it (program > wilayah > kecamatan >
    mentor); for a partner, its consenting participants with no path."""

    area: Area
    wilayah: Wilayah | None = None
    kecamatan: Kecamatan | None = None
    mentor: User | None = None

    @property
    def level(self) -> Level:
        if self.mentor is not None:
            return Level.MENTOR
        if self.kecamatan is not None:
            return Level.KECAMATAN
        if self.wilayah is not None:
            return Level.WILAYAH
        return Level.PROGRAM

    @property
    def query(self) -> dict[str, int]:
        """The place as the URL names it (its most precise part): what every link of the page carries."""
        if self.mentor is not None:
            return {"mentor": self.mentor.pk}
        if self.kecamatan is not None:
            return {"kecamatan": self.kecamatan.pk}
        if self.wilayah is not None:
            return {"wilayah": self.wilayah.pk}
        return {}

    @property
    def kecamatan_ids(self) -> set[int] | None:
        """The kecamatan the place covers (None: the whole program), for what is counted by kecamatan."""
        if self.kecamatan is not None:
            return {self.kecamatan.pk}
        if self.area.kecamatan_ids is not None:
            return set(self.area.kecamatan_ids)
        return None


def _outside() -> Decision:
    return deny(OUTSIDE_SCOPE, _("This part of the program is not yours to see."))


def _within_scope(scope: Scope, choice: Choice, kecamatan: Kecamatan | None) -> bool:
    """Each part of the choice lies in the viewer's scope (`kecamatan`: the one chosen or the mentor's)."""
    if scope.reach == Reach.PROGRAM:
        return True
    if scope.reach == Reach.PARTNER:
        return choice.empty
    office = scope.office_id
    if choice.kecamatan is not None and choice.kecamatan.pk != office:
        return False
    if choice.wilayah is not None and (kecamatan is None or choice.wilayah.pk != kecamatan.wilayah_id):
        return False  # a secretariat's or mentor's own wilayah only names the path to their kecamatan
    if choice.mentor is not None:
        if choice.mentor.office_id != office:
            return False
        if scope.reach == Reach.MENTOR and choice.mentor.pk != scope.user.pk:
            return False
    return True


def place_for(
    scope: Scope, choice: Choice, kecamatans: dict[int, Kecamatan], *, wilayah_members: dict[int, frozenset[int]]
) -> Place | Decision:
    """The area the viewer sees for the choice, or why not: `OUTSIDE_SCOPE` (404) for a part beyond their scope,
    checked first, else a reason to show for parts that disagree. `kecamatans` (by id, with their wilayah) and
    `wilayah_members` (each wilayah's kecamatan ids) come from the form, so this runs no query but a partner's one
    (the purposes its agreements in force cover: its consenting participants are then a subquery of the counts)."""
    mentor = choice.mentor
    if mentor is not None and (mentor.role != Role.MENTOR or mentor.office_id not in kecamatans):
        return _outside()
    kecamatan = choice.kecamatan
    if kecamatan is None and mentor is not None:
        kecamatan = kecamatans[mentor.office_id]  # type: ignore[index]
    if kecamatan is None and scope.office_id is not None:
        kecamatan = kecamatans.get(scope.office_id)
    if not _within_scope(scope, choice, kecamatan):
        return _outside()
    if choice.wilayah is not None and kecamatan is not None and kecamatan.wilayah_id != choice.wilayah.pk:
        return deny("kecamatan_elsewhere", KECAMATAN_ELSEWHERE)
    if mentor is not None and kecamatan is not None and mentor.office_id != kecamatan.pk:
        return deny("mentor_elsewhere", MENTOR_ELSEWHERE)
    if scope.reach == Reach.PARTNER:
        assert scope.organisation is not None
        return Place(area=partner_area(scope.organisation))
    if scope.reach == Reach.MENTOR:
        mentor = scope.user
    wilayah = kecamatan.wilayah if kecamatan is not None else choice.wilayah
    if mentor is not None:
        area = Area.of_mentor(mentor.pk)
        if scope.reach == Reach.KECAMATAN:  # the secretariat counts its own kecamatan's part of the mentor's
            assert kecamatan is not None
            area = dataclasses.replace(area, kecamatan_ids=frozenset({kecamatan.pk}))
        return Place(area=area, wilayah=wilayah, kecamatan=kecamatan, mentor=mentor)
    if kecamatan is not None:
        return Place(area=Area.of_kecamatan(kecamatan.pk), wilayah=wilayah, kecamatan=kecamatan)
    if wilayah is not None:
        return Place(area=Area.of_wilayah(wilayah.pk, wilayah_members[wilayah.pk]), wilayah=wilayah)
    return Place(area=Area.program())


# The step of each measure, whose purposes a partner's participant must have consented to for the partner to see
# them counted for it (None: any consent the partner holds, registration and verification being every
# participant's).
MEASURE_STEPS: dict[Measure, str | None] = {
    Measure.REGISTERED: None,
    Measure.VERIFIED: None,
    Measure.TRAINED: Step.P2,
    Measure.MENTORED: Step.P3,
    Measure.LICENSED: Step.P4,
    Measure.FORMAL: Step.P4,
    Measure.MARKETED: Step.P5,
    Measure.REPORTING: Step.P6,
    Measure.MOVED_UP: Step.P6,
    Measure.CAPITALISED: Step.P7,
}


def partner_participants(
    organisation: PartnerOrganisation, covered: list[str]
) -> tuple[QuerySet[Any], dict[Measure, QuerySet[Any]]]:
    """The ids of the partner's consenting participants (an active consent for one of the `covered` purposes: those
    its agreements in force cover that the generic pages may list), and by measure those of them whose consent is
    for a purpose of the measure's step: subqueries (no query)."""
    by_measure = {
        measure: consenting_ids(organisation, [purpose for purpose in covered if PURPOSE_DATA[purpose].step == step])
        for measure, step in MEASURE_STEPS.items()
        if step is not None
    }
    return consenting_ids(organisation, covered), by_measure


def partner_area(organisation: PartnerOrganisation) -> Area:
    """What the partner's user sees counted: its consenting participants, each for the measures their consents
    cover (one query). The dashboard keeps its figures a while (figures.KEPT_SECONDS) under a name that changes
    with the purposes in force and with every consent given or withdrawn (one more query, the dashboard's only):
    a withdrawal leaves the counts at once."""
    covered = listed_purposes(purposes_in_force(organisation, timezone.localdate()))
    every, by_measure = partner_participants(organisation, covered)

    def kept_as() -> str:
        return f"partner-{organisation.pk}-{'.'.join(sorted(covered))}-{consents_version(organisation)}"

    return Area.of_participants(every, by_measure, kept_as=kept_as)


# --- targets and the weekly reports -----------------------------------------------------------------------------

NOT_TARGET_SETTER = _("Only agency staff set the program's targets.")
NOT_REPORT_READER = _("The weekly target reports are for agency staff.")


def can_set_targets(user: AnyUser) -> Decision:
    """Agency staff (and administrators) set, change and delete the yearly targets, in the admin or by a
    spreadsheet (no query)."""
    return ALLOWED if is_program_wide(user) else deny("not_target_setter", NOT_TARGET_SETTER)


def can_read_reports(user: AnyUser) -> Decision:
    """Agency staff (and administrators) list, download and build the weekly target reports (no query)."""
    return ALLOWED if is_program_wide(user) else deny("not_report_reader", NOT_REPORT_READER)


PERFORMANCE_NOT_ALLOWED = _("Partner performance is for agency staff and the users of partner organisations.")


def can_view_partner_performance(user: AnyUser) -> Decision:
    """Agency staff see every partner's performance, a partner organisation's user their own organisation's
    (`targets.partners.viewer_of` looks it up); nobody else (no query)."""
    if is_program_wide(user) or is_partner_user(user):
        return ALLOWED
    return deny("not_partner_performance", PERFORMANCE_NOT_ALLOWED)
