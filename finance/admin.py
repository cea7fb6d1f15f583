"""P6 in the admin. Monthly reports are changed through the service (as a mentor on the participant's behalf),
closed and reopened by actions through the services. The books (entries, money owed, imports, statements) and
the trail of closed months and changes of class are the participant's, written through the pages: here they
are read-only lists staff search by registration reference."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.web import request_user
from core.admin import NEWEST_FIRST, RecordAdmin, ServiceAdmin, copy_saved
from core.forms import RUPIAH_ADMIN_FIELDS
from registration.admin import PARTICIPANT_REFERENCE_SHAPES

from . import services
from .models import ClassChange, Debt, Entry, ImportBatch, MonthEvent, MonthlyRecord, Statement

BOOK_FIGURES = ["turnover", "expenses", "assets"]
REFERENCE_SEARCH = ["=participant__registration__reference", "^participant__full_name"]
REFERENCE_HELP = _("A registration reference, or the start of a participant's name.")


class MonthlyRecordAdminForm(forms.ModelForm[MonthlyRecord]):
    """Validates what staff type; the save goes through services.monthly_record_save (the page's rules)."""

    class Meta:
        model = MonthlyRecord
        fields = ["participant", "month", "turnover", "expenses", "workers", "assets"]

    def clean_month(self) -> Any:
        # to the first day before the unique (participant, month) check runs
        return services.check_month(self.cleaned_data["month"])


class ReasonActionForm(ActionForm):
    reason = forms.CharField(label=_("Reason (to reopen)"), required=False, max_length=services.MAX_REASON_CHARS)


def _months(count: int) -> str:
    return ngettext("%(count)d participant's months changed.", "%(count)d participants' months changed.", count) % {
        "count": count
    }


@admin.register(MonthlyRecord)
class MonthlyRecordAdmin(ServiceAdmin):
    form = MonthlyRecordAdminForm
    action_form = ReasonActionForm
    formfield_overrides = RUPIAH_ADMIN_FIELDS
    list_display = [
        "participant",
        "month",
        "turnover",
        "expenses",
        "profit",
        "workers",
        "assets",
        "source",
        "closed_at",
        "recorded_at",
    ]
    list_filter = ["source", "month", "participant__kecamatan"]
    list_select_related = ["participant", "recorded_by"]
    search_fields = REFERENCE_SEARCH
    search_shapes = PARTICIPANT_REFERENCE_SHAPES
    search_help_text = REFERENCE_HELP
    raw_id_fields = ["participant"]
    readonly_fields = ["profit", "source", "recorded_by", "recorded_at", "closed_at", "closed_by"]
    ordering = ["-month", "-pk"]
    actions = ["close_months", "reopen_months"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.readonly_fields
        # a record is one participant's month: another month or participant is another record; a month from
        # the books takes only its workers
        fixed = [*self.readonly_fields, "participant", "month"]
        return [*fixed, *BOOK_FIGURES] if obj.from_books else fixed

    def _figures(self, obj: Any, data: dict[str, Any]) -> dict[str, Any]:
        figures = {name: data.get(name, getattr(obj, name)) for name in ["workers", *BOOK_FIGURES]}
        if obj.from_books:  # its figures are the books': only the workers are the form's
            figures.update(dict.fromkeys(BOOK_FIGURES))
        return figures

    def service_check(self, obj: Any, data: dict[str, Any], acting_user: Any) -> None:
        participant = data.get("participant") or obj.participant  # read-only once the record exists
        month = data.get("month") or obj.month
        services.monthly_record_check(
            participant=participant, month=month, user=acting_user, **self._figures(obj, data)
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Staff editing here act on the participant's behalf, as a mentor does, through the same service."""
        record, _created = services.monthly_record_save(
            participant=obj.participant,
            month=obj.month,
            acting_user=request_user(request),
            **self._figures(obj, {}),
        )
        copy_saved(record, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # a month the cash book gives goes with its entries (the service refuses it too)
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.from_books)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.monthly_record_delete(record=obj, acting_user=request_user(request))

    @admin.action(description=_("Close the selected months (and the earlier ones)"))
    def close_months(self, request: HttpRequest, queryset: QuerySet[MonthlyRecord]) -> None:
        """The latest selected month of each participant: closing it closes the earlier ones."""
        latest: dict[int, MonthlyRecord] = {}
        for record in queryset.select_related("participant").order_by("month"):
            latest[record.participant_id] = record
        user = request_user(request)
        self._each(
            request,
            latest.values(),
            lambda record: services.month_close(participant=record.participant, month=record.month, acting_user=user),
            _months,
        )

    @admin.action(description=_("Reopen the selected months (and the later ones), with the reason given"))
    def reopen_months(self, request: HttpRequest, queryset: QuerySet[MonthlyRecord]) -> None:
        """The earliest selected closed month of each participant: reopening it reopens the later ones."""
        earliest: dict[int, MonthlyRecord] = {}
        for record in queryset.filter(closed_at__isnull=False).select_related("participant").order_by("-month"):
            earliest[record.participant_id] = record
        user, reason = request_user(request), request.POST.get("reason", "")
        self._each(
            request,
            earliest.values(),
            lambda record: services.month_reopen(
                participant=record.participant, month=record.month, reason=reason, acting_user=user
            ),
            _months,
        )


class BooksAdmin(RecordAdmin):
    """The participant's rows, read-only: written through the pages."""

    list_select_related = ["participant"]
    search_fields = REFERENCE_SEARCH
    search_shapes = PARTICIPANT_REFERENCE_SHAPES
    search_help_text = REFERENCE_HELP
    raw_id_fields = ["participant"]
    history_about_related = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [field.name for field in self.model._meta.fields]


@admin.register(Entry)
class EntryAdmin(BooksAdmin):
    list_display = ["participant", "day", "direction", "category", "amount", "source", "recorded_at"]
    list_filter = ["direction", "category", "source"]
    ordering = ["-day", "-pk"]


@admin.register(Debt)
class DebtAdmin(BooksAdmin):
    list_display = ["participant", "kind", "counterparty", "amount", "incurred_on", "due_on", "settled_on"]
    list_filter = ["kind"]
    ordering = ["-incurred_on", "-pk"]


@admin.register(MonthEvent)
class MonthEventAdmin(BooksAdmin):
    list_display = ["participant", "month", "action", "reason", "by", "at"]
    list_filter = ["action"]
    list_select_related = ["participant", "by"]
    ordering = NEWEST_FIRST


@admin.register(ClassChange)
class ClassChangeAdmin(BooksAdmin):
    list_display = ["participant", "month", "previous_class", "new_class", "capital", "yearly_sales", "changed_at"]
    list_filter = ["new_class", "participant__kecamatan"]
    ordering = NEWEST_FIRST


@admin.register(Statement)
class StatementAdmin(BooksAdmin):
    list_display = ["code", "participant", "period_start", "period_end", "language", "issued_at"]
    list_filter = ["language"]
    search_fields = ["=code", *REFERENCE_SEARCH]
    search_help_text = _("A verification code, a registration reference, or the start of a participant's name.")
    ordering = NEWEST_FIRST


@admin.register(ImportBatch)
class ImportBatchAdmin(BooksAdmin):
    list_display = ["participant", "file_name", "status", "saved_count", "repeated_count", "created_at"]
    list_filter = ["status"]
    ordering = NEWEST_FIRST
