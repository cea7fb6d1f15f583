"""Writes of the targets app: a target set or deleted (the admin), a spreadsheet of targets checked, saved or
discarded (the admin's upload), and the weekly report built and agency staff told (Celery beat, or a person on
the reports page).

A target's rules are checked once, by `check_target`, for a target typed in the admin and for every row of a
spreadsheet: a year the program runs, a known measure and level, the area its level names and no other (the
model's constraint `target_level_names_its_area`, said by field), an active mentor for a mentor's target, a whole
number above zero. The summary tables are read, never written, here."""

import datetime
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from core import audit
from core.dates import LAST_PROGRAM_YEAR, is_program_year
from core.decisions import Refused
from core.languages import active_language
from core.spreadsheets import RowError
from core.web import absolute_url
from geography.models import Kecamatan, Wilayah
from notifications.services import notify
from registration.measures import Measure

from . import importing, reports
from .choices import Level
from .models import ImportStatus, Report, Target, TargetImport
from .permissions import can_read_reports, can_set_targets

logger = logging.getLogger(__name__)

FIRST_TARGET_YEAR = 2020  # the model's own lower bound (Target.year's validators)
MAX_TARGET = 10_000_000  # more than Jakarta's population would be a typing error
FILE_NAME_CHARS = TargetImport._meta.get_field("file_name").max_length or 200
REPORT_MESSAGE = "targets_weekly_report_ready"
_REPORT_LOCK = 7312  # the advisory lock's first key: "targets, a week's report"

BAD_YEAR = _("A target's year is from %(first)s to %(last)s.")
BAD_MEASURE = _("Choose a measure.")
BAD_LEVEL = _("Choose a level: program, wilayah, kecamatan or mentor.")
AREA_NEEDED = {
    Level.WILAYAH: _("A wilayah target needs its wilayah."),
    Level.KECAMATAN: _("A kecamatan target needs its kecamatan."),
    Level.MENTOR: _("A mentor target needs its mentor."),
}
AREA_NOT_WANTED = _("A %(level)s target names no %(field)s: leave it empty.")
NOT_A_MENTOR = _("%(name)s is not an active mentor.")
UNKNOWN_MENTOR = _("No account has this email address.")
BAD_VALUE = _("A target is a whole number from 1 to %(most)s.")
DUPLICATE_ROWS = _("Rows %(rows)s set the same target: keep one of them.")
DECIDED = _("This file was saved or discarded already.")
HAS_ERRORS = _("Some rows have errors: correct the file and send it again, or choose to save only the good rows.")
NOTHING_GOOD = _("No row of this file can be saved.")
REFUSED_ROW = _("Row %(row)s: %(reason)s Nothing was saved.")
NOT_MONDAY = _("A weekly report starts on a Monday.")
FUTURE_WEEK = _("This week has not started yet.")
AREA_FIELDS = {Level.WILAYAH: "wilayah", Level.KECAMATAN: "kecamatan", Level.MENTOR: "mentor"}


# --- one target ----------------------------------------------------------------------------------------------------


