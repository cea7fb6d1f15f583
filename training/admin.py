"""Admin for agency staff, built for large tables: joined related rows, large foreign keys by id or
autocomplete, filters on indexed columns, no full count. Every write goes through the services, as on the
organisers' pages (the same permission predicates, the same locks, the same audit trail): courses and sessions are
saved, announced, cancelled and deleted by them; enrolments, certificates and ratings change only through the pages
(seats, completions), so the admin shows them read-only."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.web import request_user
from core.admin import RecordAdmin, ServiceAdmin, copy_saved

from . import permissions, services
from .forms import course_details, session_details
from .models import Attendance, Certificate, Course, Enrolment, Rating, Session


def _deleted(n: int) -> str:
    return ngettext("%(count)d row deleted.", "%(count)d rows deleted.", n) % {"count": n}


@admin.register(Course)
class CourseAdmin(ServiceAdmin):
    list_display = ["title", "skill_type", "topic", "sector", "organiser", "track_fit", "created_at"]
    list_filter = ["skill_type", "topic", "sector", "track_fit", "organiser_agency"]
    list_select_related = ["organiser_partner"]
    search_fields = ["^title"]
    autocomplete_fields = ["organiser_partner"]
    readonly_fields = ["created_by", "created_at"]

    @admin.display(description=_("organiser"))
    def organiser(self, obj: Course) -> str:
        return obj.organiser_name

    def service_check(self, obj: Course, data: dict[str, Any], acting_user: User) -> None:
        if obj.pk is not None:
            permissions.can_edit_course(acting_user, obj).enforce()
        permissions.can_create_course(acting_user, partner=data.get("organiser_partner")).enforce()

    def save_model(self, request: HttpRequest, obj: Course, form: ModelForm[Course], change: bool) -> None:
        data = form.cleaned_data
        organiser = services.Organiser(partner=data["organiser_partner"], agency=data["organiser_agency"])
        acting_user = request_user(request)
        if change:
            saved = services.course_update(
                course=obj, details=course_details(data), organiser=organiser, acting_user=acting_user
            )
        else:
            saved = services.course_create(details=course_details(data), organiser=organiser, acting_user=acting_user)
        copy_saved(saved, obj)

    def delete_model(self, request: HttpRequest, obj: Course) -> None:
        services.course_delete(course=obj, acting_user=request_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Course]) -> None:
        user = request_user(request)
        self._each(request, queryset, lambda c: services.course_delete(course=c, acting_user=user), _deleted)


@admin.register(Session)
class SessionAdmin(ServiceAdmin):
    list_display = ["course", "starts_at", "ends_at", "wilayah", "is_online", "status", "enrolled_count", "capacity"]
    list_filter = ["status", "is_online", "wilayah", "course__skill_type"]
    list_select_related = ["course", "wilayah"]
    search_fields = ["^course__title"]
    autocomplete_fields = ["course", "wilayah"]
    readonly_fields = ["status", "enrolled_count", "created_by", "created_at"]
    actions = ["announce", "cancel"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "course"] if obj is not None else readonly  # a session stays with its course

    def _run(
        self, request: HttpRequest, queryset: QuerySet[Session], service: Any, done: Callable[[int], str]
    ) -> None:
        """Run a service on each selected session: statuses change only through the services."""
        user = request_user(request)
        self._each(
            request,
            queryset.select_related("course__organiser_partner"),
            lambda session: service(session=session, acting_user=user),
            done,
        )

    @admin.action(description=_("Announce the selected draft sessions"))
    def announce(self, request: HttpRequest, queryset: QuerySet[Session]) -> None:
        self._run(
            request,
            queryset,
            services.session_announce,
            lambda n: ngettext("%(count)d session announced.", "%(count)d sessions announced.", n) % {"count": n},
        )

    @admin.action(description=_("Cancel the selected sessions (everyone enrolled or waiting is told)"))
    def cancel(self, request: HttpRequest, queryset: QuerySet[Session]) -> None:
        self._run(
            request,
            queryset,
            services.session_cancel,
            lambda n: ngettext("%(count)d session cancelled.", "%(count)d sessions cancelled.", n) % {"count": n},
        )

    def service_check(self, obj: Session, data: dict[str, Any], acting_user: User) -> None:
        if obj.pk is None and data.get("course") is not None:
            obj.course = data["course"]
        if obj.pk is not None or data.get("course") is not None:
            services.session_check(session=obj, details=session_details(data), user=acting_user, now=timezone.now())

    def save_model(self, request: HttpRequest, obj: Session, form: ModelForm[Session], change: bool) -> None:
        """Through session_create/session_update: under a lock of the row, within their guards (not started, not
        cancelled); more seats move the waitlist up and a new start means a new reminder, as on the organisers'
        pages."""
        details = session_details(form.cleaned_data)
        acting_user = request_user(request)
        if change:
            saved = services.session_update(session=obj, details=details, acting_user=acting_user)
        else:
            saved = services.session_create(course=obj.course, details=details, acting_user=acting_user)
        copy_saved(saved, obj)

    def delete_model(self, request: HttpRequest, obj: Session) -> None:
        services.session_delete(session=obj, acting_user=request_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Session]) -> None:
        user = request_user(request)
        self._each(
            request,
            queryset.select_related("course"),
            lambda s: services.session_delete(session=s, acting_user=user),
            _deleted,
        )


class AttendanceInline(admin.TabularInline[Attendance, Enrolment]):
    model = Attendance
    readonly_fields = ("day", "present", "recorded_by", "recorded_at")
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Enrolment)
class EnrolmentAdmin(RecordAdmin):
    list_display = ["participant", "session", "status", "queued_at", "completed_at", "reminder_sent_at"]
    list_filter = ["status", "session__course__skill_type"]
    list_select_related = ["participant", "session__course"]
    search_fields = ["^participant__full_name", "=session__id"]
    search_help_text = _("The start of a participant's name, or a session number.")
    raw_id_fields = ["participant", "session"]
    readonly_fields = [
        "status", "queued_at", "created_at", "completed_at", "cancelled_at", "reminder_sent_at"
    ]  # fmt: skip
    inlines = [AttendanceInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "participant", "session"] if obj is not None else readonly


@admin.register(Certificate)
class CertificateAdmin(RecordAdmin):
    list_display = ["code", "full_name", "course_title", "completed_on", "issued_at"]
    search_fields = ["=code", "^full_name"]
    readonly_fields = ["enrolment", "code", "full_name", "course_title", "completed_on", "issued_at"]


@admin.register(Rating)
class RatingAdmin(RecordAdmin):
    list_display = ["course", "score", "comment", "created_at"]
    list_filter = ["score"]
    list_select_related = ["enrolment__session__course"]
    search_fields = ["^enrolment__session__course__title"]
    readonly_fields = ["enrolment", "score", "comment", "created_at"]

    @admin.display(description=_("course"))
    def course(self, obj: Rating) -> str:
        return obj.enrolment.session.course.title
