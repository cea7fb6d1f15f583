"""Tap-to-call and WhatsApp links from an Indonesian number: `{% load contact %}`.

- `{{ number|tel_href }}` -> `tel:+6281234567890`
- `{{ number|wa_href }}` -> `https://wa.me/6281234567890` (wa.me wants the digits only: no plus, no leading zero)
- `{% phone_links number whatsapp=number label=... %}` -> the number as a call link, and a WhatsApp link.

A number is read as stored (+62…) or as typed (0812…, 62812…, 812…); anything with no digits gives no link."""

import re

from django import template

register = template.Library()


def international_digits(number: str | None) -> str:
    """The number's digits in international form, 62 first: "+62 812-3456" and "0812 3456" -> "628123456"."""
    digits = re.sub(r"\D", "", number or "")
    if not digits:
        return ""
    if digits.startswith("62"):
        return digits
    if digits.startswith("0"):
        return "62" + digits.lstrip("0")
    return "62" + digits


@register.filter
def tel_href(number: str | None) -> str:
    digits = international_digits(number)
    return f"tel:+{digits}" if digits else ""


@register.filter
def wa_href(number: str | None) -> str:
    digits = international_digits(number)
    return f"https://wa.me/{digits}" if digits else ""


@register.inclusion_tag("core/_phone_links.html")
def phone_links(
    number: str | None, whatsapp: str | None = None, label: str = "", id_prefix: str = ""
) -> dict[str, str]:
    """A call link for `number` and a WhatsApp link for `whatsapp` (each left out when empty). `label` names whom
    the links reach, for screen readers; `id_prefix` gives the links ids (`<prefix>-tel`, `<prefix>-wa`)."""
    return {
        "number": number or "",
        "tel": tel_href(number),
        "whatsapp": whatsapp or "",
        "wa": wa_href(whatsapp),
        "label": label,
        "id_prefix": id_prefix,
    }
