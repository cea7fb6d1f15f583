"""Rupiah as people type it, read one way for every money field of the portal, and the business-class limits of
PP 7/2021 (art. 35, the medium-business ceilings) that tell a plausible figure from a mistyped one.

`parse_rupiah` reads an amount of whole rupiah, in Decimal arithmetic (never floats), and returns an int:

- digits, plain or grouped by three: "5000000", "5.000.000" (Indonesian), "5 000 000", "5,000,000" (English);
- an optional "Rp"/"IDR" before and "rupiah" after, and the ",-" of "Rp5.000.000,-";
- sen that are zero: "5.000.000,00", "5000000.00", "5,000,000.00";
- a scale word: "500 ribu", "500rb", "5jt", "5 juta", "1,5 juta", "1.5 juta", "2 miliar" (also "milyar",
  "triliun", "thousand", "million", "billion").

It refuses, with a code and a sentence (Indonesian and English through gettext): a negative amount, several
numbers ("1.500.000 - 2.000.000"), digits not grouped by three ("5.0000"), "5,000" (five thousand in English,
five in Indonesian: ambiguous), sen that are not zero, an amount above MAX_RUPIAH, and anything else.
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The largest amount a field takes: beyond it a figure is surely mistyped (and stays far below BIGINT).
MAX_RUPIAH = 10**15

# PP 7/2021 art. 35: a business's class by its capital (without land and buildings) or its yearly sales.
MEDIUM_MAX_CAPITAL = 10_000_000_000
MEDIUM_MAX_YEARLY_SALES = 50_000_000_000

INVALID = _("Write an amount in rupiah, for example 5.000.000 or 5 juta.")
NEGATIVE = _("The amount cannot be negative.")
SEVERAL = _("Write one amount only, not a range or a sum.")
BAD_GROUPING = _("Group the digits by three, for example 5.000.000.")
AMBIGUOUS = _("Write 5.000 or 5000 for five thousand rupiah: with a comma it could be read as five.")
SEN = _("Give whole rupiah, without sen.")
TOO_LARGE = _("This amount is too large; check it.")

SCALES = {
    "ribu": 10**3,
    "rb": 10**3,
    "k": 10**3,
    "thousand": 10**3,
    "juta": 10**6,
    "jt": 10**6,
    "million": 10**6,
    "miliar": 10**9,
    "milyar": 10**9,
    "billion": 10**9,
    "triliun": 10**12,
    "trilyun": 10**12,
    "trillion": 10**12,
}

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_PREFIX = re.compile(r"^(?:rp\.?|idr)\s*")
_SUFFIX = re.compile(r"\s*(?:[.,]-+|rupiah)$")
_NEGATIVE = re.compile(r"^(?:[-\u2212\u2012\u2013\u2014]|minus\b|\()")
_SCALED = re.compile(r"^(?P<number>[\d.,]+)\s*(?P<scale>[a-z]+)$")
_DIGITS = re.compile(r"\d+")
_GROUPED = {sep: re.compile(r"\d{1,3}(?:" + re.escape(sep) + r"\d{3})+") for sep in (".", ",", " ")}


def _refuse(message: object, code: str) -> ValidationError:
    return ValidationError(message, code=code)  # type: ignore[arg-type]


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _SPACES.sub(" ", text).strip()
    text = _PREFIX.sub("", text)
    while True:  # "rp 5 juta rupiah", "5.000.000,-"
        stripped = _SUFFIX.sub("", text).strip()
        if stripped == text:
            return text
        text = stripped


def _integer(text: str) -> Decimal:
    """Digits, plain or grouped by three with one kind of separator."""
    if text.isdigit():
        return Decimal(text)
    separators = {c for c in text if not c.isdigit()}
    if len(separators) != 1 or not _GROUPED[separators.pop()].fullmatch(text):
        raise _refuse(BAD_GROUPING, "bad_grouping")
    return Decimal(re.sub(r"\D", "", text))


def _number(text: str, *, scaled: bool) -> Decimal:
    """An amount of digits with its separators: which one is the decimal mark is read from the shape."""
    if not text or not text[0].isdigit() or not text[-1].isdigit():
        raise _refuse(INVALID, "invalid")
    last = max(text.rfind("."), text.rfind(","))
    if last < 0:
        return _integer(text)  # digits, perhaps grouped by spaces: "5 000 000"
    last = max(text.rfind("."), text.rfind(","))
    mark, head, tail = text[last], text[:last], text[last + 1 :]
    head_seps = {c for c in head if not c.isdigit()}
    if mark == ",":
        if not head_seps and len(tail) == 3 and not scaled:
            raise _refuse(AMBIGUOUS, "ambiguous")  # "5,000": 5000 in English, 5 in Indonesian
        if head_seps == {","} or (not head_seps and len(tail) == 3 and not scaled):
            return _english(text)
        return _integer(head) + Decimal("0." + tail)  # Indonesian decimal comma: "1,5 juta", "5.000.000,00"
    # the last mark is a dot
    if "," in head_seps:
        return _english(text)
    if len(tail) == 3:
        return _integer(text)  # Indonesian grouping: "5.000", "5.000.000", "1.500 juta"
    if head_seps or len(tail) > 3 or (len(tail) > 2 and not scaled):
        raise _refuse(BAD_GROUPING, "bad_grouping")  # "5.0000", "5.000.00"
    return Decimal(head) + Decimal("0." + tail)  # an English decimal point: "1.5 juta", "5000000.00"


def _english(text: str) -> Decimal:
    """Commas group by three, a dot marks the decimals: "5,000,000", "5,000,000.00"."""
    head, _dot, tail = text.partition(".")
    if tail and (len(tail) > 2 or not tail.isdigit()):
        raise _refuse(BAD_GROUPING, "bad_grouping")
    if not _GROUPED[","].fullmatch(head):
        raise _refuse(BAD_GROUPING, "bad_grouping")
    return Decimal(head.replace(",", "")) + (Decimal("0." + tail) if tail else 0)


def parse_rupiah(text: str, *, max_value: int = MAX_RUPIAH) -> int:
    """The whole rupiah `text` says, or a ValidationError with its code (see the module's docstring)."""
    value = _normalise(str(text))
    if not value:
        raise _refuse(INVALID, "invalid")
    if _NEGATIVE.match(value):  # "-5", "Rp -5", "-Rp 5", "minus 5", "(5.000)"
        raise _refuse(NEGATIVE, "negative")
    if len(_DIGITS.findall(value)) > 1 and re.search(r"[^\d., ]", re.sub(r"[a-z]+$", "", value)):
        raise _refuse(SEVERAL, "several_numbers")
    scaled = _SCALED.fullmatch(value)
    try:
        if scaled:
            scale = SCALES.get(scaled["scale"])
            if scale is None:
                raise _refuse(INVALID, "invalid")
            amount = _number(scaled["number"], scaled=True) * scale
        elif re.fullmatch(r"[\d., ]+", value):
            if " " in value and re.search(r"\d [\d]", value) and not _GROUPED[" "].match(value):
                raise _refuse(SEVERAL, "several_numbers")
            amount = _number(value, scaled=False)
        else:
            raise _refuse(INVALID, "invalid")
    except InvalidOperation as exc:
        raise _refuse(INVALID, "invalid") from exc
    if amount != amount.to_integral_value():
        raise _refuse(SEN, "sen")
    if amount > max_value:
        raise _refuse(TOO_LARGE, "too_large")
    return int(amount)


def group(amount: int) -> str:
    """5000000 -> "5.000.000" (Indonesian grouping, whatever the language: it is how rupiah are written)."""
    sign = "-" if amount < 0 else ""
    return sign + f"{abs(int(amount)):,}".replace(",", ".")


def format_rupiah(amount: int) -> str:
    """5000000 -> "Rp 5.000.000"."""
    return f"Rp {group(amount)}"


# --- plausibility: warned, never refused -----------------------------------------------------------------------

ABOVE_MEDIUM_CAPITAL = _(
    "This is above the capital of a medium business (Rp 10 billion, without land and buildings). Check the "
    "number of zeros."
)
ABOVE_MEDIUM_SALES = _(
    "This is above the sales of a medium business (Rp 50 billion a year, about Rp 4.2 billion a month). Check "
    "the number of zeros."
)


def capital_warning(amount: int | None) -> str | None:
    """Why a business's capital or assets (without land and buildings) look mistyped, or None."""
    if amount is not None and amount > MEDIUM_MAX_CAPITAL:
        return str(ABOVE_MEDIUM_CAPITAL)
    return None


def monthly_sales_warning(amount: int | None) -> str | None:
    """Why a month's turnover looks mistyped (above a twelfth of a medium business's yearly sales), or None."""
    if amount is not None and amount * 12 > MEDIUM_MAX_YEARLY_SALES:
        return str(ABOVE_MEDIUM_SALES)
    return None
