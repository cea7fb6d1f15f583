from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from partners.models import PartnerOrganisation
from registration.management.commands.seed_demo import DEMO_PASSWORD, demo_email
from training.models import Certificate, Course, Session

pytestmark = pytest.mark.django_db


def test_demo_trainings_load_once_after_the_demo_people(client: Client, settings: Any) -> None:
    settings.DEBUG = True
    with pytest.raises(CommandError):
        call_command("seed_training_demo", stdout=StringIO())  # the demo people first
    call_command("seed_demo", participants=5, stdout=StringIO())
    call_command("seed_training_demo", stdout=StringIO())
    assert Course.objects.count() == 3
    assert Session.objects.filter(status="announced").count() == 5
    certificate = Certificate.objects.get()
    assert certificate.enrolment.participant.user.email == demo_email("peserta")
    call_command("seed_training_demo", stdout=StringIO())
    assert Course.objects.count() == 3
    # the demo logins see it all: the participant the open sessions, the partner its own course
    assert client.login(username=demo_email("peserta"), password=DEMO_PASSWORD)
    assert len(client.get(reverse("training:sessions")).context["page"].items) == 4
    assert client.get(reverse("training:certificate_pdf", args=[certificate.code])).content.startswith(b"%PDF")
    assert client.login(username=demo_email("mitra"), password=DEMO_PASSWORD)
    assert [c.title for c in client.get(reverse("training:courses")).context["page"].items] == [
        "Literasi Keuangan dan Kredit Usaha"
    ]


def test_the_demo_partner_is_made_up_not_a_real_bank(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", participants=1, stdout=StringIO())
    call_command("seed_training_demo", stdout=StringIO())
    assert list(PartnerOrganisation.objects.values_list("name", flat=True)) == ["Mitra Demo Jakarta"]
    assert not Session.objects.filter(venue__icontains="Bank").exists()


def test_demo_trainings_refuse_to_load_without_debug(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", participants=1, stdout=StringIO())
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_training_demo", stdout=StringIO())
    assert not Course.objects.exists()
    assert not PartnerOrganisation.objects.exists()
