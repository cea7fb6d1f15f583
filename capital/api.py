"""The partner API of P7 capital: for a lender (a bank, fintech or cooperative whose agreement in force covers
P7), the loan referrals the program sent it, and its moves on each: under review, approved or refused, disbursed.

A key sees a referral only when its organisation is the referral's lender and the program sent it (a move to sent:
one still requested, or withdrawn before it was sent, never reached the lender), while the key's agreement in force
covers loan assessment (partners.scope); anything else, another lender's referral among them, is 404. The list
carries what was asked and where it stands (the product, the amounts, the tenor, the use of the money, the moves'
statuses and dates: never who of the program moved it nor the notes written for the participant); the detail adds
the data the participant named in the referral's consent (`shared`), and only that: their identity, their
business, their reports and latest statement; and only while the referral is live for the lender (sent, under
review, approved, disbursed: `capital.choices.LIVE_STATUSES`) and its consent stands
(`LoanReferral.shown_to_lender`). Refused, withdrawn, or its consent withdrawn, a referral stays listed with its
status and amounts, every part of the participant's data null. The identity carries the NIK whole: the one place a
key sees it unmasked (partners.choices.PURPOSE_DATA shows a lender the name alone everywhere else), since the
participant named it for this lender and this loan. A move calls the same service as the admin, acting as the
organisation's API account, so MOVES and the capital predicates decide (a refusal is a 409 with its code, a
service's invalid value a 400 by field); every read of a participant is logged."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import routers, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import OptionalEmailField, error_responses, for_schema
from core.money import MAX_RUPIAH
from finance.classes import ClassNow, class_now
from finance.models import MonthlyRecord, Statement
from partners import scope
from partners.api import KecamatanSerializer, ScopedReadViewSet
from partners.api_access import api_user_of, key_of
from partners.choices import LENDER_KINDS, Purpose
from partners.models import PartnerKey
from registration.choices import Sector
from registration.models import Business, Participant

from . import permissions, services
from .choices import LENDER_STATUSES, Mover, ReferralStatus, SharedData
from .models import FinancingProduct, LoanReferral, ReferralMove

LOAN = Purpose.LOAN_ASSESSMENT
REPORT_MONTHS = 12  # the reports a lender reads: the newest twelve months
# the statuses a lender sees and filters by, and those its moves reach (capital.choices.MOVES, mover the lender)
SEEN_CHOICES = [(status.value, status.label) for status in ReferralStatus if status in LENDER_STATUSES]
MOVE_CHOICES = [
    (status.value, status.label) for status in ReferralStatus if permissions.MOVER_OF.get(status) == Mover.LENDER
]


def serves_lending(key: PartnerKey) -> bool:
    """A lender's key: a bank, fintech or cooperative whose agreement in force covers P7 (loan assessment)."""
    return key.organisation.kind in LENDER_KINDS and LOAN in scope.covered_purposes(key)


def visible_referrals(key: PartnerKey) -> QuerySet[LoanReferral]:
    """The referrals to the key's organisation that the program sent it (a move to sent), in whatever status they
    are now; none unless the key serves lending. A referral never sent (still requested, or withdrawn before) is
    the program's business. What of the participant each shows is the referral's (`shown_to_lender`)."""
    if not serves_lending(key):
        return LoanReferral.objects.none()
    sent = ReferralMove.objects.filter(referral=OuterRef("pk"), to_status=ReferralStatus.SENT)
    return LoanReferral.objects.filter(Exists(sent), lender_id=key.organisation_id)


# --- what a lender reads ----------------------------------------------------------------------------------------


class FinancingProductSerializer(serializers.ModelSerializer[FinancingProduct]):
    class Meta:
        model = FinancingProduct
        fields = ["code", "name"]
        read_only_fields = fields


class ReferralMoveSerializer(serializers.ModelSerializer[ReferralMove]):
    """A move's statuses and date: who of the program moved it and its note (written for the participant) are
    not the lender's."""

    from_status = serializers.CharField(read_only=True, help_text="The status it left; empty for the request made.")
    to_status = serializers.ChoiceField(choices=ReferralStatus.choices, read_only=True)

    class Meta:
        model = ReferralMove
        fields = ["from_status", "to_status", "moved_at"]
        read_only_fields = fields


