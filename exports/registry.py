"""The lists that can be exported, each registered by the app that shows it (in its `exports.py`, from its
AppConfig.ready()), so this app knows none of them:

    register(queryset_export(
        name="registration.participants",
        title=_("Participants"),
        columns=[Column(_("Name"), lambda p: p.full_name), NikColumn(_("NIK"), lambda p: p)],
        queryset=participants,          # (user, params) -> the page's own selector and filter
        permission=may_see_the_list,    # user -> Decision
    ))

A list's `rows(user, params)` applies the scoping and the filters of the page it comes from, by calling that
page's own selector and filter: an export never holds a row its page would not show the user, nor a column. Bad
filter values raise `BadFilter` (a clear sentence, never a 500); the page leaves such a filter out, an export
refuses, because a file silently wider than asked for is worse than none.

The NIK is personal data: `NikColumn` shows it whole only where `registration.permissions.can_view_full_nik`
allows (the participant's own kecamatan secretariat and agency staff), masked elsewhere. That predicate reads the
participant's kecamatan and account ids only, so it costs no query per row when the rows come with their
participant (every selector here joins it)."""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Self, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet, TextChoices
from django.forms import Form
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import User
from core.decisions import ALLOWED, Decision, deny
from registration.models import Participant
from registration.permissions import can_view_full_nik

from .writers import Cell

T = TypeVar("T")
M = TypeVar("M", bound=Model)

Params = QueryDict
CHUNK_SIZE = 2000  # rows fetched at a time from the database's cursor

NOT_ALLOWED = _("You may not export this list.")
BAD_NUMBER = _("“%(value)s” is not a number.")


class BadFilter(ValidationError):
    """A filter of the export could not be read: the message says which and why."""


@dataclass(frozen=True)
class BaseColumn(ABC, Generic[T]):
    title: StrOrPromise

    @abstractmethod
    def cell(self, row: T, user: User) -> Cell:
        """The cell of this column for a row, as `user` may see it."""

    def for_table(self) -> Callable[[T, User], Cell]:
        """`cell`, with what stays the same for a whole table (the language, its labels) looked up once."""
        return self.cell


@dataclass(frozen=True)
class Column(BaseColumn[T]):
    """A column: its title and how a row gives its cell."""

    value: Callable[[T], Cell]

    def cell(self, row: T, user: User) -> Cell:
        return self.value(row)


