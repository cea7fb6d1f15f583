"""The program's before and after for agency staff (finance:program): participants reporting in a year's twelve
months, their median and average at registration against now, the moves of class, by kecamatan, aggregated in
SQL whatever the number of participants, computed nightly (or when staff ask) into a `ProgramReport` the page
reads."""

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from finance import services, tasks
from finance.models import ClassChange, ProgramReport
from finance.selectors import ProgramFigures, program_figures, program_period
from finance.tests.factories import MonthlyRecordFactory, months_ago
from mentoring.tests.factories import verified_participant
from registration.choices import BusinessClass
from registration.models import Business, Participant
from registration.tests.conftest import login
from tests.support.servers import celery_broker, throwaway_redis

pytestmark = pytest.mark.django_db

URL = reverse("finance:program")


def participant(kecamatan: str, *, turnover: int, workers: int, assets: int) -> Participant:
    person = verified_participant(kecamatan)
    Business.objects.filter(participant=person).update(monthly_turnover=turnover, workers=workers, assets=assets)
    return person


def moved(person: Participant, previous: str, new: str, *, at: datetime.datetime | None = None) -> None:
    ClassChange.objects.create(
        participant=person,
        month=months_ago(1),
        previous_class=previous,
        new_class=new,
        capital=0,
        yearly_sales=0,
        changed_at=at or timezone.now(),
    )


@pytest.fixture
def program() -> dict[str, Participant]:
    ani = participant("Tebet", turnover=3_000_000, workers=2, assets=5_000_000)
    MonthlyRecordFactory(participant=ani, month=months_ago(1), turnover=6_000_000, workers=4, assets=9_000_000)
    MonthlyRecordFactory(participant=ani, month=months_ago(2), turnover=4_000_000, workers=9, assets=1)
    budi = participant("Tebet", turnover=1_000_000, workers=4, assets=1_000_000)
    MonthlyRecordFactory(participant=budi, month=months_ago(3), turnover=2_000_000, workers=6, assets=3_000_000)
    old = participant("Gambir", turnover=2_000_000, workers=1, assets=2_000_000)
    MonthlyRecordFactory(participant=old, month=datetime.date(timezone.localdate().year - 2, 6, 1), workers=3)
    participant("Tebet", turnover=9_000_000, workers=9, assets=9_000_000)  # never reported: not counted
    moved(ani, BusinessClass.MICRO, BusinessClass.SMALL)
    moved(budi, BusinessClass.SMALL, BusinessClass.MICRO)
    two_years_ago = timezone.make_aware(datetime.datetime(timezone.localdate().year - 2, 6, 15, 12))
    moved(old, BusinessClass.MICRO, BusinessClass.SMALL, at=two_years_ago)
    return {"ani": ani, "budi": budi, "old": old}


def computed(year: int) -> ProgramFigures:
    """The year's figures as the nightly run computes and the page reads them."""
    return program_figures(services.program_report_build(year=year, acting_user=None))


def figures_of(row: Any) -> dict[str, tuple[int | None, ...]]:
    return {f.name: (f.before_median, f.before_average, f.now_median, f.now_average, f.change) for f in row.figures}


def test_the_latest_twelve_months_before_and_after(program: dict[str, Participant]) -> None:
    today = timezone.localdate()
    figures = computed(today.year)
    assert (figures.start, figures.end) == (months_ago(11), months_ago(0))
    total = figures.total
    assert (total.participants, total.moved_up, total.moved_down) == (2, 1, 1)
    assert figures_of(total) == {
        # ani: 3 M then, 5 M now (the average of her two months); budi: 1 M then, 2 M now
        "turnover": (2_000_000, 2_000_000, 3_500_000, 3_500_000, 1_500_000),
        # the latest reported month's workers and assets: ani 4 and 9 M, budi 6 and 3 M
        "workers": (3, 3, 5, 5, 2),
        "assets": (3_000_000, 3_000_000, 6_000_000, 6_000_000, 3_000_000),
    }
    assert [(row.name, row.participants, row.moved_up) for row in figures.kecamatan] == [("Tebet", 2, 1)]


def test_a_past_year_reads_january_to_december(program: dict[str, Participant]) -> None:
    today = timezone.localdate()
    year = today.year - 2
    assert program_period(year, today=today) == (datetime.date(year, 1, 1), datetime.date(year, 12, 1))
    figures = computed(year)
    assert [(row.name, row.participants, row.moved_up) for row in figures.kecamatan] == [("Gambir", 1, 1)]
    assert figures_of(figures.total)["workers"] == (1, 1, 3, 3, 2)


def test_staff_see_the_program_by_kecamatan(client: Client, agency_staff: User, program: Any) -> None:
    tasks.build_program_reports()  # the nightly run: this year and the last
    services.program_report_build(year=timezone.localdate().year - 2, acting_user=agency_staff)
    login(client, agency_staff)
    client.cookies.load({"django_language": "en"})
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="h4 mb-0" id="total-participants">2</div>' in html
    assert '<div class="h4 mb-0" id="total-moved-up">1</div>' in html
    assert "Tebet" in html and "Gambir" not in html
    past = client.get(URL, {"year": str(timezone.localdate().year - 2)})
    assert past.status_code == 200 and "Gambir" in past.content.decode()
    assert past.context["year"] == timezone.localdate().year - 2


