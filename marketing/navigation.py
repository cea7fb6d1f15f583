"""What P5 marketing offers in the navigation bar and on the staff home page (core.navigation)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts import permissions as account_permissions
from accounts.permissions import AnyUser
from core import navigation
from mentoring import permissions as mentoring_permissions

from . import permissions
from .selectors import curation as curation_selectors
from .selectors import products as product_selectors


def runs_calls(user: AnyUser) -> bool:
    return account_permissions.is_program_wide(user)


def curation_panel(user: AnyUser) -> dict[str, Any] | None:
    """What waits for the user in the marketing queues: one query, and one more for a mentor's stores."""
    queues = [
        name
        for name, applies in (
            ("check", mentoring_permissions.is_mentor(user)),
            ("validate", permissions.validates_anywhere(user)),
            ("grade", permissions.may_curate(user)),
        )
        if applies
    ]
    counts = curation_selectors.waiting_counts(user, queues)
    if "check" in counts:
        counts["stores"] = product_selectors.unchecked_stores_for(user).count()
    return {"counts": counts, "runs_calls": runs_calls(user)}


def sees_curation(user: AnyUser) -> bool:
    return (
        mentoring_permissions.is_mentor(user) or permissions.validates_anywhere(user) or permissions.may_curate(user)
    )


navigation.link(label=_("Marketing"), url_name="marketing:mine", when=account_permissions.is_entrepreneur, order=35)
navigation.link(
    label=_("Marketing checks"), url_name="marketing:check_queue", when=mentoring_permissions.is_mentor, order=55
)
navigation.link(
    label=_("Products to validate"),
    url_name="marketing:validation_queue",
    when=permissions.validates_anywhere,
    order=65,
)
navigation.link(
    label=_("Products to grade"), url_name="marketing:grading_queue", when=permissions.may_curate, order=70
)
navigation.link(label=_("Calls for products"), url_name="marketing:staff_calls", when=runs_calls, order=105)

navigation.panel(template="marketing/panels/curation.html", context=curation_panel, when=sees_curation, order=40)

# selling spaces: businesses browse and apply, agency staff run them
navigation.link(
    label=_("Selling spaces"), url_name="marketing:spaces", when=account_permissions.is_entrepreneur, order=36
)
navigation.link(
    label=_("Selling spaces"), url_name="marketing:spaces_staff", when=account_permissions.is_program_wide, order=106
)

# the public catalogue: for everyone, logged in or not (last but the admin: staff have their work first)
navigation.link(label=_("Catalogue"), url_name="marketing:catalogue", order=900)
