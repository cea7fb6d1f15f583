"""What a case of the matrix says: how to build a URL's arguments for an object of each subject (the acting user's
own, a peer's, another kecamatan's), and what each role gets for each.

An outcome is a status code (200, 403, 404, 405 ...) or a redirect written "->" and the URL name it leads to
(`LOGIN`: to the login page). `expect` maps each role to one outcome, or to three (own, peer, far) when the URL
takes an object: `roles(...)` fills the roles a case does not name with its `others`."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from .world import SUBJECTS, World

ROLES = ("anonymous", "entrepreneur", "mentor", "secretariat", "agency", "partner", "admin")
LOGIN = "->accounts:login"
Outcome = int | str
Expected = Outcome | tuple[Outcome, Outcome, Outcome]
Args = Callable[[World, str], Sequence[Any]]


def roles(others: Expected | None = None, **given: Expected) -> dict[str, Expected]:
    """Every role's outcome: those given (by role name), the rest `others`. Anonymous is sent to log in unless
    told."""
    unknown = set(given) - set(ROLES)
    assert not unknown, f"no such role: {unknown}"
    filled = {role: given.get(role, others) for role in ROLES}
    if "anonymous" not in given:
        filled["anonymous"] = LOGIN
    missing = [role for role, outcome in filled.items() if outcome is None]
    assert not missing, f"no outcome for {missing}"
    return filled  # type: ignore[return-value]


def mine(own: Outcome = 200, refused: Outcome = 404) -> tuple[Outcome, Outcome, Outcome]:
    """The object is the acting user's alone: theirs opens, a peer's and another kecamatan's are refused."""
    return (own, refused, refused)


def kecamatan(own: Outcome = 200, refused: Outcome = 404) -> tuple[Outcome, Outcome, Outcome]:
    """The acting user's kecamatan's (own and peer) open, another kecamatan's is refused."""
    return (own, own, refused)


def wrote(outcome: Outcome) -> str:
    """A POST's outcome when it wrote rows."""
    return f"+{outcome}"


@dataclass(frozen=True)
class Case:
    """One URL name. `args` builds its arguments for a subject's object (None: it takes none; a page that
    chooses its object by the query string gives `args` returning [] and a `query` for the subject).

    `post`: for a view that writes, the outcome of a POST with no fields, per role: `wrote(outcome)` where the
    POST writes rows (a role allowed to, whose POST needs no fields), and any other outcome with no row of any
    table written. `bugs` marks (role, reason) cells known to be wrong, expected to fail until the lead fixes the
    app."""

    expect: Mapping[str, Expected]
    args: Args | None = None
    post: Mapping[str, Expected] | None = None
    query: Callable[[World, str], str] | None = None
    bugs: Mapping[str, str] = field(default_factory=dict)

    def outcomes(self, role: str, *, posting: bool = False) -> dict[str, Outcome]:
        """{subject: outcome} of a GET (or of a POST) for the role (one subject, "own", when the URL takes no
        object); none for a POST when the page takes none."""
        if posting and self.post is None:
            return {}
        expected = (self.post if posting else self.expect)[role]  # type: ignore[index]
        if self.args is None:
            assert not isinstance(expected, tuple), "a URL without arguments has one outcome per role"
            return {SUBJECTS[0]: expected}
        if not isinstance(expected, tuple):
            expected = (expected, expected, expected)
        return dict(zip(SUBJECTS, expected, strict=True))

    def marks(self, role: str) -> list[pytest.MarkDecorator]:
        if role in self.bugs:
            return [pytest.mark.xfail(strict=True, reason=self.bugs[role])]
        return []


Table = dict[str, Case]
