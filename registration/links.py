"""Links other apps add to a participant's page, so that registration needs to know none of them: an app
registers a function in its AppConfig.ready(); each returns a (label, url) for the user, or None."""

from collections.abc import Callable

from django.utils.functional import Promise

from accounts.permissions import AnyUser

from .models import Participant

ParticipantLink = Callable[[AnyUser, Participant], tuple[str | Promise, str] | None]

_links: list[ParticipantLink] = []


def register(link: ParticipantLink) -> None:
    if link not in _links:
        _links.append(link)


def participant_links(user: AnyUser, participant: Participant) -> list[tuple[str | Promise, str]]:
    """The links for this user on this participant's page (no queries of their own, please)."""
    return [found for link in _links if (found := link(user, participant)) is not None]
