"""Who may do what in P5 marketing, checking role AND state: `can_<action>(user, obj, ...) -> Decision`.

Services enforce these (`.enforce()`); views, templates, the admin and the API only ask them. The roles:
- the business (its participant's own account) edits only its own listing, products and stores, and applies
  for spaces; it must be verified;
- its mentor (the participant's active mentor) checks its submissions and online stores;
- the kecamatan (the secretariat of the business's kecamatan office; agency staff anywhere) validates;
- a curator (a user named on the call) grades; a curator never edits a product;
- agency staff run calls, spaces and booths."""

import datetime

from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.models import User
from accounts.permissions import AnyUser
from core.decisions import ALLOWED, Decision, deny
from mentoring.selectors import current_mentor
from registration.models import Business
from registration.selectors import is_verified

from .choices import ApplicationStatus, SubmissionStatus
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


# --- roles (plain answers, no query) ---------------------------------------------------------------------------


def is_agency(user: AnyUser) -> bool:
    return permissions.is_program_wide(user)


def owns_business(user: AnyUser, business: Business) -> bool:
    """The business is the user's own (its participant was loaded with it: no query)."""
    return isinstance(user, User) and business.participant.user_id == user.pk


def is_kecamatan_of(user: AnyUser, business: Business) -> bool:
    """Agency staff anywhere; the secretariat of the business owner's kecamatan office."""
    return permissions.is_program_wide(user) or (
        permissions.is_secretariat(user) and user.office_id == business.participant.kecamatan_id  # type: ignore[union-attr]
    )


def is_mentor_of(user: AnyUser, business: Business) -> bool:
    """The current mentor of the business's participant (one query)."""
    if not isinstance(user, User) or not user.is_active:
        return False
    mentor = current_mentor(business.participant)
    return mentor is not None and mentor.pk == user.pk


def is_curator_of(user: AnyUser, call: ProductCall) -> bool:
    """A curator named on the call (one query, unless the call's curators were prefetched)."""
    if not isinstance(user, User) or not user.is_active:
        return False
    return any(curator.pk == user.pk for curator in call.curators.all())


# --- the business's own things ---------------------------------------------------------------------------------


def can_edit_business(user: AnyUser, business: Business) -> Decision:
    """Change the listing, add or change products and online stores: the verified business itself."""
    if not owns_business(user, business):
        return deny("not_own", NOT_OWN)
    if not is_verified(business.participant):
        return deny("not_verified", NOT_VERIFIED)
    return ALLOWED


def can_edit_product(user: AnyUser, product: Product) -> Decision:
    return can_edit_business(user, product.business)


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
NOT_INVOLVED = _("Only the business, its mentor, its kecamatan, agency staff and the call's curators see this.")
NOT_RETURNED = _("Only a submission returned for changes is submitted again.")


def is_public_product(product: Product) -> bool:
    """In the public catalogue: curated, of a business whose listing is published (the listing loaded with it:
    no query)."""
    listing = getattr(product.business, "listing", None)
    return product.is_curated and listing is not None and listing.published


def validates_anywhere(user: AnyUser) -> bool:
    """Validates submissions somewhere: agency staff, or a kecamatan secretariat (no query; is_kecamatan_of says
    for which business)."""
    return is_agency(user) or permissions.is_secretariat(user)


def is_curator_of_product(user: AnyUser, product: Product) -> bool:
    """A curator of a call the product is submitted to (one query)."""
    if not isinstance(user, User) or not user.is_active:
        return False
    return ProductCall.objects.filter(submissions__product=product, curators=user).exists()


def _involved_with(user: AnyUser, business: Business) -> bool:
    return owns_business(user, business) or is_kecamatan_of(user, business) or is_mentor_of(user, business)


def can_view_product(user: AnyUser, product: Product) -> Decision:
    """A product and its photos before or outside the catalogue: the business, its mentor, its kecamatan,
    agency staff, and the curators of a call it is submitted to. Everyone once it is public."""
    if (
        is_public_product(product)
        or _involved_with(user, product.business)
        or is_curator_of_product(user, product)
    ):
        return ALLOWED
    return deny("not_public", NOT_PUBLIC)


def can_view_photo(user: AnyUser, photo: ProductPhoto) -> Decision:
    return can_view_product(user, photo.product)


def can_view_submission(user: AnyUser, submission: Submission) -> Decision:
    """A submission's page: the business, its mentor, its kecamatan, agency staff and the call's curators."""
    if _involved_with(user, submission.product.business) or is_curator_of(user, submission.call):
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
