"""Who has done a step, in SQL (`journey.done_filter`): what a partner's criteria "steps done" ask without knowing
the step apps. P1 is done once the registration is approved; every step has its provider now."""

import pytest

from registration import journey
from registration.choices import Status
from registration.models import Participant
from registration.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def done(code: str) -> set[int]:
    return set(Participant.objects.filter(journey.done_filter(code)).values_list("pk", flat=True))


def test_p1_is_done_once_the_registration_is_approved() -> None:
    approved = RegistrationFactory(status=Status.APPROVED).participant
    for status in (Status.SUBMITTED, Status.NEEDS_FIX, Status.REJECTED):
        RegistrationFactory(status=status)
    assert done("P1") == {approved.pk}


def test_every_step_has_its_provider() -> None:
    """No step is "coming soon" any more: each of P1-P7 is told by its app."""
    assert set(journey._providers) == {code for code, *_names in journey.STEPS}


def test_an_unknown_step_is_refused() -> None:
    with pytest.raises(ValueError, match="P9"):
        journey.done_filter("P9")


def test_every_registered_provider_tells_who_has_done_its_step() -> None:
    """Each step app registered in ready() implements the whole interface."""
    assert {"P1", "P2", "P3"} <= set(journey._providers)
    for provider in journey._providers.values():
        assert isinstance(provider.done_filter(), journey.Q)
