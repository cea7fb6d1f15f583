"""A participant's erasure (UU PDP art. 43), model by model as privacy.inventory.ERASURE says: the rows the
statistics count are kept with their personal fields made neutral, the rest removed, the stored files of both
deleted once the transaction commits. Then the audit trail: every event of a row touched keeps who, when and
what was done (its context, its label, its time, its keys), and loses the values it recorded:

- a row kept: each anonymised column of its events takes the row's neutral value (copied from the row, so its
  history reads as the same neutral record throughout);
- a row removed: each free-text, file or JSON column of its events is emptied (a choice, a number, a date and the
  keys stay: what kind of row it was, and whose).

The events are kept rather than deleted: they are the record of who processed the data, which the breach-notice
aid and the accountability duty (art. 47) read, and a deletion would leave holes in every staff member's trail.

`erase` is called by `services.participant_erase` only, in its transaction, with the account and the participant
locked."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pghistory.core
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Concat, Trunc

from accounts.models import User
from partners.choices import ConsentChannel
from partners.models import Consent
from partners.services import withdraw
from registration.models import Participant

from .inventory import ERASURE, PARTICIPANT, REMOVED, Anonymise, Blank, Remove, Untouched, erasure_owners

Rows = dict[type[models.Model], list[Any]]


@dataclass
class Erased:
    """What an erasure touched: the primary keys kept and removed, per model, and the stored files to delete."""

    kept: Rows = field(default_factory=lambda: defaultdict(list))
    removed: Rows = field(default_factory=lambda: defaultdict(list))
    files: list[tuple[Storage, str]] = field(default_factory=list)


def _with_id(prefix: str, suffix: str = "") -> Concat:
    return Concat(
        Value(prefix), Cast("pk", output_field=models.CharField()), Value(suffix), output_field=models.CharField()
    )


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    found = model._meta.get_field(name)
    assert isinstance(found, models.Field)
    return found


def _neutral(model: type[models.Model], name: str, blank: Blank) -> Any:
    """The value (or the SQL expression on the row) a personal field takes."""
    values: dict[Blank, Callable[[], Any]] = {
        Blank.TEXT: lambda: Case(When(**{name: ""}, then=Value("")), default=Value(REMOVED)),
        Blank.EMPTY: lambda: "",
        Blank.NULL: lambda: None,
        Blank.UNIQUE: lambda: _with_id(f"{REMOVED} "),
        Blank.YEAR: lambda: Trunc(name, "year", output_field=models.DateField()),
        Blank.EMAIL: lambda: _with_id("dihapus-", "@jakpreneur.invalid"),
        Blank.DEFAULT: lambda: _field(model, name).get_default(),
        Blank.FALSE: lambda: False,
        Blank.UNUSABLE: lambda: make_password(None),
        Blank.RAISED: lambda: F(name) + 1,
    }
    return values[blank]()


def _owned(label: str, *, user: User, participant: Participant | None) -> models.QuerySet[Any]:
    """The model's rows of the participant or their account (any of the policy's lookups)."""
    model = apps.get_model(label)
    found = Q(pk__in=[])
    for lookup, of in erasure_owners(label):
        owner = participant if of == PARTICIPANT else user
        if owner is not None:
            found |= Q(**{lookup: owner.pk})
    rows: models.QuerySet[Any] = model._base_manager.filter(found)
    return rows


def _generic(erased: Erased) -> Q:
    """The admin's log entries about a row the erasure touched (they name it by content type and id)."""
    found = Q(pk__in=[])
    for rows in (erased.kept, erased.removed):
        for model, pks in rows.items():
            content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
            found |= Q(content_type=content_type, object_id__in=[str(pk) for pk in pks])
    return found


def _files(model: type[models.Model], pks: list[Any], names: tuple[str, ...]) -> list[tuple[Storage, str]]:
    found = []
    for name in names:
        storage = _field(model, name).storage  # type: ignore[attr-defined]
        stored = model._base_manager.filter(pk__in=pks).exclude(**{name: ""}).values_list(name, flat=True)
        found += [(storage, path) for path in stored if path]
    return found


def erase(*, user: User, participant: Participant | None) -> Erased:
    """Apply every policy of the inventory to the participant's rows and their account's, then to the events of
    those rows; the files go after the commit. One query or two per model, whatever the number of rows."""
    erased = Erased()
    if participant is not None:
        # the partners stop receiving the data now; the consents stay, withdrawn: the record of who received it
        for consent in Consent.objects.select_for_update().filter(participant=participant, withdrawn_at__isnull=True):
            withdraw(consent, ConsentChannel.PROGRAM)
    generic: list[tuple[str, Anonymise]] = []
    for label, policy in ERASURE.items():
        if isinstance(policy, Untouched):
            continue
        if isinstance(policy, Anonymise) and policy.generic:
            generic.append((label, policy))
            continue
        model = apps.get_model(label)
        pks = list(_owned(label, user=user, participant=participant).values_list("pk", flat=True))
        if not pks:
            continue
        erased.files += _files(model, pks, policy.files)
        rows = model._base_manager.filter(pk__in=pks)
        if isinstance(policy, Remove):
            rows.delete()
            erased.removed[model._meta.concrete_model] += pks
        else:
            if policy.fields:
                rows.update(**{name: _neutral(model, name, blank) for name, blank in policy.fields.items()})
            erased.kept[model._meta.concrete_model] += pks
    for label, policy in generic:
        model = apps.get_model(label)
        model._base_manager.filter(_generic(erased)).update(
            **{name: _neutral(model, name, blank) for name, blank in policy.fields.items()}
        )
    _scrub_events(erased)
    files = list(erased.files)
    transaction.on_commit(lambda: _delete_files(files))
    return erased


def _delete_files(files: list[tuple[Storage, str]]) -> None:
    for storage, name in files:
        storage.delete(name)


def _emptied(f: models.Field[Any, Any]) -> Any:
    """What a removed row's event column becomes, or `...` for a column kept (a key, a choice, a number, a date,
    a flag: they say what kind of row it was, not what it said)."""
    if f.primary_key or f.is_relation or f.choices:
        return ...
    if isinstance(f, models.JSONField):
        return None if f.null else f.get_default()
    if isinstance(f, models.CharField | models.TextField | models.FileField | models.GenericIPAddressField):
        return None if f.null else ""
    return ...


def _scrub_events(erased: Erased) -> None:
    """The audit trail of the rows touched keeps who, when and what, and loses the values (module docstring)."""
    for event_model in pghistory.core.event_models():
        tracked = event_model.pgh_tracked_model._meta.concrete_model  # type: ignore[attr-defined]
        columns = {f.name: f for f in event_model._meta.concrete_fields if not f.name.startswith("pgh_")}
        kept = erased.kept.get(tracked)
        if kept:
            policy = ERASURE[tracked._meta.label]
            assert isinstance(policy, Anonymise)
            copied = {
                name: Subquery(tracked._base_manager.filter(pk=OuterRef("pgh_obj_id")).values(name)[:1])
                for name in policy.fields
                if name in columns
            }
            if copied:
                event_model._default_manager.filter(pgh_obj_id__in=kept).update(**copied)
        removed = erased.removed.get(tracked)
        if removed:
            emptied = {name: value for name, f in columns.items() if (value := _emptied(f)) is not ...}
            if emptied:
                event_model._default_manager.filter(pgh_obj_id__in=removed).update(**emptied)
