"""A mentor records a participant's monthly indicators on their behalf, on finance's page, through the finance
service."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from finance.models import MonthlyRecord, Source
from finance.tests.factories import MonthlyRecordFactory
from registration.models import Participant
from registration.tests.conftest import login

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2025, 3, 1)


def page(participant: Participant) -> str:
    return reverse("finance:monthly_records", args=[participant.pk])


def test_mentor_records_and_corrects_a_month_on_the_page(
    client: Client, siti: Participant, mentor_tebet: User
) -> None:
    login(client, mentor_tebet)
    assert client.get(page(siti)).status_code == 200
    data = {"month": "2025-03", "turnover": "4500000", "workers": "3", "assets": "12000000"}
    assert client.post(page(siti), data).url == page(siti)
    assert client.post(page(siti), {**data, "workers": "5"}).status_code == 302
    record = MonthlyRecord.objects.get()
    assert (record.month, record.workers, record.source) == (MARCH, 5, Source.MENTOR)
    edit = client.get(page(siti), {"month": "2025-03"})
    assert edit.context["form"].initial["workers"] == 5
    assert 'value="2025-03"' in edit.content.decode()


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("month", {"month": "2025-13"}),
        ("month", {"month": "Maret 2025"}),
        ("month", {"month": f"{timezone.localdate().year + 1}-01"}),
        ("turnover", {"turnover": "-1"}),
        ("turnover", {"turnover": "4.500.000,50"}),
        ("assets", {"assets": ""}),
        ("workers", {"workers": "dua"}),
    ],
)
def test_bad_figures_on_the_page_change_nothing(
    client: Client, siti: Participant, mentor_tebet: User, field: str, overrides: dict[str, str]
) -> None:
    login(client, mentor_tebet)
    data = {"month": "2025-03", "turnover": "4500000", "workers": "3", "assets": "12000000", **overrides}
    response = client.post(page(siti), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not MonthlyRecord.objects.exists()


BAD_MONTHS = [
    "0000-01",
    "2024-13",
    "2024-00",
    "1999-12",
    "2101-01",
    "junk",
    "\uff12\uff10\uff12\uff14-01",
    "2024-03\x00",
]


@pytest.mark.parametrize("month", BAD_MONTHS)
def test_a_bad_month_is_a_form_error_not_a_crash(
    client: Client, siti: Participant, mentor_tebet: User, month: str
) -> None:
    login(client, mentor_tebet)
    data = {"month": month, "turnover": "4500000", "workers": "3", "assets": "12000000"}
    response = client.post(page(siti), data)
    assert response.status_code == 400
    assert "month" in response.context["form"].errors
    assert not MonthlyRecord.objects.exists()


@pytest.mark.parametrize("month", BAD_MONTHS)
def test_a_bad_month_to_correct_is_a_400_not_a_crash(
    client: Client, siti: Participant, mentor_tebet: User, month: str
) -> None:
    MonthlyRecordFactory(participant=siti, month=MARCH)
    login(client, mentor_tebet)
    response = client.get(page(siti), {"month": month})
    assert response.status_code == 400
    assert response.context["form"].initial == {"month": timezone.localdate().replace(day=1)}
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


@pytest.mark.parametrize(
    ("fixture", "status"),
    [("mentor_gambir", 404), ("secretariat_tebet", 403), ("partner_user", 404), ("entrepreneur", 404)],
)
def test_only_the_kecamatan_mentors_record_on_behalf(
    client: Client, request: pytest.FixtureRequest, siti: Participant, fixture: str, status: int
) -> None:
    login(client, request.getfixturevalue(fixture))
    data = {"month": "2025-03", "turnover": "1", "workers": "1", "assets": "1"}
    assert client.post(page(siti), data).status_code == status
    assert not MonthlyRecord.objects.exists()


def test_the_page_runs_a_fixed_number_of_queries(
    client: Client, siti: Participant, mentor_tebet: User, django_assert_max_num_queries: Any
) -> None:
    MonthlyRecordFactory.create_batch(15, participant=siti, recorded_by=mentor_tebet)
    login(client, mentor_tebet)
    with django_assert_max_num_queries(5):
        response = client.get(page(siti))
    assert len(response.context["records"]) == 12
