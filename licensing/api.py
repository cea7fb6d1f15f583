"""The partner API of P4 licensing: for a licensing office (DPMPTSP: a government partner whose agreement in force
covers P4), the licence requests submitted to the issuing office of the participants who consented to it for
licensing, and its decision on each: issued or refused.

A key sees a request only once it reached the issuing office (submitted, then perhaps issued or refused:
`visible_requests`), while its participant's consent to the key's partner for licensing is active and the key's
agreement in force covers P4 (partners.scope); anything else, a request still being prepared among them, is 404.
What the office reads is what it decides on: the request's type, subject, status and dates, the statuses and dates
of its moves (not the participant's note nor the notes of the moves, written for the program), and the
participant's data the licensing purpose allows (partners.choices.PURPOSE_DATA: the name, the contact, the masked
NIK and the business). A status update calls the same services as the staff pages, acting as the organisation's
API account, so the licensing predicates decide (a refusal is a 409 with its code, a service's invalid value a 400
by field); every read of a participant is logged."""

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, routers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import OptionalURLField, error_responses, for_schema
from partners import scope
from partners.api import BusinessSerializer, ScopedReadViewSet
from partners.api_access import api_user_of, key_of
from partners.choices import OrganisationKind, Purpose
from partners.models import PartnerKey
from registration.models import Participant

from . import permissions, services
from .choices import RequestStatus
from .models import Licence, LicenceRequest, LicenceType, RequestMove

LICENSING = [Purpose.LICENSING]
# the statuses a key sees and filters by, and the moves it makes
REACHED_CHOICES = [(status.value, status.label) for status in permissions.REACHED_OFFICE]
ACTION_CHOICES = [(status.value, status.label) for status in permissions.OFFICE_MOVES]


def serves_licensing(key: PartnerKey) -> bool:
    """A licensing office's key: a government partner (not the city app) whose agreement in force covers P4."""
    organisation = key.organisation
    return (
        organisation.kind == OrganisationKind.GOVERNMENT
        and not organisation.is_city_app
        and Purpose.LICENSING in scope.covered_purposes(key)
    )


def visible_requests(key: PartnerKey) -> QuerySet[LicenceRequest]:
    """The requests that reached the issuing office (a status of permissions.REACHED_OFFICE after a move to
    submitted) of participants with an active consent to the key's partner for licensing; none unless the key
    serves licensing. A request still being prepared is the program's business, not the office's."""
    if not serves_licensing(key):
        return LicenceRequest.objects.none()
    consented = scope.active_consents(key).filter(purpose=Purpose.LICENSING, participant_id=OuterRef("participant_id"))
    submitted = RequestMove.objects.filter(request=OuterRef("pk"), to_status=RequestStatus.SUBMITTED)
    return LicenceRequest.objects.filter(Exists(consented), Exists(submitted), status__in=permissions.REACHED_OFFICE)


# --- licence types ----------------------------------------------------------------------------------------------


class LicenceTypeSerializer(serializers.ModelSerializer[LicenceType]):
    prerequisites: serializers.SlugRelatedField[LicenceType] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text="The codes of the types needed first."
    )
    official_url = OptionalURLField(help_text="The issuing office's online service; null when staff set none.")

    class Meta:
        model = LicenceType
        fields = [
            "code",
            "name",
            "description",
            "issuer",
            "official_url",
            "documents_needed",
            "prerequisites",
            "validity_months",
            "number_digits",
            "is_business_number",
            "active",
        ]
        read_only_fields = fields


@extend_schema(tags=["licensing"])
@extend_schema_view(list=extend_schema(responses={200: LicenceTypeSerializer(many=True), **error_responses(404)}))
class LicenceTypeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[LicenceType]):
    """The licence types the program helps with: what each needs, who issues it, how long it is valid (for a
    licensing office's key; empty for any other)."""

    serializer_class = LicenceTypeSerializer
    ordering = ("position", "id")

    def get_queryset(self) -> QuerySet[LicenceType]:
        if for_schema(self) or not serves_licensing(key_of(self.request)):
            return LicenceType.objects.none()
        return LicenceType.objects.prefetch_related("prerequisites")


# --- requests ---------------------------------------------------------------------------------------------------


class MoveSerializer(serializers.ModelSerializer[RequestMove]):
    """A move's statuses and date; its note (written for the program and the participant) is not the office's."""

    # plain strings: a move may be one made before the request reached the office (requested, documents)
    from_status = serializers.CharField(read_only=True, help_text="The status it left; empty for the request made.")
    to_status = serializers.CharField(read_only=True, help_text="The status it entered.")

    class Meta:
        model = RequestMove
        fields = ["from_status", "to_status", "moved_at"]
        read_only_fields = fields


class IssuedLicenceSerializer(serializers.ModelSerializer[Licence]):
    class Meta:
        model = Licence
        fields = ["number", "issued_on", "expires_on"]
        read_only_fields = fields


class RequestParticipantSerializer(serializers.ModelSerializer[Participant]):
    """The participant as the licensing purpose shows them (PURPOSE_DATA): the name always; the contact, the
    masked NIK and the business as it allows (fields absent otherwise)."""

    # present only when the purpose shows them (`required=False`: the schema says they may be absent)
    phone = serializers.CharField(required=False)
    email = serializers.CharField(required=False)
    nik = serializers.CharField(required=False, help_text="Masked (3171********0001).")
    business = BusinessSerializer(required=False)

    class Meta:
        model = Participant
        fields = ["id", "full_name", "phone", "email", "nik", "business"]
        read_only_fields = ["id", "full_name"]

    def to_representation(self, instance: Participant) -> dict[str, Any]:
        allowed = scope.data_allowed(LICENSING)
        data: dict[str, Any] = {"id": instance.pk, "full_name": instance.full_name}
        if allowed.contact:
            data["phone"], data["email"] = instance.phone, instance.email
        if allowed.nik:
            data["nik"] = instance.masked_nik
        if allowed.business and hasattr(instance, "business"):
            data["business"] = BusinessSerializer(instance.business, context={"purposes": LICENSING}).data
        return data


