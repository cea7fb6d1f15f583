from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from registration.choices import Status
from registration.management.commands.seed_demo import DEMO_PASSWORD, ROLES, demo_email
from registration.models import Participant, Registration

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_to_run_without_debug(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_seed_demo_makes_a_login_per_role_and_a_living_portal(client: Client, settings: Any) -> None:
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", participants=120, stdout=out)
    assert {u.role for u in User.objects.filter(email__in=[demo_email(n) for n, *_ in ROLES])} == set(Role.values)
    assert Participant.objects.count() == 120
    assert Participant.objects.values("kecamatan").distinct().count() > 30
    assert Registration.objects.filter(status=Status.SUBMITTED, kecamatan__name="Tebet").exists()
    for name, *_ in ROLES:
        assert client.login(username=demo_email(name), password=DEMO_PASSWORD), name
        assert client.get(reverse("home")).status_code == 200
        assert demo_email(name) in out.getvalue()
    # every demo NIK passes the portal's own checks
    from registration.nik import validate_nik

    for participant in Participant.objects.all()[:50]:
        validate_nik(participant.nik, birth_date=participant.birth_date, sex=participant.sex, jakarta_ktp=True)

    call_command("seed_demo", stdout=StringIO())  # a second run changes nothing
    assert Participant.objects.count() == 120
