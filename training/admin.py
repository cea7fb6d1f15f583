"""Admin for agency staff, built for large tables: joined related rows, large foreign keys by id or
autocomplete, filters on indexed columns, no full count. Seats and enrolment statuses change only through the
services (pages), so the admin shows them read-only."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ProgramAdmin

from . import services
from .models import Attendance, Certificate, Course, Enrolment, Rating, Session


@admin.register(Course)
class CourseAdmin(ProgramAdmin):
    list_display = ["title", "skill_type", "topic", "sector", "organiser", "track_fit", "created_at"]
    list_filter = ["skill_type", "topic", "sector", "track_fit", "organiser_agency"]
    list_select_related = ["organiser_partner"]
    search_fields = ["^title"]
    autocomplete_fields = ["organiser_partner"]
    readonly_fields = ["created_by", "created_at"]

    @admin.display(description=_("organiser"))
    def organiser(self, obj: Course) -> str:
        return obj.organiser_name

    def save_model(self, request: HttpRequest, obj: Course, form: ModelForm[Course], change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(Session)
class SessionAdmin(ProgramAdmin):
    list_display = ["course", "starts_at", "ends_at", "wilayah", "is_online", "status", "enrolled_count", "capacity"]
    list_filter = ["status", "is_online", "wilayah", "course__skill_type"]
    list_select_related = ["course", "wilayah"]
    search_fields = ["^course__title"]
    autocomplete_fields = ["course", "wilayah"]
    readonly_fields = ["status", "enrolled_count", "created_by", "created_at"]
    actions = ["announce", "cancel"]

    def _each(
        self, request: HttpRequest, queryset: QuerySet[Session], service: Any, done: Callable[[int], str]
    ) -> None:
        """Run a service on each selected session: statuses change only through the services."""
        changed = 0
        for session in queryset.select_related("course"):
            try:
                service(session=session, acting_user=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{session}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                changed += 1
        if changed:
            self.message_user(request, done(changed), messages.SUCCESS)

    @admin.action(description=_("Announce the selected draft sessions"))
    def announce(self, request: HttpRequest, queryset: QuerySet[Session]) -> None:
        self._each(
            request,
            queryset,
            services.session_announce,
            lambda n: ngettext("%(count)d session announced.", "%(count)d sessions announced.", n) % {"count": n},
        )

    @admin.action(description=_("Cancel the selected sessions (everyone enrolled or waiting is told)"))
    def cancel(self, request: HttpRequest, queryset: QuerySet[Session]) -> None:
        self._each(
            request,
            queryset,
            services.session_cancel,
            lambda n: ngettext("%(count)d session cancelled.", "%(count)d sessions cancelled.", n) % {"count": n},
        )

    def save_model(self, request: HttpRequest, obj: Session, form: ModelForm[Session], change: bool) -> None:
        """Saved under a lock of the row; more seats move the waitlist up and a new start means a new reminder,
        as on the organiser's pages."""
        with transaction.atomic():
            if change:
                locked = Session.objects.select_for_update().get(pk=obj.pk)
                obj.enrolled_count = locked.enrolled_count
            else:
                obj.created_by = request.user  # type: ignore[assignment]
            super().save_model(request, obj, form, change)
            if change:
                if obj.starts_at != locked.starts_at:
                    services.session_reminders_reset(obj)
                services.fill_from_waitlist(obj, now=timezone.now())


class AttendanceInline(admin.TabularInline[Attendance, Enrolment]):
    model = Attendance
    readonly_fields = ("day", "present", "recorded_by", "recorded_at")
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Enrolment)
class EnrolmentAdmin(ProgramAdmin):
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # participants enrol through the pages, where seats are counted


@admin.register(Certificate)
class CertificateAdmin(ProgramAdmin):
    list_display = ["code", "full_name", "course_title", "completed_on", "issued_at"]
    search_fields = ["=code", "^full_name"]
    readonly_fields = ["enrolment", "code", "full_name", "course_title", "completed_on", "issued_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Rating)
class RatingAdmin(ProgramAdmin):
    list_display = ["course", "score", "comment", "created_at"]
    list_filter = ["score"]
    list_select_related = ["enrolment__session__course"]
    search_fields = ["^enrolment__session__course__title"]
    readonly_fields = ["enrolment", "score", "comment", "created_at"]

    @admin.display(description=_("course"))
    def course(self, obj: Rating) -> str:
        return obj.enrolment.session.course.title

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
