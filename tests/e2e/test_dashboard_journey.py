"""The program dashboard end to end in a real browser (the issue's "staff open the dashboard, drill down from the
program to one kecamatan and one mentor, open the participants behind a number, and download the weekly report"):
a small program is built through the step services (five participants registered in Tebet and Gambir, four
verified by their secretariat, which gives each a mentor; one trained; one visited by the Tebet mentor), the summary
tables rebuilt, and targets set for the program, Tebet and the Tebet mentor. Agency staff open the dashboard from
the navigation bar and from the admin index, choose the year and the measure ranked by (kept in the URL), check a
card against `targets.figures`, drill down program -> Jakarta Selatan -> Tebet -> the Tebet mentor through the
rankings' rows, open the participants behind the mentor's number (theirs, nobody of Gambir's), and on the weekly
reports build this week's and download the workbook (a number read back with openpyxl) and the PDF. A mentor sees
the same dashboard limited to themself: another kecamatan named in the URL is not found. Two faults this journey
found stay pinned at the end: the rank filter shows the measure the rankings are sorted by, and the reports list
fits a phone.

Selectors are ids, names, data- attributes and URLs, never visible text (the pages are in Bahasa Indonesia); the
names checked are the data's own (places, people)."""

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook
from playwright.sync_api import Locator, Page, expect

from accounts.models import User
from accounts.tests.factories import office
from geography.models import Kecamatan, Wilayah
from mentoring import services as mentoring_services
from registration import services as registration_services
from registration.choices import Decision
from registration.measures import Measure
from registration.models import Participant
from registration.tests.factories import RegistrationFactory
from targets import figures, services, summary
from targets.choices import Level
from targets.figures import Area
from targets.models import Report
from tests.e2e.pages import Shot, fits_the_screen, log_in, submit, unfold_menu
from training import services as training_services
from training.models import Enrolment, Session
from training.tests.factories import SessionFactory

YEAR = timezone.localdate().year  # everything below happens today: this year's numbers, this year's cohort
RANK = Measure.VERIFIED  # the rankings' default measure, kept in every drill-down link
PROGRAM_TARGET, TEBET_TARGET, MENTOR_TARGET = 8, 4, 2  # verified: 4 of 8, 2 of 4, 2 of 2


@dataclass(frozen=True)
class Known:
    """The program the journeys look at: in Tebet, Ani (verified, trained, visited by her mentor), Bela (verified)
    and Citra (registered, waiting); in Gambir, Eko and Fajar (verified). Each verified participant's mentor is
    their kecamatan's only one."""

    tebet: Kecamatan
    gambir: Kecamatan
    selatan: Wilayah
    ani: Participant
    bela: Participant
    citra: Participant
    eko: Participant
    fajar: Participant


def registered(kecamatan: str, full_name: str) -> Participant:
    """A submitted registration (as the wizard leaves it) with its participant and business."""
    participant: Participant = RegistrationFactory(
        participant__kecamatan=office(kecamatan), participant__user__full_name=full_name
    ).participant
    return participant


def verify(participant: Participant, secretariat: User) -> None:
    """Approved by the kecamatan's secretariat: the approval assigns the kecamatan's least loaded mentor."""
    registration_services.registration_decide(
        registration=participant.registration, decision=Decision.APPROVE, reason="", acting_user=secretariat
    )
    participant.registration.refresh_from_db()


def train(participant: Participant, organiser: User) -> None:
    """Enrolled (by themself) in a one-day session that then runs today: present, so completed."""
    session = SessionFactory(capacity=1)
    training_services.enrolment_enrol(session=session, participant=participant, acting_user=participant.user)
    starts = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(0, 30)))
    Session.objects.filter(pk=session.pk).update(
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=22),
        registration_deadline=starts - datetime.timedelta(days=1),
    )
    session.refresh_from_db()
    enrolment = Enrolment.objects.get(session=session, participant=participant)
    training_services.attendance_record(
        session=session, day=timezone.localdate(), present=[enrolment.pk], acting_user=organiser
    )


