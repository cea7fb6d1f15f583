"""Who may do what in P5 marketing, checking role AND state: `can_<action>(user, obj, ...) -> Decision`.

Services enforce these (`.enforce()`); views, templates, the admin and the API only ask them. The roles:
- the business (its participant's own account) edits only its own listing, products and stores, and applies
  for spaces; it must be verified; a product is not changed while a submission of it is open;
- program staff of the business (its kecamatan's mentors and secretariat, agency staff) see its products, photos,
  stores and submissions, and who is behind it (`can_view_marketing`);
- its mentor (the participant's active mentor) checks its submissions and online stores;
- the kecamatan (the secretariat of the business's kecamatan office; agency staff anywhere) validates;
- a curator (a user named on the call: agency staff, or a partner organisation's user while the organisation is
  active and an agreement in force with it covers P5) grades; a curator never edits a product, and one who is not
  program staff sees the product and the listing's public name only, nothing of the participant;
- agency staff run calls, spaces and booths."""

import datetime
from typing import TypeGuard

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.models import Role, User
from accounts.permissions import AnyUser
from core.decisions import ALLOWED, Decision, deny
from mentoring.selectors import current_mentor
from partners.choices import Step
from partners.models import Agreement, PartnerOrganisation
from registration.models import Business, Participant
from registration.selectors import is_verified

from .choices import OPEN_SUBMISSION_STATUSES, PUBLIC_GRADES, ApplicationStatus, SubmissionStatus
from .models import (
    BoothAllocation,
    OnlineStore,
    Product,
    ProductCall,
    ProductPhoto,
    SellingSpace,
    SpaceApplication,
    Submission,
)

NOT_OWN = _("Only the business itself changes its products, stores and listing.")
NOT_VERIFIED = _("Your registration must be verified before you can sell through the program.")
NOT_AGENCY = _("Only agency staff run calls for products and selling spaces.")
NOT_MENTOR = _("Only the business's own mentor checks this.")
NOT_KECAMATAN = _("Only the secretariat of the business's kecamatan, or agency staff, validate a submission.")
NOT_CURATOR = _("Only a curator named on this call grades its submissions.")
NOT_STATUS = _("This submission is %(status)s: it cannot be handled so now.")
CALL_CLOSED = _("This call is not open for submissions today.")
CATEGORY_NOT_TAKEN = _("This call does not take products of this category.")
NOT_GRADED = _("Only a business with a product graded %(grades)s may apply to this space.")
SPACE_CLOSED = _("This selling space is not taking applications.")
NOT_APPLIED = _("This application has been decided already.")
IN_CURATION = _(
    "This product is being curated: it cannot be changed or deleted while its submission is open. To change it "
    "now, withdraw its submission."
)
CURATION_RECORD = _(
    "This product has been curated: it stays, with its curation record. To take it out of the public catalogue, "
    "unpublish your listing."
)
NOT_STAFF = _("Only the business, the mentors and secretariat of its kecamatan and agency staff see this.")

# Who may be named a curator: active agency staff, administrators and partner organisations' users.
CURATOR_ROLES = (Role.AGENCY, Role.ADMINISTRATOR, Role.PARTNER)


# --- roles (plain answers, no query) ---------------------------------------------------------------------------


def is_agency(user: AnyUser) -> bool:
    return permissions.is_program_wide(user)


def owns_business(user: AnyUser, business: Business) -> bool:
    """The business is the user's own (its participant was loaded with it: no query)."""
    return isinstance(user, User) and business.participant.user_id == user.pk


def is_staff_of(user: AnyUser, participant: Participant) -> bool:
    """Program staff of the participant's business: agency staff anywhere, the office staff (mentors and
    secretariat) of the participant's kecamatan (no query)."""
    return permissions.serves(user, participant.kecamatan_id)