@pytest.mark.parametrize("year", ["abc", "2017", str(datetime.date.today().year + 1), "-1"])
def test_a_bad_year_says_so_and_shows_the_current_one(client: Client, agency_staff: User, year: str) -> None:
    login(client, agency_staff)
    client.cookies.load({"django_language": "en"})
    response = client.get(URL, {"year": year})
    assert response.status_code == 400
    assert response.context["year"] == timezone.localdate().year
    assert "Give a year from 2018 to" in response.content.decode()


@pytest.mark.parametrize("who", ["entrepreneur", "mentor_tebet", "secretariat_tebet", "partner_user"])
def test_only_agency_staff_see_the_program(request: pytest.FixtureRequest, client: Client, who: str) -> None:
    assert login(client, request.getfixturevalue(who)).get(URL).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_the_page_is_four_queries_whatever_the_participants(
    client: Client, agency_staff: User, django_assert_max_num_queries: Any
) -> None:
    for index in range(30):
        person = participant(("Tebet", "Gambir", "Menteng")[index % 3], turnover=index, workers=1, assets=index)
        for back in range(index % 4 + 1):
            MonthlyRecordFactory(participant=person, month=months_ago(back))
        if index % 5 == 0:
            moved(person, BusinessClass.MICRO, BusinessClass.SMALL)
    tasks.build_program_reports()
    login(client, agency_staff)
    with django_assert_max_num_queries(3):  # the session, the user, the year's report
        response = client.get(URL)
    assert response.context["figures"].total.participants == 30
    assert response.context["figures"].total.moved_up == 6
    assert len(response.context["figures"].kecamatan) == 3


def test_a_class_change_undone_within_the_period_moves_no_one(program: dict[str, Participant]) -> None:
    """A mistyped figure sends a business up and its correction back down: over the period it moved nowhere."""
    cici = participant("Tebet", turnover=1_000_000, workers=1, assets=1_000_000)
    MonthlyRecordFactory(participant=cici, month=months_ago(1))
    earlier = timezone.now() - datetime.timedelta(days=3)
    moved(cici, BusinessClass.MICRO, BusinessClass.MEDIUM, at=earlier)
    moved(cici, BusinessClass.MEDIUM, BusinessClass.MICRO)
    total = computed(timezone.localdate().year).total
    assert (total.participants, total.moved_up, total.moved_down) == (3, 1, 1)


def test_a_year_not_computed_yet_is_computed_when_staff_ask(client: Client, agency_staff: User, program: Any) -> None:
    login(client, agency_staff)
    client.cookies.load({"django_language": "en"})
    year = timezone.localdate().year
    waiting = client.get(URL)
    assert waiting.status_code == 200 and waiting.context["figures"] is None
    assert "have not been computed yet" in waiting.content.decode()
    response = client.post(URL, {"year": str(year)}, follow=True)  # the task runs eagerly in the tests
    assert response.redirect_chain == [(f"{URL}?year={year}", 302)]
    assert "are being computed" in response.content.decode()
    report = ProgramReport.objects.get(year=year)
    assert report.built_by == agency_staff
    assert response.context["figures"].total.participants == 2


def test_the_page_shows_the_figures_as_computed_until_computed_again(
    client: Client, agency_staff: User, program: Any
) -> None:
    year = timezone.localdate().year
    tasks.build_program_reports()
    newcomer = participant("Menteng", turnover=1, workers=1, assets=1)
    MonthlyRecordFactory(participant=newcomer, month=months_ago(0))
    login(client, agency_staff)
    assert client.get(URL).context["figures"].total.participants == 2  # as of the night
    client.post(URL, {"year": str(year)})
    assert client.get(URL).context["figures"].total.participants == 3
    assert ProgramReport.objects.count() == 2  # one row a year, replaced


@pytest.mark.parametrize("year", ["abc", "2017", str(datetime.date.today().year + 1)])
def test_a_bad_year_is_not_computed(client: Client, agency_staff: User, year: str) -> None:
    login(client, agency_staff)
    client.cookies.load({"django_language": "en"})
    response = client.post(URL, {"year": year}, follow=True)
    assert "Give a year from 2018 to" in response.content.decode()
    assert not ProgramReport.objects.exists()


@pytest.mark.parametrize("who", ["entrepreneur", "mentor_tebet", "secretariat_tebet", "partner_user"])
def test_only_agency_staff_ask_for_the_figures(request: pytest.FixtureRequest, client: Client, who: str) -> None:
    year = str(timezone.localdate().year)
    assert login(client, request.getfixturevalue(who)).post(URL, {"year": year}).status_code == 403
    assert not ProgramReport.objects.exists()


@pytest.mark.fault
def test_with_the_queue_down_staff_are_told_to_try_again(client: Client, agency_staff: User) -> None:
    login(client, agency_staff)
    client.cookies.load({"django_language": "en"})
    with throwaway_redis() as redis_server, celery_broker(redis_server.url):
        redis_server.stop()
        response = client.post(URL, {"year": str(timezone.localdate().year)}, follow=True)
    assert "cannot be computed right now" in response.content.decode()
    assert not ProgramReport.objects.exists()
