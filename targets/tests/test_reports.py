"""The weekly target report: on a known data set (progress rows written and recounted), every number of the
workbook, opened back, is `targets.figures`' and the expected one; the PDF lays out the program, the funnel, the
wilayah and the kecamatan; a name a spreadsheet would run as a formula stays text; the build costs the same
queries whatever the data; the Monday task builds last week's report and queues the message to every active agency
staff member once; the pages (the list, building this week's now, the downloads) are for agency staff only."""

import datetime
import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.models import Role, User
from accounts.tests.factories import UserFactory, office
from core.decisions import Refused
from geography.models import Kecamatan, Wilayah
from notifications.models import Message
from notifications.rendering import render_message
from registration.measures import FUNNEL, Measure
from targets import figures, reports, services, summary, tasks
from targets.choices import Level
from targets.figures import Area
from targets.models import Progress, Report, Target

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR = 2025
WEEK = D(2025, 6, 2)  # a Monday; the week runs to Sunday 8 June
WEEK_END = D(2025, 6, 8)
WIDTH = 8  # the widest sheet's columns
OTHERS = ["secretariat_tebet", "mentor_tebet", "partner_user", "entrepreneur"]


def _row(pk: int, kecamatan: Kecamatan, mentor: Any, **days: D) -> Progress:
    registered = days.pop("registered")
    return Progress(
        participant_id=pk,
        kecamatan=kecamatan,
        mentor=mentor,
        cohort=registered.year,
        registered_on=registered,
        **{f"{name}_on": day for name, day in days.items()},
    )


@pytest.fixture
def world(agency_staff: User) -> dict[str, Any]:
    tebet, gambir = Kecamatan.objects.get(name="Tebet"), Kecamatan.objects.get(name="Gambir")
    ani = UserFactory(full_name="Ani Mentor", role=Role.MENTOR, office=tebet)
    budi = UserFactory(full_name="Budi Mentor", role=Role.MENTOR, office=gambir)
    carla = UserFactory(full_name="Carla Mentor", role=Role.MENTOR, office=gambir)  # a target, nobody yet
    Progress.objects.bulk_create(
        [
            _row(1, tebet, ani, registered=D(2025, 1, 10), verified=D(2025, 1, 12), trained=D(2025, 6, 3)),
            _row(2, tebet, ani, registered=D(2025, 6, 2), verified=D(2025, 6, 4)),
            _row(
                3,
                tebet,
                ani,
                registered=D(2025, 3, 1),
                verified=D(2025, 3, 5),
                trained=D(2025, 4, 1),
                mentored=D(2025, 6, 8),
            ),
            _row(4, tebet, None, registered=D(2025, 6, 9)),  # the day after the week
            _row(5, gambir, budi, registered=D(2025, 5, 20), verified=D(2025, 6, 1), licensed=D(2025, 6, 5)),
            _row(6, gambir, budi, registered=D(2024, 12, 20), verified=D(2025, 6, 6)),  # last year's cohort
        ]
    )
    summary.recount()
    selatan = Wilayah.objects.get(code="31.74")
    for measure, level, area, value in [
        (Measure.VERIFIED, Level.PROGRAM, {}, 10),
        (Measure.TRAINED, Level.WILAYAH, {"wilayah": selatan}, 4),
        (Measure.REGISTERED, Level.KECAMATAN, {"kecamatan": tebet}, 6),
        (Measure.TRAINED, Level.MENTOR, {"mentor": ani}, 2),
        (Measure.VERIFIED, Level.MENTOR, {"mentor": carla}, 5),
    ]:
        Target.objects.create(year=YEAR, measure=measure, level=level, value=value, updated_by=agency_staff, **area)
    return {"tebet": tebet, "gambir": gambir, "selatan": selatan, "ani": ani, "budi": budi, "carla": carla}


def build(user: User | None, week: D = WEEK) -> Report:
    with translation.override("en"):
        return services.report_build(week_start=week, acting_user=user)


