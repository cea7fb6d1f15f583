from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from licensing.choices import RequestStatus
from licensing.models import Licence, LicenceRequest
from registration.management.commands.seed_demo import DEMO_PASSWORD, demo_email

pytestmark = pytest.mark.django_db


def test_demo_licensing_loads_once_after_the_demo_people(client: Client, settings: Any) -> None:
    settings.DEBUG = True
    with pytest.raises(CommandError):
        call_command("seed_licensing_demo", stdout=StringIO())  # the demo people first
    call_command("seed_demo", participants=80, stdout=StringIO())
    call_command("seed_mentoring_demo", stdout=StringIO())
    call_command("seed_licensing_demo", stdout=StringIO())
    siti = LicenceRequest.objects.filter(participant__user__email=demo_email("peserta"))
    assert siti.get(licence_type__code="nib").status == RequestStatus.ISSUED
    assert siti.get(licence_type__code="pirt").status == RequestStatus.DOCUMENTS_COMPLETE
    nib = Licence.objects.get(participant__user__email=demo_email("peserta"))
    assert nib.licence_type.code == "nib" and len(nib.number) == 13 and nib.participant.full_name == "Siti Rahayu"
    assert set(LicenceRequest.objects.values_list("status", flat=True)) == set(RequestStatus.values)
    assert LicenceRequest.objects.values("participant").distinct().count() > 30
    soon = timezone.localdate() + timezone.timedelta(days=60)
    assert Licence.objects.filter(expires_on__gte=timezone.localdate(), expires_on__lte=soon).exists()
    counts = (LicenceRequest.objects.count(), Licence.objects.count())
    call_command("seed_licensing_demo", stdout=StringIO())  # a second run changes nothing
    assert (LicenceRequest.objects.count(), Licence.objects.count()) == counts
    # the demo logins see it: the participant their wallet, staff the queue, the mentor their participants
    assert client.login(username=demo_email("peserta"), password=DEMO_PASSWORD)
    html = client.get(reverse("home")).content.decode()
    assert 'id="licence-wallet"' in html and nib.number in html
    assert client.login(username=demo_email("dinas"), password=DEMO_PASSWORD)
    assert client.get(reverse("licensing:queue")).context["total"] > 10
    assert client.login(username=demo_email("mentor.tebet"), password=DEMO_PASSWORD)
    assert client.get(reverse("licensing:participants")).context["wallets"]


def test_demo_licensing_refuses_to_load_without_debug(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", participants=5, stdout=StringIO())
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_licensing_demo", stdout=StringIO())
    assert not LicenceRequest.objects.exists()
