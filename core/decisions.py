"""The answer of a permission predicate: `can_<action>(user, obj) -> Decision`, with the reason a person reads
when the answer is no. Services enforce a decision; views, templates, the admin and the API only ask it."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django_stubs_ext import StrOrPromise


class Refused(ValidationError):
    """A service was asked to do what a predicate does not allow; `code` and the message say why."""


@dataclass(frozen=True)
class Decision:
    ok: bool
    reason: StrOrPromise = ""
    code: str = ""

    def __bool__(self) -> bool:
        return self.ok

    def enforce(self) -> None:
        """Raise Refused with the reason unless the decision allows."""
        if not self.ok:
            raise Refused(self.reason, code=self.code)


ALLOWED = Decision(True)


def deny(code: str, reason: StrOrPromise) -> Decision:
    return Decision(False, reason, code)


def first_refusal(*decisions: Decision) -> Decision:
    """The first refusal among decisions checked in order, else ALLOWED."""
    return next((decision for decision in decisions if not decision.ok), ALLOWED)
