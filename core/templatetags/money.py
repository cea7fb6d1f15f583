"""`{% load money %}{{ amount|rupiah }}`: an amount shown as rupiah are written, "Rp 5.000.000", in any language."""

from typing import Any

from django import template

from core.money import format_rupiah

register = template.Library()


@register.filter
def rupiah(amount: Any) -> str:
    if amount is None or amount == "":
        return "—"
    try:
        return format_rupiah(int(amount))
    except (TypeError, ValueError):
        return str(amount)
