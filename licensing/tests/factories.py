import datetime
import itertools
from typing import Any

import factory
from django.utils import timezone

from licensing import licence_types
from licensing.choices import RequestStatus
from licensing.models import Licence, LicenceRequest, LicenceType, RequestMove
from mentoring.tests.factories import verified_participant


def licence_type(code: str) -> LicenceType:
    """One of the types the data migration loads (licensing/licence_types.py)."""
    return LicenceType.objects.get(code=code)


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


class LicenceRequestFactory(factory.django.DjangoModelFactory[LicenceRequest]):
    """An open request (requested), made by the participant; a later status is set directly, as a fixture."""

    class Meta:
        model = LicenceRequest

    participant = factory.LazyFunction(verified_participant)
    licence_type = factory.LazyFunction(lambda: licence_type(licence_types.NIB))
    requested_by = factory.SelfAttribute("participant.user")
    status = RequestStatus.REQUESTED


class LicenceFactory(factory.django.DjangoModelFactory[Licence]):
    """A licence held, issued a month ago, with its type's usual expiry."""

    class Meta:
        model = Licence

    participant = factory.LazyFunction(verified_participant)
    licence_type = factory.LazyFunction(lambda: licence_type(licence_types.NIB))
    number = factory.Sequence(lambda n: f"{9120000000000 + n}")
    issued_on = factory.LazyFunction(lambda: days_ago(30))
    expires_on = factory.LazyAttribute(lambda o: o.licence_type.expiry_for(o.issued_on))
    recorded_by = factory.SelfAttribute("participant.user")


def reached_office(status: str = RequestStatus.SUBMITTED, **fields: Any) -> LicenceRequest:
    """A request that reached the issuing office, with its moves: requested, documents complete, submitted, and
    then `status` (issued or refused: give a refused one its `refusal_reason`)."""
    made: LicenceRequest = LicenceRequestFactory(status=status, **fields)
    path = ["", RequestStatus.REQUESTED, RequestStatus.DOCUMENTS_COMPLETE, RequestStatus.SUBMITTED]
    if status != RequestStatus.SUBMITTED:
        path.append(status)
    for from_status, to_status in itertools.pairwise(path):
        RequestMove.objects.create(
            request=made, from_status=from_status, to_status=to_status, moved_by=made.requested_by
        )
    return made
