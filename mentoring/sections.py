"""What higher apps add to a participant's mentoring page, so that mentoring needs to know none of them (finance
adds the monthly indicators). An app registers a function in its AppConfig.ready(); each returns a Section for
the user on this participant's page, or None."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from accounts.permissions import AnyUser
from registration.models import Participant


@dataclass(frozen=True)
class Section:
    """A card in the page's side column (`template`, rendered with `context`), and an optional button among the
    page's actions (label, url)."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    action: tuple[str | Promise, str] | None = None


ParticipantSection = Callable[[AnyUser, Participant], Section | None]

_sections: list[ParticipantSection] = []


def register(section: ParticipantSection) -> None:
    if section not in _sections:
        _sections.append(section)


def participant_sections(user: AnyUser, participant: Participant) -> list[Section]:
    """The sections for this user on this participant's page (a query each at most)."""
    return [found for section in _sections if (found := section(user, participant)) is not None]
