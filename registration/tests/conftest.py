from typing import Any

from django.test import Client
from django.utils import timezone

from accounts.models import User
from conftest import PASSWORD
from geography.models import Kecamatan, Kelurahan
from registration.tests.factories import nik_for


def login(client: Client, user: User) -> Client:
    assert client.login(username=user.email, password=PASSWORD)
    return client


def person_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "full_name": "Siti Rahayu",
        "nik": nik_for("Tebet"),
        "birth_date": "1990-08-17",
        "sex": "F",
        "phone": "0812-3450-0001",
        "email": "siti@example.id",
        "address": "Jl. Tebet Raya No. 1",
        "kecamatan": Kecamatan.objects.get(name="Tebet").pk,
        "kelurahan": kelurahan_in("Tebet"),
        "track": "pemula",
        "jakarta_ktp": "True",
        "non_jakarta_basis": "",
        "domicile_since": "",
        "partner_activity": "",
    }
    data.update(overrides)
    return data


def kelurahan_in(kecamatan: str) -> int | str:
    """A kelurahan of the kecamatan (the first by name), or "" while none is loaded."""
    found = Kelurahan.objects.filter(kecamatan__name=kecamatan).order_by("name").first()
    return found.pk if found is not None else ""


def business_data(**overrides: Any) -> dict[str, Any]:
    """A business step's answers: the running business's figures and the planned one's (the form takes those of
    the track)."""
    data = {
        "name": "Warung Siti",
        "sector": "culinary",
        "started_on": "",
        "address": "Jl. Tebet Raya No. 1",
        "kecamatan": Kecamatan.objects.get(name="Tebet").pk,
        "workers": "2",
        "assets": "5000000",
        "monthly_turnover": "3000000",
        "planned_start": f"{timezone.localdate():%Y-%m}",
        "planned_capital": "2500000",
    }
    data.update(overrides)
    return data


def prefixed(prefix: str, data: dict[str, Any]) -> dict[str, Any]:
    return {f"{prefix}-{key}": value for key, value in data.items()}
