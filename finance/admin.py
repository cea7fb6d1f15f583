import datetime
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from core.admin import ProgramAdmin

from .models import MonthlyRecord, Source
from .services import check_month


class MonthlyRecordAdminForm(forms.ModelForm[MonthlyRecord]):
    class Meta:
        model = MonthlyRecord
        fields = ["participant", "month", "turnover", "workers", "assets"]

    def clean_month(self) -> datetime.date:
        # to the first day before the unique (participant, month) check runs
        return check_month(self.cleaned_data["month"])


@admin.register(MonthlyRecord)
class MonthlyRecordAdmin(ProgramAdmin):
    form = MonthlyRecordAdminForm
    list_display = ["participant", "month", "turnover", "workers", "assets", "source", "recorded_by", "recorded_at"]
    list_filter = ["source", "month", "participant__kecamatan"]
    list_select_related = ["participant", "recorded_by"]
    search_fields = ["=participant__registration__reference", "^participant__full_name"]
    raw_id_fields = ["participant"]
    readonly_fields = ["source", "recorded_by", "recorded_at"]
    ordering = ["-month", "-pk"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Staff editing here act on the participant's behalf, as a mentor does."""
        obj.source = Source.PARTICIPANT if obj.participant.user_id == request.user.pk else Source.MENTOR
        obj.recorded_by = request.user
        obj.recorded_at = timezone.now()
        super().save_model(request, obj, form, change)
