"""P4's measures for the targets: licensed on the issue date of the first licence held, NULL exactly when P4 is
not done (the journey's done_filter); formal on the issue date of the NIB held valid today, NULL exactly when
`formal_filter()` leaves the participant out."""

import datetime

import pytest

from licensing import licence_types
from licensing.selectors import formal_filter
from licensing.tests.factories import LicenceFactory, days_ago, licence_type
from mentoring.tests.factories import verified_participant
from registration import journey
from registration.measures import Measure, reached_on
from registration.models import Participant

pytestmark = pytest.mark.django_db

D = datetime.date


def reached(measure: Measure) -> dict[int, datetime.date | None]:
    return dict(Participant.objects.annotate(day=reached_on(measure)).values_list("pk", "day"))


def test_licensed_and_formal_agree_with_the_step_and_the_formal_filter() -> None:
    nib, pirt = licence_type(licence_types.NIB), licence_type(licence_types.PIRT)
    formal = LicenceFactory(licence_type=nib, issued_on=D(2024, 5, 1), expires_on=None).participant
    LicenceFactory(participant=formal, licence_type=pirt, issued_on=D(2024, 7, 1))
    food_only = LicenceFactory(licence_type=pirt, issued_on=D(2024, 6, 1)).participant
    lapsed = LicenceFactory(licence_type=nib, issued_on=D(2020, 1, 1), expires_on=D(2021, 1, 1)).participant
    renewed = LicenceFactory(licence_type=nib, issued_on=D(2019, 3, 1), expires_on=D(2020, 3, 1)).participant
    LicenceFactory(participant=renewed, licence_type=nib, issued_on=D(2023, 2, 1), expires_on=None)
    not_yet = LicenceFactory(licence_type=nib, issued_on=days_ago(-1), expires_on=None).participant
    expires_today = LicenceFactory(licence_type=nib, issued_on=D(2024, 1, 2), expires_on=days_ago(0)).participant
    none = verified_participant()

    licensed, formal_on = reached(Measure.LICENSED), reached(Measure.FORMAL)

    assert licensed == {
        formal.pk: D(2024, 5, 1),
        food_only.pk: D(2024, 6, 1),
        lapsed.pk: D(2020, 1, 1),
        renewed.pk: D(2019, 3, 1),
        not_yet.pk: days_ago(-1),
        expires_today.pk: D(2024, 1, 2),
        none.pk: None,
    }
    assert formal_on == {
        formal.pk: D(2024, 5, 1),
        food_only.pk: None,
        lapsed.pk: None,
        renewed.pk: D(2023, 2, 1),  # the NIB valid today, not the lapsed one
        not_yet.pk: None,
        expires_today.pk: D(2024, 1, 2),
        none.pk: None,
    }
    done = set(Participant.objects.filter(journey.done_filter("P4")).values_list("pk", flat=True))
    assert {pk for pk, day in licensed.items() if day is not None} == done
    holds_nib = set(Participant.objects.filter(formal_filter()).values_list("pk", flat=True))
    assert (
        {pk for pk, day in formal_on.items() if day is not None}
        == holds_nib
        == {
            formal.pk,
            renewed.pk,
            expires_today.pk,
        }
    )