def check_target(
    *,
    year: int,
    measure: str,
    level: str,
    wilayah: Wilayah | None,
    kecamatan: Kecamatan | None,
    mentor: User | None,
    value: int,
) -> None:
    """Raise a ValidationError by field (year, measure, level, wilayah, kecamatan, mentor, value) for every rule
    the target breaks."""
    errors: dict[str, list[ValidationError]] = {}

    def refuse(field: str, message: Any, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if not (is_program_year(year) and year >= FIRST_TARGET_YEAR):
        refuse("year", BAD_YEAR % {"first": FIRST_TARGET_YEAR, "last": LAST_PROGRAM_YEAR}, "bad_year")
    if measure not in Measure.values:
        refuse("measure", BAD_MEASURE, "bad_measure")
    if level not in Level.values:
        refuse("level", BAD_LEVEL, "bad_level")
    else:
        given = {"wilayah": wilayah, "kecamatan": kecamatan, "mentor": mentor}
        wanted = AREA_FIELDS.get(Level(level))
        if wanted is not None and given[wanted] is None:
            refuse(wanted, AREA_NEEDED[Level(level)], "area_needed")
        for field, label in (("wilayah", _("wilayah")), ("kecamatan", _("kecamatan")), ("mentor", _("mentor"))):
            if field != wanted and given[field] is not None:
                names = {"level": Level(level).label.lower(), "field": label}
                refuse(field, AREA_NOT_WANTED % names, "area_not_wanted")
    if mentor is not None and not (mentor.role == Role.MENTOR and mentor.is_active):
        refuse("mentor", NOT_A_MENTOR % {"name": mentor}, "not_a_mentor")
    if isinstance(value, bool) or not 1 <= value <= MAX_TARGET:
        refuse("value", BAD_VALUE % {"most": formats.number_format(MAX_TARGET, force_grouping=True)}, "bad_value")
    if errors:
        raise ValidationError(errors)


def _key(
    year: int, measure: str, level: str, wilayah_id: int | None, kecamatan_id: int | None, mentor_id: int | None
) -> tuple[int, str, str, int | None, int | None, int | None]:
    return (year, measure, level, wilayah_id, kecamatan_id, mentor_id)


def _target_key(target: Target) -> tuple[int, str, str, int | None, int | None, int | None]:
    return _key(target.year, target.measure, target.level, target.wilayah_id, target.kecamatan_id, target.mentor_id)


@transaction.atomic
@audit.audited
def target_set(
    *,
    year: int,
    measure: str,
    level: str,
    wilayah: Wilayah | None,
    kecamatan: Kecamatan | None,
    mentor: User | None,
    value: int,
    acting_user: User,
) -> Target:
    """Set the year's target of a measure for the program, a wilayah, a kecamatan or a mentor: a new target, or
    the new value of the one there (one per year, measure and area)."""
    can_set_targets(acting_user).enforce()
    check_target(
        year=year, measure=measure, level=level, wilayah=wilayah, kecamatan=kecamatan, mentor=mentor, value=value
    )
    area = {"wilayah": wilayah, "kecamatan": kecamatan, "mentor": mentor}
    target = Target.objects.select_for_update().filter(year=year, measure=measure, level=level, **area).first()
    if target is None:
        return Target.objects.create(
            year=year, measure=measure, level=level, **area, value=value, updated_by=acting_user
        )
    if target.value != value:
        target.value, target.updated_by = value, acting_user
        target.save(update_fields=["value", "updated_by", "updated_at"])
    return target


@transaction.atomic
@audit.audited
def target_delete(*, target: Target, acting_user: User) -> None:
    can_set_targets(acting_user).enforce()
    Target.objects.filter(pk=target.pk).delete()


# --- a spreadsheet of targets ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    """A row of a file with its mentor found: what `check_target` and the save take."""

    number: int
    year: int
    measure: str
    level: str
    wilayah_id: int | None
    kecamatan_id: int | None
    mentor_id: int | None
    value: int

    @property
    def key(self) -> tuple[int, str, str, int | None, int | None, int | None]:
        return _key(self.year, self.measure, self.level, self.wilayah_id, self.kecamatan_id, self.mentor_id)


def _errors_of(number: int, exc: ValidationError) -> list[RowError]:
    return [
        RowError(number, field, " ".join(str(m) for e in errors for m in e.messages))
        for field, errors in exc.error_dict.items()
    ]


@dataclass(frozen=True)
class _Areas:
    """The rows' wilayah, kecamatan and mentors, loaded once (three queries)."""

    wilayah: dict[int, Wilayah]
    kecamatan: dict[int, Kecamatan]
    mentors: dict[int, User]

    @classmethod
    def of(cls, rows: list[_Row]) -> "_Areas":
        return cls(
            Wilayah.objects.in_bulk({row.wilayah_id for row in rows if row.wilayah_id}),
            Kecamatan.objects.in_bulk({row.kecamatan_id for row in rows if row.kecamatan_id}),
            User.objects.in_bulk({row.mentor_id for row in rows if row.mentor_id}),
        )

    def refusals(self, row: _Row) -> list[RowError]:
        try:
            check_target(
                year=row.year,
                measure=row.measure,
                level=row.level,
                wilayah=self.wilayah.get(row.wilayah_id) if row.wilayah_id else None,
                kecamatan=self.kecamatan.get(row.kecamatan_id) if row.kecamatan_id else None,
                mentor=self.mentors.get(row.mentor_id) if row.mentor_id else None,
                value=row.value,
            )
        except ValidationError as exc:
            return _errors_of(row.number, exc)
        return []


def _with_mentors(parsed: list[importing.ParsedRow]) -> tuple[list[_Row], list[RowError]]:
    """The rows with their mentor's id (one query for every email of the file); an unknown email is an error."""
    emails = {row.mentor_email for row in parsed if row.mentor_email}
    by_email = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    rows: list[_Row] = []
    errors: list[RowError] = []
    for row in parsed:
        mentor_id = by_email.get(row.mentor_email) if row.mentor_email else None
        if row.mentor_email and mentor_id is None:
            errors.append(RowError(row.number, "mentor", str(UNKNOWN_MENTOR)))
            continue
        rows.append(
            _Row(
                row.number,
                row.year,
                row.measure,
                row.level,
                row.wilayah_id,
                row.kecamatan_id,
                mentor_id,
                row.value,
            )
        )
    return rows, errors


def _duplicates(rows: list[_Row]) -> list[RowError]:
    """Every row of a target the file sets more than once (which value was meant is the person's call)."""
    numbers: dict[tuple[Any, ...], list[int]] = {}
    for row in rows:
        numbers.setdefault(row.key, []).append(row.number)
    errors: list[RowError] = []
    for same in numbers.values():
        if len(same) > 1:
            message = str(DUPLICATE_ROWS % {"rows": ", ".join(str(number) for number in same)})
            errors.extend(RowError(number, "key", message) for number in same)
    return errors


def _current_values(rows: list[_Row]) -> dict[tuple[Any, ...], int]:
    """The values of the targets the rows would change (one query)."""
    years = {row.year for row in rows}
    wanted = {row.key for row in rows}
    return {
        _target_key(target): target.value
        for target in Target.objects.filter(year__in=years, measure__in={row.measure for row in rows})
        if _target_key(target) in wanted
    }


def _stored_row(row: _Row, current: int | None) -> dict[str, Any]:
    return {
        "row": row.number,
        "year": row.year,
        "measure": row.measure,
        "level": row.level,
        "wilayah": row.wilayah_id,
        "kecamatan": row.kecamatan_id,
        "mentor": row.mentor_id,
        "value": row.value,
        "current": current,
    }


def _typed_row(stored: dict[str, Any]) -> _Row:
    return _Row(
        number=int(stored["row"]),
        year=int(stored["year"]),
        measure=str(stored["measure"]),
        level=str(stored["level"]),
        wilayah_id=stored["wilayah"],
        kecamatan_id=stored["kecamatan"],
        mentor_id=stored["mentor"],
        value=int(stored["value"]),
    )


def _error_order(error: RowError) -> tuple[int, int]:
    return error.number, importing.FIELDS.index(error.field)


@transaction.atomic
@audit.audited
def target_import_check(*, file_name: str, content: bytes, acting_user: User) -> TargetImport:
    """Read a CSV or XLSX file of targets and keep, for the person to decide, its good rows (typed, with the value
    each would replace) and the errors of the others (by row and field, in the active language): every row checked
    as a target typed in the admin, and every row of a target the file sets twice refused. No target is written. A
    file that cannot be read as a whole is refused (errors on "file")."""
    can_set_targets(acting_user).enforce()
    try:
        parsed = importing.parse(content, places=importing.Places.load())
    except ValidationError as exc:
        raise ValidationError({"file": exc.error_list}) from exc
    rows, errors = _with_mentors(parsed.rows)
    errors = parsed.errors + errors
    areas = _Areas.of(rows)
    checked = []
    for row in rows:
        refusals = areas.refusals(row)
        if refusals:
            errors.extend(refusals)
        else:
            checked.append(row)
    duplicates = _duplicates(checked)
    errors.extend(duplicates)
    repeated = {error.number for error in duplicates}
    good = [row for row in checked if row.number not in repeated]
    current = _current_values(good)
    return TargetImport.objects.create(
        file_name=(file_name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "-")[:FILE_NAME_CHARS],
        file_hash=parsed.file_hash,
        rows=[_stored_row(row, current.get(row.key)) for row in good],
        errors=[{"row": e.number, "field": e.field, "message": e.message} for e in sorted(errors, key=_error_order)],
        created_by=acting_user,
        created_at=timezone.now(),
    )


def _open_batch(batch: TargetImport, user: User) -> TargetImport:
    """The batch as it is now, locked, still waiting for a decision."""
    can_set_targets(user).enforce()
    current = TargetImport.objects.select_for_update().get(pk=batch.pk)
    if current.status != ImportStatus.CHECKED:
        raise Refused(DECIDED, code="decided")
    return current


@transaction.atomic
@audit.audited
def target_import_save(*, batch: TargetImport, only_good_rows: bool, acting_user: User) -> TargetImport:
    """Set the targets of the batch's good rows (new ones created, those there given the file's value); refused
    while some rows have errors unless `only_good_rows`. Every row is checked again (a mentor may have left since):
    one refused saves nothing. Returns the batch, saved, with how many targets were created or changed."""
    current = _open_batch(batch, acting_user)
    if current.errors and not only_good_rows:
        raise Refused(HAS_ERRORS, code="has_errors")
    rows = [_typed_row(stored) for stored in current.rows]
    if not rows:
        raise Refused(NOTHING_GOOD, code="nothing_good")
    areas = _Areas.of(rows)
    for row in rows:
        refusals = areas.refusals(row)
        if refusals:
            raise Refused(REFUSED_ROW % {"row": row.number, "reason": refusals[0].message}, code="row_refused")
    wanted = {row.key: row for row in rows}
    there = {
        _target_key(target): target
        for target in Target.objects.select_for_update().filter(
            year__in={row.year for row in rows}, measure__in={row.measure for row in rows}
        )
        if _target_key(target) in wanted
    }
    changed = [target for key, target in there.items() if target.value != wanted[key].value]
    now = timezone.now()
    for target in changed:
        target.value, target.updated_by, target.updated_at = wanted[_target_key(target)].value, acting_user, now
    Target.objects.bulk_update(changed, ["value", "updated_by", "updated_at"])
    new = [
        Target(
            year=row.year,
            measure=row.measure,
            level=row.level,
            wilayah_id=row.wilayah_id,
            kecamatan_id=row.kecamatan_id,
            mentor_id=row.mentor_id,
            value=row.value,
            updated_by=acting_user,
        )
        for key, row in wanted.items()
        if key not in there
    ]
    Target.objects.bulk_create(new)
    current.status = ImportStatus.SAVED
    current.saved_count = len(new) + len(changed)
    current.decided_at = now
    current.save(update_fields=["status", "saved_count", "decided_at"])
    return current


@transaction.atomic
@audit.audited
def target_import_discard(*, batch: TargetImport, acting_user: User) -> TargetImport:
    """Drop a checked file without setting any target."""
    current = _open_batch(batch, acting_user)
    current.status = ImportStatus.DISCARDED
    current.decided_at = timezone.now()
    current.save(update_fields=["status", "decided_at"])
    return current


def import_counts(batch: TargetImport) -> Counter[str]:
    """How many good rows create a target, change one, or leave one as it is."""
    counts: Counter[str] = Counter()
    for row in batch.rows:
        current = row["current"]
        counts["new" if current is None else "same" if current == row["value"] else "changed"] += 1
    return counts


# --- the weekly report -------------------------------------------------------------------------------------------


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of the week `day` is in."""
    return day - datetime.timedelta(days=day.weekday())


def _lock_week(week_start: datetime.date) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_REPORT_LOCK, week_start.toordinal()])


def _announce(report: Report) -> None:
    """Tell every active agency staff member, in their language, that the report is ready, with the link."""
    link = absolute_url("targets:reports")
    for user in User.objects.filter(role=Role.AGENCY, is_active=True).order_by("pk"):
        with translation.override(user.language):
            week = {
                "week_start": formats.date_format(report.week_start, "j F Y"),
                "week_end": formats.date_format(report.counted_to, "j F Y"),
            }
        notify(template=REPORT_MESSAGE, context={"full_name": user.full_name, **week, "link": link}, user=user)


@transaction.atomic
@audit.audited
def report_build(*, week_start: datetime.date, acting_user: User | None, announce: bool = False) -> Report:
    """Build the report of the week from `week_start` (a Monday; this week's counts up to today), in the active
    language, from the summary tables: the XLSX workbook and the PDF summary in private storage. The week's report
    is replaced when there is one (its old files removed after the commit). `acting_user` None is the weekly
    schedule; with `announce`, agency staff are told once a week (a second run tells nobody again)."""
    if acting_user is not None:
        can_read_reports(acting_user).enforce()
    today = timezone.localdate()
    if week_start.weekday() != 0:
        raise ValidationError({"week_start": ValidationError(NOT_MONDAY, code="not_monday")})
    if week_start > today:
        raise ValidationError({"week_start": ValidationError(FUTURE_WEEK, code="future_week")})
    _lock_week(week_start)
    counted_to = min(week_start + datetime.timedelta(days=6), today)
    report = Report.objects.filter(week_start=week_start).first() or Report(week_start=week_start)
    old_files = [name for name in (report.xlsx.name, report.pdf.name) if name]
    report.counted_to, report.year, report.language = counted_to, counted_to.year, active_language()
    report.built_at, report.built_by = timezone.now(), acting_user
    built = reports.build(week_start=week_start, counted_to=counted_to, year=report.year, built_at=report.built_at)
    stem = f"{week_start:%Y-%m-%d}"
    try:
        with built.xlsx.open("rb") as workbook:
            report.xlsx.save(f"{stem}.xlsx", File(workbook), save=False)
        report.pdf.save(f"{stem}.pdf", ContentFile(built.pdf), save=False)
        if announce and report.announced_at is None:
            report.announced_at = timezone.now()
            report.save()
            _announce(report)
        else:
            report.save()
    except Exception:
        _remove([name for name in (report.xlsx.name, report.pdf.name) if name and name not in old_files])
        raise
    finally:
        built.xlsx.unlink(missing_ok=True)
    if old_files:
        transaction.on_commit(lambda: _remove(old_files))
    return report


def _remove(names: list[str]) -> None:
    storage = Report._meta.get_field("xlsx").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not remove the old report file %s", name)