def visit(participant: Participant, mentor: User) -> None:
    """A field visit logged today by the participant's mentor (P3 done)."""
    mentoring_services.visit_log(
        participant=participant,
        date=timezone.localdate(),
        kind="field",
        steps=["P3"],
        notes="Membahas harga jual dan kemasan.",
        shared=False,
        follow_ups=[],
        acting_user=mentor,
    )


def set_targets(staff: User, tebet: Kecamatan, mentor: User) -> None:
    """This year's verified targets: the program's, Tebet's and the Tebet mentor's."""
    for level, kecamatan, of_mentor, value in (
        (Level.PROGRAM, None, None, PROGRAM_TARGET),
        (Level.KECAMATAN, tebet, None, TEBET_TARGET),
        (Level.MENTOR, None, mentor, MENTOR_TARGET),
    ):
        services.target_set(
            year=YEAR,
            measure=RANK.value,
            level=level.value,
            wilayah=None,
            kecamatan=kecamatan,
            mentor=of_mentor,
            value=value,
            acting_user=staff,
        )


@pytest.fixture
def known(
    agency_staff: User,
    secretariat_tebet: User,
    secretariat_gambir: User,
    mentor_tebet: User,
    mentor_gambir: User,
) -> Known:
    ani, bela, citra = (registered("Tebet", name) for name in ("Ani Wulandari", "Bela Kusuma", "Citra Maharani"))
    eko, fajar = (registered("Gambir", name) for name in ("Eko Prasetyo", "Fajar Nugroho"))
    for participant in (ani, bela):
        verify(participant, secretariat_tebet)
    for participant in (eko, fajar):
        verify(participant, secretariat_gambir)
    train(ani, agency_staff)
    visit(ani, mentor_tebet)
    summary.rebuild()
    tebet = Kecamatan.objects.select_related("wilayah").get(name="Tebet")
    set_targets(agency_staff, tebet, mentor_tebet)
    return Known(
        tebet=tebet,
        gambir=Kecamatan.objects.get(name="Gambir"),
        selatan=tebet.wilayah,
        ani=ani,
        bela=bela,
        citra=citra,
        eko=eko,
        fajar=fajar,
    )


def query_of(page: Page) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(page.url).query).items()}


def open_from_nav(page: Page, path: str) -> None:
    """Follow the navigation bar's link to `path` (on a phone the menu is folded: unfold it first)."""
    unfold_menu(page)
    page.locator(f"nav #nav a[href='{path}']").click()


def drill(page: Page, ranking: str, key: str, pk: int) -> None:
    """Follow a ranking row's name to its own dashboard (the row's link ends with the place it names, after the
    year and the measure ranked by), and land there with the year and the measure kept."""
    page.locator(f"#ranking-{ranking} tbody th a[href^='/dasbor/?'][href$='{key}={pk}']").click()
    expect(page).to_have_url(re.compile(rf"/dasbor/\?.*\b{key}={pk}$"))
    assert query_of(page) == {"year": str(YEAR), "rank": RANK.value, key: str(pk)}


def crumbs(page: Page) -> Locator:
    return page.locator("#breadcrumbs li")


def expect_crumbs(page: Page, names: list[str], *, linked: int) -> None:
    """The breadcrumbs are the program, then `names` (the places' own names), the last one the page itself; the
    first `linked` of them lead back, each keeping the year."""
    items = crumbs(page)
    expect(items).to_have_count(1 + len(names))
    for index, name in enumerate(names, start=1):
        expect(items.nth(index)).to_have_text(name)
    expect(items.last).to_have_attribute("aria-current", "page")
    links = page.locator("#breadcrumbs li a")
    expect(links).to_have_count(linked)
    for href in links.evaluate_all("links => links.map(link => link.getAttribute('href'))"):
        assert parse_qs(urlsplit(href).query)["year"] == [str(YEAR)], href


def names_listed(page: Page) -> list[str]:
    return sorted(page.locator("#participants tbody th bdi").all_inner_texts())


