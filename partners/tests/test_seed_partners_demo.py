"""The demo partners load once after the demo people, with an agreement in each state, and print each key once."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from partners.choices import AgreementState, KeyKind
from partners.models import AccessLog, Agreement, AgreementMeeting, Consent, PartnerKey, PartnerOrganisation
from partners.tests.factories import api_client

pytestmark = pytest.mark.django_db


def _seed(command: str, **options: Any) -> str:
    out = StringIO()
    call_command(command, stdout=out, **options)
    return out.getvalue()


def test_demo_partners_load_once_with_every_agreement_state(settings: Any) -> None:
    settings.DEBUG = True
    with pytest.raises(CommandError, match="seed_demo"):
        _seed("seed_partners_demo")
    _seed("seed_demo", participants=12)
    _seed("seed_training_demo")
    first = _seed("seed_partners_demo")
    today = timezone.localdate()
    states = {agreement.state(today) for agreement in Agreement.objects.all()}
    assert states >= {
        AgreementState.IN_TALKS,
        AgreementState.ACTIVE,
        AgreementState.EXPIRED,
        AgreementState.ENDED,
    }
    expiring = Agreement.objects.get(organisation__name="Bank Demo Jakarta", ended_on__isnull=True)
    assert expiring.is_in_force(today) and expiring.ends_on is not None and (expiring.ends_on - today).days == 20
    assert AgreementMeeting.objects.filter(agreement__signed_on__isnull=True).count() == 2
    assert set(PartnerOrganisation.objects.values_list("kind", flat=True)) >= {
        "marketplace",
        "bank",
        "university",
        "government",
    }
    assert Consent.objects.active().filter(participant__user__email="peserta@demo.jakpreneur.id").count() >= 5
    office = Agreement.objects.get(organisation__name="DPMPTSP Demo Jakarta")
    assert office.is_in_force(today) and office.steps == ["P4"]
    assert AccessLog.objects.exists()
    # one key per active agreement and the JAKI app's, each printed once, and each opens the API
    keys = PartnerKey.objects.all()
    in_force = Agreement.objects.in_force(today)
    assert keys.count() == in_force.count() and set(keys.values_list("agreement", flat=True)) == set(
        in_force.values_list("pk", flat=True)
    )
    assert keys.filter(kind=KeyKind.JAKI).count() == 1
    printed = {line.split()[-1]: line for line in first.splitlines() if line.startswith("  ")}
    secrets = [secret for secret in printed if "." in secret]
    assert len(secrets) == keys.count() and "shown this once" in first
    marketplace = next(secret for secret in secrets if "Pasar Daring Demo" in printed[secret])
    listed = api_client(marketplace).get("/api/v1/participants/")
    assert listed.status_code == 200 and listed.json()["results"]
    assert "mitra@demo.jakpreneur.id" in first

    counts = (
        Agreement.objects.count(),
        PartnerKey.objects.count(),
        Consent.objects.count(),
        AccessLog.objects.count(),
    )
    second = _seed("seed_partners_demo")
    assert "already" in second and not any(secret in second for secret in secrets)
    assert counts == (
        Agreement.objects.count(),
        PartnerKey.objects.count(),
        Consent.objects.count(),
        AccessLog.objects.count(),
    )


def test_demo_partners_refuse_to_load_without_debug(settings: Any) -> None:
    settings.DEBUG = True
    _seed("seed_demo", participants=1)
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        _seed("seed_partners_demo")
    assert not PartnerOrganisation.objects.exists()
