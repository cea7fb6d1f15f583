"""The partner API of P2 training: a training partner's own courses, their sessions, who enrolled in them and
their attendance.

A key sees its organisation's courses only while its agreement in force covers training (P2); of a session's
enrolments only those of participants who consented to the partner for training (others are not listed, and
cannot be marked present). Sessions are created and attendance recorded through the same services as the
organiser's pages, acting as the organisation's API account, so the training predicates decide; a refusal is a
409 with its code (core.api.exception_handler)."""

from typing import Any

import django_filters
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, routers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import error_responses, for_schema
from geography.models import Wilayah
from partners import scope
from partners.api import ScopedListViewSet
from partners.api_access import api_user_of, key_of
from partners.choices import Purpose
from partners.models import PartnerKey
from registration.choices import Sector

from . import services
from .choices import ATTENDING_STATUSES, EnrolmentStatus, SessionStatus
from .models import Course, Enrolment, Session

NOT_ENROLLED = _("Not enrolled in this session, or not visible to this key: %(ids)s.")


def visible_courses(key: PartnerKey) -> QuerySet[Course]:
    """The key's organisation's courses, while its agreement in force covers training; else none."""
    if Purpose.TRAINING not in scope.covered_purposes(key):
        return Course.objects.none()
    return Course.objects.filter(organiser_partner_id=key.organisation_id)


def visible_sessions(key: PartnerKey) -> QuerySet[Session]:
    return Session.objects.filter(course__in=visible_courses(key))


def visible_enrolments(key: PartnerKey, session: Session) -> QuerySet[Enrolment]:
    """The session's enrolments of participants with an active consent to the key's partner for training."""
    consented = scope.active_consents(key).filter(purpose=Purpose.TRAINING, participant_id=OuterRef("participant_id"))
    return Enrolment.objects.filter(Exists(consented), session=session)


# --- courses ----------------------------------------------------------------------------------------------------


class CourseSerializer(serializers.ModelSerializer[Course]):
    # declared, because a read-only choice field loses the blank a course for every sector has
    sector = serializers.ChoiceField(
        choices=Sector.choices, allow_blank=True, read_only=True, help_text="Empty: the course suits every sector."
    )

    class Meta:
        model = Course
        fields = [
            "id",
            "title",
            "skill_type",
            "topic",
            "sector",
            "track_fit",
            "description",
            "completion_threshold",
            "created_at",
        ]
        read_only_fields = fields


@extend_schema(tags=["training"])
@extend_schema_view(
    list=extend_schema(responses={200: CourseSerializer(many=True), **error_responses(404)}),
    retrieve=extend_schema(responses={200: CourseSerializer, **error_responses(404)}),
)
class CourseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Course]):
    """Your organisation's training courses (while your agreement in force covers P2)."""

    serializer_class = CourseSerializer

    def get_queryset(self) -> QuerySet[Course]:
        if for_schema(self):
            return Course.objects.none()
        return visible_courses(key_of(self.request))


# --- sessions ---------------------------------------------------------------------------------------------------


class OwnCourseField(serializers.PrimaryKeyRelatedField[Course]):
    """One of the key's courses (`context["courses"]`): another's is refused as an unknown id is."""

    def get_queryset(self) -> QuerySet[Course]:
        courses: QuerySet[Course] = self.context.get("courses", Course.objects.none())
        return courses


