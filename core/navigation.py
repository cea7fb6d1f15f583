"""What the top layer (the navigation bar, the staff home page) offers a user, asked from each app.

Each app declares its links and home panels in its own `<app>/navigation.py`, found at start-up like the admin's
`admin.py` (CoreConfig.ready autodiscovers them), so the project level imports no stage app:

    navigation.link(label=_("Caseload"), url_name="mentoring:caseload", when=is_mentor, order=50)
    navigation.panel(template="mentoring/panels/progress.html", context=mentor_panel, order=10)

A link is shown when its predicate `user -> bool` says so (it must run no query: it is asked on every page).
A panel's context provider `user -> dict | None` returns the template's context, or None for no panel; it may
query (the home pages only), so keep it to a fixed number of queries. A panel goes on the staff home page, or
with `place=ENTREPRENEUR_HOME` on the entrepreneur's home page, under their journey (P4's licence wallet)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.module_loading import autodiscover_modules
from django_stubs_ext import StrOrPromise

# The user is the request's user (possibly anonymous): typed loosely so each app's own predicates fit.
Predicate = Callable[[Any], bool]
ContextProvider = Callable[[Any], Mapping[str, Any] | None]

STAFF_HOME = "staff"
ENTREPRENEUR_HOME = "entrepreneur"


def always(user: Any) -> bool:
    return True


@dataclass(frozen=True)
class NavLink:
    label: StrOrPromise
    url_name: str
    when: Predicate
    order: int

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class HomePanel:
    key: str
    template: str
    context: ContextProvider
    when: Predicate
    order: int
    place: str = STAFF_HOME


@dataclass(frozen=True)
class ShownPanel:
    """A panel to render: its template and its context."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


_links: dict[str, NavLink] = {}
_footer_links: dict[str, NavLink] = {}
_panels: dict[str, HomePanel] = {}


def link(*, label: StrOrPromise, url_name: str, when: Predicate = always, order: int = 100) -> None:
    """Offer a page in the navigation bar (one entry per url name; registering again replaces it)."""
    _links[url_name] = NavLink(label=label, url_name=url_name, when=when, order=order)


def panel(
    *,
    template: str,
    context: ContextProvider | None = None,
    when: Predicate = always,
    order: int = 100,
    key: str | None = None,
    place: str = STAFF_HOME,
) -> None:
    """Offer a card on a home page (`place`), rendered from `template` with what `context(user)` returns."""
    name = key or template
    _panels[name] = HomePanel(
        key=name, template=template, context=context or (lambda user: {}), when=when, order=order, place=place
    )


def footer_link(*, label: StrOrPromise, url_name: str, order: int = 100) -> None:
    """Offer a public page in every page's footer (e.g. where a bank checks a statement's code)."""
    _footer_links[url_name] = NavLink(label=label, url_name=url_name, when=always, order=order)


def links_for(user: Any) -> list[NavLink]:
    """The navigation bar's links for a user, in order."""
    return [item for item in sorted(_links.values(), key=lambda item: item.order) if item.when(user)]


def footer_links() -> list[NavLink]:
    return sorted(_footer_links.values(), key=lambda item: item.order)


def panels_for(user: Any, place: str = STAFF_HOME) -> list[ShownPanel]:
    """The panels of a home page (`place`) for a user, in order, with their context."""
    shown = []
    for item in sorted(_panels.values(), key=lambda item: item.order):
        if item.place != place or not item.when(user):
            continue
        context = item.context(user)
        if context is not None:
            shown.append(ShownPanel(template=item.template, context=context))
    return shown


def autodiscover() -> None:
    """Import every installed app's `navigation` module (called once, from CoreConfig.ready)."""
    autodiscover_modules("navigation")
