"""P5 on the participant's journey: done once the business sells through the program: a product graded by a
curator, a booth given to it (not cancelled) or an online store its mentor checked. A product counts once graded,
from its curation record (a graded submission), so a later change that takes its current grade away (services
.products) leaves the step done. One query, whatever the number of products, stores and submissions."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from core.queries import count_of
from registration.choices import Status
from registration.journey import State, StepStatus
from registration.models import Participant

from .choices import OPEN_SUBMISSION_STATUSES, SubmissionStatus
from .models import BoothAllocation, OnlineStore, Product, Submission


def _graded_products(participant: OuterRef) -> QuerySet[Product]:
    """The participant's products graded in a call, whatever their grade now."""
    graded = Submission.objects.filter(product=OuterRef("pk"), status=SubmissionStatus.GRADED)
    return Product.objects.filter(Exists(graded), business__participant=participant)


def _graded(participant: OuterRef) -> "Exists":
    return Exists(_graded_products(participant))


def _booth(participant: OuterRef) -> "Exists":
    return Exists(BoothAllocation.objects.filter(business__participant=participant, cancelled_at__isnull=True))


def _checked_store(participant: OuterRef) -> "Exists":
    return Exists(OnlineStore.objects.filter(business__participant=participant, checked_at__isnull=False))


class MarketingStep:
    code = "P5"

    def done_filter(self) -> Q:
        """P5 is done with a graded product, a booth allocation not cancelled or a checked online store (the
        same rule as the DONE status below)."""
        here = OuterRef("pk")
        return Q(_graded(here)) | Q(_booth(here)) | Q(_checked_store(here))

    def status(self, user: User) -> StepStatus:
        here = OuterRef("pk")
        submissions = Submission.objects.filter(product__business__participant=here)
        row = (
            Participant.objects.filter(user=user)
            .annotate(
                graded=count_of(_graded_products(here)),
                booth=_booth(here),
                checked_stores=count_of(
                    OnlineStore.objects.filter(business__participant=here, checked_at__isnull=False)
                ),
                products=count_of(Product.objects.filter(business__participant=here)),
                returned=count_of(submissions.filter(status=SubmissionStatus.RETURNED)),
                in_curation=count_of(submissions.filter(status__in=OPEN_SUBMISSION_STATUSES)),
            )
            .values("registration__status", "graded", "booth", "checked_stores", "products", "returned", "in_curation")
            .first()
        )
        if row is None or row["registration__status"] != Status.APPROVED:
            return StepStatus(State.NOT_STARTED, _("Marketing opens to you once your registration is verified."))
        if row["graded"] or row["booth"] or row["checked_stores"]:
            return StepStatus(
                State.DONE, _done_summary(row), _("Apply to a selling space"), reverse("marketing:spaces")
            )
        if row["returned"]:
            return StepStatus(
                State.ACTION_NEEDED,
                ngettext(
                    "%(count)d submission was returned with what to change.",
                    "%(count)d submissions were returned with what to change.",
                    row["returned"],
                )
                % {"count": row["returned"]},
                _("See what to change"),
                reverse("marketing:mine"),
            )
        if row["in_curation"]:
            return StepStatus(
                State.IN_PROGRESS,
                ngettext(
                    "%(count)d product is being curated.", "%(count)d products are being curated.", row["in_curation"]
                )
                % {"count": row["in_curation"]},
                _("See your submissions"),
                reverse("marketing:mine"),
            )
        if row["products"]:
            return StepStatus(
                State.IN_PROGRESS,
                _(
                    "Submit a product to a call for products: a curator grades it, and graded products can sell at "
                    "the program's selling spaces."
                ),
                _("Submit to a call"),
                reverse("marketing:calls"),
            )
        return StepStatus(
            State.NOT_STARTED,
            _("List your products, with photos and prices, and link your online stores."),
            _("List your products"),
            reverse("marketing:product_new"),
        )


def _done_summary(row: Mapping[str, Any]) -> str:
    parts = []
    if row["graded"]:
        parts.append(
            ngettext("%(count)d product graded", "%(count)d products graded", row["graded"]) % {"count": row["graded"]}
        )
    if row["checked_stores"]:
        parts.append(
            ngettext("%(count)d online store checked", "%(count)d online stores checked", row["checked_stores"])
            % {"count": row["checked_stores"]}
        )
    if row["booth"]:
        parts.append(str(_("a booth at a selling space")))
    return str(_("You sell through the program: %(what)s.") % {"what": ", ".join(parts)})