@dataclass(frozen=True)
class ChoiceColumn(BaseColumn[T]):
    """A coded value shown by its label in the reader's language, each label translated once per language rather
    than once per row (a model's get_FOO_display rebuilds the choices on every call: at a million rows, most of
    an export's time). `choices`: the field's choices class."""

    value: Callable[[T], str | None]
    choices: type[TextChoices]
    _labels: dict[str | None, dict[str, str]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def cell(self, row: T, user: User) -> Cell:
        return self.for_table()(row, user)

    def for_table(self) -> Callable[[T, User], Cell]:
        # the language asked once a table: asked once a cell, it cost 17 s of a million rows' export
        language = get_language()
        labels = self._labels.get(language)
        if labels is None:
            labels = self._labels[language] = {value: str(label) for value, label in self.choices.choices}
        value = self.value

        def cell(row: T, user: User) -> Cell:
            code = value(row)
            return labels.get(code, code) if code else ""

        return cell


@dataclass(frozen=True)
class NikColumn(BaseColumn[T]):
    """The NIK of the row's participant: whole where the user may see it whole, masked elsewhere."""

    participant: Callable[[T], Participant]

    def cell(self, row: T, user: User) -> Cell:
        person = self.participant(row)
        return person.nik if can_view_full_nik(user, person) else person.masked_nik


@dataclass(frozen=True)
class ListExport(Generic[T]):
    """A list that can be exported. `rows` and `count` take the same (user, params) and must select the same
    rows: the page's own scoping and filters; `permission` says who may export it at all."""

    name: str
    title: StrOrPromise
    columns: Sequence[BaseColumn[T]]
    rows: Callable[[User, Params], Iterable[T]]
    count: Callable[[User, Params], int]
    permission: Callable[[User], Decision]

    def header(self) -> list[Cell]:
        return [column.title for column in self.columns]

    def table(self, user: User, params: Params) -> Iterator[list[Cell]]:
        """The rows as cells for this user (the NIK masked unless they may see it)."""
        cells = [column.for_table() for column in self.columns]
        for row in self.rows(user, params):
            yield [cell(row, user) for cell in cells]


class ReadParams(QueryDict):
    """The filter handed to a list, remembering the parameters the list read (`honoured`): a list reads only what
    it applies for the user (a filter form without the field of a kecamatan for office staff, a parameter it
    does not know), so what it read is the filter it applied. Reading everything at once (iterating, copying)
    counts as reading everything."""

    def __init__(self, params: Params) -> None:
        super().__init__(mutable=True)
        for key, values in params.lists():
            self.setlist(key, values)
        self._mutable = False
        self._read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self._read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self._read.add(str(key))
        return super().__contains__(key)

    def getlist(self, key: str, default: Any = None) -> Any:
        self._read.add(key)
        return super().getlist(key, default)

    def lists(self) -> Iterable[tuple[str, list[str]]]:
        self._read.update(self.keys())
        return super().lists()

    def items(self) -> Iterator[tuple[str, Any]]:  # type: ignore[override]
        self._read.update(self.keys())
        return super().items()

    def __iter__(self) -> Iterator[str]:
        self._read.update(self.keys())
        return super().__iter__()

    def copy(self) -> Self:
        return self.__copy__()

    def __copy__(self) -> Self:
        self._read.update(self.keys())
        return type(self)(self)

    def __deepcopy__(self, memo: MutableMapping[int, Any]) -> Self:
        return self.__copy__()

    def honoured(self) -> Params:
        """The parameters the list read: the filter it applied."""
        kept = QueryDict(mutable=True)
        for key, values in super().lists():
            if key in self._read:
                kept.setlist(key, values)
        kept._mutable = False
        return kept


_lists: dict[str, ListExport[Any]] = {}


def register(export: ListExport[Any]) -> None:
    """Offer a list for export under its name (registering the same name again replaces it)."""
    _lists[export.name] = export


def get(name: str) -> ListExport[Any] | None:
    return _lists.get(name)


def registered() -> Mapping[str, ListExport[Any]]:
    return dict(_lists)


def queryset_export(
    *,
    name: str,
    title: StrOrPromise,
    columns: Sequence[BaseColumn[M]],
    queryset: Callable[[User, Params], QuerySet[M]],
    permission: Callable[[User], Decision],
    file_rows: Callable[[QuerySet[M]], QuerySet[M]] | None = None,
) -> ListExport[M]:
    """A list given by a queryset (the page's selector and filter): its rows streamed from a server-side cursor,
    its count one COUNT query. `file_rows`, if given, changes how the rows load for the file (fewer columns and
    objects), never which rows: it may not filter."""

    def rows(user: User, params: Params) -> Iterator[M]:
        found = queryset(user, params)
        return (file_rows(found) if file_rows else found).iterator(chunk_size=CHUNK_SIZE)

    def count(user: User, params: Params) -> int:
        return queryset(user, params).count()

    return ListExport(name=name, title=title, columns=columns, rows=rows, count=count, permission=permission)


def allowed_if(predicate: Callable[[Any], bool], reason: StrOrPromise = NOT_ALLOWED) -> Callable[[User], Decision]:
    """A list's permission from the yes-or-no rule of its page (`user -> bool`)."""

    def permission(user: User) -> Decision:
        return ALLOWED if predicate(user) else deny("not_allowed", reason)

    return permission


def valid_form(form: Form) -> dict[str, Any]:
    """The cleaned data of a page's filter form, or BadFilter with its errors as sentences."""
    if form.is_valid():
        return form.cleaned_data
    problems = []
    for name, errors in form.errors.items():
        text = " ".join(str(error) for error in errors)
        problems.append(f"{form.fields[name].label}: {text}" if name in form.fields else text)
    raise BadFilter(" ".join(problems), code="bad_filter")


def number(params: Params, key: str) -> int:
    """A required whole number of the params (the id of the session, the call ...), or BadFilter."""
    text = params.get(key, "")
    if not text.isdigit() or len(text) > 18:
        raise BadFilter(BAD_NUMBER % {"value": text[:20]}, code="bad_filter")
    return int(text)