@pytest.mark.e2e
def test_staff_drill_down_from_the_program_to_a_mentor_and_download_the_weekly_report(
    page: Page, agency_staff: User, mentor_tebet: User, known: Known, shot: Shot, tmp_path: Path
) -> None:
    program = {row.measure: row for row in figures.progress(Area.program(), YEAR)}
    assert (program[RANK].achieved, program[RANK].target, program[RANK].percent) == (4, PROGRAM_TARGET, 50)

    # 1. Agency staff open the dashboard from the navigation bar; the admin index links to it too.
    log_in(page, agency_staff.email or "")
    open_from_nav(page, "/dasbor/")
    expect(page).to_have_url(re.compile(r"/dasbor/$"))
    expect(page.locator("#dashboard")).to_be_visible()
    page.goto("/admin/")
    page.locator("#program-dashboard a[href='/dasbor/']").click()
    expect(page).to_have_url(re.compile(r"/dasbor/$"))

    # 2. The year and the measure ranked by, chosen in the filters, are the URL's (the measure chosen although it is
    # the default: see test_the_rank_filter_shows_the_default_measure); the program's numbers are the figures'.
    filters = page.locator("#dashboard-filters")
    filters.locator("[name=year]").fill(str(YEAR))
    filters.locator("[name=rank]").select_option(RANK.value)
    submit(page, "#dashboard-filters")
    expect(page).to_have_url(re.compile(rf"/dasbor/\?year={YEAR}&"))
    assert query_of(page) == {"year": str(YEAR), "rank": RANK.value}  # (the empty area fields aside)
    expect(filters.locator("[name=year]")).to_have_value(str(YEAR))
    expect(filters.locator("[name=rank]")).to_have_value(RANK.value)
    expect(crumbs(page)).to_have_count(1)
    card = page.locator(f"#card-{RANK.value}")
    expect(card.locator("a.dashboard-number")).to_have_text(str(program[RANK].achieved))
    expect(card.locator("progress")).to_have_attribute("value", str(program[RANK].percent))
    for measure, figure in program.items():  # every card, and a number only where somebody is behind it
        number = page.locator(f"#card-{measure.value} a.dashboard-number")
        if figure.achieved:
            expect(number).to_have_text(str(figure.achieved))
        else:
            expect(number).to_have_count(0)
    expect(page.locator("#chart-funnel")).to_have_count(1)  # the chart, and the table beside it
    expect(page.locator("#table-funnel tbody tr")).to_have_count(len(figures.funnel(Area.program(), YEAR)))
    expect(page.locator("#ranking-wilayah")).to_be_visible()
    expect(page.locator("#ranking-kecamatan")).to_be_visible()
    expect(page.locator("#ranking-mentor")).to_have_count(0)
    assert fits_the_screen(page)
    shot(page, "program")

    # 3. Down to Jakarta Selatan (its kecamatan ranked, Gambir not among them) ...
    drill(page, "wilayah", "wilayah", known.selatan.pk)
    expect_crumbs(page, [known.selatan.name], linked=1)
    expect(page.locator("#ranking-wilayah")).to_have_count(0)
    kecamatan_rows = page.locator("#ranking-kecamatan tbody tr")
    expect(kecamatan_rows).to_have_count(Kecamatan.objects.filter(wilayah=known.selatan).count())
    expect(page.locator(f"#ranking-kecamatan a[href$='kecamatan={known.gambir.pk}']")).to_have_count(0)
    expect(page.locator(f"#card-{RANK.value} a.dashboard-number")).to_have_text("2")
    assert fits_the_screen(page)
    shot(page, "wilayah")

    # ... to Tebet, where its mentors are ranked (2 of Tebet's target of 4) ...
    drill(page, "kecamatan", "kecamatan", known.tebet.pk)
    expect_crumbs(page, [known.selatan.name, known.tebet.name], linked=2)
    expect(page.locator(f"#card-{RANK.value} a.dashboard-number")).to_have_text("2")
    expect(page.locator(f"#card-{RANK.value} progress")).to_have_attribute("value", "50")
    expect(page.locator("#ranking-kecamatan")).to_have_count(0)
    expect(page.locator("#dashboard-filters [name=mentor]")).to_have_count(1)
    shot(page, "kecamatan")

    # ... and to the Tebet mentor (2 of their target of 2): no ranking further down.
    drill(page, "mentor", "mentor", mentor_tebet.pk)
    expect_crumbs(page, [known.selatan.name, known.tebet.name, mentor_tebet.full_name], linked=3)
    expect(page.locator(f"#card-{RANK.value} a.dashboard-number")).to_have_text("2")
    expect(page.locator(f"#card-{RANK.value} progress")).to_have_attribute("value", "100")
    expect(page.locator(f"#card-{Measure.TRAINED.value} a.dashboard-number")).to_have_text("1")
    expect(page.locator(f"#card-{Measure.MENTORED.value} a.dashboard-number")).to_have_text("1")
    expect(page.locator(".dashboard-ranking")).to_have_count(0)
    assert fits_the_screen(page)
    shot(page, "mentor")

    # 4. The participants behind the mentor's verified number: Ani and Bela, nobody of Gambir's, not Citra.
    page.locator(f"#card-{RANK.value} a.dashboard-number").click()
    expect(page).to_have_url(re.compile(r"/dasbor/peserta/\?"))
    assert query_of(page) == {"measure": RANK.value, "year": str(YEAR), "mentor": str(mentor_tebet.pk)}
    expect(page.locator("#participants tbody tr")).to_have_count(2)
    assert names_listed(page) == sorted([known.ani.full_name, known.bela.full_name])
    expect(page.locator("#participants")).not_to_contain_text(known.eko.full_name)
    expect(page.locator("#participants")).not_to_contain_text(known.citra.full_name)
    expect(page.locator(f"#participants a[href='/peserta/{known.ani.pk}/']")).to_have_count(1)
    expect(crumbs(page)).to_have_count(4)
    expect(page.locator("#breadcrumbs li a")).to_have_count(4)  # every crumb leads back, the mentor's too
    assert fits_the_screen(page)
    shot(page, "participants")
    page.locator("#back-to-dashboard").click()
    expect(page).to_have_url(re.compile(rf"/dasbor/\?.*\bmentor={mentor_tebet.pk}$"))
    assert query_of(page)["year"] == str(YEAR)

    # 5. The weekly reports: none yet; this week's built now, and both files downloaded.
    page.locator("#reports-link").click()
    expect(page).to_have_url(re.compile(r"/dasbor/laporan/$"))
    expect(page.locator("#no-reports")).to_be_visible()
    shot(page, "reports-empty")
    page.locator("#report-build").click()
    expect(page).to_have_url(re.compile(r"/dasbor/laporan/$"))
    expect(page.locator("main .alert-success")).to_be_visible()
    report = Report.objects.get()
    week = services.week_of(timezone.localdate())
    assert (report.week_start, report.built_by, report.language) == (week, agency_staff, "id")
    listed = page.locator(f"#reports #report-{report.pk}")
    expect(page.locator("#reports tbody tr")).to_have_count(1)
    assert fits_the_screen(page)
    shot(page, "reports")

    with page.expect_download() as download_info:
        listed.locator(f"a[href='/dasbor/laporan/{report.pk}/xlsx/']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(f"-{week:%Y-%m-%d}.xlsx"), download.suggested_filename
    workbook_path = tmp_path / download.suggested_filename
    download.save_as(workbook_path)
    workbook = load_workbook(workbook_path, read_only=True)
    # the program's sheet: under the title, the week and a blank row, the header; then a row per measure
    # (the measure, achieved in the year, the target, the percent, new this week)
    with translation.override("id"):
        verified_label = str(RANK.label)
    rows = {line[0]: line[1:5] for line in workbook.worksheets[0].iter_rows(min_row=5, values_only=True)}
    workbook.close()
    assert rows[verified_label] == (4, PROGRAM_TARGET, 50, 4), rows

    with page.expect_download() as download_info:
        listed.locator(f"a[href='/dasbor/laporan/{report.pk}/pdf/']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(f"-{week:%Y-%m-%d}.pdf"), download.suggested_filename
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-1024:]


@pytest.mark.e2e
def test_a_mentor_sees_only_themself_and_no_other_kecamatan(
    page: Page, mentor_tebet: User, mentor_gambir: User, known: Known, shot: Shot
) -> None:
    # 1. The Tebet mentor opens the dashboard: their own numbers, the path to them not to be followed.
    log_in(page, mentor_tebet.email or "")
    open_from_nav(page, "/dasbor/")
    expect(page).to_have_url(re.compile(r"/dasbor/$"))
    items = crumbs(page)
    expect(items).to_have_count(4)
    expect(items.nth(1)).to_have_text(known.selatan.name)
    expect(items.nth(2)).to_have_text(known.tebet.name)
    expect(items.last).to_have_text(mentor_tebet.full_name)
    expect(items.last).to_have_attribute("aria-current", "page")
    expect(page.locator("#breadcrumbs li a")).to_have_count(0)
    expect(page.locator(f"#card-{RANK.value} a.dashboard-number")).to_have_text("2")
    expect(page.locator(".dashboard-ranking")).to_have_count(0)
    expect(page.locator("#dashboard-filters [name=kecamatan]")).to_have_count(0)
    expect(page.locator("#dashboard-filters [name=mentor]")).to_have_count(0)
    expect(page.locator("#reports-link")).to_have_count(0)
    assert fits_the_screen(page)
    shot(page, "mentor-dashboard")

    # 2. Behind their number, their own participants only.
    page.locator(f"#card-{RANK.value} a.dashboard-number").click()
    expect(page).to_have_url(re.compile(r"/dasbor/peserta/\?"))
    expect(page.locator("#participants tbody tr")).to_have_count(2)
    assert names_listed(page) == sorted([known.ani.full_name, known.bela.full_name])
    shot(page, "mentor-participants")

    # 3. Another kecamatan, or its mentor, named in the URL: not found; the weekly reports: refused.
    for path in (
        f"/dasbor/?kecamatan={known.gambir.pk}",
        f"/dasbor/?mentor={mentor_gambir.pk}",
        f"/dasbor/peserta/?measure={RANK.value}&year={YEAR}&kecamatan={known.gambir.pk}",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 404, path
        expect(page.locator("body")).not_to_contain_text(known.eko.full_name)
    shot(page, "other-kecamatan")
    response = page.goto("/dasbor/laporan/")
    assert response is not None and response.status == 403
    shot(page, "reports-refused")


@pytest.mark.e2e
def test_the_rank_filter_shows_the_default_measure(page: Page, agency_staff: User) -> None:
    """With no measure in the URL the rank filter shows the measure the rankings are sorted by; submitting the
    filters with only the year changed keeps it."""
    log_in(page, agency_staff.email or "")
    page.goto("/dasbor/")
    filters = page.locator("#dashboard-filters")
    expect(filters.locator("[name=rank]")).to_have_value(RANK.value, timeout=1000)
    filters.locator("[name=year]").fill(str(YEAR))
    submit(page, "#dashboard-filters")
    expect(page).to_have_url(re.compile(rf"/dasbor/\?year={YEAR}&"))
    assert query_of(page)["rank"] == RANK.value


@pytest.mark.e2e
def test_the_weekly_reports_fit_the_screen(page: Page, agency_staff: User) -> None:
    """The list of weekly reports, with a report in it, scrolls no phone sideways."""
    with translation.override("id"):
        services.report_build(week_start=services.week_of(timezone.localdate()), acting_user=agency_staff)
    log_in(page, agency_staff.email or "")
    page.goto("/dasbor/laporan/")
    expect(page.locator("#reports tbody tr")).to_have_count(1)
    assert fits_the_screen(page)
