"""What the marketing services share: saving under a savepoint so that a constraint's refusal (another transaction
won a race) becomes a clear `Refused`, and the participant's name as a message (an SMS) carries it."""

from django.db import IntegrityError, models, transaction
from django.utils.text import Truncator
from django_stubs_ext import StrOrPromise

from core.decisions import Refused
from registration.models import Participant

# How much of the participant's name a message carries ("Hello …"): with the other values shortened, any message
# fits an SMS of 320 characters, whatever was typed.
MESSAGE_PERSON_CHARS = 30


def message_name(participant: Participant) -> str:
    return Truncator(participant.full_name).chars(MESSAGE_PERSON_CHARS)


def save_refusing(obj: models.Model, *, constraint: str, code: str, message: StrOrPromise | None = None) -> None:
    """Save under a savepoint; the named constraint's refusal (say, another transaction's allocation of the same
    booth committed first) becomes Refused with `message` or else the constraint's own, the caller's transaction
    intact."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        if getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) != constraint:
            raise
        declared = next(c for c in type(obj)._meta.constraints if c.name == constraint)
        raise Refused(message or declared.get_violation_error_message(), code=code) from exc
