"""The partner API of P4 licensing: for a licensing office (DPMPTSP: a government partner whose agreement in force
covers P4), the licence requests of the participants who consented to it for licensing, and their status updates.

A key sees a request only while its participant's consent to the key's partner for licensing is active and the
key's agreement in force covers P4 (partners.scope); anything else is 404. The participant's data shown is what
the licensing purpose allows (partners.choices.PURPOSE_DATA: the name, the contact, the masked NIK and the
business). A status update calls the same services as the staff pages, acting as the organisation's API account,
so the licensing predicates decide (a refusal is a 409 with its code); every read of a participant is logged."""

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
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

from . import services
from .choices import RequestStatus
from .models import Licence, LicenceRequest, LicenceType, RequestMove
from .services import REASON_REQUIRED

ISSUE_NEEDS = _("Give the licence number and the date it was issued.")
STATUS_ACTIONS = [RequestStatus.SUBMITTED, RequestStatus.ISSUED, RequestStatus.REFUSED]
LICENSING = [Purpose.LICENSING]


def serves_licensing(key: PartnerKey) -> bool:
    """A licensing office's key: a government partner (not the city app) whose agreement in force covers P4."""
    organisation = key.organisation
    return (
        organisation.kind == OrganisationKind.GOVERNMENT
        and not organisation.is_city_app
        and Purpose.LICENSING in scope.covered_purposes(key)
    )


def visible_requests(key: PartnerKey) -> QuerySet[LicenceRequest]:
    """The requests of participants with an active consent to the key's partner for licensing; none unless the key
    serves licensing."""
    if not serves_licensing(key):
        return LicenceRequest.objects.none()
    consented = scope.active_consents(key).filter(purpose=Purpose.LICENSING, participant_id=OuterRef("participant_id"))
    return LicenceRequest.objects.filter(Exists(consented))


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
    # plain strings: the request's `status` names their values once (one enum in the schema)
    from_status = serializers.CharField(read_only=True, help_text="The status it left; empty for the request made.")
    to_status = serializers.CharField(read_only=True, help_text="The status it entered.")

    class Meta:
        model = RequestMove
        fields = ["from_status", "to_status", "moved_at", "note"]
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
    licence_type: serializers.SlugRelatedField[LicenceType] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="The type's code."
    )
    licence_type_name = serializers.CharField(source="licence_type.name", read_only=True)
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
            "note",
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
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices)
    licence_type = django_filters.CharFilter(field_name="licence_type__code", help_text="A type's code, e.g. pirt.")

    class Meta:
        model = LicenceRequest
        fields = ["status", "licence_type"]


class StatusUpdateSerializer(serializers.Serializer[Any]):
    """A status update: submitted to the issuing office, refused (with the reason), or issued (with the licence's
    number and dates; no expiry date: the type's usual validity)."""

    action = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in STATUS_ACTIONS], help_text="The request's new status."
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default="", help_text="Needed to refuse."
    )
    number = serializers.CharField(required=False, allow_blank=True, max_length=40, default="")
    issued_on = serializers.DateField(required=False, allow_null=True, default=None)
    expires_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Leave out for the type's usual validity."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["action"] == RequestStatus.REFUSED and not attrs["reason"].strip():
            raise serializers.ValidationError(
                {"reason": [serializers.ErrorDetail(str(REASON_REQUIRED), code="required")]}
            )
        if attrs["action"] == RequestStatus.ISSUED:
            missing = {
                name: [serializers.ErrorDetail(str(ISSUE_NEEDS), code="required")]
                for name in ("number", "issued_on")
                if not attrs[name]
            }
            if missing:
                raise serializers.ValidationError(missing)
        return attrs


@extend_schema(tags=["licensing"])
@extend_schema_view(
    list=extend_schema(responses={200: LicenceRequestSerializer(many=True), **error_responses(400, 404)}),
    retrieve=extend_schema(responses={200: LicenceRequestSerializer, **error_responses(404)}),
)
class LicenceRequestViewSet(ScopedReadViewSet[LicenceRequest]):
    """Licence requests of the participants who consented to your organisation for licensing (while your
    agreement in force covers P4), with their moves; update their status as the issuing office decides. Each read
    is logged for the participant to see."""

    serializer_class = LicenceRequestSerializer
    filterset_class = LicenceRequestFilter

    def participant_of(self, obj: LicenceRequest) -> int:
        return obj.participant_id

    def get_queryset(self) -> QuerySet[LicenceRequest]:
        if for_schema(self):
            return LicenceRequest.objects.none()
        return (
            visible_requests(key_of(self.request))
            .select_related("licence_type", "participant__business__kecamatan", "licence")
            .prefetch_related(Prefetch("moves", queryset=RequestMove.objects.order_by("moved_at", "pk")))
        )

    @extend_schema(
        request=StatusUpdateSerializer, responses={200: LicenceRequestSerializer, **error_responses(400, 404, 409)}
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def status(self, request: Request, pk: str | None = None) -> Response:
        """Move the request as the issuing office decided: submitted, refused (with the reason the participant
        reads) or issued (with the licence). The same rules as the staff pages: only along the request's moves
        (409 otherwise), the number checked against the type (400)."""
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
