"""Capital forms: turn what people type into the values the services take, and show the services' refusals. No rule
lives here: the services and the predicates decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import RupiahField
from core.money import format_rupiah
from geography.models import Kecamatan
from registration.choices import BusinessClass, Track

from .choices import ReferralStatus, SharedData
from .models import FinancingProduct
from .services import NOTE_CHARS, REFERENCE_CHARS, USE_OF_FUNDS_CHARS, ProductData

GROUP_LABELS = {"lender": _("Lender"), "product": _("Product"), "kecamatan": _("Kecamatan")}
DATE_INPUT = {"type": "date"}


class ReferralForm(forms.Form):
    """Ask to be referred to a product's lender: how much, for how long, what for, which data the lender may see,
    and the consent text agreed (its version, as shown)."""

    amount_requested = RupiahField(label=_("How much do you need?"))
    tenor_months = forms.IntegerField(label=_("Over how many months will you repay?"), min_value=1, max_value=360)
    use_of_funds = forms.CharField(
        label=_("What is the money for?"),
        max_length=USE_OF_FUNDS_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: a second stove and a month of raw materials for more orders."),
    )
    shared = forms.MultipleChoiceField(
        label=_("What the lender may see"),
        choices=SharedData.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Your identity is needed: a lender cannot assess a loan without knowing who asks for it."),
    )
    agree = forms.BooleanField(
        label=_("I have read the consent text above and agree to it"),
        error_messages={"required": _("Tick the box to show you have read the text and agree to it.")},
    )
    text_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, data: Any = None, *, product: FinancingProduct, text_version: int) -> None:
        """`text_version`: the consent text shown with this form (a bound form keeps what was sent)."""
        super().__init__(data, initial={"text_version": text_version, "shared": list(SharedData.values)})
        amount = self.fields["amount_requested"]
        amount.help_text = _("From %(min)s to %(max)s.") % {
            "min": format_rupiah(product.amount_min),
            "max": format_rupiah(product.amount_max),
        }
        tenor = self.fields["tenor_months"]
        tenor.help_text = _("From %(min)d to %(max)d months.") % {
            "min": product.tenor_min_months,
            "max": product.tenor_max_months,
        }


class NoteForm(forms.Form):
    """A move made on a page (send to the lender, withdraw), with an optional note."""

    note = forms.CharField(
        label=_("Note (optional)"), max_length=NOTE_CHARS, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class QueueFilter(forms.Form):
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Kecamatan.objects.order_by("name"), required=False
    )


class FiguresFilter(forms.Form):
    """The figures' year and grouping, from the address (`?year=2026&by=lender`; the view fills in the defaults)."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=[])
    by = forms.ChoiceField(
        label=_("By"),
        choices=list(GROUP_LABELS.items()),
    )

    def __init__(self, data: dict[str, str], *, years: list[int]) -> None:
        super().__init__(data)
        self.fields["year"].choices = [(year, str(year)) for year in years]  # type: ignore[attr-defined]


# --- the admin --------------------------------------------------------------------------------------------------


class ProductAdminForm(forms.ModelForm[FinancingProduct]):
    """A product in the admin: the tracks and classes it serves as boxes (none ticked: any); the rupiah fields read
    as people type them."""

    tracks = forms.MultipleChoiceField(
        label=_("tracks"),
        choices=Track.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: both tracks."),
    )
    classes = forms.MultipleChoiceField(
        label=_("business classes"),
        choices=BusinessClass.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("PP 7/2021 classes the product serves. None ticked: any."),
    )
    amount_min = RupiahField(label=_("smallest amount (Rp)"))
    amount_max = RupiahField(label=_("largest amount (Rp)"))
    min_monthly_turnover = RupiahField(label=_("minimum monthly turnover (Rp)"), initial=0)

    class Meta:
        model = FinancingProduct
        fields = [
            "lender",
            "code",
            "name",
            "description",
            "amount_min",
            "amount_max",
            "tenor_min_months",
            "tenor_max_months",
            "rate_percent",
            "rate_kind",
            "collateral",
            "tracks",
            "min_report_months",
            "needs_nib",
            "classes",
            "min_monthly_turnover",
            "official_url",
            "active",
        ]


def product_values(data: dict[str, Any]) -> ProductData:
    """A product form's cleaned data as the values the services take."""
    return ProductData(
        lender=data["lender"],
        name=data["name"],
        description=data.get("description") or "",
        amount_min=data["amount_min"],
        amount_max=data["amount_max"],
        tenor_min_months=data["tenor_min_months"],
        tenor_max_months=data["tenor_max_months"],
        rate_percent=data["rate_percent"],
        rate_kind=data["rate_kind"],
        collateral=bool(data.get("collateral")),
        tracks=tuple(data.get("tracks") or ()),
        min_report_months=data.get("min_report_months") or 0,
        needs_nib=bool(data.get("needs_nib")),
        classes=tuple(data.get("classes") or ()),
        min_monthly_turnover=data.get("min_monthly_turnover") or 0,
        official_url=data.get("official_url") or "",
        active=bool(data.get("active")),
    )


class LenderMoveForm(forms.Form):
    """A move agency staff make in the admin on the lender's behalf (or the program's send): the status, and what
    it carries: the amount approved or disbursed, the day of disbursement, a refusal's reason, the lender's
    reference."""

    to_status = forms.ChoiceField(label=_("Move to"), choices=[])
    amount = RupiahField(
        label=_("Amount (Rp)"),
        required=False,
        help_text=_("Approved: the amount approved. Disbursed: the amount paid."),
    )
    day = forms.DateField(
        label=_("Disbursed on"), required=False, widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d")
    )
    lender_reference = forms.CharField(label=_("Lender's reference"), max_length=REFERENCE_CHARS, required=False)
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A refusal needs its reason here: the participant reads it."),
    )

    def __init__(self, data: Any = None, *, targets: list[str]) -> None:
        super().__init__(data)
        self.fields["to_status"].choices = [  # type: ignore[attr-defined]
            (status.value, status.label) for status in ReferralStatus if status.value in targets
        ]
