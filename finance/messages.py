"""The messages of P6 financial reporting and the context each needs (registered with the notifications app):
the participant is told when their business moves up a class ("naik kelas"), with a link to their reports."""

from typing import Final

CLASS_UP: Final = "finance_class_up"

MESSAGES: Final[dict[str, dict[str, type]]] = {
    CLASS_UP: {"full_name": str, "business_class": str, "link": str},
}
