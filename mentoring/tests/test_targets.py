"""Yearly targets and progress (the mentor's home, staff's mentors page) and the monthly incentive report."""

import csv
import datetime
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import office
from mentoring.models import TargetBasis
from mentoring.tests.factories import (
    AssignmentFactory,
    FollowUpFactory,
    MentorFactory,
    TargetFactory,
    TrainingFactory,
    VisitFactory,
)
from registration.choices import Status
from registration.models import Participant, Registration
from registration.tests.conftest import login
from registration.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

JAKARTA = timezone.get_default_timezone()
YEAR = timezone.localdate().year


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=JAKARTA)


def walk_in(mentor: User, *, created: datetime.datetime, approved: datetime.datetime | None = None) -> Registration:
    """A registration the mentor made, created at `created`, approved at `approved` if given."""
    registration = RegistrationFactory(
        registered_by=mentor,
        status=Status.APPROVED if approved else Status.SUBMITTED,
        decided_at=approved,
        participant__kecamatan=mentor.office,
    )
    Participant.objects.filter(pk=registration.participant_id).update(created_at=created)
    return registration


@pytest.fixture
def busy_mentor(mentor_tebet: User) -> User:
    """The Tebet mentor's year: 2 registered this year, 2 verified this year, 3 visits, 2 participants."""
    TargetFactory(mentor=mentor_tebet, participants=4, visits=10, basis=TargetBasis.VERIFIED)
    TargetFactory(mentor=mentor_tebet, year=YEAR - 1, participants=99, visits=99)
    walk_in(mentor_tebet, created=at(YEAR, 1, 1, 0, 30), approved=at(YEAR, 1, 3))  # 17:30 UTC the day before
    walk_in(mentor_tebet, created=at(YEAR, 1, 2))
    walk_in(mentor_tebet, created=at(YEAR - 1, 12, 20), approved=at(YEAR, 1, 5))
    walk_in(mentor_tebet, created=at(YEAR - 1, 12, 31, 23, 30), approved=at(YEAR - 1, 12, 31, 23, 45))
    for month in (1, 1, 2):
        VisitFactory(mentor=mentor_tebet, date=datetime.date(YEAR, month, 10))
    VisitFactory(mentor=mentor_tebet, date=datetime.date(YEAR - 1, 12, 31))
    AssignmentFactory.create_batch(2, mentor=mentor_tebet)
    return mentor_tebet


def test_the_mentor_sees_their_target_progress_at_home(client: Client, busy_mentor: User) -> None:
    TrainingFactory(mentor=busy_mentor, title="Keamanan pangan BPOM")
    login(client, busy_mentor)
    response = client.get(reverse("home"))
    progress = response.context["progress"]
    assert (progress.registered, progress.verified, progress.new_participants) == (2, 2, 2)
    assert (progress.visits, progress.target_visits, progress.target_participants) == (3, 10, 4)
    assert (progress.participants_percent, progress.visits_percent, progress.caseload) == (50, 30, 2)
    html = response.content.decode()
    assert "2 / 4" in html and "3 / 10" in html and "Keamanan pangan BPOM" in html
    assert reverse("mentoring:caseload") in html


def test_the_basis_decides_what_counts(busy_mentor: User) -> None:
    from mentoring.selectors import my_progress

    busy_mentor.mentor_targets.filter(year=YEAR).update(basis=TargetBasis.REGISTERED)
    walk_in(busy_mentor, created=at(YEAR, 1, 4))
    progress = my_progress(busy_mentor, year=YEAR)
    assert progress is not None
    assert (progress.registered, progress.verified, progress.new_participants) == (3, 2, 3)


def test_without_a_target_the_home_page_says_so(client: Client, mentor_tebet: User) -> None:
    login(client, mentor_tebet)
    response = client.get(reverse("home"))
    assert response.context["progress"].target_visits is None
    assert 'id="mentor-target"' in response.content.decode()


def test_mentor_home_runs_a_fixed_number_of_queries(
    client: Client, busy_mentor: User, django_assert_max_num_queries: Any
) -> None:
    TrainingFactory.create_batch(7, mentor=busy_mentor)
    login(client, busy_mentor)
    with django_assert_max_num_queries(7):  # with the curation panel's two counts (submissions, stores)
        assert client.get(reverse("home")).status_code == 200


def test_staff_home_links_the_mentors_pages(client: Client, secretariat_tebet: User) -> None:
    login(client, secretariat_tebet)
    html = client.get(reverse("home")).content.decode()
    assert reverse("mentoring:mentors") in html and reverse("mentoring:incentive_report") in html


