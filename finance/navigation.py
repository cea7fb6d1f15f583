"""What P6 offers in the navigation bar and on the participant's home page (core.navigation): the cash book, and
a card with the cash balance and a quick way to add money in or out."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts import permissions as account_permissions
from accounts.models import User
from accounts.permissions import AnyUser
from core import navigation
from registration.journey import known_unverified
from registration.selectors import is_verified, participant_of

from . import permissions, selectors


def keeps_books(user: AnyUser) -> bool:
    """An entrepreneur, unless the registration the page loaded says they are not verified yet (no query: the
    book's page itself says why it is not open)."""
    return account_permissions.is_entrepreneur(user) and not known_unverified(user)


def balance_card(user: AnyUser) -> dict[str, Any] | None:
    """The verified participant's cash balance: one query on the home page (which loaded the participant with
    their registration), none when it says they are not verified."""
    if not isinstance(user, User) or known_unverified(user):
        return None
    participant = user.participant if User.participant.is_cached(user) else participant_of(user)
    if participant is None or not is_verified(participant):
        return None
    return {"balance": selectors.cash_balance(participant)}


navigation.link(label=_("Finance"), url_name="finance:book", when=keeps_books, order=37)
navigation.link(
    label=_("Program results"),
    url_name="finance:program",
    when=lambda user: bool(permissions.can_view_program(user)),
    order=107,
)

navigation.footer_link(label=_("Banks: check a financial statement"), url_name="finance:statement_check")

navigation.panel(
    template="finance/panels/balance.html",
    context=balance_card,
    when=account_permissions.is_entrepreneur,
    order=50,
    place=navigation.ENTREPRENEUR_HOME,
)