def is_kecamatan_of(user: AnyUser, business: Business) -> bool:
    """Agency staff anywhere; the secretariat of the business owner's kecamatan office."""
    kecamatan_id = business.participant.kecamatan_id
    return permissions.is_program_wide(user) or (
        permissions.is_secretariat(user) and permissions.works_in(user, kecamatan_id)
    )


def is_mentor_of(user: AnyUser, business: Business) -> bool:
    """The current mentor of the business's participant (one query)."""
    if not isinstance(user, User) or not user.is_active:
        return False
    mentor = current_mentor(business.participant)
    return mentor is not None and mentor.pk == user.pk


def may_curate(user: AnyUser) -> TypeGuard[User]:
    """May be named a curator (no query: the navigation asks it on every page). A partner organisation's user
    curates only while the organisation may (`curator_standing`)."""
    return isinstance(user, User) and user.is_active and (user.is_superuser or user.role in CURATOR_ROLES)


def curators_filter() -> Q:
    """The rule of may_curate as a filter on users."""
    return Q(is_active=True) & (Q(is_superuser=True) | Q(role__in=CURATOR_ROLES))


def _organisation_curating(user: User) -> QuerySet[PartnerOrganisation]:
    """The user's partner organisation while its users may curate: active, with an agreement in force today that
    covers P5 (partners' rule of where an agreement stands, `Agreement.objects.in_force`)."""
    covers_p5 = Agreement.objects.in_force(timezone.localdate()).filter(
        organisation=OuterRef("pk"), steps__contains=[Step.P5]
    )
    return PartnerOrganisation.objects.filter(Exists(covers_p5), members__user=user, active=True)


def curator_standing(user: AnyUser) -> Q:
    """Whether the user may curate today, as a condition any query can carry (no query itself): agency staff
    may; a partner organisation's user while `_organisation_curating`; nobody else. With being named on the call,
    the rule of is_curator_of, for the grading queue's SQL and is_curator_of_product."""
    if not may_curate(user):
        return Q(pk__in=[])
    return Q(Exists(_organisation_curating(user))) if user.role == Role.PARTNER else Q()


def is_curator_of(user: AnyUser, call: ProductCall) -> bool:
    """A curator named on the call who may curate today (curator_standing): one query for the call's curators
    unless they were prefetched, and one for a partner organisation's user."""
    if not may_curate(user) or not any(curator.pk == user.pk for curator in call.curators.all()):
        return False
    return user.role != Role.PARTNER or _organisation_curating(user).exists()


# --- the business's own things ---------------------------------------------------------------------------------


def can_edit_business(user: AnyUser, business: Business) -> Decision:
    """Change the listing, add or change products and online stores: the verified business itself."""
    if not owns_business(user, business):
        return deny("not_own", NOT_OWN)
    if not is_verified(business.participant):
        return deny("not_verified", NOT_VERIFIED)
    return ALLOWED


def can_edit_product(user: AnyUser, product: Product) -> Decision:
    """Submit the product, send a returned submission again: the verified business itself (no query)."""
    return can_edit_business(user, product.business)


def is_in_curation(product: Product) -> bool:
    """A submission of the product is open: submitted, checked or validated (one query)."""
    return product.submissions.filter(status__in=OPEN_SUBMISSION_STATUSES).exists()


def can_change_product(user: AnyUser, product: Product) -> Decision:
    """Change a product or its photos: the business itself, while no submission of it is open (the mentor, the
    kecamatan and the curator judge what was submitted). One query."""
    decision = can_edit_product(user, product)
    if decision and is_in_curation(product):
        return deny("in_curation", IN_CURATION)
    return decision


def can_delete_product(user: AnyUser, product: Product) -> Decision:
    """Delete a product: as changing it, and never one that has been graded: its curation record stays (P5
    counts it). Two queries."""
    decision = can_change_product(user, product)
    if decision and product.submissions.filter(status=SubmissionStatus.GRADED).exists():
        return deny("curated", CURATION_RECORD)
    return decision


