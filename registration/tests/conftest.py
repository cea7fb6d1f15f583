from typing import Any

from django.test import Client

from accounts.models import User
from conftest import PASSWORD
from geography.models import Kecamatan
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
        "track": "pemula",
        "jakarta_ktp": "True",
        "non_jakarta_basis": "",
        "domicile_since": "",
        "partner_activity": "",
    }
    data.update(overrides)
    return data


def business_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Warung Siti",
        "sector": "culinary",
        "started_on": "",
        "address": "Jl. Tebet Raya No. 1",
        "kecamatan": Kecamatan.objects.get(name="Tebet").pk,
        "workers": "2",
        "assets": "5000000",
        "monthly_turnover": "3000000",
    }
    data.update(overrides)
    return data


def prefixed(prefix: str, data: dict[str, Any]) -> dict[str, Any]:
    return {f"{prefix}-{key}": value for key, value in data.items()}