class LicenceRequestSerializer(serializers.ModelSerializer[LicenceRequest]):
    """A request as the office reads it: without the participant's note (written for their mentor)."""

    licence_type: serializers.SlugRelatedField[LicenceType] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="The type's code."
    )
    licence_type_name = serializers.CharField(source="licence_type.name", read_only=True)
    status = serializers.ChoiceField(choices=REACHED_CHOICES, read_only=True)
    participant = RequestParticipantSerializer(read_only=True)
    moves = MoveSerializer(many=True, read_only=True, help_text="Every move, the oldest first.")
    licence = IssuedLicenceSerializer(read_only=True, allow_null=True, help_text="Once issued.")

    class Meta:
        model = LicenceRequest
        fields = [
            "id",
            "licence_type",
            "licence_type_name",
            "subject",
            "status",
            "created_at",
            "status_changed_at",
            "refusal_reason",
            "participant",
            "moves",
            "licence",
        ]
        read_only_fields = fields


class LicenceRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=REACHED_CHOICES)
    licence_type = django_filters.CharFilter(field_name="licence_type__code", help_text="A type's code, e.g. pirt.")

    class Meta:
        model = LicenceRequest
        fields = ["status", "licence_type"]


class StatusUpdateSerializer(serializers.Serializer[Any]):
    """The issuing office's decision on a request submitted to it: refused (with the reason the participant reads),
    or issued (with the licence's number and dates; no expiry date: the type's usual validity)."""

    action = serializers.ChoiceField(choices=ACTION_CHOICES, help_text="The request's new status.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default="", help_text="Needed to refuse."
    )
    number = serializers.CharField(
        required=False, allow_blank=True, max_length=40, default="", help_text="Needed to issue."
    )
    issued_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Needed to issue.")
    expires_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Leave out for the type's usual validity."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """The input's shape only: a licence is issued on a date. The rest (a reason to refuse, the number, the
        dates' order) is the service's to check, answered as a 400 by field."""
        if attrs["action"] == RequestStatus.ISSUED and attrs["issued_on"] is None:
            raise serializers.ValidationError(
                {"issued_on": [serializers.ErrorDetail(str(services.ISSUE_DATE), code="required")]}
            )
        return attrs


@extend_schema(tags=["licensing"])
@extend_schema_view(
    list=extend_schema(responses={200: LicenceRequestSerializer(many=True), **error_responses(400, 404)}),
    retrieve=extend_schema(responses={200: LicenceRequestSerializer, **error_responses(404)}),
)
class LicenceRequestViewSet(ScopedReadViewSet[LicenceRequest]):
    """Licence requests submitted to the issuing office (then perhaps issued or refused) of the participants who
    consented to your organisation for licensing (while your agreement in force covers P4), with the statuses and
    dates of their moves; record the office's decision on a submitted one. A request still being prepared is not
    yours to see (404). Each read is logged for the participant to see."""

    serializer_class = LicenceRequestSerializer
    filterset_class = LicenceRequestFilter

    def participant_of(self, obj: LicenceRequest) -> int:
        return obj.participant_id

    def get_queryset(self) -> QuerySet[LicenceRequest]:
        if for_schema(self):
            return LicenceRequest.objects.none()
        # The participant, business, type and licence come by prefetch, for the page's rows alone: joined to the
        # page's query, PostgreSQL joined every visible request before sorting them for the page (4,600 rows for a
        # page of 51 at a million participants: 227 against 100 ms).
        return visible_requests(key_of(self.request)).prefetch_related(
            Prefetch("participant", queryset=Participant.objects.select_related("business__kecamatan")),
            "licence_type",
            "licence",
            Prefetch("moves", queryset=RequestMove.objects.order_by("moved_at", "pk")),
        )

    @extend_schema(
        request=StatusUpdateSerializer, responses={200: LicenceRequestSerializer, **error_responses(400, 404, 409)}
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def status(self, request: Request, pk: str | None = None) -> Response:
        """Record the issuing office's decision on a submitted request: refused (with the reason the participant
        reads) or issued (with the licence). The same rules as the staff pages: only a submitted request, and
        issued only once the participant holds its prerequisites, such as the NIB (409 otherwise, with the code:
        not_now, prerequisite_not_held); the reason, the number (checked against the type) and the dates by field
        (400)."""
        licence_request = self.get_object()
        serializer = StatusUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, acting_user = serializer.validated_data, api_user_of(request)
        if data["action"] == RequestStatus.ISSUED:
            services.request_issue(
                licence_request=licence_request,
                licence=services.LicenceData(
                    number=data["number"], issued_on=data["issued_on"], expires_on=data["expires_on"]
                ),
                note=data["note"],
                acting_user=acting_user,
            )
        else:
            services.request_move(
                licence_request=licence_request,
                target=data["action"],
                note=data["note"],
                reason=data["reason"],
                acting_user=acting_user,
            )
        updated = self.get_queryset().get(pk=licence_request.pk)
        self.log([updated])
        return Response(self.get_serializer(updated).data)


def register(router: routers.SimpleRouter) -> None:
    router.register("licensing/types", LicenceTypeViewSet, basename="licensing-type")
    router.register("licensing/requests", LicenceRequestViewSet, basename="licensing-request")
