"""Admin for agency staff: the financing products (created, changed and taken off offer through the services, with
the same rules as everywhere: a lender of a lending kind, amounts within the portal's limits and in order), and the
loan referrals, read-only: a referral moves through `services.referral_move`, here on the lender's behalf (or the
program's send), on a page of its own; its moves are shown below it."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.web import request_user
from core.admin import NEWEST_FIRST, RecordAdmin, ServiceAdmin, copy_saved
from core.decisions import Decision, first_refusal
from core.web import add_service_errors, error_text

from . import permissions, services
from .choices import MOVES, ReferralStatus
from .forms import LenderMoveForm, ProductAdminForm, product_values
from .models import FinancingProduct, LoanReferral, ReferralMove


@admin.register(FinancingProduct)
class FinancingProductAdmin(ServiceAdmin):
    form = ProductAdminForm
    list_display = ["name", "lender", "code", "amount_min", "amount_max", "rate_percent", "rate_kind", "active"]
    list_filter = ["active", "lender", "rate_kind", "collateral"]
    list_select_related = ["lender"]
    search_fields = ["name", "=code", "lender__name"]
    actions = ["deactivate"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["code"] if obj is not None else []  # a product's page address is its code

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # referrals keep their product: one no longer offered is taken off offer (`active`)

    def service_check(self, obj: FinancingProduct, data: dict[str, Any], acting_user: Any) -> None:
        """The service's own checks, asked while the form is validated, so a refusal shows on the form."""
        services.product_check(product=obj, data=product_values(data), user=acting_user)

    def save_model(self, request: HttpRequest, obj: FinancingProduct, form: Any, change: bool) -> None:
        data, user = product_values(form.cleaned_data), request_user(request)
        if change:
            saved = services.product_update(product=obj, data=data, acting_user=user)
        else:
            saved = services.product_create(code=form.cleaned_data["code"], data=data, acting_user=user)
        copy_saved(saved, obj)

    @admin.action(description=_("Take the selected products off offer"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[FinancingProduct]) -> None:
        user = request_user(request)
        self._each(
            request,
            queryset,
            lambda product: services.product_deactivate(product=product, acting_user=user),
            lambda n: (
                ngettext("%(count)d product taken off offer.", "%(count)d products taken off offer.", n) % {"count": n}
            ),
        )


class ReferralMoveInline(admin.TabularInline[ReferralMove, LoanReferral]):
    model = ReferralMove
    readonly_fields = ("moved_at", "from_status", "to_status", "moved_by", "note")
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _staff_decisions(request: HttpRequest, referral: LoanReferral) -> dict[str, Decision]:
    """Agency staff's answer for each move the referral could make from its status: the program's send and the
    lender's moves (the participant's withdrawal is theirs)."""
    user = request_user(request)
    return {
        target: permissions.can_move(user, referral, target)
        for target in MOVES[ReferralStatus(referral.status)]
        if target != ReferralStatus.WITHDRAWN
    }


def staff_moves(request: HttpRequest, referral: LoanReferral) -> list[str]:
    """The moves agency staff may make on the referral now."""
    return [target for target, decision in _staff_decisions(request, referral).items() if decision]


def staff_refusal(request: HttpRequest, referral: LoanReferral) -> str:
    """Why agency staff may make no move on the referral now: the predicate's reason (the consent withdrawn), or
    that a closed referral makes none."""
    refused = first_refusal(*_staff_decisions(request, referral).values())
    return str(refused.reason) if not refused else gettext("This referral cannot be moved now.")


@admin.register(LoanReferral)
class LoanReferralAdmin(RecordAdmin, ServiceAdmin):  # read-only rows, moved on their own page through the service
    ordering = NEWEST_FIRST
    list_display = ["participant", "product", "lender", "status", "amount_requested", "created_at", "moved_at"]
    list_filter = ["status", "lender", "product", "participant__kecamatan"]
    list_select_related = ["participant", "product", "lender"]
    search_fields = ["^participant__full_name", "=id", "=lender_reference"]
    search_help_text = _("The start of a participant's name, a referral number or the lender's reference.")
    readonly_fields = [
        "participant",
        "product",
        "lender",
        "consent",
        "shared",
        "amount_requested",
        "tenor_months",
        "use_of_funds",
        "status",
        "lender_reference",
        "amount_approved",
        "amount_disbursed",
        "disbursed_on",
        "created_at",
        "moved_at",
    ]
    inlines = [ReferralMoveInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[LoanReferral]:
        return super().get_queryset(request).select_related("participant__kecamatan", "product", "lender", "consent")

    def get_urls(self) -> list[URLPattern]:
        move = path("<path:object_id>/move/", self.admin_site.admin_view(self.move_view), name="capital_referral_move")
        return [move, *super().get_urls()]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if obj is not None and staff_moves(request, obj):
            context["move_url"] = reverse("admin:capital_referral_move", args=[obj.pk])
        elif obj is not None and obj.is_open:
            context["move_refusal"] = staff_refusal(request, obj)
        return super().change_view(request, object_id, form_url, context)

    def move_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Move the referral on the lender's behalf (or send it), through referral_move."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        referral: LoanReferral | None = self.get_object(request, unquote(object_id))
        if referral is None:
            raise Http404
        change_url = reverse("admin:capital_loanreferral_change", args=[referral.pk])
        targets = staff_moves(request, referral)
        if not targets:
            self.message_user(request, staff_refusal(request, referral), messages.ERROR)
            return redirect(change_url)
        form = LenderMoveForm(request.POST or None, targets=targets)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.referral_move(
                    referral=referral,
                    to_status=data["to_status"],
                    note=data["note"],
                    amount=data["amount"],
                    day=data["day"],
                    lender_reference=data["lender_reference"] or None,
                    acting_user=request_user(request),
                )
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):
                    self.message_user(request, error_text(exc), messages.ERROR)
                    return redirect(change_url)
                add_service_errors(form, exc)
            else:
                self.message_user(
                    request, gettext("The referral is moved. The participant is told."), messages.SUCCESS
                )
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": referral,
            "title": gettext("Move %(referral)s") % {"referral": referral},
            "intro": gettext(
                "Record what the lender decided, as it told the program. The participant is told of every move."
            ),
            "submit": gettext("Move the referral"),
            "form_id": "move-form",
            "form": form,
            "cancel_url": change_url,
        }
        return TemplateResponse(request, "admin/step_form.html", context, status=400 if form.is_bound else 200)
