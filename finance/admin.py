from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from accounts.models import User
from core.admin import ProgramAdmin
from core.forms import RUPIAH_ADMIN_FIELDS

from . import services
from .models import MonthlyRecord


class MonthlyRecordAdminForm(forms.ModelForm[MonthlyRecord]):
    """Validates what staff type; the save goes through services.monthly_record_save (the page's rules)."""

    class Meta:
        model = MonthlyRecord
        fields = ["participant", "month", "turnover", "workers", "assets"]

    def clean_month(self) -> Any:
        # to the first day before the unique (participant, month) check runs
        return services.check_month(self.cleaned_data["month"])


@admin.register(MonthlyRecord)
class MonthlyRecordAdmin(ProgramAdmin):
    form = MonthlyRecordAdminForm
    formfield_overrides = RUPIAH_ADMIN_FIELDS
    list_display = ["participant", "month", "turnover", "workers", "assets", "source", "recorded_by", "recorded_at"]
    list_filter = ["source", "month", "participant__kecamatan"]
    list_select_related = ["participant", "recorded_by"]
    search_fields = ["=participant__registration__reference", "^participant__full_name"]
    raw_id_fields = ["participant"]
    readonly_fields = ["source", "recorded_by", "recorded_at"]
    ordering = ["-month", "-pk"]
    history_about_related = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.readonly_fields
        # a record is one participant's month: another month or participant is another record
        return [*self.readonly_fields, "participant", "month"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Staff editing here act on the participant's behalf, as a mentor does, through the same service."""
        assert isinstance(request.user, User)
        record, _created = services.monthly_record_save(
            participant=obj.participant,
            month=obj.month,
            turnover=obj.turnover,
            workers=obj.workers,
            assets=obj.assets,
            acting_user=request.user,
        )
        obj.pk = record.pk
        obj.source, obj.recorded_by, obj.recorded_at = record.source, record.recorded_by, record.recorded_at
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        assert isinstance(request.user, User)
        services.monthly_record_delete(record=obj, acting_user=request.user)