def test_staff_see_every_mentors_progress_in_their_scope(
    client: Client, busy_mentor: User, mentor_gambir: User, secretariat_tebet: User, agency_staff: User
) -> None:
    colleague = MentorFactory(full_name="Zaenal Rekan")
    TargetFactory(mentor=mentor_gambir, participants=5, visits=5)
    login(client, agency_staff)
    response = client.get(reverse("mentoring:mentors"))
    rows = {r.mentor.pk: r for r in response.context["rows"]}
    assert set(rows) == {busy_mentor.pk, mentor_gambir.pk, colleague.pk}
    assert (rows[busy_mentor.pk].new_participants, rows[busy_mentor.pk].visits) == (2, 3)
    assert rows[colleague.pk].target_participants is None
    gambir_only = client.get(reverse("mentoring:mentors"), {"kecamatan": office("Gambir").pk})
    assert [r.mentor for r in gambir_only.context["rows"]] == [mentor_gambir]

    login(client, secretariat_tebet)
    response = client.get(reverse("mentoring:mentors"), {"kecamatan": office("Gambir").pk})  # ignored
    assert {r.mentor.pk for r in response.context["rows"]} == {busy_mentor.pk, colleague.pk}
    last_year = client.get(reverse("mentoring:mentors"), {"year": YEAR - 1})
    by_pk = {r.mentor.pk: r for r in last_year.context["rows"]}
    assert (by_pk[busy_mentor.pk].target_visits, by_pk[busy_mentor.pk].visits) == (99, 1)
    assert client.get(reverse("mentoring:mentors"), {"year": "abc"}).context["year"] == YEAR


def test_mentors_page_runs_a_fixed_number_of_queries(
    client: Client, agency_staff: User, django_assert_max_num_queries: Any
) -> None:
    for n in range(8):
        mentor = MentorFactory(office=office("Tebet" if n % 2 else "Gambir"))
        TargetFactory(mentor=mentor)
        VisitFactory.create_batch(2, mentor=mentor)
        AssignmentFactory(mentor=mentor)
    login(client, agency_staff)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("mentoring:mentors"))
    assert len(response.context["rows"]) == 8


# --- the monthly incentive report -------------------------------------------------------------------------------

PERIOD = {"start": "2025-01", "end": "2025-03"}


@pytest.fixture
def active_quarter(mentor_tebet: User) -> User:
    """January: 2 visits, 1 participant registered; February: 1 visit, 1 follow-up done (late on the 28th,
    Jakarta time); March: 1 follow-up done. April's visit is outside the period."""
    VisitFactory(mentor=mentor_tebet, date=datetime.date(2025, 1, 5))
    VisitFactory(mentor=mentor_tebet, date=datetime.date(2025, 1, 31))
    VisitFactory(mentor=mentor_tebet, date=datetime.date(2025, 2, 1))
    VisitFactory(mentor=mentor_tebet, date=datetime.date(2025, 4, 1))
    walk_in(mentor_tebet, created=at(2025, 1, 15))
    walk_in(mentor_tebet, created=at(2024, 12, 31, 23, 59))
    december = VisitFactory(mentor=mentor_tebet, date=datetime.date(2024, 12, 1))
    FollowUpFactory(visit=december, done_at=at(2025, 2, 28, 23, 30), done_by=mentor_tebet)
    FollowUpFactory(visit=december, done_at=at(2025, 3, 10), done_by=mentor_tebet)
    FollowUpFactory(visit=december)  # still open
    return mentor_tebet


EXPECTED = [
    ["Mentor Tebet", "Tebet", "2025-01", 2, 1, 0],
    ["Mentor Tebet", "Tebet", "2025-02", 1, 0, 1],
    ["Mentor Tebet", "Tebet", "2025-03", 0, 0, 1],
]


def test_the_report_counts_activities_per_mentor_per_month(
    client: Client, active_quarter: User, secretariat_tebet: User
) -> None:
    login(client, secretariat_tebet)
    response = client.get(reverse("mentoring:incentive_report"), PERIOD)
    rows = [
        [r.mentor.full_name, r.mentor.office.name, f"{r.month:%Y-%m}", r.visits, r.registered, r.follow_ups_done]
        for r in response.context["rows"]
    ]
    assert rows == EXPECTED


