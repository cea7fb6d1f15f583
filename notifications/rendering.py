"""Turning an outbox row into the subject and body a person reads, in the message's language."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.template.loader import render_to_string
from django.utils import translation

from .models import Message

# Every message template and the context keys it needs. Each app registers its own in AppConfig.ready() and
# ships templates/notifications/messages/<key>.subject.txt and <key>.body.txt, so this app knows none of them.
_templates: dict[str, dict[str, type]] = {}
_secrets: dict[str, frozenset[str]] = {}
HIDDEN = "[hidden]"


def register_message(key: str, *, context: Mapping[str, type] | Iterable[str], secret: Iterable[str] = ()) -> None:
    """Declare a message template and the context every use of it must give: key -> type (str, int or bool;
    a plain list of keys means strings). Values go through the outbox as JSON. `secret` keys (a one-time link)
    are wiped from the stored row once the message is sent, and never shown in the admin."""
    keys = dict(context) if isinstance(context, Mapping) else dict.fromkeys(context, str)
    _secrets[key] = frozenset(secret)
    if not set(keys.values()) <= {str, int, bool}:
        raise ValueError(f"Message template {key!r}: context values are str, int or bool.")
    if _templates.get(key, keys) != keys:
        raise ValueError(f"Message template {key!r} is registered twice with a different context.")
    _templates[key] = keys


def message_templates() -> Mapping[str, Mapping[str, type]]:
    return dict(_templates)


def without_secrets(template: str, context: Mapping[str, Any]) -> dict[str, Any]:
    """The context with its secret values replaced, for storage after sending and for display."""
    secret = _secrets.get(template, frozenset())
    return {key: HIDDEN if key in secret else value for key, value in context.items()}


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
    missing = required.keys() - context.keys()
    if missing:
        raise ValueError(f"Message template {template!r} needs context keys: {', '.join(sorted(missing))}.")
    wrong = sorted(key for key, kind in required.items() if not isinstance(context[key], kind))
    if wrong:
        raise ValueError(f"Message template {template!r} has context values of the wrong type: {', '.join(wrong)}.")
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