def sheet_rows(report: Report, title: str) -> Iterator[tuple[Any, ...]]:
    """The data rows of a sheet of the report's workbook (under its title, week line, blank row and header)."""
    workbook = load_workbook(report.xlsx.path, read_only=True)
    for row in workbook[title].iter_rows(min_row=5, values_only=True):
        yield (*row, *[None] * (WIDTH - len(row)))  # a row's empty cells at its end are not written
    workbook.close()


def by_area(report: Report, title: str, names: int) -> dict[tuple[Any, str], tuple[Any, ...]]:
    """(the area's first column, the measure) -> (achieved, target, percent, new)."""
    return {(row[0], row[names]): tuple(row[names + 1 : names + 5]) for row in sheet_rows(report, title)}


def label(measure: Measure) -> str:
    with translation.override("en"):
        return str(measure.label)


def test_the_workbook_holds_the_figures_of_every_level(world: dict[str, Any], agency_staff: User) -> None:
    report = build(agency_staff)
    assert (report.counted_to, report.year, report.language, report.built_by) == (WEEK_END, YEAR, "en", agency_staff)
    assert load_workbook(report.xlsx.path, read_only=True).sheetnames == [
        "Program",
        "Wilayah",
        "Kecamatan",
        "Mentors",
        "Funnel",
    ]
    program = {row[0]: tuple(row[1:5]) for row in sheet_rows(report, "Program")}
    # achieved in the year, target, percent, new in the week
    assert program[label(Measure.REGISTERED)] == (5, None, None, 1)
    assert program[label(Measure.VERIFIED)] == (5, 10, 50, 2)
    assert program[label(Measure.TRAINED)] == (2, None, None, 1)
    assert program[label(Measure.MENTORED)] == (1, None, None, 1)
    assert program[label(Measure.LICENSED)] == (1, None, None, 1)
    # ... and each one is the figures' own
    new = figures.reached_between(Area.program(), WEEK, WEEK_END)
    for row in figures.progress(Area.program(), YEAR):
        assert program[label(row.measure)] == (row.achieved, row.target, row.percent, new.total()[row.measure])

    wilayah = by_area(report, "Wilayah", 2)
    assert wilayah[("31.74", label(Measure.TRAINED))] == (2, 4, 50, 1)
    assert wilayah[("31.71", label(Measure.VERIFIED))] == (2, None, None, 1)
    assert wilayah[("31.01", label(Measure.REGISTERED))] == (0, None, None, 0)  # every wilayah is listed
    kecamatan = by_area(report, "Kecamatan", 3)
    assert len(kecamatan) == 44 * len(Measure)
    assert kecamatan[(world["tebet"].code, label(Measure.REGISTERED))] == (4, 6, 67, 1)
    assert kecamatan[(world["gambir"].code, label(Measure.LICENSED))] == (1, None, None, 1)
    breakdown = {row.key: row for row in figures.breakdown(Area.program(), YEAR, Level.KECAMATAN)}
    new_by_kecamatan = new.by(Level.KECAMATAN)
    for place in (world["tebet"], world["gambir"]):
        for measure in Measure:
            row = breakdown[place.pk]
            expected = (row.achieved[measure], row.targets.get(measure), row.percent(measure))
            assert kecamatan[(place.code, label(measure))] == (*expected, new_by_kecamatan[place.pk][measure])

    mentors = by_area(report, "Mentors", 3)
    ani, carla = world["ani"].email, world["carla"].email
    assert mentors[(ani, label(Measure.TRAINED))] == (2, 2, 100, 1)
    assert mentors[(carla, label(Measure.VERIFIED))] == (0, 5, 0, 0)  # a target, nobody reached yet
    assert mentors[(None, label(Measure.REGISTERED))] == (1, None, None, 0)  # the participants with no mentor
    rows = list(sheet_rows(report, "Mentors"))
    assert [row[1] for row in rows[:: len(Measure)]] == ["Ani Mentor", "Budi Mentor", "Carla Mentor", "No mentor yet"]
    assert rows[0][2] == "Tebet"  # the mentor's office


