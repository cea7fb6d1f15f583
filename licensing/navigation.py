"""What P4 licensing offers in the navigation bar and on the home pages (core.navigation): the licence wallet on
the participant's home, the queue and the participants' licences on the staff home."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts import permissions as account_permissions
from accounts.permissions import AnyUser
from core import navigation
from registration.journey import known_unverified

from . import permissions, selectors


def queue_panel(user: AnyUser) -> dict[str, Any]:
    """The open requests the user works (one query)."""
    return {"open_requests": selectors.queue_total(user)}


def wallet_card(user: AnyUser) -> dict[str, Any] | None:
    """The verified participant's wallet (one query, none when the page knows they are not verified), kept on the
    user for the journey's P4 step, which the home page asks next."""
    if known_unverified(user):  # an entrepreneur (the panel's predicate)
        return None
    wallet = selectors.keep_wallet(user)  # type: ignore[arg-type]
    return {"wallet": wallet} if wallet is not None and wallet.verified else None


def follows_only(user: AnyUser) -> bool:
    """Mentors: their participants' licences (the secretariat and agency staff reach them from the queue)."""
    return permissions.follows_participants(user) and not permissions.works_the_queue(user)


navigation.link(label=_("My licences"), url_name="licensing:mine", when=account_permissions.is_entrepreneur, order=35)
navigation.link(label=_("Licence requests"), url_name="licensing:queue", when=permissions.works_the_queue, order=75)
navigation.link(label=_("Participants' licences"), url_name="licensing:participants", when=follows_only, order=55)

navigation.panel(
    template="licensing/panels/queue.html", context=queue_panel, when=permissions.works_the_queue, order=35
)
navigation.panel(template="licensing/panels/participants.html", when=follows_only, order=15)
navigation.panel(
    template="licensing/panels/wallet.html",
    context=wallet_card,
    when=account_permissions.is_entrepreneur,
    order=40,
    place=navigation.ENTREPRENEUR_HOME,
)
