"""The weekly target report, built from the summary tables by `targets.figures` (every number of it comes from
there): for the program, each wilayah, each kecamatan and each mentor, every measure's achievement in the year to
date against its target, with the percent, and the week's new counts; and the P1 -> P7 funnel of the year's cohort,
for the program and each wilayah.

- The workbook (XLSX) has a sheet per level and one for the funnel, written by openpyxl's write-only mode: rows go
  to a temporary file as they are made, from generators over the areas (tens of rows a level, a few thousand for
  the mentors), never over the participants; text cells that a spreadsheet would run as formulas are neutralised
  (`exports.writers.plain`).
- The PDF (WeasyPrint, A4 landscape, nothing fetched: the template carries its styles and any URL is refused)
  summarises the program, the funnel, the wilayah and the kecamatan.

The queries are a fixed number whatever the program's size: the figures' own, the areas' names and the mentors'.
Who may build or read a report, and where its files are kept, is `targets.services`' business."""

import datetime
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from exports.writers import neutralise, plain
from geography.models import Kecamatan, Wilayah
from registration.measures import Measure

from . import figures
from .choices import Level
from .figures import Area, BreakdownRow, FunnelRow, ProgressRow

SHEET_TITLE_MAX = 31


@dataclass(frozen=True)
class AreaLine:
    """One wilayah, kecamatan or mentor of the report: its names, its figures (from `figures.breakdown`) and the
    week's new counts (from `figures.reached_between`)."""

    code: str
    name: str
    within: str  # a kecamatan's wilayah; a mentor's email and office
    row: BreakdownRow
    new: dict[Measure, int]

    def cells(self, measure: Measure) -> tuple[int, int | None, int | None, int]:
        """Achieved in the year to date, the target, the percent of it, new in the week."""
        return (
            self.row.achieved.get(measure, 0),
            self.row.targets.get(measure),
            self.row.percent(measure),
            self.new.get(measure, 0),
        )


@dataclass(frozen=True)
class ReportFigures:
    week_start: datetime.date
    counted_to: datetime.date
    year: int
    built_at: datetime.datetime
    program: list[ProgressRow]
    program_new: dict[Measure, int]
    wilayah: list[AreaLine]
    kecamatan: list[AreaLine]
    mentors: list[AreaLine]
    funnels: list[tuple[str, list[FunnelRow]]]  # the program's, then each wilayah's


def _by_key(rows: Iterable[BreakdownRow]) -> dict[int | None, BreakdownRow]:
    return {row.key: row for row in rows}


def _empty(key: int | None) -> BreakdownRow:
    return BreakdownRow(key, dict.fromkeys(Measure, 0), {})


def collect(
    *, week_start: datetime.date, counted_to: datetime.date, year: int, built_at: datetime.datetime
) -> ReportFigures:
    """Every figure of the report (a fixed number of queries)."""
    program = Area.program()
    new = figures.reached_between(program, week_start, counted_to)
    wilayah_list = list(Wilayah.objects.order_by("code"))
    kecamatan_list = list(Kecamatan.objects.order_by("code"))
    names = {wilayah.pk: wilayah.name for wilayah in wilayah_list}
    by_wilayah = _by_key(figures.breakdown(program, year, Level.WILAYAH))
    new_by_wilayah = new.by(Level.WILAYAH)
    by_kecamatan = _by_key(figures.breakdown(program, year, Level.KECAMATAN))
    new_by_kecamatan = new.by(Level.KECAMATAN)
    by_mentor = _by_key(figures.breakdown(program, year, Level.MENTOR))
    new_by_mentor = new.by(Level.MENTOR)
    mentor_ids = {key for key in (*by_mentor, *new_by_mentor) if key is not None}
    mentors = [
        AreaLine(
            mentor.email or mentor.phone or "",
            mentor.full_name,
            mentor.office.name if mentor.office else "",
            by_mentor.get(mentor.pk) or _empty(mentor.pk),
            new_by_mentor.get(mentor.pk, {}),
        )
        for mentor in User.objects.filter(pk__in=mentor_ids).select_related("office").order_by("full_name", "pk")
    ]
    if None in by_mentor or None in new_by_mentor:  # the participants with no mentor yet
        mentors.append(
            AreaLine("", _("No mentor yet"), "", by_mentor.get(None) or _empty(None), new_by_mentor.get(None, {}))
        )
    funnels = [(_("Program"), figures.funnel(program, year))]
    for wilayah in wilayah_list:
        kecamatans = frozenset(k.pk for k in kecamatan_list if k.wilayah_id == wilayah.pk)
        funnels.append((wilayah.name, figures.funnel(Area.of_wilayah(wilayah.pk, kecamatans), year)))
    return ReportFigures(
        week_start=week_start,
        counted_to=counted_to,
        year=year,
        built_at=built_at,
        program=figures.progress(program, year),
        program_new=new.total(),
        wilayah=[
            AreaLine(w.code, w.name, "", by_wilayah.get(w.pk) or _empty(w.pk), new_by_wilayah.get(w.pk, {}))
            for w in wilayah_list
        ],
        kecamatan=[
            AreaLine(
                k.code,
                k.name,
                names[k.wilayah_id],
                by_kecamatan.get(k.pk) or _empty(k.pk),
                new_by_kecamatan.get(k.pk, {}),
            )
            for k in kecamatan_list
        ],
        mentors=mentors,
        funnels=funnels,
    )


# --- the workbook ---------------------------------------------------------------------------------------------------


def _day(day: datetime.date) -> str:
    return formats.date_format(day, "j M Y")