def can_check_store(user: AnyUser, store: OnlineStore) -> Decision:
    """Mark an online store as checked (real, and the business's): its mentor."""
    if not is_mentor_of(user, store.business):
        return deny("not_mentor", NOT_MENTOR)
    return ALLOWED


# --- calls and curation ----------------------------------------------------------------------------------------


def can_run_calls(user: AnyUser) -> Decision:
    if not is_agency(user):
        return deny("not_agency", NOT_AGENCY)
    return ALLOWED


def can_submit(user: AnyUser, product: Product, call: ProductCall, *, today: datetime.date) -> Decision:
    """Submit a product to a call: the business itself, while the call is open and takes the category."""
    decision = can_edit_product(user, product)
    if not decision:
        return decision
    if not call.is_open_on(today):
        return deny("call_closed", CALL_CLOSED)
    if not call.takes(product.category):
        return deny("category", CATEGORY_NOT_TAKEN)
    return ALLOWED


def _in_status(submission: Submission, *statuses: str) -> Decision:
    if submission.status not in statuses:
        return deny("status", NOT_STATUS % {"status": submission.get_status_display()})
    return ALLOWED


def can_check_submission(user: AnyUser, submission: Submission) -> Decision:
    """The mentor's check (pass or return): the business's mentor, on a submitted product."""
    if not is_mentor_of(user, submission.product.business):
        return deny("not_mentor", NOT_MENTOR)
    return _in_status(submission, SubmissionStatus.SUBMITTED)


def can_validate_submission(user: AnyUser, submission: Submission) -> Decision:
    """The kecamatan's validation (pass or return), after the mentor's check."""
    if not is_kecamatan_of(user, submission.product.business):
        return deny("not_kecamatan", NOT_KECAMATAN)
    return _in_status(submission, SubmissionStatus.CHECKED)


def can_grade_submission(user: AnyUser, submission: Submission) -> Decision:
    """A curator of the call grades a validated submission."""
    if not is_curator_of(user, submission.call):
        return deny("not_curator", NOT_CURATOR)
    return _in_status(submission, SubmissionStatus.VALIDATED)


def can_withdraw_submission(user: AnyUser, submission: Submission) -> Decision:
    if not owns_business(user, submission.product.business):
        return deny("not_own", NOT_OWN)
    return _in_status(
        submission,
        SubmissionStatus.SUBMITTED,
        SubmissionStatus.CHECKED,
        SubmissionStatus.VALIDATED,
        SubmissionStatus.RETURNED,
    )


# --- selling spaces --------------------------------------------------------------------------------------------


def can_run_spaces(user: AnyUser) -> Decision:
    if not is_agency(user):
        return deny("not_agency", NOT_AGENCY)
    return ALLOWED


def can_apply(
    user: AnyUser, business: Business, space: SellingSpace, *, best_grade: str, today: datetime.date
) -> Decision:
    """Apply for a space: the verified business itself, with a product graded as the space accepts
    (`best_grade`: the business's best grade, "" for none; the caller reads it), while the space takes
    applications and is not over."""
    decision = can_edit_business(user, business)
    if not decision:
        return decision
    if not space.active:
        return deny("space_closed", SPACE_CLOSED)
    if space.closes_on is not None and space.closes_on < today:
        return deny("space_over", SPACE_OVER)
    if best_grade not in space.accepts_grades:
        return deny("not_graded", NOT_GRADED % {"grades": "/".join(space.accepts_grades)})
    return ALLOWED


def can_decide_application(user: AnyUser, application: SpaceApplication) -> Decision:
    decision = can_run_spaces(user)
    if decision and application.status != ApplicationStatus.APPLIED:
        return deny("decided", NOT_APPLIED)
    return decision


SPACE_OVER = _("This selling space is over.")
NOT_OWN_APPLICATION = _("Only the business itself withdraws its application.")
ALLOCATION_CANCELLED = _("This booth allocation is cancelled already.")


