"""What higher apps are told when a staff member's position changes (deactivated, another role, another office).

A registry, not a post_save receiver: `accounts.services` calls the registered handlers explicitly, inside the
transaction of the change, and accounts stays below the apps that register (mentoring ends a leaving mentor's
assignments). Each app registers in its AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass

from .models import User


@dataclass(frozen=True)
class Position:
    """Where a user works: what the handlers compare before and after a change."""

    role: str
    office_id: int | None
    is_active: bool

    @classmethod
    def of(cls, user: User) -> "Position":
        return cls(role=user.role, office_id=user.office_id, is_active=user.is_active)


# handler(user, before, after, acting_user): called when before != after
PositionHandler = Callable[[User, Position, Position, User | None], None]
_position_handlers: list[PositionHandler] = []


def on_position_change(handler: PositionHandler) -> None:
    if handler not in _position_handlers:
        _position_handlers.append(handler)


def position_changed(user: User, before: Position, after: Position, acting_user: User | None) -> None:
    if before != after:
        for handler in _position_handlers:
            handler(user, before, after, acting_user)
