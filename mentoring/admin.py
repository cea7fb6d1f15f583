"""Admin for agency staff, built for a million rows: related rows joined, users and participants by id, filters on
small tables, no full count. Every write goes through mentoring's services (save_model, save_formset,
delete_model, delete_queryset), so the admin keeps the pages' rules and the audit trail says "admin"."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.admin import NEWEST_FIRST, ProgramAdmin
from registration.admin import PARTICIPANT_REFERENCE_SHAPES

from . import services
from .models import (
    FollowUp,
    HelpMessage,
    HelpRequest,
    MentorAssignment,
    MentorTarget,
    MentorTraining,
    Visit,
)


def _check_is_mentor(form: forms.ModelForm[Any]) -> None:
    """The services' rule, shown next to the field before the save."""
    mentor = form.cleaned_data.get("mentor")
    if mentor is not None:
        try:
            services.check_mentor_account(mentor)
        except ValidationError as exc:
            form.add_error(None, exc)


class AssignmentAddForm(forms.ModelForm[MentorAssignment]):
    """Adding an assignment assigns (or reassigns) through the service: the active one ends and stays listed."""

    class Meta:
        model = MentorAssignment
        fields = ["participant", "mentor", "reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        participant, mentor = data.get("participant"), data.get("mentor")
        if participant is not None and mentor is not None:
            try:
                services.check_mentor_for(participant, mentor)
            except ValidationError as exc:
                self.add_error(None, exc.error_dict["mentor"])
        return data


@admin.register(MentorAssignment)
class MentorAssignmentAdmin(ProgramAdmin):
    list_display = ["participant", "mentor", "active", "stage", "assigned_by", "assigned_at", "ended_at"]
    # the assignment's kecamatan (its participant's: index mentoring_assign_kec_newest); through the mentor's
    # office, PostgreSQL hashed every active assignment of the program (171 ms at 1M)
    list_filter = ["active", "end_reason", "stage", "kecamatan"]
    list_select_related = ["participant", "mentor", "assigned_by"]
    search_fields = ["=participant__registration__reference", "^participant__full_name", "^mentor__full_name"]
    search_shapes = PARTICIPANT_REFERENCE_SHAPES
    raw_id_fields = ["participant", "mentor"]
    ordering = NEWEST_FIRST

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = AssignmentAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["participant", "mentor", "reason"]
        return [
            "participant",
            "mentor",
            "active",
            "stage",
            "assigned_by",
            "assigned_at",
            "ended_at",
            "end_reason",
            "reason",
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return []
        # history is never rewritten: only the stage changes here; a new mentor is a new assignment
        return ["participant", "mentor", "active", "assigned_by", "assigned_at", "ended_at", "end_reason", "reason"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        assert isinstance(request.user, User)
        if change:
            services.assignment_set_stage(assignment=obj, stage=obj.stage, acting_user=request.user)
            return
        created = services.assignment_change(
            participant=obj.participant, mentor=obj.mentor, reason=obj.reason, acting_user=request.user
        )
        obj.pk = created.pk
        obj._state.adding = False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FollowUpInline(admin.TabularInline[FollowUp, Visit]):
    model = FollowUp
    fields = ["what", "due_date", "done_at", "done_by", "reminded_at"]
    readonly_fields = ["done_at", "done_by", "reminded_at"]
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _save_follow_ups(user: User, formset: Any) -> None:
    """The follow-ups' inline rows, through the services (no row is added here). Sets what the admin's change
    message reads (new_objects, changed_objects, deleted_objects), as BaseModelFormSet.save() would."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for row in formset.initial_forms:
        if row.instance.pk is None:
            continue
        if formset.can_delete and formset._should_delete_form(row):
            services.follow_up_delete(follow_up=row.instance, acting_user=user)
            formset.deleted_objects.append(row.instance)
        elif row.has_changed():
            services.follow_up_update(
                follow_up=row.instance,
                what=row.cleaned_data["what"],
                due_date=row.cleaned_data["due_date"],
                acting_user=user,
            )
            formset.changed_objects.append((row.instance, row.changed_data))


class VisitAdminForm(forms.ModelForm[Visit]):
    class Meta:
        model = Visit
        fields = ["mentor", "participant", "date", "kind", "steps", "notes", "shared"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_is_mentor(self)
        return data


@admin.register(Visit)
class VisitAdmin(ProgramAdmin):
    form = VisitAdminForm
    list_display = ["date", "participant", "mentor", "kind", "shared", "has_photo"]
    list_filter = ["kind", "shared", "date", "mentor__office"]
    list_select_related = ["participant", "mentor"]
    search_fields = ["=participant__registration__reference", "^participant__full_name", "^mentor__full_name"]
    search_shapes = PARTICIPANT_REFERENCE_SHAPES
    raw_id_fields = ["participant", "mentor"]
    # the photo lives in private storage (no URL): shown through the permission-checked view, never uploaded here
    readonly_fields = ["photo_link", "created_at"]
    inlines = [FollowUpInline]
    ordering = ["-date", "-pk"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # mentors log visits on their pages, with the photo checks

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # who logged it about whom stays as logged
        return ["mentor", "participant", *self.readonly_fields]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        assert isinstance(request.user, User)
        data = form.cleaned_data
        services.visit_update(
            visit=obj,
            date=data["date"],
            kind=data["kind"],
            steps=list(data["steps"] or []),
            notes=data["notes"],
            shared=data["shared"],
            acting_user=request.user,
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        assert isinstance(request.user, User)
        _save_follow_ups(request.user, formset)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        assert isinstance(request.user, User)
        services.visit_delete(visit=obj, acting_user=request.user)

    @admin.display(description=_("photo"), boolean=True)
    def has_photo(self, obj: Visit) -> bool:
        return bool(obj.photo)

    @admin.display(description=_("photo"))
    def photo_link(self, obj: Visit) -> str:
        if not obj.photo:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("mentoring:visit_photo", args=[obj.public_id]),
            _("open"),
        )


@admin.register(FollowUp)
class FollowUpAdmin(ProgramAdmin):
    list_display = ["what", "participant", "due_date", "done_at", "done_by", "reminded_at"]
    list_filter = ["due_date", ("done_at", admin.EmptyFieldListFilter), "participant__kecamatan"]
    list_select_related = ["participant", "done_by"]
    search_fields = ["^participant__full_name"]
    raw_id_fields = ["visit", "participant", "done_by"]
    readonly_fields = ["visit", "participant", "done_at", "done_by", "reminded_at"]
    ordering = ["-due_date", "-pk"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        assert isinstance(request.user, User)
        services.follow_up_update(follow_up=obj, what=obj.what, due_date=obj.due_date, acting_user=request.user)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        assert isinstance(request.user, User)
        services.follow_up_delete(follow_up=obj, acting_user=request.user)


class HelpMessageInline(admin.TabularInline[HelpMessage, HelpRequest]):
    model = HelpMessage
    fields = ["created_at", "author", "body"]
    readonly_fields = ["created_at", "author", "body"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class HelpRequestAdminForm(forms.ModelForm[HelpRequest]):
    """Another mentor must be an active mentor of the participant's kecamatan (the service's rule, shown here)."""

    class Meta:
        model = HelpRequest
        fields = ["mentor", "status"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        mentor = data.get("mentor")
        if mentor is not None and "mentor" in self.changed_data:
            try:
                services.check_mentor_for(self.instance.participant, mentor)
            except ValidationError as exc:
                self.add_error(None, exc.error_dict["mentor"])
        return data


@admin.register(HelpRequest)
class HelpRequestAdmin(ProgramAdmin):
    form = HelpRequestAdminForm
    list_display = ["subject", "participant", "mentor", "topic", "status", "awaiting_mentor", "last_message_at"]
    list_filter = ["status", "awaiting_mentor", "topic", "mentor__office"]
    list_select_related = ["participant", "mentor"]
    search_fields = ["^participant__full_name", "^mentor__full_name"]
    raw_id_fields = ["participant", "mentor"]
    readonly_fields = ["participant", "topic", "subject", "created_at", "last_message_at", "awaiting_mentor"]
    inlines = [HelpMessageInline]
    ordering = ["-last_message_at", "-pk"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the participant asks on their page

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        assert isinstance(request.user, User)
        services.help_request_update(request=obj, mentor=obj.mentor, status=obj.status, acting_user=request.user)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # the messages are read-only here: only the participant and the mentor write them
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        assert isinstance(request.user, User)
        services.help_request_delete(request=obj, acting_user=request.user)


class MentorTargetForm(forms.ModelForm[MentorTarget]):
    class Meta:
        model = MentorTarget
        fields = ["mentor", "year", "participants", "basis", "visits"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_is_mentor(self)
        return data


@admin.register(MentorTarget)
class MentorTargetAdmin(ProgramAdmin):
    form = MentorTargetForm
    list_display = ["mentor", "year", "participants", "basis", "visits", "set_by", "updated_at"]
    list_filter = ["year", "basis", "mentor__office"]
    list_select_related = ["mentor", "set_by"]
    search_fields = ["^mentor__full_name", "=mentor__email"]
    raw_id_fields = ["mentor"]
    readonly_fields = ["set_by", "updated_at"]
    ordering = ["-year", "mentor__full_name"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        assert isinstance(request.user, User)
        saved = services.mentor_target_save(
            mentor=obj.mentor,
            year=obj.year,
            participants=obj.participants,
            basis=obj.basis,
            visits=obj.visits,
            target=obj if change else None,
            acting_user=request.user,
        )
        obj.pk, obj.set_by = saved.pk, saved.set_by
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        assert isinstance(request.user, User)
        services.mentor_target_delete(target=obj, acting_user=request.user)


class MentorTrainingForm(forms.ModelForm[MentorTraining]):
    class Meta:
        model = MentorTraining
        fields = ["mentor", "title", "kind", "date", "organiser"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_is_mentor(self)
        return data


@admin.register(MentorTraining)
class MentorTrainingAdmin(ProgramAdmin):
    form = MentorTrainingForm
    list_display = ["title", "mentor", "kind", "date", "organiser", "recorded_by"]
    list_filter = ["kind", "date", "mentor__office"]
    list_select_related = ["mentor", "recorded_by"]
    search_fields = ["^title", "^mentor__full_name"]
    raw_id_fields = ["mentor"]
    readonly_fields = ["recorded_by", "recorded_at"]
    ordering = ["-date", "-pk"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        assert isinstance(request.user, User)
        saved = services.mentor_training_save(
            mentor=obj.mentor,
            title=obj.title,
            kind=obj.kind,
            date=obj.date,
            organiser=obj.organiser,
            training=obj if change else None,
            acting_user=request.user,
        )
        obj.pk, obj.recorded_by = saved.pk, saved.recorded_by
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        assert isinstance(request.user, User)
        services.mentor_training_delete(training=obj, acting_user=request.user)
