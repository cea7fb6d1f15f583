"""The partner API's participant and business endpoints (and, for the JAKI app, registration and the journey).
Every queryset starts from `partners.scope.visible_participants`; every read of a participant is logged."""

from typing import Any, TypeVar

import django_filters
from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, routers, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import error_responses, for_schema
from geography.models import Kecamatan
from registration.choices import Sector, Track
from registration.models import Business, Participant

from . import api_jaki, scope
from .api_access import key_of
from .choices import Purpose

M = TypeVar("M", bound=Model)


class KecamatanSerializer(serializers.ModelSerializer[Kecamatan]):
    class Meta:
        model = Kecamatan
        fields = ["code", "name"]


class BusinessSerializer(serializers.ModelSerializer[Business]):
    """A business as a key may see it: what it is, where, and its class always; its figures (workers, assets,
    turnover at registration) only when a consented purpose opens the reports (fields absent otherwise)."""

    kecamatan = KecamatanSerializer(read_only=True)
    business_class = serializers.CharField(read_only=True, help_text="PP 7/2021: micro, small, medium or large.")
    participant = serializers.IntegerField(source="participant_id", read_only=True)
    # present only when a purpose opens the reports (`required=False`: the schema says they may be absent)
    workers = serializers.IntegerField(required=False)
    assets = serializers.IntegerField(required=False, help_text="Rupiah, at registration.")
    monthly_turnover = serializers.IntegerField(required=False, help_text="Rupiah, at registration.")

    FIGURES = ("workers", "assets", "monthly_turnover")

    class Meta:
        model = Business
        fields = [
            "id",
            "participant",
            "name",
            "sector",
            "kecamatan",
            "started_on",
            "workers",
            "assets",
            "monthly_turnover",
            "business_class",
        ]
        read_only_fields = ["id", "participant", "name", "sector", "kecamatan", "started_on", "business_class"]

    def to_representation(self, instance: Business) -> dict[str, Any]:
        data = dict(super().to_representation(instance))
        purposes = self.context.get("purposes", getattr(instance, "consented_purposes", []))
        if not scope.data_allowed(purposes).reports:
            for name in self.FIGURES:
                data.pop(name, None)
        return data


class ParticipantSerializer(serializers.ModelSerializer[Participant]):
    """A participant as a key may see them: the name and the purposes always; contact, business and NIK only
    when a consented purpose needs them (fields absent otherwise)."""

    purposes = serializers.ListField(
        child=serializers.ChoiceField(choices=Purpose.choices),
        source="consented_purposes",
        read_only=True,
        help_text="The purposes the participant consented to that this key's agreement covers.",
    )
    kecamatan = KecamatanSerializer(read_only=True)
    # present only when a purpose needs them (`required=False`: the schema says they may be absent)
    phone = serializers.CharField(required=False)
    email = serializers.CharField(required=False)
    nik = serializers.CharField(required=False, help_text="Masked (3171********0001).")
    business = BusinessSerializer(required=False)

    class Meta:
        model = Participant
        fields = [
            "id",
            "full_name",
            "track",
            "kecamatan",
            "created_at",
            "purposes",
            "phone",
            "email",
            "nik",
            "business",
        ]
        read_only_fields = ["id", "full_name", "track", "kecamatan", "created_at"]

    def to_representation(self, instance: Participant) -> dict[str, Any]:
        allowed = scope.data_allowed(getattr(instance, "consented_purposes", []))
        data: dict[str, Any] = {
            "id": instance.pk,
            "full_name": instance.full_name,
            "track": instance.track,
            "kecamatan": KecamatanSerializer(instance.kecamatan).data,
            "created_at": serializers.DateTimeField().to_representation(instance.created_at),
            "purposes": list(getattr(instance, "consented_purposes", [])),
        }
        if allowed.contact:
            data["phone"], data["email"] = instance.phone, instance.email
        if allowed.nik:
            data["nik"] = instance.masked_nik
        if allowed.business and hasattr(instance, "business"):
            data["business"] = BusinessSerializer(
                instance.business, context={"purposes": getattr(instance, "consented_purposes", [])}
            ).data
        return data


class ParticipantFilter(django_filters.FilterSet):
    kecamatan = django_filters.CharFilter(field_name="kecamatan__code", help_text="Kemendagri code, e.g. 31.74.01.")
    track = django_filters.ChoiceFilter(choices=Track.choices)
    registered_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Participant
        # no filter on the business: it would tell its sector to a key whose purposes do not show the business
        # (/businesses/ filters by sector)
        fields = ["kecamatan", "track", "registered_after"]


class ScopedListViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[M]):
    """A list whose objects are participants, or carry one (`participant_of`): after a page is served, each
    participant it showed is logged, in one insert."""

    def participant_of(self, obj: M) -> int:
        return int(obj.pk)

    def log(self, objects: list[M]) -> None:
        scope.record_reads(key_of(self.request), [self.participant_of(o) for o in objects], self.request.path)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        objects = list(page if page is not None else queryset)
        data = self.get_serializer(objects, many=True).data
        self.log(objects)
        return self.get_paginated_response(data) if page is not None else Response(data)


class ScopedReadViewSet(mixins.RetrieveModelMixin, ScopedListViewSet[M]):
    """A list and a detail, each read logged."""

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()
        data = self.get_serializer(obj).data
        self.log([obj])
        return Response(data)


@extend_schema(tags=["participants"])
@extend_schema_view(
    list=extend_schema(responses={200: ParticipantSerializer(many=True), **error_responses(400, 404)}),
    retrieve=extend_schema(responses={200: ParticipantSerializer, **error_responses(404)}),
)
class ParticipantViewSet(ScopedReadViewSet[Participant]):
    """Participants who consented to your organisation for a purpose your agreement in force covers."""

    serializer_class = ParticipantSerializer
    filterset_class = ParticipantFilter
    ordering = ("-created_at", "-id")  # newest first, on the index participant_created; ties by id

    def get_queryset(self) -> QuerySet[Participant]:
        if for_schema(self):
            return Participant.objects.none()
        return scope.visible_participants(key_of(self.request)).select_related("kecamatan", "business__kecamatan")


class BusinessFilter(django_filters.FilterSet):
    kecamatan = django_filters.CharFilter(field_name="kecamatan__code", help_text="Kemendagri code, e.g. 31.74.01.")
    sector = django_filters.ChoiceFilter(choices=Sector.choices)

    class Meta:
        model = Business
        fields = ["kecamatan", "sector"]


@extend_schema(tags=["businesses"])
@extend_schema_view(
    list=extend_schema(responses={200: BusinessSerializer(many=True), **error_responses(400, 404)}),
    retrieve=extend_schema(responses={200: BusinessSerializer, **error_responses(404)}),
)
class BusinessViewSet(ScopedReadViewSet[Business]):
    """The businesses of participants whose consented purposes include their business."""

    serializer_class = BusinessSerializer
    filterset_class = BusinessFilter

    def participant_of(self, obj: Business) -> int:
        return obj.participant_id

    def get_queryset(self) -> QuerySet[Business]:
        if for_schema(self):
            return Business.objects.none()
        return scope.visible_businesses(key_of(self.request)).select_related("kecamatan", "participant")


def register(router: routers.SimpleRouter) -> None:
    router.register("participants", ParticipantViewSet, basename="participant")
    router.register("businesses", BusinessViewSet, basename="business")
    api_jaki.register(router)
