"""The selling spaces demo: after seed_demo, seed_mentoring_demo and seed_marketing_demo, Thamrin 10 and bazaars
in some wilayah (Kepulauan Seribu without one), booths with made-up codes, applications in every status, the demo
participant's booth at a bazaar; idempotent and DEBUG only."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from marketing.choices import ApplicationStatus, SpaceKind
from marketing.models import Booth, BoothAllocation, SellingSpace, SpaceApplication
from registration.management.commands.seed_demo import DEMO_PASSWORD, demo_email

pytestmark = pytest.mark.django_db


def seed_before(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", participants=60, stdout=StringIO())
    call_command("seed_mentoring_demo", stdout=StringIO())
    call_command("seed_marketing_demo", stdout=StringIO())


def test_the_spaces_demo_loads_once_after_the_marketing_demo(client: Client, settings: Any) -> None:
    settings.DEBUG = True
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_spaces_demo", stdout=StringIO())  # the demo people first
    seed_before(settings)
    call_command("seed_spaces_demo", stdout=StringIO())

    thamrin = SellingSpace.objects.get(name="Thamrin 10")
    assert (thamrin.kind, thamrin.wilayah.name, thamrin.closes_on) == (SpaceKind.PERMANENT, "Jakarta Pusat", None)
    assert thamrin.booths.count() == 8
    assert SellingSpace.objects.filter(kind=SpaceKind.BAZAAR).count() >= 3
    assert set(SpaceApplication.objects.values_list("status", flat=True)) == set(ApplicationStatus.values)
    assert BoothAllocation.objects.filter(cancelled_at__isnull=True).count() >= 3
    siti = BoothAllocation.objects.get(business__participant__user__email=demo_email("peserta"))
    assert siti.booth.space.kind == SpaceKind.BAZAAR and siti.cancelled_at is None
    assert siti.application.status == ApplicationStatus.ACCEPTED

    counts = (SellingSpace.objects.count(), Booth.objects.count(), SpaceApplication.objects.count())
    call_command("seed_spaces_demo", stdout=StringIO())  # a second run changes nothing
    assert (SellingSpace.objects.count(), Booth.objects.count(), SpaceApplication.objects.count()) == counts

    # the coverage page shows the gap; the demo participant sees her booth
    without = [w.name for w in client.get(reverse("marketing:coverage")).context["without"]]
    assert without == ["Kepulauan Seribu"]
    assert client.login(username=demo_email("peserta"), password=DEMO_PASSWORD)
    page = client.get(reverse("marketing:space_applications_mine")).content.decode()
    assert f'data-booth="{siti.booth.code}"' in page
    assert client.login(username=demo_email("dinas"), password=DEMO_PASSWORD)
    assert client.get(reverse("marketing:space_calendar", args=[siti.booth.space_id])).status_code == 200


def test_the_spaces_demo_needs_the_graded_businesses(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", participants=5, stdout=StringIO())
    with pytest.raises(CommandError, match="seed_marketing_demo"):
        call_command("seed_spaces_demo", stdout=StringIO())
    assert not SellingSpace.objects.exists()


def test_the_spaces_demo_refuses_to_load_without_debug(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", participants=1, stdout=StringIO())
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_spaces_demo", stdout=StringIO())
    assert not SellingSpace.objects.exists()
