"""The monthly indicator record: one per participant and month, created or updated by the one service."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from finance.models import MonthlyRecord, Source
from finance.selectors import participant_record_of, participant_records
from finance.services import monthly_record_save
from finance.tests.factories import MonthlyRecordFactory
from registration.models import Participant
from registration.tests.conftest import login
from registration.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2025, 3, 1)


@pytest.fixture
def siti(entrepreneur: User) -> Participant:
    return ParticipantFactory(user=entrepreneur)


def save(participant: Participant, user: User, **figures: Any) -> tuple[MonthlyRecord, bool]:
    values = {"month": datetime.date(2025, 3, 17), "turnover": 4_500_000, "workers": 3, "assets": 12_000_000}
    values.update(figures)
    return monthly_record_save(participant=participant, acting_user=user, **values)


def test_a_mentor_records_a_month_then_updates_it(siti: Participant, mentor_tebet: User) -> None:
    record, created = save(siti, mentor_tebet)
    assert created
    assert (record.month, record.turnover, record.workers, record.assets) == (MARCH, 4_500_000, 3, 12_000_000)
    assert (record.source, record.recorded_by) == (Source.MENTOR, mentor_tebet)

    again, created = save(siti, mentor_tebet, month=MARCH, turnover=5_000_000_000_000)
    assert not created and again.pk == record.pk
    assert MonthlyRecord.objects.get().turnover == 5_000_000_000_000  # whole rupiah, beyond 32 bits


def test_the_participant_records_their_own(siti: Participant, entrepreneur: User, mentor_tebet: User) -> None:
    save(siti, mentor_tebet)
    record, created = save(siti, entrepreneur, workers=4)
    assert not created
    assert (record.source, record.recorded_by, record.workers) == (Source.PARTICIPANT, entrepreneur, 4)


def test_the_database_keeps_one_record_per_participant_and_month(siti: Participant) -> None:
    MonthlyRecordFactory(participant=siti, month=MARCH)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyRecordFactory(participant=siti, month=MARCH)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyRecordFactory(participant=siti, month=datetime.date(2025, 4, 1), turnover=-1)


@pytest.mark.parametrize(
    ("figures", "field"),
    [
        ({"turnover": -1}, "turnover"),
        ({"assets": -5}, "assets"),
        ({"workers": -1}, "workers"),
        ({"turnover": 10**16}, "turnover"),
        ({"month": datetime.date(2999, 1, 1)}, None),
        ({"month": datetime.date(1999, 12, 1)}, None),
    ],
)
def test_the_service_refuses_bad_figures(
    siti: Participant, mentor_tebet: User, figures: dict[str, Any], field: str | None
) -> None:
    with pytest.raises(ValidationError) as caught:
        save(siti, mentor_tebet, **figures)
    if field:
        assert field in caught.value.message_dict
    assert not MonthlyRecord.objects.exists()


def test_selectors_read_one_participants_records(siti: Participant) -> None:
    MonthlyRecordFactory.create_batch(3, participant=siti)
    march = MonthlyRecordFactory(participant=siti, month=MARCH)
    MonthlyRecordFactory(month=datetime.date(2025, 4, 1))  # someone else's, newer
    assert [r.month for r in participant_records(siti, limit=2)] == sorted(
        MonthlyRecord.objects.filter(participant=siti).values_list("month", flat=True), reverse=True
    )[:2]
    assert participant_record_of(siti, datetime.date(2025, 3, 31)) == march
    assert participant_record_of(siti, datetime.date(2025, 4, 1)) is None


# --- the admin -------------------------------------------------------------------------------------------------------


def test_admin_lists_records_in_fixed_queries(
    client: Client, agency_staff: User, siti: Participant, django_assert_max_num_queries: Any
) -> None:
    MonthlyRecordFactory.create_batch(3, participant=siti)
    login(client, agency_staff)
    url = reverse("admin:finance_monthlyrecord_changelist")
    client.get(url)
    MonthlyRecordFactory.create_batch(20)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


def test_admin_records_a_month_as_the_first_day(client: Client, agency_staff: User, siti: Participant) -> None:
    login(client, agency_staff)
    data = {"participant": siti.pk, "month": "2025-03-17", "turnover": "100", "workers": "1", "assets": "200"}
    response = client.post(reverse("admin:finance_monthlyrecord_add"), data)
    assert response.status_code == 302
    record = MonthlyRecord.objects.get()
    assert (record.month, record.recorded_by, record.source) == (MARCH, agency_staff, Source.MENTOR)
    again = client.post(reverse("admin:finance_monthlyrecord_add"), {**data, "month": "2025-03-02"})
    assert again.status_code == 200  # the unique (participant, month) error, not a crash
    assert MonthlyRecord.objects.count() == 1