def test_the_report_exports_as_csv(client: Client, active_quarter: User, secretariat_tebet: User) -> None:
    login(client, secretariat_tebet)
    response = client.get(reverse("mentoring:incentive_export", args=["csv"]), PERIOD)
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="insentif-mentor-2025-01_2025-03.csv"' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(text)))
    assert len(header) == 6
    assert lines == [[str(v) for v in row] for row in EXPECTED]


def test_the_report_exports_as_xlsx(client: Client, active_quarter: User, secretariat_tebet: User) -> None:
    login(client, secretariat_tebet)
    response = client.get(reverse("mentoring:incentive_export", args=["xlsx"]), PERIOD)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    header, *lines = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    assert len(header) == 6
    assert lines == EXPECTED


def test_a_name_that_looks_like_a_formula_stays_text(client: Client, agency_staff: User) -> None:
    MentorFactory(full_name='=HYPERLINK("http://evil.example","klik")')
    login(client, agency_staff)
    response = client.get(reverse("mentoring:incentive_export", args=["csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1][0].startswith("'=HYPERLINK")
    response = client.get(reverse("mentoring:incentive_export", args=["xlsx"]))
    cell = openpyxl.load_workbook(io.BytesIO(response.content)).active["A2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_the_report_scope_and_period(
    client: Client, active_quarter: User, mentor_gambir: User, secretariat_gambir: User, agency_staff: User
) -> None:
    login(client, secretariat_gambir)
    response = client.get(reverse("mentoring:incentive_report"), PERIOD)
    assert {r.mentor for r in response.context["rows"]} == {mentor_gambir}
    assert all(r.visits == r.registered == r.follow_ups_done == 0 for r in response.context["rows"])

    login(client, agency_staff)
    swapped = client.get(reverse("mentoring:incentive_report"), {"start": "2025-03", "end": "2025-01"})
    assert (swapped.context["start"], swapped.context["end"]) == (datetime.date(2025, 1, 1), datetime.date(2025, 3, 1))
    long = client.get(reverse("mentoring:incentive_report"), {"start": "2023-01", "end": "2025-12"})
    assert long.context["end"] == datetime.date(2023, 12, 1)
    assert client.get(reverse("mentoring:incentive_export", args=["pdf"])).status_code == 404


BAD_MONTHS = ["0000-01", "2024-13", "2024-00", "1999-12", "2101-01", "junk", "2024-1", "\x00"]


@pytest.mark.parametrize("month", BAD_MONTHS)
@pytest.mark.parametrize("param", ["start", "end"])
def test_a_bad_month_in_the_report_is_a_400_not_a_crash(
    client: Client, agency_staff: User, mentor_tebet: User, param: str, month: str
) -> None:
    login(client, agency_staff)
    response = client.get(reverse("mentoring:incentive_report"), {**PERIOD, param: month})
    assert response.status_code == 400
    this_month = timezone.localdate().replace(day=1)
    assert (response.context["start"], response.context["end"]) == (this_month, this_month)
    (message,) = response.context["messages"]
    assert "2025-03" in str(message)  # the example of a month
    for fmt in ("csv", "xlsx"):
        export = client.get(reverse("mentoring:incentive_export", args=[fmt]), {**PERIOD, param: month})
        assert export.status_code == 400


@pytest.mark.parametrize("fixture", ["mentor_tebet", "entrepreneur", "partner_user"])
def test_only_staff_get_the_report(client: Client, request: pytest.FixtureRequest, fixture: str) -> None:
    login(client, request.getfixturevalue(fixture))
    for url in (
        reverse("mentoring:incentive_report"),
        reverse("mentoring:incentive_export", args=["csv"]),
        reverse("mentoring:incentive_export", args=["xlsx"]),
        reverse("mentoring:mentors"),
    ):
        assert client.get(url).status_code == 403


def test_the_report_and_its_exports_run_a_fixed_number_of_queries(
    client: Client, agency_staff: User, django_assert_max_num_queries: Any
) -> None:
    for n in range(6):
        mentor = MentorFactory()
        visits = VisitFactory.create_batch(2, mentor=mentor, date=datetime.date(2025, 1 + n % 3, 3))
        walk_in(mentor, created=at(2025, 2, 3))
        FollowUpFactory(visit=visits[0], done_at=at(2025, 3, 3), done_by=mentor)
    login(client, agency_staff)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("mentoring:incentive_report"), PERIOD)
    assert len(response.context["rows"]) == 18
    for fmt in ("csv", "xlsx"):
        with django_assert_max_num_queries(6):
            response = client.get(reverse("mentoring:incentive_export", args=[fmt]), PERIOD)
            if fmt == "csv":
                b"".join(response.streaming_content)
