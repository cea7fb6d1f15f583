"""Turning an outbox row into the subject and body a person reads, in the message's language."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.template.loader import render_to_string
from django.utils import translation

from .models import Message

# Every message template and the context keys it needs. Each app registers its own in AppConfig.ready() and
# ships templates/notifications/messages/<key>.subject.txt and <key>.body.txt, so this app knows none of them.
_templates: dict[str, frozenset[str]] = {}


def register_message(key: str, *, context: Iterable[str]) -> None:
    """Declare a message template and the context keys every use of it must give."""
    keys = frozenset(context)
    if _templates.get(key, keys) != keys:
        raise ValueError(f"Message template {key!r} is registered twice with different context keys.")
    _templates[key] = keys


def message_templates() -> Mapping[str, frozenset[str]]:
    return dict(_templates)


# Context keys that would carry a NIK: a NIK never goes into a message or the outbox.
FORBIDDEN_CONTEXT_KEYS: Final = frozenset({"nik", "nik_number", "ktp", "ktp_number"})


@dataclass(frozen=True)
class OutgoingMessage:
    """A rendered message, ready for a channel backend."""

    message_id: int
    channel: str
    address: str
    template: str
    language: str
    subject: str
    body: str


def check_template_context(template: str, context: Mapping[str, Any]) -> None:
    """Raise ValueError when the template is unknown, a context key is missing or a key would carry a NIK."""
    required = _templates.get(template)
    if required is None:
        raise ValueError(f"Unknown message template {template!r}.")
    missing = required - context.keys()
    if missing:
        raise ValueError(f"Message template {template!r} needs context keys: {', '.join(sorted(missing))}.")
    forbidden = {key for key in context if key.lower() in FORBIDDEN_CONTEXT_KEYS}
    if forbidden:
        raise ValueError("A NIK must never be put in a message.")


def render_message(message: Message) -> OutgoingMessage:
    """Render subject (one line) and body under the message's language."""
    base = f"notifications/messages/{message.template}"
    with translation.override(message.language):
        subject = render_to_string(f"{base}.subject.txt", message.context)
        body = render_to_string(f"{base}.body.txt", message.context)
    return OutgoingMessage(
        message_id=message.pk,
        channel=message.channel,
        address=message.address,
        template=message.template,
        language=message.language,
        subject=" ".join(subject.split()),
        body=body.strip(),
    )
