"""NIK (Nomor Induk Kependudukan) checks: python-stdnum's format, province and city checks, plus ours.

A NIK is PP RR DD ddmmyy SSSS: province, city, district, birth date (women add 40 to the day), serial.
Every rejection carries a code and a message in the user's language.
"""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength
from stdnum.id import nik as stdnum_nik

from .choices import Sex

JAKARTA_PROVINCE = "31"
JAKARTA_CITY_CODES = {"3101", "3171", "3172", "3173", "3174", "3175"}


def compact(value: str) -> str:
    return stdnum_nik.compact(value)


def validate_nik(
    value: str,
    *,
    birth_date: datetime.date | None = None,
    sex: str | None = None,
    jakarta_ktp: bool | None = None,
    kecamatan_prefixes: frozenset[str] | set[str] | None = None,
) -> str:
    """Return the NIK in compact form, or raise ValidationError saying what is wrong with it.

    `birth_date` and `sex` are cross-checked with the date encoded in the NIK; `jakarta_ktp` demands a DKI
    Jakarta NIK (province 31, one of the six city codes and, given `kecamatan_prefixes`, a known district).
    """
    number = compact(value)
    if not number.isdigit():
        raise ValidationError(_("A NIK has digits only."), code="nik_format")
    if len(number) != 16:
        raise ValidationError(
            _("A NIK has exactly 16 digits; this one has %(count)d.") % {"count": len(number)}, code="nik_length"
        )
    if number[12:] == "0000":
        raise ValidationError(_("The last four digits of a NIK (the serial) are never 0000."), code="nik_serial")
    encoded_day = int(number[6:8])
    birth = decode_birth(number)
    if birth is None:
        if not (1 <= encoded_day <= 31 or 41 <= encoded_day <= 71):
            raise ValidationError(
                _("Digits 7 and 8 of this NIK are the birth day: 01 to 31 for men, 41 to 71 for women (day plus 40)."),
                code="nik_date",
            )
        raise ValidationError(_("Digits 7 to 12 of this NIK are not a valid birth date."), code="nik_date")
    try:
        stdnum_nik.validate(number)
    except (InvalidFormat, InvalidLength) as exc:
        raise ValidationError(_("A NIK has exactly 16 digits."), code="nik_length") from exc
    except InvalidComponent as exc:
        # the encoded date is valid (checked above, more strictly than python-stdnum): the region is not
        raise ValidationError(
            _("The first four digits of this NIK are not a known province and city code."), code="nik_region"
        ) from exc

    if number[:2] == JAKARTA_PROVINCE and number[:4] not in JAKARTA_CITY_CODES:
        # python-stdnum knows the provinces; the six DKI city codes we check ourselves.
        raise ValidationError(
            _("The first four digits of this NIK are not a known province and city code."), code="nik_region"
        )
    if jakarta_ktp:
        if number[:4] not in JAKARTA_CITY_CODES:
            raise ValidationError(
                _("A Jakarta KTP has a NIK that starts with 31 and a DKI city code (3101, 3171 to 3175)."),
                code="nik_not_jakarta",
            )
        if kecamatan_prefixes is not None and number[:6] not in kecamatan_prefixes:
            raise ValidationError(_("Digits 5 and 6 of this NIK are not a kecamatan of Jakarta."), code="nik_district")
    if sex is not None:
        female = birth.female
        if sex == Sex.FEMALE and not female:
            raise ValidationError(
                _("For women the NIK carries the birth day plus 40 (digits 7 and 8 are 41 to 71)."), code="nik_sex"
            )
        if sex == Sex.MALE and female:
            raise ValidationError(
                _("Digits 7 and 8 of this NIK are over 40, which marks a woman; check the sex or the NIK."),
                code="nik_sex",
            )
    if birth_date is not None and (birth.day, birth.month, birth.year) != (
        birth_date.day,
        birth_date.month,
        birth_date.year % 100,
    ):
        raise ValidationError(
            _("The birth date in this NIK (digits 7 to 12) does not match the birth date given."),
            code="nik_birth_date",
        )
    return number


@dataclasses.dataclass(frozen=True)
class EncodedBirth:
    """The birth date digits 7 to 12 of a NIK carry: the day (without the 40 women add), month, two-digit year."""

    day: int
    month: int
    year: int
    female: bool


def decode_birth(number: str) -> EncodedBirth | None:
    """The encoded birth date of a compact 16-digit NIK, exactly: a man's day is 01 to 31, a woman's 41 to 71 (the
    day plus 40), and the day must exist in that month of that year (no 30 February, no 31 April, 29 February
    only in a leap year; "00" may be 1900 or 2000, and 2000 was one). None when the digits are no such date."""
    encoded_day, month, year = int(number[6:8]), int(number[8:10]), int(number[10:12])
    if 1 <= encoded_day <= 31:
        day, female = encoded_day, False
    elif 41 <= encoded_day <= 71:
        day, female = encoded_day - 40, True
    else:
        return None
    if not any(_is_date(century + year, month, day) for century in (1900, 2000)):
        return None
    return EncodedBirth(day=day, month=month, year=year, female=female)


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def mask_nik(number: str) -> str:
    """3174011708900001 -> 3174********0001: enough to tell NIKs apart, not enough to use one."""
    if len(number) != 16:
        return "*" * len(number)
    return number[:4] + "*" * 8 + number[12:]


def make_nik(*, district: str, birth_date: datetime.date, sex: str, serial: int) -> str:
    """Build a NIK from its parts (for demo data and tests): district is six digits such as 317401 (Tebet)."""
    day = birth_date.day + (40 if sex == Sex.FEMALE else 0)
    return f"{district}{day:02d}{birth_date:%m%y}{serial:04d}"