class OptionalTextField(serializers.CharField):
    """A text a person may leave empty: null in the answer when empty (see core.api.OptionalURLField)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value: Any) -> Any:
        return value or None


class ReferralIdentitySerializer(serializers.ModelSerializer[Participant]):
    """The participant's identity: the NIK whole (the one place a key sees it unmasked)."""

    nik = serializers.CharField(
        read_only=True, help_text="Whole: 16 digits (the participant shared it for this loan)."
    )
    phone = OptionalTextField(help_text="+62…; null when the participant gave none.")
    email = OptionalEmailField(help_text="Null when the participant gave none.")

    class Meta:
        model = Participant
        fields = ["full_name", "nik", "birth_date", "address", "phone", "email"]
        read_only_fields = fields


@dataclass(frozen=True)
class BusinessNow:
    """A business with its PP 7/2021 class at registration and now (finance.classes.class_now)."""

    business: Business
    classes: ClassNow


class ReferralBusinessSerializer(serializers.Serializer[BusinessNow]):
    name = serializers.CharField(source="business.name", read_only=True)
    sector = serializers.ChoiceField(source="business.sector", choices=Sector.choices, read_only=True)
    address = serializers.CharField(source="business.address", read_only=True)
    kecamatan = KecamatanSerializer(source="business.kecamatan", read_only=True)
    started_on = serializers.DateField(source="business.started_on", read_only=True, allow_null=True)
    workers = serializers.IntegerField(source="business.workers", read_only=True, help_text="At registration.")
    class_at_registration = serializers.CharField(
        source="classes.baseline", read_only=True, help_text="PP 7/2021: micro, small, medium or large."
    )
    class_now = serializers.CharField(
        source="classes.current",
        read_only=True,
        allow_null=True,
        help_text="PP 7/2021, by the reports of the last twelve months; null with no report in them.",
    )


class ReferralReportSerializer(serializers.ModelSerializer[MonthlyRecord]):
    month = serializers.DateField(read_only=True, help_text="The first day of the month.")
    expenses = serializers.IntegerField(read_only=True, allow_null=True, help_text="Rupiah; null when not reported.")
    profit = serializers.IntegerField(read_only=True, allow_null=True, help_text="Rupiah; null when not reported.")

    class Meta:
        model = MonthlyRecord
        fields = ["month", "turnover", "expenses", "profit", "assets", "workers"]
        read_only_fields = fields


class ReferralStatementSerializer(serializers.ModelSerializer[Statement]):
    code = serializers.CharField(read_only=True, help_text="The verification code printed on the PDF.")

    class Meta:
        model = Statement
        fields = ["code", "period_start", "period_end", "issued_at"]
        read_only_fields = fields


class ReferralStatementsSerializer(serializers.Serializer[Participant]):
    """The business's reports and statements."""

    reports = ReferralReportSerializer(
        many=True, read_only=True, help_text="The newest twelve months reported, newest first."
    )
    latest_statement = ReferralStatementSerializer(
        read_only=True, allow_null=True, help_text="The latest statements issued as a PDF; null when none."
    )

    def to_representation(self, instance: Participant) -> dict[str, Any]:
        reports = MonthlyRecord.objects.filter(participant=instance).order_by("-month")[:REPORT_MONTHS]
        latest = Statement.objects.filter(participant=instance).order_by("-issued_at", "-pk").first()
        return {
            "reports": ReferralReportSerializer(reports, many=True).data,
            "latest_statement": ReferralStatementSerializer(latest).data if latest is not None else None,
        }


class NamedPartField(serializers.Field[LoanReferral, Any, dict[str, Any] | None, LoanReferral], ABC):
    """One part of the data the participant named for the lender in the referral's consent (`shared`), read from
    the referral itself: null unless named, and null once the referral is no longer live for the lender (refused,
    withdrawn, or its consent withdrawn)."""

    part: str

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", required=False, allow_null=True, **kwargs)

    def to_representation(self, value: LoanReferral) -> dict[str, Any] | None:
        return self.shown(value) if value.shown_to_lender(self.part) else None

    @abstractmethod
    def shown(self, referral: LoanReferral) -> dict[str, Any] | None:
        """The part's fields, for a referral that names it (each part's field says which)."""