class SessionSerializer(serializers.ModelSerializer[Session]):
    """A session; on a POST, a new one (a draft) of one of your courses."""

    course = OwnCourseField(help_text="One of your courses.")
    wilayah = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Wilayah.objects.all(),
        allow_null=True,
        required=False,
        help_text="Kemendagri code, e.g. 31.74; needed for a session in person.",
    )
    seats_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "course",
            "status",
            "is_online",
            "wilayah",
            "venue",
            "meeting_url",
            "starts_at",
            "ends_at",
            "registration_deadline",
            "capacity",
            "enrolled_count",
            "seats_left",
            "created_at",
        ]
        read_only_fields = ["id", "status", "enrolled_count", "seats_left", "created_at"]

    def details(self) -> services.SessionDetails:
        """The validated input as the service takes it."""
        data = self.validated_data
        return services.SessionDetails(
            is_online=data.get("is_online", False),
            wilayah=data.get("wilayah"),
            venue=data.get("venue", ""),
            meeting_url=data.get("meeting_url", ""),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            registration_deadline=data["registration_deadline"],
            capacity=data["capacity"],
        )


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An id: an integer in the schema (a NumberFilter would say any number)."""


class SessionFilter(django_filters.FilterSet):
    course = IdFilter(field_name="course_id", help_text="A course id.")
    status = django_filters.ChoiceFilter(choices=SessionStatus.choices)
    starts_after = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")

    class Meta:
        model = Session
        fields = ["course", "status", "starts_after"]


class AttendanceSerializer(serializers.Serializer[Any]):
    day = serializers.DateField(help_text="One of the session's days, today or before.")
    present = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=True,
        max_length=1000,
        help_text="Participant ids of those present; everyone else you see attending is marked absent.",
    )


class AttendanceResultSerializer(serializers.Serializer[Any]):
    day = serializers.DateField()
    present = serializers.ListField(child=serializers.IntegerField(), help_text="Participant ids.")
    absent = serializers.ListField(child=serializers.IntegerField(), help_text="Participant ids.")
    completed = serializers.ListField(
        child=serializers.IntegerField(), help_text="Participant ids who completed the course with this day."
    )
    withdrawn = serializers.ListField(
        child=serializers.IntegerField(), help_text="Participant ids whose completion this day withdrew."
    )


@extend_schema(tags=["training"])
@extend_schema_view(
    list=extend_schema(responses={200: SessionSerializer(many=True), **error_responses(400, 404)}),
    retrieve=extend_schema(responses={200: SessionSerializer, **error_responses(404)}),
    create=extend_schema(responses={201: SessionSerializer, **error_responses(400, 409)}),
)
class SessionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Session]
):
    """The sessions of your organisation's courses; create one (a draft), and record a day's attendance."""

    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    ordering = ("-starts_at", "-id")

    def get_queryset(self) -> QuerySet[Session]:
        if for_schema(self):
            return Session.objects.none()
        return visible_sessions(key_of(self.request)).select_related("wilayah")

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if not for_schema(self):
            context["courses"] = visible_courses(key_of(self.request))
        return context

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = SessionSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        session = services.session_create(
            course=serializer.validated_data["course"], details=serializer.details(), acting_user=api_user_of(request)
        )
        return Response(self.get_serializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=AttendanceSerializer,
        responses={200: AttendanceResultSerializer, **error_responses(400, 404, 409)},
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def attendance(self, request: Request, pk: str | None = None) -> Response:
        """Record who was there on one day of an announced session (the same rules as the organiser's page).
        Participants this key does not see keep what was recorded for them that day."""
        session = self.get_object()
        serializer = AttendanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        day, wanted = serializer.validated_data["day"], list(dict.fromkeys(serializer.validated_data["present"]))
        key = key_of(request)
        seen = dict(
            visible_enrolments(key, session).filter(status__in=ATTENDING_STATUSES).values_list("participant_id", "pk")
        )
        unknown = [pid for pid in wanted if pid not in seen]
        if unknown:
            raise serializers.ValidationError(
                {
                    "present": [
                        serializers.ErrorDetail(
                            str(NOT_ENROLLED) % {"ids": ", ".join(map(str, unknown))}, code="not_enrolled"
                        )
                    ]
                }
            )
        outcome = services.attendance_record(
            session=session,
            day=day,
            present=[seen[pid] for pid in wanted],
            only=list(seen.values()),
            acting_user=api_user_of(request),
        )
        scope.record_reads(key, list(seen), request.path)  # the answer names every attendee the key sees
        participant_of = {enrolment: participant for participant, enrolment in seen.items()}
        result = {
            "day": day,
            "present": wanted,
            "absent": [pid for pid in seen if pid not in set(wanted)],
            "completed": [participant_of[c.enrolment_id] for c in outcome.issued if c.enrolment_id in participant_of],
            "withdrawn": [participant_of[e.pk] for e in outcome.withdrawn if e.pk in participant_of],
        }
        return Response(AttendanceResultSerializer(result).data)


# --- enrolments -------------------------------------------------------------------------------------------------


class EnrolmentSerializer(serializers.ModelSerializer[Enrolment]):
    """An enrolment with what the training purpose lets a partner read: the name and the contact."""

    participant = serializers.IntegerField(source="participant_id", read_only=True)
    full_name = serializers.CharField(source="participant.full_name", read_only=True)
    phone = serializers.CharField(source="participant.phone", read_only=True)
    email = serializers.CharField(source="participant.email", read_only=True)
    days_present = serializers.IntegerField(read_only=True)

    class Meta:
        model = Enrolment
        fields = ["id", "participant", "full_name", "phone", "email", "status", "completed_at", "days_present"]
        read_only_fields = fields


class EnrolmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EnrolmentStatus.choices)

    class Meta:
        model = Enrolment
        fields = ["status"]


SESSION_ID = OpenApiParameter("session_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The session.")


@extend_schema(tags=["training"], parameters=[SESSION_ID])
@extend_schema_view(list=extend_schema(responses={200: EnrolmentSerializer(many=True), **error_responses(400, 404)}))
class EnrolmentViewSet(ScopedListViewSet[Enrolment]):
    """Who enrolled in one of your sessions: only the participants who consented to your organisation for
    training (others are not listed). Each read is logged for the participant to see."""

    serializer_class = EnrolmentSerializer
    filterset_class = EnrolmentFilter

    def participant_of(self, obj: Enrolment) -> int:
        return obj.participant_id

    def get_queryset(self) -> QuerySet[Enrolment]:
        if for_schema(self):
            return Enrolment.objects.none()
        key = key_of(self.request)
        session = get_object_or_404(visible_sessions(key), pk=self.kwargs["session_id"])
        return (
            visible_enrolments(key, session)
            .select_related("participant")
            .annotate(days_present=Count("attendance", filter=Q(attendance__present=True)))
        )


def register(router: routers.SimpleRouter) -> None:
    router.register("training/courses", CourseViewSet, basename="training-course")
    router.register("training/sessions", SessionViewSet, basename="training-session")
    router.register(
        r"training/sessions/(?P<session_id>[0-9]+)/enrolments", EnrolmentViewSet, basename="training-enrolment"
    )
