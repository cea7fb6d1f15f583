"""Writes of curation as the program runs it: staff open a call for products; a business submits a product;
its mentor checks it, the kecamatan validates it, a curator of the call grades it (A, B or C, with a comment per
criterion). A mentor or the kecamatan may return a submission with what to change; the business changes the
product and submits it again.

Every step locks the submission's row (SELECT ... FOR UPDATE) and checks its status under the lock, so two
people acting at once on one submission act one after the other and the second is refused: a submission is
graded once. Grading also sets the product's grade (its latest) in the same transaction."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core import audit
from core.web import absolute_url
from notifications.services import notify
from registration import measures

from .. import permissions
from ..choices import Category, Criterion, Grade, SubmissionStatus
from ..messages import MESSAGES
from ..models import CriterionComment, Product, ProductCall, Submission
from .common import message_name

# How much of a name or a reason a message (an SMS) carries; the submission's page shows them whole.
MESSAGE_NAME_CHARS = 40
MESSAGE_REASON_CHARS = 75

REASON_REQUIRED = _("Say what the business should change.")
COMMENT_REQUIRED = _("Write a comment on this criterion.")
OVERALL_REQUIRED = _("Write an overall comment for the business.")
NOT_A_GRADE = _("Choose grade A, B or C.")
NOT_A_CURATOR = _("%(name)s cannot curate: a curator is agency staff or a partner organisation's user.")
SUBMITTED_ALREADY = _("This product is submitted to this call already.")
NOT_A_CATEGORY = _("Choose categories from the list.")


# --- the values the services take -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallData:
    """A call for products: its theme, dates, the categories it takes (none: all) and its curators."""

    title: str
    opens_on: datetime.date
    closes_on: datetime.date
    curators: Sequence[User]
    theme: str = ""
    description: str = ""
    categories: Sequence[str] = ()

    @classmethod
    def of(cls, call: ProductCall) -> "CallData":
        return cls(
            title=call.title,
            theme=call.theme,
            description=call.description,
            opens_on=call.opens_on,
            closes_on=call.closes_on,
            categories=tuple(call.categories),
            curators=tuple(call.curators.all()),
        )


@dataclass(frozen=True)
class GradeData:
    """A curator's grade: A, B or C, a comment on every criterion (choices.Criterion) and an overall comment."""

    grade: str
    comments: Mapping[str, str]
    comment: str


# --- calls ------------------------------------------------------------------------------------------------------


def check_call(data: CallData) -> None:
    """The rules of a call's values besides the model's own (its dates): its curators may curate, its categories
    are known. The services call it; the admin's form too, to show a refusal on the form."""
    errors: dict[str, list[ValidationError]] = {}
    refused = [user for user in data.curators if not permissions.may_curate(user)]
    if refused:
        errors["curators"] = [
            ValidationError(NOT_A_CURATOR % {"name": user.full_name or user.email}, code="not_a_curator")
            for user in refused
        ]
    if set(data.categories) - set(Category.values):
        errors["categories"] = [ValidationError(NOT_A_CATEGORY, code="invalid_choice")]
    if errors:
        raise ValidationError(errors)


def _apply(call: ProductCall, data: CallData) -> None:
    call.title = data.title.strip()
    call.theme = data.theme.strip()
    call.description = data.description.strip()
    call.opens_on = data.opens_on
    call.closes_on = data.closes_on
    call.categories = sorted(set(data.categories))
    call.full_clean(exclude=["created_by", "curators"])


@transaction.atomic
@audit.audited
def call_create(*, data: CallData, acting_user: User) -> ProductCall:
    """Open a call for products (agency staff)."""
    permissions.can_run_calls(acting_user).enforce()
    check_call(data)
    call = ProductCall(created_by=acting_user)
    _apply(call, data)
    call.save()
    call.curators.set(data.curators)
    return call


@transaction.atomic
@audit.audited
def call_update(*, call: ProductCall, data: CallData, acting_user: User) -> ProductCall:
    """Change a call's theme, dates, categories or curators (agency staff). Submissions stay as they are."""
    permissions.can_run_calls(acting_user).enforce()
    locked = ProductCall.objects.select_for_update().get(pk=call.pk)
    check_call(data)
    _apply(locked, data)
    locked.save()
    locked.curators.set(data.curators)
    return locked


# --- submissions ------------------------------------------------------------------------------------------------


def _lock(submission: Submission) -> Submission:
    """The submission's row locked, with what its rules and messages read."""
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("call", "product__business__participant__registration", "product__business__participant__user")
        .get(pk=submission.pk)
    )


def _notify(submission: Submission, template: str, **extra: str) -> None:
    """A message to the business about its submission: names and reasons shortened to fit an SMS (the page
    shows them whole)."""
    participant = submission.product.business.participant
    context = {
        "full_name": message_name(participant),
        "product": Truncator(submission.product.name).chars(MESSAGE_NAME_CHARS),
        "call": Truncator(submission.call.title).chars(MESSAGE_NAME_CHARS),
        "link": absolute_url("marketing:submission", submission.pk),
        **extra,
    }
    notify(template=template, context={key: context[key] for key in MESSAGES[template]}, user=participant.user)


