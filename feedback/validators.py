"""The checks of what a person types into the forum, run by the services themselves (a form may run them early).
Errors are keyed by field, with codes."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.text import strip_bidi

# A participant posts at most this many times in a day: enough for anyone with something to say, and a bound on a
# runaway script or a flood.
POSTS_PER_DAY = 5
GIVE_A_REASON = _("Say why: the author reads it.")


def clean_text(value: str) -> str:
    """Text as stored: bidirectional controls stripped (the web's middleware did so already; a shell, an import or
    a seed did not), surrounding blanks removed. A NUL cannot be stored and is refused by the caller's checks."""
    return strip_bidi(value).strip()


def check_no_nul(field: str, value: str) -> None:
    if "\x00" in value:
        raise ValidationError({field: ValidationError(_("Null characters are not allowed."), code="null_characters")})


def check_reason(reason: str) -> str:
    """A moderator's reason, cleaned: required, since the author is told it."""
    text = clean_text(reason)
    check_no_nul("reason", text)
    if not text:
        raise ValidationError({"reason": ValidationError(GIVE_A_REASON, code="required")})
    return text


def check_daily_limit(posted_today: int) -> None:
    if posted_today >= POSTS_PER_DAY:
        raise ValidationError(
            ngettext_lazy(
                "You can post %(limit)d time a day. Please post again tomorrow, or support a post that says what you "
                "want to say.",
                "You can post %(limit)d times a day. Please post again tomorrow, or support a post that says what you "
                "want to say.",
                "limit",
            )
            % {"limit": POSTS_PER_DAY},
            code="too_many_posts",
        )