def can_withdraw_application(user: AnyUser, application: SpaceApplication) -> Decision:
    """Withdraw an application: the business itself, while it waits for a decision (business with participant
    loaded: no query)."""
    if not owns_business(user, application.business):
        return deny("not_own", NOT_OWN_APPLICATION)
    if application.status != ApplicationStatus.APPLIED:
        return deny("decided", NOT_APPLIED)
    return ALLOWED


def can_cancel_allocation(user: AnyUser, allocation: BoothAllocation) -> Decision:
    """Cancel a booth allocation (it frees the booth for those days): agency staff, while it is live."""
    decision = can_run_spaces(user)
    if decision and allocation.cancelled_at is not None:
        return deny("cancelled", ALLOCATION_CANCELLED)
    return decision


# --- products and curation: seeing what is not public yet (h2) -------------------------------------------------

NOT_PUBLIC = _("This product is not in the public catalogue.")
NOT_INVOLVED = _(
    "Only the business, the mentors and secretariat of its kecamatan, agency staff and the call's curators see this."
)
NOT_RETURNED = _("Only a submission returned for changes is submitted again.")


def is_public_product(product: Product) -> bool:
    """In the public catalogue: graded A or B (choices.PUBLIC_GRADES), of a business whose listing is published
    (the listing loaded with it: no query)."""
    listing = getattr(product.business, "listing", None)
    return product.grade in PUBLIC_GRADES and listing is not None and listing.published


def validates_anywhere(user: AnyUser) -> bool:
    """Validates submissions somewhere: agency staff, or a kecamatan secretariat (no query; is_kecamatan_of says
    for which business)."""
    return is_agency(user) or permissions.is_secretariat(user)


def is_curator_of_product(user: AnyUser, product: Product) -> bool:
    """A curator of a call the product is submitted to, who may curate today (one query)."""
    if not may_curate(user):
        return False
    return ProductCall.objects.filter(curator_standing(user), submissions__product=product, curators=user).exists()


def can_view_marketing(user: AnyUser, participant: Participant) -> Decision:
    """A business's marketing beyond the public catalogue (its products and their photos, stores, submissions:
    the staff page of a participant's marketing) and who is behind it (the participant's name and kecamatan, the
    registered business name, the staff who handled its submissions): the business itself and program staff of it
    (is_staff_of). Acting stays with the roles: its current mentor checks, its kecamatan validates. No query."""
    if (isinstance(user, User) and participant.user_id == user.pk) or is_staff_of(user, participant):
        return ALLOWED
    return deny("not_staff", NOT_STAFF)


def can_view_product(user: AnyUser, product: Product) -> Decision:
    """A product and its photos before or outside the catalogue: those who see the business's marketing
    (can_view_marketing), and the curators of a call it is submitted to. Everyone once it is public."""
    if (
        is_public_product(product)
        or can_view_marketing(user, product.business.participant)
        or is_curator_of_product(user, product)
    ):
        return ALLOWED
    return deny("not_public", NOT_PUBLIC)


def can_view_photo(user: AnyUser, photo: ProductPhoto) -> Decision:
    return can_view_product(user, photo.product)


def can_view_submission(user: AnyUser, submission: Submission) -> Decision:
    """A submission's page: those who see the business's marketing and the call's curators."""
    if can_view_marketing(user, submission.product.business.participant) or is_curator_of(user, submission.call):
        return ALLOWED
    return deny("not_involved", NOT_INVOLVED)


def can_resubmit_submission(user: AnyUser, submission: Submission) -> Decision:
    """Send a returned submission back to its mentor, after changing the product: the business itself (the call
    may have closed since: it was submitted in time)."""
    decision = can_edit_product(user, submission.product)
    if not decision:
        return decision
    if submission.status != SubmissionStatus.RETURNED:
        return deny("status", NOT_RETURNED)
    return ALLOWED
