"""Who has done a step, in SQL (`journey.done_filter`): what a partner's criteria "steps done" ask without knowing
the step apps. P1 is done once the registration is approved; a step with no provider yet is done by nobody."""

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


@pytest.mark.parametrize("code", ["P6", "P7"])
def test_a_step_not_built_yet_is_done_by_nobody(code: str, django_assert_num_queries: object) -> None:
    RegistrationFactory(status=Status.APPROVED)
    with django_assert_num_queries(0):  # type: ignore[operator]  # Django knows the answer without asking
        assert list(Participant.objects.filter(journey.done_filter(code))) == []


def test_an_unknown_step_is_refused() -> None:
    with pytest.raises(ValueError, match="P9"):
        journey.done_filter("P9")


def test_every_registered_provider_tells_who_has_done_its_step() -> None:
    """Each step app registered in ready() implements the whole interface."""
    assert {"P1", "P2", "P3"} <= set(journey._providers)
    for provider in journey._providers.values():
        assert isinstance(provider.done_filter(), journey.Q)