@extend_schema_field(ReferralIdentitySerializer(allow_null=True))
class IdentityField(NamedPartField):
    part = SharedData.IDENTITY

    def shown(self, referral: LoanReferral) -> dict[str, Any]:
        return dict(ReferralIdentitySerializer(referral.participant).data)


@extend_schema_field(ReferralBusinessSerializer(allow_null=True))
class BusinessField(NamedPartField):
    part = SharedData.BUSINESS

    def shown(self, referral: LoanReferral) -> dict[str, Any] | None:
        participant = referral.participant
        business = getattr(participant, "business", None)
        if business is None:
            return None
        classes = class_now(participant, business, today=timezone.localdate())
        return dict(ReferralBusinessSerializer(BusinessNow(business, classes)).data)


@extend_schema_field(ReferralStatementsSerializer(allow_null=True))
class StatementsField(NamedPartField):
    part = SharedData.STATEMENTS

    def shown(self, referral: LoanReferral) -> dict[str, Any]:
        return dict(ReferralStatementsSerializer(referral.participant).data)


NAMED_PARTS = ("identity", "business", "statements")


class ReferralSerializer(serializers.ModelSerializer[LoanReferral]):
    """A referral as its lender reads it: what was asked and where it stands. The detail, and the answer to a
    move, add the data the participant named for you, each part null unless named, and every part null once the
    referral is refused or withdrawn or its consent withdrawn; a list row leaves them out."""

    product = FinancingProductSerializer(read_only=True)
    status = serializers.ChoiceField(choices=SEEN_CHOICES, read_only=True)
    shared = serializers.ListField(
        child=serializers.ChoiceField(choices=SharedData.choices),
        read_only=True,
        help_text=(
            "The data the participant named in the consent of this referral: the detail shows these alone, while "
            "the referral is sent, under review, approved or disbursed and its consent stands."
        ),
    )
    lender_reference = OptionalTextField(help_text="Your own reference, once you set one; null before.")
    amount_requested = serializers.IntegerField(read_only=True, help_text="Rupiah.")
    amount_approved = serializers.IntegerField(read_only=True, allow_null=True, help_text="Rupiah, once approved.")
    amount_disbursed = serializers.IntegerField(read_only=True, allow_null=True, help_text="Rupiah, once disbursed.")
    moves = ReferralMoveSerializer(many=True, read_only=True, help_text="Every move, the oldest first.")
    # the detail's alone (`required=False`: a list row has none); each null unless the participant named it, and
    # null once the referral is no longer live for the lender
    identity = IdentityField(
        help_text="The detail's: the participant's identity, the NIK whole. Null unless named, and once the referral "
        "is refused or withdrawn or its consent withdrawn."
    )
    business = BusinessField(
        help_text="The detail's: the business. Null unless named, when the participant has none, and once the "
        "referral is refused or withdrawn or its consent withdrawn."
    )
    statements = StatementsField(
        help_text="The detail's: the monthly reports and the latest statements. Null unless named, and once the "
        "referral is refused or withdrawn or its consent withdrawn."
    )

    class Meta:
        model = LoanReferral
        fields = [
            "id",
            "product",
            "amount_requested",
            "tenor_months",
            "use_of_funds",
            "status",
            "shared",
            "lender_reference",
            "amount_approved",
            "amount_disbursed",
            "disbursed_on",
            "created_at",
            "moved_at",
            "moves",
            *NAMED_PARTS,
        ]
        read_only_fields = fields

    def __init__(self, *args: Any, rows: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if rows:
            for name in NAMED_PARTS:
                self.fields.pop(name)


# --- the lender's moves -----------------------------------------------------------------------------------------


class ReferralMoveInputSerializer(serializers.Serializer[Any]):
    """The lender's move of a referral sent to it: under review, approved (with the amount approved), refused,
    disbursed (with the amount disbursed and the day); its own reference may come with any move."""

    status = serializers.ChoiceField(choices=MOVE_CHOICES, help_text="The referral's new status.")
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=services.NOTE_CHARS,
        default="",
        help_text="For the participant to read: needed to refuse (the reason).",
    )
    amount = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=MAX_RUPIAH,
        help_text="Rupiah: needed to approve (the amount approved) and to disburse (the amount disbursed).",
    )
    day = serializers.DateField(required=False, allow_null=True, default=None, help_text="Needed to disburse.")
    lender_reference = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=services.REFERENCE_CHARS,
        default=None,
        help_text="Your own reference for the referral; left out: unchanged.",
    )


class ReferralFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SEEN_CHOICES)
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="moved_at", lookup_expr="gte", help_text="Referrals moved at or after this time (ISO 8601)."
    )

    class Meta:
        model = LoanReferral
        fields = ["status", "updated_since"]


@extend_schema(tags=["capital"])
@extend_schema_view(
    list=extend_schema(responses={200: ReferralSerializer(many=True), **error_responses(400, 404)}),
    retrieve=extend_schema(responses={200: ReferralSerializer, **error_responses(404)}),
)
class ReferralViewSet(ScopedReadViewSet[LoanReferral]):
    """Loan referrals the program sent to your organisation (while your agreement in force covers P7), newest first,
    with their moves, in whatever status they are now; the detail adds the data the participant named for you while
    the referral is sent, under review, approved or disbursed and the participant's consent for this loan stands
    (refused, withdrawn or its consent withdrawn: each part null). Move one as your review goes; once the consent is
    withdrawn, no move is left to you (409 consent_withdrawn). A referral never sent to you, or another lender's, is
    not yours to see (404). Each read is logged for the participant to see."""

    serializer_class = ReferralSerializer
    filterset_class = ReferralFilter

    def get_serializer(self, *args: Any, **kwargs: Any) -> serializers.BaseSerializer[LoanReferral]:
        """A list row leaves out the participant's data (the detail's: its queries are one referral's)."""
        if self.action == "list":
            kwargs["rows"] = True
        return super().get_serializer(*args, **kwargs)

    def participant_of(self, obj: LoanReferral) -> int:
        return obj.participant_id

    def get_queryset(self) -> QuerySet[LoanReferral]:
        if for_schema(self):
            return LoanReferral.objects.none()
        referrals = visible_referrals(key_of(self.request)).prefetch_related(
            Prefetch("moves", queryset=ReferralMove.objects.order_by("moved_at", "pk"))
        )
        if self.action == "list":
            return referrals.select_related("product")
        return referrals.select_related("product", "consent", "participant__business__kecamatan")

    @extend_schema(
        request=ReferralMoveInputSerializer,
        responses={200: ReferralSerializer, **error_responses(400, 404, 409)},
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def moves(self, request: Request, pk: str | None = None) -> Response:
        """Move a referral as your review goes: sent → under_review → approved (with `amount`, from the product's
        smallest to its largest) or refused (with the reason in `note`; it ends the participant's consent to you
        unless another open referral rests on it); approved → disbursed (with `amount`, at most the approved one,
        and `day`, not before the approval nor in the future). The same rules as the admin: a move the referral
        cannot make now is 409 with its code (not_now; consent_withdrawn once the participant withdrew it); a
        missing or wrong value 400 by field. Nothing changes on any error. The participant is told of each move;
        the answer is the referral's detail."""
        referral = self.get_object()
        serializer = ReferralMoveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.referral_move(
            referral=referral,
            to_status=data["status"],
            note=data["note"],
            amount=data["amount"],
            day=data["day"],
            lender_reference=data["lender_reference"],
            acting_user=api_user_of(request),
        )
        updated = self.get_queryset().get(pk=referral.pk)
        self.log([updated])
        return Response(self.get_serializer(updated).data)


def register(router: routers.SimpleRouter) -> None:
    router.register("capital/referrals", ReferralViewSet, basename="capital-referral")
