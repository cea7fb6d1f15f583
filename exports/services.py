"""Every write of an export: starting one (the list's permission, its filter, its row count), writing a big one's
file (run by the task), finishing or failing it with a message to its owner, and deleting old files.

A list of at most `settings.EXPORT_SYNC_MAX_ROWS` rows is streamed in the answer to the request that asked for it
(`Status.DIRECT`, no file kept); a bigger one is written by a Celery task into private storage and its owner is
told, through the outbox, that it waits on /ekspor/ for KEEP_DAYS days. The service finds the task by its name
(Celery's registry), so services never import tasks."""

import logging
import tempfile
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import IO, Any, Final

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import QueryDict
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core import audit
from core.decisions import Refused
from core.web import absolute_url
from notifications.services import notify
from registration.selectors import looks_like_nik

from . import registry
from .models import KEEP_FOR, Export, Format, Status
from .registry import BadFilter, ListExport, Params
from .writers import Cell, write_csv, write_xlsx

logger = logging.getLogger(__name__)

BUILD_TASK: Final = "exports.tasks.build_export"
# A file still being prepared after this long was lost with its worker: the daily clean-up marks it failed.
STALE_AFTER: Final = timedelta(days=1)
MAX_PARAMS: Final = 30
MAX_PARAM_LENGTH: Final = 200
IGNORED_PARAMS: Final = frozenset({"page"})
# Big exports a person may have in preparation at once: each holds a worker for as long as its rows take.
MAX_RUNNING: Final = 2

UNKNOWN_LIST = _("This list cannot be exported.")
BAD_FORMAT = _("Choose the CSV or XLSX format.")
NIK_IN_FILTER = _("A NIK is never a filter of an export: find the participant with “Find by NIK” instead.")
FILTER_TOO_LONG = _("This filter is too long to be read.")
INACTIVE = _("Your account is no longer active.")
TOO_MANY_RUNNING = _("%(count)d of your exports are still being prepared: wait until one is ready, then ask again.")


# --- the filter, as given and as recorded ---------------------------------------------------------------------


def clean_params(params: Mapping[str, Sequence[str]] | QueryDict) -> Params:
    """The filter of an export as the list reads it: the page's query parameters without the page number and
    the empty ones. A NIK is refused (it would stand in the record of the export), as is an absurd filter."""
    given = params.lists() if isinstance(params, QueryDict) else params.items()
    cleaned = QueryDict(mutable=True)
    for key, values in given:
        listed = [values] if isinstance(values, str) else list(values)
        kept = [value.strip() for value in listed if value.strip()]
        if key in IGNORED_PARAMS or not kept:
            continue
        if len(key) > MAX_PARAM_LENGTH or any(len(value) > MAX_PARAM_LENGTH for value in kept):
            raise BadFilter(FILTER_TOO_LONG, code="filter_too_long")
        if any(looks_like_nik(value) for value in kept):
            raise BadFilter(NIK_IN_FILTER, code="nik_in_filter")
        cleaned.setlist(key, kept)
    if len(cleaned) > MAX_PARAMS:
        raise BadFilter(FILTER_TOO_LONG, code="filter_too_long")
    cleaned._mutable = False
    return cleaned


def params_as_json(params: Params) -> dict[str, str | list[str]]:
    """The filter as recorded on the export (and so in the audit trail): one value, or a list of several."""
    return {key: values[0] if len(values) == 1 else values for key, values in params.lists()}


def params_of(export: Export) -> Params:
    """The recorded filter, as the list reads it again (the task)."""
    params = QueryDict(mutable=True)
    for key, value in (export.params or {}).items():
        params.setlist(key, [str(item) for item in value] if isinstance(value, list) else [str(value)])
    params._mutable = False
    return params


def list_of(name: str) -> ListExport[Any]:
    entry = registry.get(name)
    if entry is None:
        raise ValidationError(UNKNOWN_LIST, code="unknown_list")
    return entry


def write_file(entry: ListExport[Any], *, fmt: str, out: IO[bytes], user: User, params: Params) -> int:
    """Write the list, as the user may see it, to a binary file; returns the number of rows written."""
    header: list[Cell] = entry.header()
    rows = entry.table(user, params)
    if fmt == Format.XLSX:
        return write_xlsx(out, header, rows, title=str(entry.title))
    return write_csv(out, header, rows)


# --- starting ---------------------------------------------------------------------------------------------------


@transaction.atomic
@audit.audited
def export_start(
    *, list_name: str, params: Mapping[str, Sequence[str]] | QueryDict, fmt: str, acting_user: User
) -> Export:
    """Record an export of a list with the filter it applied (the parameters it read, `ReadParams`) and its row
    count. At most EXPORT_SYNC_MAX_ROWS rows: DIRECT (the caller streams it now); more: RUNNING, and the task
    that writes its file is queued after the commit."""
    entry = list_of(list_name)
    if fmt not in Format.values:
        raise ValidationError(BAD_FORMAT, code="bad_format")
    entry.permission(acting_user).enforce()
    given = registry.ReadParams(clean_params(params))
    row_count = entry.count(acting_user, given)
    query = given.honoured()  # what the list applied for this user: a parameter it ignores is no filter
    direct = row_count <= settings.EXPORT_SYNC_MAX_ROWS
    if not direct:
        # under the person's row lock: two requests at once cannot both pass the limit
        User.objects.select_for_update().filter(pk=acting_user.pk).first()
        if Export.objects.filter(requested_by=acting_user, status=Status.RUNNING).count() >= MAX_RUNNING:
            raise ValidationError(TOO_MANY_RUNNING % {"count": MAX_RUNNING}, code="too_many_running")
    now = timezone.now()
    export = Export.objects.create(
        requested_by=acting_user,
        list_name=list_name,
        params=params_as_json(query),
        format=fmt,
        row_count=row_count,
        status=Status.DIRECT if direct else Status.RUNNING,
        created_at=now,
        finished_at=now if direct else None,
    )
    if not direct:
        transaction.on_commit(partial(_build_later, export.pk))
    return export


