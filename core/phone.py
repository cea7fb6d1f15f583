"""Indonesian mobile numbers, normalised to E.164 (+62…) with the phonenumbers library."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def normalize_phone(value: str) -> str:
    """Return an Indonesian mobile number as +628…, or raise ValidationError saying why not."""
    try:
        number = phonenumbers.parse(value, "ID")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Enter a mobile number such as 0812 3456 7890."), code="phone_format") from exc
    if number.country_code != 62:
        raise ValidationError(_("Enter an Indonesian mobile number (+62)."), code="phone_country")
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError(_("This is not a valid Indonesian mobile number."), code="phone_invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(value: str) -> str:
    """+6281234567890 -> +6281******890, for logs and lists."""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:5] + "*" * (len(value) - 8) + value[-3:]