def test_the_workbook_holds_the_funnel_of_the_years_cohort(world: dict[str, Any], agency_staff: User) -> None:
    report = build(agency_staff)
    funnel = {(row[0], row[1]): tuple(row[2:6]) for row in sheet_rows(report, "Funnel")}
    # reached, reached the step before, conversion, median days from the step before
    assert funnel[("Program", label(Measure.REGISTERED))] == (5, None, None, None)
    assert funnel[("Program", label(Measure.VERIFIED))] == (4, 5, 80, 2)  # after 2, 2, 4 and 12 days
    assert funnel[("Jakarta Selatan", label(Measure.TRAINED))] == (2, 3, 67, 27)
    for row in figures.funnel(Area.program(), YEAR):
        assert funnel[("Program", label(row.measure))] == (row.reached, row.previous, row.conversion, row.median_days)
    assert len(funnel) == 7 * len(FUNNEL)  # the program and the 6 wilayah


def page_texts(document: Any) -> list[str]:
    """The text WeasyPrint laid out on each page (what a PDF reader extracts)."""

    def walk(box: Any) -> list[str]:
        found = [box.text] if hasattr(box, "text") else []
        for child in getattr(box, "children", []):
            found.extend(walk(child))
        return found

    return [" ".join(walk(page._page_box)) for page in document.pages]


def test_the_pdf_summarises_the_program_the_funnel_the_wilayah_and_the_kecamatan(
    world: dict[str, Any], agency_staff: User
) -> None:
    report = build(agency_staff)
    with report.pdf.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    with translation.override("en"):
        figures_of = reports.collect(week_start=WEEK, counted_to=WEEK_END, year=YEAR, built_at=report.built_at)
        texts = page_texts(reports.pdf_document(figures_of))
    text = " ".join(texts)
    assert len(texts) >= 2
    for words in [
        "Weekly target report",
        "The program",
        "funnel of those who registered in 2025",
        "By wilayah",
        "By kecamatan",
    ]:
        assert words in text
    assert "Tebet" in text and "Kepulauan Seribu Utara" in text and "Jakarta Timur" in text


def test_a_name_a_spreadsheet_would_run_stays_text(world: dict[str, Any], agency_staff: User) -> None:
    world["carla"].full_name = '=HYPERLINK("http://evil.example","Carla")'
    world["carla"].save()
    rows = list(sheet_rows(build(agency_staff), "Mentors"))
    assert '\'=HYPERLINK("http://evil.example","Carla")' in [row[1] for row in rows]


def test_the_build_costs_the_same_queries_whatever_the_data(
    world: dict[str, Any], agency_staff: User, django_assert_num_queries: Any
) -> None:
    with CaptureQueriesContext(connection) as small:
        build(agency_staff)
    kecamatans = list(Kecamatan.objects.order_by("code"))
    mentors = [UserFactory(role=Role.MENTOR, office=office(k.name)) for k in kecamatans[:20]]
    more = [
        _row(
            100 + n,
            kecamatans[n % 44],
            mentors[n % 20] if n % 3 else None,
            registered=D(2025, 1 + n % 6, 1 + n % 27),
            verified=D(2025, 6, 2 + n % 7),
            trained=D(2025, 6, 1 + n % 20),
        )
        for n in range(400)
    ]
    Progress.objects.bulk_create(more)
    summary.recount()
    with django_assert_num_queries(len(small.captured_queries)):
        build(agency_staff, week=WEEK + datetime.timedelta(days=7))


def test_a_week_is_a_monday_that_has_come(agency_staff: User) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        build(agency_staff, week=WEEK + datetime.timedelta(days=1))
    with translation.override("en"):
        assert refused.value.message_dict["week_start"] == ["A weekly report starts on a Monday."]
    next_week = services.week_of(timezone.localdate()) + datetime.timedelta(days=7)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        build(agency_staff, week=next_week)
    with translation.override("en"):
        assert refused.value.message_dict["week_start"] == ["This week has not started yet."]
    assert not Report.objects.exists()


