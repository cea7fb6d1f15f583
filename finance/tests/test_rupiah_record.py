"""The monthly record's money fields are the one rupiah field: typed the Indonesian way, stored exactly, warned
(never refused) when above a medium business's limits."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from finance.models import MonthlyRecord
from mentoring.tests.factories import verified_participant
from registration.tests.conftest import login

pytestmark = pytest.mark.django_db


def test_a_month_typed_the_indonesian_way_is_stored_in_whole_rupiah(
    client: Client, entrepreneur: User, mentor_tebet: User
) -> None:
    siti = verified_participant("Tebet", user=entrepreneur)
    login(client, mentor_tebet)
    url = reverse("finance:monthly_records", args=[siti.pk])
    response = client.post(url, {"month": "2025-03", "turnover": "4.500.000", "workers": "3", "assets": "Rp 12 juta"})
    assert response.status_code == 302
    record = MonthlyRecord.objects.get()
    assert (record.turnover, record.assets) == (4_500_000, 12_000_000)
    page = client.get(url).content.decode()
    assert "Rp 4.500.000" in page and "Rp 12.000.000" in page
    assert "js/rupiah.js" in page


def test_an_implausible_turnover_is_saved_only_once_confirmed(
    client: Client, entrepreneur: User, mentor_tebet: User
) -> None:
    siti = verified_participant("Tebet", user=entrepreneur)
    login(client, mentor_tebet)
    url = reverse("finance:monthly_records", args=[siti.pk])
    figures = {"month": "2025-03", "turnover": "45.000.000.000", "workers": "3", "assets": "12.000.000"}
    response = client.post(url, figures)
    assert response.status_code == 400
    assert response.context["form"].errors.as_data()["turnover"][0].code == "implausible"
    assert 'name="confirm_figures"' in response.content.decode()
    assert not MonthlyRecord.objects.exists()
    assert client.post(url, {**figures, "confirm_figures": "on"}).status_code == 302
    assert MonthlyRecord.objects.get().turnover == 45_000_000_000


def test_a_range_is_refused_with_a_reason(client: Client, entrepreneur: User, mentor_tebet: User) -> None:
    siti = verified_participant("Tebet", user=entrepreneur)
    login(client, mentor_tebet)
    url = reverse("finance:monthly_records", args=[siti.pk])
    response = client.post(url, {"month": "2025-03", "turnover": "1-2 juta", "workers": "3", "assets": "0"})
    assert response.status_code == 400
    assert response.context["form"].errors.as_data()["turnover"][0].code == "several_numbers"
