"""Reads of curation, scoped to who asks: open calls, the queues of mentors, kecamatan and curators, a
submission with its comments, and the calls with their counts per status for staff. Lists are a fixed number of
queries, whatever the number of rows."""

import datetime
from collections.abc import Iterable, Mapping
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts import permissions as account_permissions
from accounts.permissions import AnyUser
from partners.performance import Figure, Period, StepActivity, count_by_period
from registration.models import Business

from .. import permissions
from ..choices import OPEN_SUBMISSION_STATUSES, PUBLIC_GRADES, SubmissionStatus
from ..models import Product, ProductCall, Submission
from .products import mentored_by

# What a queue's row shows and its predicates read. Not who handled it (the submission's page shows them): each
# of those four joins made the queue's query one relation longer, and past PostgreSQL's join_collapse_limit (8)
# the planner stops reordering the joins and drove a mentor's queue from every submitted product (123 ms at 1M).
QUEUE_RELATED = (
    "call",
    "product__business__participant__registration",
    "product__business__participant__kecamatan",
    "product__business__listing",
)
# What a submission's rules and page read with it.
SUBMISSION_RELATED = (*QUEUE_RELATED, "submitted_by", "checked_by", "validated_by", "graded_by")


def open_calls(*, today: datetime.date) -> QuerySet[ProductCall]:
    """Calls taking submissions today, closing soonest first."""
    return ProductCall.objects.filter(opens_on__lte=today, closes_on__gte=today).order_by("closes_on", "pk")


def submissions_of(business: Business) -> QuerySet[Submission]:
    """The business's submissions, newest first, with their call and product."""
    return Submission.objects.filter(product__business=business).select_related("call", "product")


def open_submissions_of(product: Product) -> QuerySet[Submission]:
    """The product's open submissions (submitted, checked, validated), with their call: what its business may
    withdraw to change it."""
    return Submission.objects.filter(product=product, status__in=OPEN_SUBMISSION_STATUSES).select_related("call")


def submission_for(user: AnyUser, pk: int) -> Submission | None:
    """A submission the user may see (permissions.can_view_submission), with its people, its call's curators
    and its criterion comments; None for anyone else (a 404)."""
    submission = (
        Submission.objects.select_related(*SUBMISSION_RELATED)
        .prefetch_related("call__curators", "criterion_comments")
        .filter(pk=pk)
        .first()
    )
    if submission is None or not permissions.can_view_submission(user, submission):
        return None
    return submission


def _queue(queryset: QuerySet[Submission]) -> QuerySet[Submission]:
    """A queue: oldest first, with what a row shows and its action form reads."""
    return queryset.select_related(*QUEUE_RELATED).prefetch_related("product__photos").order_by("submitted_at", "pk")


def check_filter(user: AnyUser) -> Q:
    """The mentor's queue: submitted products of the businesses they mentor."""
    return mentored_by(user, through="product__business__") & Q(status=SubmissionStatus.SUBMITTED)


def kecamatan_scope(user: AnyUser) -> Q:
    """The businesses the user validates for (permissions.is_kecamatan_of): agency staff all, the secretariat
    their kecamatan's, anyone else none."""
    if account_permissions.is_program_wide(user):
        return Q()
    if account_permissions.is_secretariat(user):
        return Q(product__business__participant__kecamatan_id=user.office_id)  # type: ignore[union-attr]
    return Q(pk__in=[])


def validation_filter(user: AnyUser) -> Q:
    """The kecamatan's queue: submissions checked by the mentor, waiting for validation."""
    return kecamatan_scope(user) & Q(status=SubmissionStatus.CHECKED)


def grading_filter(user: AnyUser) -> Q:
    """The curator's queue: validated submissions of the calls they curate, while they may curate (the rule of
    permissions.is_curator_of: a partner organisation's user while the organisation is active and an agreement in
    force covers P5), in the queue's one query."""
    if not permissions.may_curate(user):
        return Q(pk__in=[])
    curates = ProductCall.curators.through.objects.filter(productcall_id=OuterRef("call_id"), user_id=user.pk)
    return Q(Exists(curates), status=SubmissionStatus.VALIDATED) & permissions.curator_standing(user)


QUEUES = {"check": check_filter, "validate": validation_filter, "grade": grading_filter}


def check_queue(user: AnyUser) -> QuerySet[Submission]:
    return _queue(Submission.objects.filter(check_filter(user)))


def validation_queue(user: AnyUser) -> QuerySet[Submission]:
    return _queue(Submission.objects.filter(validation_filter(user)))


def grading_queue(user: AnyUser) -> QuerySet[Submission]:
    return _queue(Submission.objects.filter(grading_filter(user))).prefetch_related("call__curators")


def waiting_counts(user: AnyUser, queues: Iterable[str]) -> dict[str, int]:
    """How many submissions wait for the user in each of these queues ("check", "validate", "grade"): one
    query."""
    wanted = {name: QUEUES[name](user) for name in queues}
    if not wanted:
        return {}
    # the rows of any of the queues first (the WHERE an index serves), then each queue's count among them
    counts: dict[str, int] = Submission.objects.filter(reduce(or_, wanted.values())).aggregate(
        **{name: Count("pk", filter=condition) for name, condition in wanted.items()}
    )
    return counts


def _with_counts(calls: QuerySet[ProductCall]) -> QuerySet[ProductCall]:
    counts: dict[str, Any] = {
        f"n_{status}": Count("submissions", filter=Q(submissions__status=status)) for status in SubmissionStatus.values
    }
    return calls.annotate(n_total=Count("submissions"), **counts)


def calls_for_staff(user: AnyUser) -> QuerySet[ProductCall]:
    """Every call with its number of submissions in each status (agency staff), newest first."""
    if not permissions.can_run_calls(user):
        return ProductCall.objects.none()
    return _with_counts(ProductCall.objects.all()).prefetch_related("curators")


def call_submissions(call: ProductCall) -> QuerySet[Submission]:
    """A call's submissions for staff, newest first, with their product and business."""
    return (
        Submission.objects.filter(call=call)
        .select_related("product__business__participant", "product__business__listing", "graded_by")
        .order_by("-submitted_at", "-pk")
    )


# --- partner performance (targets.partners) ---------------------------------------------------------------------


def partner_activity(periods: Mapping[int, Period]) -> dict[int, StepActivity]:
    """P5 as each partner curated in each period (by the caller's key): the submissions its users graded then (as
    curators named on a call), and of those the ones graded ready to sell (A or B, what the catalogue shows);
    served: the participants whose products they graded. A marketplace's reading of the public catalogue is
    nobody's data (marketing.api) and counts nothing here. ONE query whatever the number of periods; the
    participants are a subquery."""
    graded = Submission.objects.filter(status=SubmissionStatus.GRADED)
    partner, moment = "graded_by__partner_membership__organisation_id", "graded_at"
    figures = count_by_period(
        graded,
        periods,
        partner=partner,
        moment=moment,
        counters={
            "graded": lambda within: Count("pk", filter=within),
            "ready": lambda within: Count("pk", filter=within & Q(grade__in=PUBLIC_GRADES)),
        },
    )
    return {
        key: StepActivity(
            activities=figures[key]["graded"],
            label=_("Submissions graded"),
            participants=graded.filter(period.of(partner, moment))
            .order_by()
            .values("product__business__participant_id"),
            details=(Figure(_("Graded ready to sell"), figures[key]["ready"]),),
        )
        for key, period in periods.items()
    }