def _title_rows(report: ReportFigures, title: str) -> Iterator[list[Any]]:
    yield [title]
    yield [
        _("Week %(start)s to %(end)s; the year %(year)s to date, as counted on %(built)s.")
        % {
            "start": _day(report.week_start),
            "end": _day(report.counted_to),
            "year": report.year,
            "built": formats.date_format(timezone.localtime(report.built_at), "j M Y H:i"),
        }
    ]
    yield []


def _figure_headers(report: ReportFigures) -> list[str]:
    return [
        _("Achieved in %(year)s") % {"year": report.year},
        _("Target"),
        _("% of target"),
        _("New %(start)s to %(end)s") % {"start": _day(report.week_start), "end": _day(report.counted_to)},
    ]


def _sheet(workbook: Any, title: str, report: ReportFigures, header: list[str], rows: Iterable[list[Any]]) -> None:
    """A sheet with its title, the week, a header (frozen, filtered) and its rows, written as they come."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title[:SHEET_TITLE_MAX])
    first = 4  # the header's row, under the title, the week and a blank row
    sheet.freeze_panes = f"A{first + 1}"
    sheet.auto_filter.ref = f"A{first}:{get_column_letter(len(header))}{first}"
    for index, width in enumerate((28, 26, 22, *([14] * (len(header) - 3))), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    for number, row in enumerate(_title_rows(report, title)):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=neutralise(str(value)))
            if number == 0:
                cell.font = Font(bold=True, size=13)
            cells.append(cell)
        sheet.append(cells)
    head = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=neutralise(str(value)))
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for row in rows:
        sheet.append([plain(value) for value in row])


def _area_rows(lines: Iterable[AreaLine], names: int) -> Iterator[list[Any]]:
    for line in lines:
        identity = [line.code, line.name, line.within][:names]
        for measure in Measure:
            yield [*identity, str(measure.label), *line.cells(measure)]


def write_xlsx(report: ReportFigures, path: Path) -> None:
    """The workbook: the program, the wilayah, the kecamatan, the mentors and the funnel, a sheet each."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    figures_header = _figure_headers(report)
    new = report.program_new
    _sheet(
        workbook,
        _("Program"),
        report,
        [_("Measure"), *figures_header],
        (
            [str(row.measure.label), row.achieved, row.target, row.percent, new.get(row.measure, 0)]
            for row in report.program
        ),
    )
    _sheet(
        workbook,
        _("Wilayah"),
        report,
        [_("Code"), _("Wilayah"), _("Measure"), *figures_header],
        _area_rows(report.wilayah, 2),
    )
    _sheet(
        workbook,
        _("Kecamatan"),
        report,
        [_("Code"), _("Kecamatan"), _("Wilayah"), _("Measure"), *figures_header],
        _area_rows(report.kecamatan, 3),
    )
    _sheet(
        workbook,
        _("Mentors"),
        report,
        [_("Email"), _("Mentor"), _("Kecamatan office"), _("Measure"), *figures_header],
        _area_rows(report.mentors, 3),
    )
    _sheet(
        workbook,
        _("Funnel"),
        report,
        [
            _("Area"),
            _("Step"),
            _("Registered in %(year)s, reached") % {"year": report.year},
            _("Reached the step before"),
            _("Conversion (%)"),
            _("Median days from the step before"),
        ],
        (
            [area, str(row.measure.label), row.reached, row.previous, row.conversion, row.median_days]
            for area, rows in report.funnels
            for row in rows
        ),
    )
    workbook.save(path)


# --- the PDF ----------------------------------------------------------------------------------------------------


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"The report loads no external resources ({url[:40]}).")


def _pdf_lines(lines: Iterable[AreaLine]) -> list[dict[str, Any]]:
    return [
        {"code": line.code, "name": line.name, "within": line.within, "cells": [line.cells(m) for m in Measure]}
        for line in lines
    ]


def report_html(report: ReportFigures) -> str:
    """The summary the PDF is laid out from, in the active language."""
    return render_to_string(
        "targets/reports/report_pdf.html",
        {
            "report": report,
            "measures": [str(measure.label) for measure in Measure],
            "program": [(row, report.program_new.get(row.measure, 0)) for row in report.program],
            "funnel": report.funnels[0][1],
            "wilayah": _pdf_lines(report.wilayah),
            "kecamatan": _pdf_lines(report.kecamatan),
        },
    )


def pdf_document(report: ReportFigures) -> Any:
    """The laid-out summary (a WeasyPrint Document, A4 landscape)."""
    # Imported here: WeasyPrint is heavy to load, and only the report's build needs it.
    from weasyprint import HTML

    return HTML(string=report_html(report), url_fetcher=_refuse_fetch).render()


def write_pdf(report: ReportFigures) -> bytes:
    pdf: bytes = pdf_document(report).write_pdf()
    return pdf


@dataclass(frozen=True)
class Built:
    """The report's files: the workbook in a temporary file (the caller stores and removes it), the PDF's bytes."""

    xlsx: Path
    pdf: bytes


def build(*, week_start: datetime.date, counted_to: datetime.date, year: int, built_at: datetime.datetime) -> Built:
    report = collect(week_start=week_start, counted_to=counted_to, year=year, built_at=built_at)
    with tempfile.NamedTemporaryFile(prefix="jakpreneur-report-", suffix=".xlsx", delete=False) as handle:
        path = Path(handle.name)
    try:
        write_xlsx(report, path)
        pdf = write_pdf(report)
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return Built(xlsx=path, pdf=pdf)
