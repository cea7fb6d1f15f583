"""The demo's personal-data requests: loaded once after the demo people, shown in the staff queues."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from privacy.models import CorrectionRequest, DeletionRequest
from registration.management.commands.seed_demo import demo_email

pytestmark = pytest.mark.django_db


def test_demo_requests_load_once_and_show_in_the_queues(client: Client, settings: Any) -> None:
    settings.DEBUG = True
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_privacy_demo", stdout=StringIO())  # the demo people first
    call_command("seed_demo", participants=8, stdout=StringIO())
    call_command("seed_privacy_demo", stdout=StringIO())
    call_command("seed_privacy_demo", stdout=StringIO())
    correction, deletion = CorrectionRequest.objects.get(), DeletionRequest.objects.get()
    assert correction.asked_value in {"Gambir", "Tebet"} and correction.asked_value != correction.current_value
    assert correction.is_open and deletion.is_open
    assert demo_email("peserta") not in {correction.user.email, deletion.user.email}
    client.force_login(User.objects.get(email=demo_email("dinas")))
    assert f'data-request="{correction.pk}"' in client.get(reverse("privacy:correction_queue")).content.decode()
    assert f'data-request="{deletion.pk}"' in client.get(reverse("privacy:deletion_queue")).content.decode()


def test_demo_requests_refuse_to_load_without_debug(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_privacy_demo", stdout=StringIO())
