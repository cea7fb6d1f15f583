"""The cash book's forms, quick on a phone as the bookkeeping apps people know: money in or out (two big
choices), the amount as people type rupiah, a category, the day (today unless changed) and a note. Money owed,
its settling, and the opening balance. They turn input into the values the services take; the services decide."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import RupiahField

from ..choices import CATEGORY_RULES, Category, DebtKind, Direction, categories_of
from ..services.books import COUNTERPARTY_CHARS, NOTE_CHARS

DATE_INPUT = {"type": "date"}
AMOUNT_REQUIRED = _("Give the amount in rupiah, for example 50.000.")

# the two big choices of the quick entry
DIRECTION_CHOICES = [(Direction.IN.value, _("Money in")), (Direction.OUT.value, _("Money out"))]
KIND_CHOICES = [
    (DebtKind.RECEIVABLE.value, _("Owed to me (piutang)")),
    (DebtKind.PAYABLE.value, _("I owe (hutang)")),
]


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d")


def category_choices() -> list[tuple[Any, Any]]:
    """The categories a person may choose, grouped by the way the money goes (the settlement categories are
    written by settling money owed)."""
    groups: list[tuple[Any, Any]] = [("", _("Choose a category"))]
    for value, label in DIRECTION_CHOICES:
        groups.append((label, [(c, Category(c).label) for c in categories_of(value)]))
    return groups


class CategorySelect(forms.Select):
    """Each option carries its direction (`data-direction`), so `static/js/cashbook.js` offers only the
    categories of the direction chosen; without the script both groups are offered and the service refuses a
    category of the other direction."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(name, value, *args, **kwargs)
        rule = CATEGORY_RULES.get(str(value))
        if rule is not None:
            option["attrs"]["data-direction"] = rule.direction
        return option


class EntryForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Money in or out"), choices=DIRECTION_CHOICES, widget=forms.RadioSelect, initial=Direction.IN
    )
    amount = RupiahField(label=_("Amount (Rp)"), error_messages={"required": AMOUNT_REQUIRED})
    category = forms.ChoiceField(label=_("Category"), choices=category_choices, widget=CategorySelect)
    day = forms.DateField(label=_("Date"), widget=date_input())
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_CHARS,
        help_text=_("Optional: who, what, for example 20 portions of nasi uduk."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = timezone.localdate
        self.fields["amount"].widget.attrs["class"] = "form-control-lg"
        self.fields["category"].widget.attrs["data-direction-field"] = self.add_prefix("direction")


class DebtForm(forms.Form):
    kind = forms.ChoiceField(label=_("Who owes"), choices=KIND_CHOICES, widget=forms.RadioSelect)
    counterparty = forms.CharField(
        label=_("Who"),
        max_length=COUNTERPARTY_CHARS,
        help_text=_("The customer who owes you, or the supplier you owe."),
    )
    amount = RupiahField(label=_("Amount (Rp)"), error_messages={"required": AMOUNT_REQUIRED})
    incurred_on = forms.DateField(label=_("Since"), widget=date_input())
    due_on = forms.DateField(label=_("Due"), required=False, widget=date_input(), help_text=_("Optional."))
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_CHARS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["incurred_on"].initial = timezone.localdate


class SettleForm(forms.Form):
    settled_on = forms.DateField(label=_("Paid on"), widget=date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["settled_on"].initial = timezone.localdate


class OpeningBalanceForm(forms.Form):
    day = forms.DateField(label=_("The book starts on"), widget=date_input())
    cash = RupiahField(
        label=_("Cash on hand (Rp)"),
        required=False,
        help_text=_("The money of the business on that day: in the till, the bank and e-wallets."),
    )
    equipment = RupiahField(
        label=_("Equipment already owned (Rp)"),
        required=False,
        help_text=_("What the equipment you use cost, for example a stove, a freezer, a sewing machine."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = timezone.localdate

    def clean_cash(self) -> int:
        return self.cleaned_data.get("cash") or 0

    def clean_equipment(self) -> int:
        return self.cleaned_data.get("equipment") or 0