@transaction.atomic
@audit.audited
def submission_submit(*, product: Product, call: ProductCall, acting_user: User) -> Submission:
    """Submit a product to an open call that takes its category (the business itself). A submission withdrawn
    earlier is opened again; one returned is submitted again from its page."""
    locked_product = (
        Product.objects.select_for_update(of=("self",))
        .select_related("business__participant__registration")
        .get(pk=product.pk)
    )
    permissions.can_submit(acting_user, locked_product, call, today=timezone.localdate()).enforce()
    existing = Submission.objects.select_for_update().filter(call=call, product=locked_product).first()
    if existing is not None and existing.status != SubmissionStatus.WITHDRAWN:
        raise ValidationError(SUBMITTED_ALREADY, code="submitted_already")
    submission = existing or Submission(call=call, product=locked_product)
    _start(submission, acting_user)
    submission.save()
    return submission


def _start(submission: Submission, user: User) -> None:
    """A submission (new, withdrawn or returned) starting its way again: waiting for the mentor's check."""
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_by = user
    submission.submitted_at = timezone.now()
    submission.checked_by = submission.validated_by = None
    submission.checked_at = submission.validated_at = None


@transaction.atomic
@audit.audited
def submission_resubmit(*, submission: Submission, acting_user: User) -> Submission:
    """Send a returned submission back to the mentor after changing the product (the business itself). What
    was asked stays on it (`returned_reason`), for the mentor to see it was done."""
    locked = _lock(submission)
    permissions.can_resubmit_submission(acting_user, locked).enforce()
    _start(locked, acting_user)
    locked.save()
    return locked


@transaction.atomic
@audit.audited
def submission_withdraw(*, submission: Submission, acting_user: User) -> Submission:
    locked = _lock(submission)
    permissions.can_withdraw_submission(acting_user, locked).enforce()
    locked.status = SubmissionStatus.WITHDRAWN
    locked.save(update_fields=["status"])
    return locked


def _return(submission: Submission, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(REASON_REQUIRED, code="required")})
    submission.status = SubmissionStatus.RETURNED
    submission.returned_reason = reason
    _notify(submission, "marketing_submission_returned", reason=Truncator(reason).chars(MESSAGE_REASON_CHARS))


@transaction.atomic
@audit.audited
def submission_check(*, submission: Submission, passed: bool, reason: str, acting_user: User) -> Submission:
    """The mentor's check of a submitted product: pass it on to the kecamatan, or return it with what to
    change (the business is told)."""
    locked = _lock(submission)
    permissions.can_check_submission(acting_user, locked).enforce()
    locked.checked_by = acting_user
    locked.checked_at = timezone.now()
    if passed:
        locked.status = SubmissionStatus.CHECKED
    else:
        _return(locked, reason)
    locked.save()
    return locked


@transaction.atomic
@audit.audited
def submission_validate(*, submission: Submission, passed: bool, reason: str, acting_user: User) -> Submission:
    """The kecamatan's validation of a checked submission: pass it on to the curators, or return it with what
    to change (the business is told)."""
    locked = _lock(submission)
    permissions.can_validate_submission(acting_user, locked).enforce()
    locked.validated_by = acting_user
    locked.validated_at = timezone.now()
    if passed:
        locked.status = SubmissionStatus.VALIDATED
    else:
        _return(locked, reason)
    locked.save()
    return locked


def check_grade(data: GradeData) -> None:
    """A grade as curation takes it: A, B or C, a comment on every criterion and an overall comment. Errors are
    keyed "grade", each criterion's value and "comment"."""
    errors: dict[str, list[ValidationError]] = {}
    if data.grade not in Grade.values:
        errors["grade"] = [ValidationError(NOT_A_GRADE, code="invalid_choice")]
    for criterion in Criterion:
        if not (data.comments.get(criterion.value) or "").strip():
            errors[criterion.value] = [ValidationError(COMMENT_REQUIRED, code="required")]
    if not data.comment.strip():
        errors["comment"] = [ValidationError(OVERALL_REQUIRED, code="required")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
@audit.audited
def submission_grade(*, submission: Submission, data: GradeData, acting_user: User) -> Submission:
    """A curator of the call grades a validated submission: the grade, a comment per criterion and an overall
    comment. The product takes the grade (its latest) and the business is told where to read the comments."""
    locked = _lock(submission)
    permissions.can_grade_submission(acting_user, locked).enforce()
    check_grade(data)
    now = timezone.now()
    locked.status = SubmissionStatus.GRADED
    locked.grade = data.grade
    locked.graded_by = acting_user
    locked.graded_at = now
    locked.comment = data.comment.strip()
    locked.save()
    CriterionComment.objects.bulk_create(
        CriterionComment(submission=locked, criterion=criterion.value, comment=data.comments[criterion.value].strip())
        for criterion in Criterion
    )
    product = Product.objects.select_for_update(of=("self",)).get(pk=locked.product_id)
    product.grade = data.grade
    product.graded_at = now
    product.save(update_fields=["grade", "graded_at", "updated_at"])
    measures.changed(locked.product.business.participant_id)
    _notify(locked, "marketing_submission_graded", grade=data.grade)
    return locked
