"""The partner API of P6: a business's monthly indicators (turnover, workers, assets), for a key whose partner the
business's participant consented to for a purpose that includes reports (bookkeeping, loan assessment) and that
the key's agreement in force covers. Anything else is 404; each page served is logged as a read."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import routers, serializers

from core.api import error_responses, for_schema
from partners import scope
from partners.api import ScopedListViewSet
from partners.api_access import key_of
from partners.models import PartnerKey
from registration.models import Business

from .models import MonthlyRecord


def visible_businesses(key: PartnerKey) -> QuerySet[Business]:
    """The businesses whose participant consented to the key's partner for a covered purpose with reports."""
    wanted = [purpose for purpose in scope.covered_purposes(key) if scope.data_allowed([purpose]).reports]
    consented = scope.active_consents(key).filter(purpose__in=wanted).values("participant_id")
    return Business.objects.filter(participant_id__in=consented)


class MonthlyRecordSerializer(serializers.ModelSerializer[MonthlyRecord]):
    month = serializers.DateField(read_only=True, help_text="The first day of the month.")

    class Meta:
        model = MonthlyRecord
        fields = ["month", "turnover", "workers", "assets", "source"]
        read_only_fields = fields


BUSINESS_ID = OpenApiParameter("business_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The business.")


@extend_schema(tags=["businesses"], parameters=[BUSINESS_ID])
@extend_schema_view(
    list=extend_schema(responses={200: MonthlyRecordSerializer(many=True), **error_responses(404)}),
)
class IndicatorViewSet(ScopedListViewSet[MonthlyRecord]):
    """A business's monthly indicators, newest month first (money in whole rupiah)."""

    serializer_class = MonthlyRecordSerializer
    ordering = ("-month", "-id")
    business: Business

    def get_queryset(self) -> QuerySet[MonthlyRecord]:
        if for_schema(self):
            return MonthlyRecord.objects.none()
        self.business = get_object_or_404(visible_businesses(key_of(self.request)), pk=self.kwargs["business_id"])
        return MonthlyRecord.objects.filter(participant_id=self.business.participant_id)

    def log(self, objects: list[MonthlyRecord]) -> None:
        """The business's participant was read, even when the page is empty (the key learnt there is none)."""
        scope.record_reads(key_of(self.request), [self.business.participant_id], self.request.path)


def register(router: routers.SimpleRouter) -> None:
    router.register(r"businesses/(?P<business_id>[0-9]+)/indicators", IndicatorViewSet, basename="business-indicator")