@pytest.mark.parametrize("who", OTHERS)
def test_only_agency_staff_build_a_report(request: pytest.FixtureRequest, who: str) -> None:
    with pytest.raises(Refused):
        build(request.getfixturevalue(who))


def test_building_a_week_again_replaces_its_files(
    world: dict[str, Any], agency_staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = build(agency_staff)
    old = [first.xlsx.path, first.pdf.path]
    with django_capture_on_commit_callbacks(execute=True):
        again = build(None)
    assert again.pk == first.pk and Report.objects.count() == 1 and again.built_by is None
    assert [path for path in old if os.path.exists(path)] == []
    assert again.xlsx.storage.exists(again.xlsx.name) and again.pdf.storage.exists(again.pdf.name)


# --- the Monday task and its message ------------------------------------------------------------------------------


def test_the_weekly_task_is_scheduled_on_monday_morning() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["targets-weekly-report"]
    assert entry["task"] == "targets.tasks.build_weekly_report"
    schedule = entry["schedule"]
    assert (schedule.hour, schedule.minute, schedule.day_of_week) == ({6}, {0}, {1})
    assert settings.CELERY_TIMEZONE == "Asia/Jakarta"


def test_the_weekly_task_builds_last_week_and_tells_every_active_agency_staff_member_once(
    agency_staff: User, mentor_tebet: User
) -> None:
    english = UserFactory(role=Role.AGENCY, is_staff=True, full_name="Staff Reader", language="en")
    UserFactory(role=Role.AGENCY, is_staff=True, is_active=False)  # left: not told
    tasks.build_weekly_report.delay()
    report = Report.objects.get()
    last_monday = services.week_of(timezone.localdate()) - datetime.timedelta(days=7)
    assert (report.week_start, report.counted_to, report.built_by) == (
        last_monday,
        last_monday + datetime.timedelta(days=6),
        None,
    )
    assert report.announced_at is not None
    told = Message.objects.filter(template=services.REPORT_MESSAGE).select_related("recipient")
    assert {message.recipient for message in told} == {agency_staff, english}
    message = told.get(recipient=english)
    assert message.context["link"] == "http://testserver/dasbor/laporan/"
    rendered = render_message(message)
    assert rendered.subject.startswith("JakPreneur: the target report of the week")
    assert "http://testserver/dasbor/laporan/" in rendered.body and "Hello Staff Reader" in rendered.body
    built_at = report.built_at
    tasks.build_weekly_report.delay()  # a second run (a retry) rebuilds the files and tells nobody again
    report.refresh_from_db()
    assert report.built_at > built_at
    assert Message.objects.filter(template=services.REPORT_MESSAGE).count() == told.count() == 2


# --- the pages -------------------------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client: Client, agency_staff: User) -> Client:
    client.force_login(agency_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_list_shows_the_reports_with_their_downloads(
    staff_client: Client, agency_staff: User, django_assert_max_num_queries: Any
) -> None:
    now = timezone.now()
    for n in range(30):
        Report.objects.create(
            week_start=WEEK - datetime.timedelta(weeks=n),
            counted_to=WEEK_END - datetime.timedelta(weeks=n),
            year=YEAR,
            language="en",
            xlsx=f"reports/{n}.xlsx",
            pdf=f"reports/{n}.pdf",
            built_at=now,
            built_by=agency_staff if n % 2 else None,
        )
    with django_assert_max_num_queries(6):
        response = staff_client.get(reverse("targets:reports"))
    assert response.status_code == 200
    page = response.content.decode()
    newest = Report.objects.get(week_start=WEEK)
    assert reverse("targets:report_download", args=[newest.pk, "xlsx"]) in page
    assert reverse("targets:report_download", args=[newest.pk, "pdf"]) in page
    assert page.count('<tr id="report-') == 20 and "Weekly schedule" in page


def test_build_this_weeks_report_now(staff_client: Client, agency_staff: User) -> None:
    assert staff_client.get(reverse("targets:report_build")).status_code == 405
    response = staff_client.post(reverse("targets:report_build"))
    assert response.status_code == 302 and response["Location"] == reverse("targets:reports")
    report = Report.objects.get()
    today = timezone.localdate()
    assert (report.week_start, report.counted_to, report.built_by) == (services.week_of(today), today, agency_staff)
    assert "week so far" in staff_client.get(reverse("targets:reports")).content.decode()


def test_a_download_is_the_stored_file_and_is_recorded(
    world: dict[str, Any], staff_client: Client, agency_staff: User
) -> None:
    report = build(agency_staff)
    response = staff_client.get(reverse("targets:report_download", args=[report.pk, "xlsx"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="target-report-2025-06-02.xlsx"'
    assert response["Cache-Control"] == "private, no-store"
    with report.xlsx.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()
    pdf = staff_client.get(reverse("targets:report_download", args=[report.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content).startswith(b"%PDF")
    viewed = apps.get_model("targets", "ReportEvent").objects.filter(pgh_obj_id=report.pk, pgh_label="viewed")
    assert viewed.count() == 2
    assert {event.pgh_context.metadata["user"] for event in viewed.select_related("pgh_context")} == {agency_staff.pk}
    assert staff_client.get(reverse("targets:report_download", args=[report.pk, "csv"])).status_code == 404
    assert staff_client.get(reverse("targets:report_download", args=[report.pk + 1, "pdf"])).status_code == 404


@pytest.mark.parametrize("who", OTHERS)
def test_other_roles_reach_no_report(client: Client, request: pytest.FixtureRequest, who: str) -> None:
    report = Report(week_start=WEEK, counted_to=WEEK_END, year=YEAR, language="en", built_at=timezone.now())
    report.xlsx.save("a.xlsx", ContentFile(b"PK workbook"), save=False)
    report.pdf.save("a.pdf", ContentFile(b"%PDF-1.7"), save=False)
    report.save()
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("targets:reports")).status_code == 403
    assert client.post(reverse("targets:report_build")).status_code == 403
    for kind in ("xlsx", "pdf"):
        assert client.get(reverse("targets:report_download", args=[report.pk, kind])).status_code == 403
    assert Report.objects.count() == 1


def test_a_visitor_is_sent_to_log_in(client: Client) -> None:
    response = client.get(reverse("targets:reports"))
    assert response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_what_was_reached_in_a_week_by_level(world: dict[str, Any]) -> None:
    new = figures.reached_between(Area.program(), WEEK, WEEK_END)
    assert new.total()[Measure.VERIFIED] == 2 and new.total()[Measure.REGISTERED] == 1
    by_wilayah = new.by(Level.WILAYAH)
    assert by_wilayah[world["selatan"].pk][Measure.TRAINED] == 1
    assert by_wilayah[world["gambir"].wilayah_id][Measure.LICENSED] == 1
    assert set(new.by(Level.MENTOR)) == {world["ani"].pk, world["budi"].pk}  # participant 4 came the day after
    tebet_only = figures.reached_between(Area.of_kecamatan(world["tebet"].pk), WEEK, WEEK_END)
    assert set(tebet_only.by(Level.KECAMATAN)) == {world["tebet"].pk}
    # the program's mentor breakdown lists a mentor with a target and nothing reached yet; a kecamatan's lists its own
    assert world["carla"].pk in {row.key for row in figures.breakdown(Area.program(), YEAR, Level.MENTOR)}
    in_tebet = figures.breakdown(Area.of_kecamatan(world["tebet"].pk), YEAR, Level.MENTOR)
    assert {row.key for row in in_tebet} == {world["ani"].pk, None}
