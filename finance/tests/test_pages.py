"""Finance owns the monthly record page and plugs into the participant's pages through the registries; its
rule (who may record which month) is one predicate, asked by the page, the admin and the service."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from core import audit
from finance import permissions, services
from finance.models import MonthlyRecord
from mentoring.tests.factories import verified_participant
from registration.links import participant_links
from registration.models import Participant
from registration.tests.conftest import login

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2025, 3, 1)


@pytest.fixture
def siti(entrepreneur: User) -> Participant:
    return verified_participant("Tebet", user=entrepreneur)


def record_url(participant: Participant) -> str:
    return reverse("finance:monthly_records", args=[participant.pk])


def figures() -> dict[str, str]:
    return {"month": "2025-03", "turnover": "4500000", "workers": "3", "assets": "12000000"}


@pytest.mark.parametrize(
    ("who", "ok", "code"),
    [
        ("entrepreneur", True, ""),
        ("mentor_tebet", True, ""),
        ("agency_staff", True, ""),
        ("mentor_gambir", False, "not_allowed"),
        ("secretariat_tebet", False, "not_allowed"),
        ("partner_user", False, "not_allowed"),
    ],
)
def test_who_records_a_participants_month(
    request: pytest.FixtureRequest, siti: Participant, who: str, ok: bool, code: str
) -> None:
    decision = permissions.can_record_month(request.getfixturevalue(who), siti, MARCH)
    assert (decision.ok, decision.code) == (ok, code)


def test_a_month_to_come_or_before_the_program_is_refused(siti: Participant, mentor_tebet: User) -> None:
    next_year = datetime.date(timezone.localdate().year + 1, 1, 1)
    assert permissions.can_record_month(mentor_tebet, siti, next_year).code == "future_month"
    decision = permissions.can_record_month(mentor_tebet, siti, datetime.date(2017, 12, 1))
    assert decision.code == "month_too_early"
    with translation.override("en"):
        assert "2018" in str(decision.reason)


def test_the_service_enforces_who_records(siti: Participant, mentor_gambir: User) -> None:
    with pytest.raises(Exception) as caught:
        services.monthly_record_save(
            participant=siti, month=MARCH, turnover=1, workers=1, assets=1, acting_user=mentor_gambir
        )
    assert getattr(caught.value, "code", None) == "not_allowed"
    assert not MonthlyRecord.objects.exists()


def test_the_old_mentoring_address_leads_to_finances_page(
    client: Client, siti: Participant, mentor_tebet: User
) -> None:
    login(client, mentor_tebet)
    response = client.get(f"/pendampingan/peserta/{siti.pk}/indikator/?month=2025-03")
    assert response.status_code == 302
    assert response.url == record_url(siti) + "?month=2025-03"


def test_a_record_on_the_page_leaves_one_web_row_as_the_mentors(
    client: Client, siti: Participant, mentor_tebet: User
) -> None:
    login(client, mentor_tebet)
    assert client.post(record_url(siti), figures()).status_code == 302
    with translation.override("en"):
        [entry] = audit.history_of(MonthlyRecord.objects.get())
    assert (entry.kind, entry.actor, entry.channel) == ("created", str(mentor_tebet), "web")


def test_an_admin_edit_goes_through_the_service_and_is_recorded_as_admin(
    client: Client, siti: Participant, mentor_tebet: User, agency_staff: User
) -> None:
    record, _created = services.monthly_record_save(
        participant=siti, month=MARCH, turnover=1, workers=1, assets=1, acting_user=mentor_tebet
    )
    login(client, agency_staff)
    response = client.post(
        reverse("admin:finance_monthlyrecord_change", args=[record.pk]),
        {"turnover": "9", "workers": "2", "assets": "3"},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.turnover, record.workers, record.recorded_by, record.month) == (9, 2, agency_staff, MARCH)
    with translation.override("en"):
        newest = audit.history_of(record)[0]
    assert (newest.kind, newest.actor, newest.channel) == ("updated", str(agency_staff), "admin")


def test_the_mentoring_page_shows_the_records_and_the_way_to_record(
    client: Client, siti: Participant, mentor_tebet: User, secretariat_tebet: User
) -> None:
    """The mentor sees the months and records one; the kecamatan's secretariat sees neither: the figures are the
    books', which are the participant's, their mentor's and agency staff's (finance.permissions.can_view_books)."""
    services.monthly_record_save(
        participant=siti, month=MARCH, turnover=4_500_000, workers=3, assets=1, acting_user=mentor_tebet
    )
    page = reverse("mentoring:participant", args=[siti.pk])
    login(client, mentor_tebet)
    html = client.get(page).content.decode()
    assert record_url(siti) in html
    assert "4.500.000" in html or "4,500,000" in html
    login(client, secretariat_tebet)
    html = client.get(page).content.decode()
    assert record_url(siti) not in html
    assert "4.500.000" not in html and "4,500,000" not in html


def test_the_registration_page_links_mentors_to_the_records(
    siti: Participant, mentor_tebet: User, secretariat_tebet: User
) -> None:
    assert record_url(siti) in [url for _label, url in participant_links(mentor_tebet, siti)]
    assert record_url(siti) not in [url for _label, url in participant_links(secretariat_tebet, siti)]