def _build_later(export_id: int) -> None:
    """Hand the export to its task; with the broker down, the export fails at once and its owner is told to try
    again, rather than wait for a file that never comes."""
    try:
        current_app.tasks[BUILD_TASK].delay(export_id)
    except Exception as exc:
        logger.warning("Export %s could not be queued (%s); marked failed", export_id, type(exc).__name__)
        export_fail(export_id=export_id)


# --- the task's work --------------------------------------------------------------------------------------------


def export_build(*, export_id: int) -> bool:
    """Write a RUNNING export's file and finish it (its owner is told); False when there was nothing to do (it
    finished already: a task delivered twice). The list's permission is asked again: a role may have changed
    since the export was asked for. Any failure fails the export, and its owner is told. The rows are read
    outside a transaction (a million rows must not hold one open); only the finishing write is atomic."""
    export = Export.objects.select_related("requested_by").filter(pk=export_id).first()
    if export is None or export.status != Status.RUNNING:
        return False
    user = export.requested_by
    try:
        entry = list_of(export.list_name)
        if not user.is_active:
            raise Refused(INACTIVE, code="inactive")
        entry.permission(user).enforce()
        with translation.override(user.language), tempfile.TemporaryFile() as out:
            row_count = write_file(entry, fmt=export.format, out=out, user=user, params=params_of(export))
            out.seek(0)
            export_complete(export_id=export.pk, content=File(out), row_count=row_count)
    except Exception:
        logger.exception("Export %s failed", export.pk)
        export_fail(export_id=export.pk)
        return False
    return True


def _context(export: Export) -> dict[str, Any]:
    entry = registry.get(export.list_name)
    user = export.requested_by
    with translation.override(user.language):
        return {
            "full_name": user.full_name,
            "title": str(entry.title) if entry is not None else export.list_name,
            "link": absolute_url("exports:list"),
        }


@transaction.atomic
def export_complete(*, export_id: int, content: File[Any], row_count: int) -> Export | None:
    """Keep the written file on a RUNNING export, make it READY and tell its owner where to download it."""
    export = Export.objects.select_for_update().select_related("requested_by").filter(pk=export_id).first()
    if export is None or export.status != Status.RUNNING:
        return export
    export.file.save(export.filename, content, save=False)
    try:
        export.status = Status.READY
        export.row_count = row_count
        export.finished_at = timezone.now()
        export.save(update_fields=["file", "status", "row_count", "finished_at"])
        expires = export.expires_at
        assert expires is not None
        with translation.override(export.requested_by.language):
            expires_on = formats.date_format(timezone.localtime(expires), "j M Y")
        notify(
            template="exports_ready",
            context={**_context(export), "rows": row_count, "expires_on": expires_on},
            user=export.requested_by,
        )
    except Exception:
        export.file.delete(save=False)  # the row stays RUNNING: no file without its record
        raise
    return export


@transaction.atomic
def export_fail(*, export_id: int) -> Export | None:
    """A RUNNING export could not be written: FAILED, and its owner is told to try again."""
    export = Export.objects.select_for_update().select_related("requested_by").filter(pk=export_id).first()
    if export is None or export.status != Status.RUNNING:
        return export
    export.status = Status.FAILED
    export.finished_at = timezone.now()
    export.save(update_fields=["status", "finished_at"])
    notify(template="exports_failed", context=_context(export), user=export.requested_by)
    return export


# --- the daily clean-up -----------------------------------------------------------------------------------------


@transaction.atomic
def exports_expire(*, now: datetime | None = None) -> int:
    """Delete the files kept longer than KEEP_FOR (their exports stay, EXPIRED, in the record) and fail the
    exports whose worker was lost; returns how many files go. The files are deleted once the rows say so."""
    now = now or timezone.now()
    old = list(
        Export.objects.select_for_update(skip_locked=True)
        .filter(status=Status.READY, finished_at__lt=now - KEEP_FOR)
        .values_list("pk", "file")
    )
    if old:
        Export.objects.filter(pk__in=[pk for pk, _ in old]).update(status=Status.EXPIRED, file="")
        transaction.on_commit(partial(_delete_files, [name for _, name in old if name]))
    Export.objects.filter(status=Status.RUNNING, created_at__lt=now - STALE_AFTER).update(
        status=Status.FAILED, finished_at=now
    )
    return len(old)


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError as exc:
            logger.warning("An expired export's file could not be deleted (%s)", type(exc).__name__)
