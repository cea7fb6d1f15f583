"""The targets in the admin, for agency staff: a target is set, changed (its value) and deleted through the
services, with the service's rules shown on the form (the level names its area and no other, an active mentor,
a year the program runs, a number above zero); and a spreadsheet of targets is uploaded on a page of its own,
checked row by row (the errors by row and field, in the person's language), then saved whole, saved for its good
rows only, or discarded. The template file to fill in is downloaded in the person's language."""

from collections import defaultdict
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.web import request_user
from core.admin import ServiceAdmin, copy_saved
from core.files import private_bytes_response
from core.forms import DISCARD, SAVE_ALL, SAVE_GOOD, SpreadsheetUploadForm
from core.forms import ImportDecisionForm as BaseImportDecisionForm
from core.web import add_service_errors, error_text
from geography.models import Kecamatan, Wilayah
from registration.measures import Measure

from . import importing, services
from .choices import Level
from .models import ImportStatus, Target, TargetImport
from .permissions import can_set_targets

TEMPLATE_TYPES = {
    "csv": ("text/csv; charset=utf-8", importing.template_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", importing.template_xlsx),
}
KEY_FIELDS = ["year", "measure", "level", "wilayah", "kecamatan", "mentor"]
RECENT_IMPORTS = 10


class TargetAdminForm(forms.ModelForm[Target]):
    """Turns what staff type into a target's values; the rules are the service's (`services.check_target`, asked
    by the admin while the form is validated), so the model's own constraint messages are not shown."""

    class Meta:
        model = Target
        fields = [*KEY_FIELDS, "value"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "mentor" in self.fields:
            mentors = User.objects.filter(role=Role.MENTOR, is_active=True).select_related("office")
            self.fields["mentor"].queryset = mentors.order_by("full_name")  # type: ignore[attr-defined]
            self.fields["mentor"].help_text = _("For a mentor's target: an active mentor.")

    def validate_unique(self) -> None:
        """The level and area rule and the one target per year, measure and area are the service's to say."""


class UploadForm(SpreadsheetUploadForm):
    file_help = _("A CSV file (UTF-8) or an Excel .xlsx file of at most 2 MB, with the template's columns.")


@admin.register(Target)
class TargetAdmin(ServiceAdmin):
    form = TargetAdminForm
    change_list_template = "admin/targets/target/change_list.html"
    list_display = ["year", "measure", "level", "area", "value", "updated_by", "updated_at"]
    list_filter = ["year", "level", "measure", "wilayah"]
    list_select_related = ["wilayah", "kecamatan", "mentor", "updated_by"]
    search_fields = ["kecamatan__name", "wilayah__name", "mentor__full_name", "=mentor__email"]
    search_help_text = _("A kecamatan, a wilayah, a mentor's name or email.")
    ordering = ["-year", "level", "measure", "pk"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and bool(can_set_targets(request.user))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and bool(can_set_targets(request.user))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request) and bool(can_set_targets(request.user))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # another year, measure or area is another target: a target there changes its value only
        return ["updated_by", "updated_at"] if obj is None else [*KEY_FIELDS, "updated_by", "updated_at"]

    @admin.display(description=_("area"))
    def area(self, obj: Target) -> str:
        return str(obj.wilayah or obj.kecamatan or obj.mentor or Level(obj.level).label)

    def service_check(self, obj: Target, data: dict[str, Any], acting_user: Any) -> None:
        values = self._values(obj, data)
        services.check_target(**values)
        if obj.pk is None:
            there = Target.objects.filter(**{key: values[key] for key in KEY_FIELDS}).first()
            if there is not None:
                url = reverse("admin:targets_target_change", args=[there.pk])
                message = format_html(
                    '{} <a href="{}">{}</a>',
                    gettext("There is a target for this year, measure and area already (%(value)s).")
                    % {"value": there.value},
                    url,
                    gettext("Change it there."),
                )
                raise ValidationError(message, code="target_there")

    @staticmethod
    def _values(obj: Target, data: dict[str, Any]) -> dict[str, Any]:
        """The service's values: the form's on a new target; the target's own key and the new value on a change."""
        if obj.pk is None:
            return {key: data.get(key) for key in [*KEY_FIELDS, "value"]}
        return {
            "year": obj.year,
            "measure": obj.measure,
            "level": obj.level,
            "wilayah": obj.wilayah,
            "kecamatan": obj.kecamatan,
            "mentor": obj.mentor,
            "value": data.get("value"),
        }

    def save_model(self, request: HttpRequest, obj: Target, form: Any, change: bool) -> None:
        values = self._values(obj, form.cleaned_data) if change else self._values(Target(), form.cleaned_data)
        copy_saved(services.target_set(**values, acting_user=request_user(request)), obj)

    def delete_model(self, request: HttpRequest, obj: Target) -> None:
        services.target_delete(target=obj, acting_user=request_user(request))

    # --- the spreadsheet upload ---------------------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="targets_target_upload"),
            path("upload/<int:pk>/", view(self.import_view), name="targets_target_import"),
            path("upload/template/", view(self.template_view), name="targets_target_template"),
            *super().get_urls(),
        ]

    def _may_upload(self, request: HttpRequest) -> None:
        if not self.has_add_permission(request):
            raise PermissionDenied

    def _context(self, request: HttpRequest, title: str, **extra: Any) -> dict[str, Any]:
        return {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **extra}

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        """Send a spreadsheet of targets: checked row by row; no target is set yet."""
        self._may_upload(request)
        form = UploadForm(request.POST or None, request.FILES or None)
        status = 200
        if request.method == "POST":
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    batch = services.target_import_check(
                        file_name=upload.name or "", content=upload.read(), acting_user=request_user(request)
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    self.message_user(
                        request, gettext("The file is checked. No target is set yet: see the report below.")
                    )
                    return redirect("admin:targets_target_import", pk=batch.pk)
            status = 400
        context = self._context(
            request,
            gettext("Upload targets from a spreadsheet"),
            form=form,
            imports=TargetImport.objects.select_related("created_by")[:RECENT_IMPORTS],
            headers=importing.TEMPLATE_HEADERS,
            year=timezone.localdate().year,
        )
        return TemplateResponse(request, "admin/targets/target/upload.html", context, status=status)

    def import_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The report of a checked file, row by row, and the decision on it."""
        self._may_upload(request)
        batch = get_object_or_404(TargetImport.objects.select_related("created_by"), pk=pk)
        form = BaseImportDecisionForm(request.POST or None)
        status = 200
        if request.method == "POST":
            status = 400
            if not form.is_valid():
                self.message_user(request, gettext("Choose what to do with the file."), messages.ERROR)
            else:
                action = form.cleaned_data["action"]
                user = request_user(request)
                try:
                    if action == DISCARD:
                        services.target_import_discard(batch=batch, acting_user=user)
                    else:
                        services.target_import_save(batch=batch, only_good_rows=action == SAVE_GOOD, acting_user=user)
                except ValidationError as exc:
                    self.message_user(request, error_text(exc), messages.ERROR)
                else:
                    done = (
                        gettext("The file is discarded: no target was set.")
                        if action == DISCARD
                        else gettext("The targets of the file are set.")
                    )
                    self.message_user(request, done, messages.SUCCESS)
                    return redirect("admin:targets_target_import", pk=batch.pk)
            batch.refresh_from_db()
        context = self._context(
            request,
            gettext("Report of the file %(name)s") % {"name": batch.file_name},
            batch=batch,
            bad_rows=_bad_rows(batch),
            good_rows=_good_rows(batch),
            counts=services.import_counts(batch),
            waiting=batch.status == ImportStatus.CHECKED,
            actions={"save_all": SAVE_ALL, "save_good": SAVE_GOOD, "discard": DISCARD},
        )
        return TemplateResponse(request, "admin/targets/target/import_detail.html", context, status=status)

    def template_view(self, request: HttpRequest) -> HttpResponse:
        """The template file (?format=csv or xlsx), its headers and examples in the person's language."""
        self._may_upload(request)
        wanted = request.GET.get("format", "xlsx")
        if wanted not in TEMPLATE_TYPES:
            return HttpResponseBadRequest(gettext("Choose the csv or xlsx format."))
        content_type, build = TEMPLATE_TYPES[wanted]
        return private_bytes_response(
            build(year=timezone.localdate().year),
            content_type=content_type,
            filename=f"{gettext('targets-template')}.{wanted}",
        )


def _bad_rows(batch: TargetImport) -> list[dict[str, Any]]:
    """The errors of a batch grouped by row, each with its column's label."""
    by_row: dict[int, list[dict[str, str]]] = defaultdict(list)
    for error in batch.errors:
        label = importing.FIELD_LABELS.get(error["field"], error["field"])
        by_row[int(error["row"])].append({"field": str(label), "message": error["message"]})
    return [{"row": row, "problems": problems} for row, problems in sorted(by_row.items())]


def _good_rows(batch: TargetImport) -> list[dict[str, Any]]:
    """The good rows with the names of their measure, level and area (three queries)."""
    rows: list[dict[str, Any]] = batch.rows
    wilayah = Wilayah.objects.in_bulk({row["wilayah"] for row in rows if row["wilayah"]})
    kecamatan = Kecamatan.objects.in_bulk({row["kecamatan"] for row in rows if row["kecamatan"]})
    mentors = User.objects.in_bulk({row["mentor"] for row in rows if row["mentor"]})
    named = []
    for row in rows:
        area = wilayah.get(row["wilayah"]) or kecamatan.get(row["kecamatan"]) or mentors.get(row["mentor"])
        named.append(
            {
                **row,
                "measure_label": Measure(row["measure"]).label,
                "level_label": Level(row["level"]).label,
                "area": str(area) if area is not None else "",
            }
        )
    return named
