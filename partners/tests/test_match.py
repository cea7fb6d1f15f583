"""How many participants match an agreement's criteria, and how many of them consented: counted on generated data
against the same rule in Python, each criterion alone and all together, in one query."""

import logging
import random
from dataclasses import dataclass
from typing import Any

import pytest

from accounts.models import User
from geography.models import Kecamatan
from partners import selectors, services, tasks
from partners.choices import Purpose, Step
from partners.models import Agreement, AgreementMatch, PartnerOrganisation
from partners.tests.factories import PartnerOrganisationFactory, agreement_in_force, consent
from partners.values import AgreementData
from registration.choices import BusinessClass, Sector, Status, Track
from registration.models import Participant
from registration.tests.factories import ParticipantFactory, RegistrationFactory
from tests.support.servers import celery_broker, throwaway_redis
from training.choices import EnrolmentStatus
from training.tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db

# assets, monthly turnover: one business of each class
CLASS_FIGURES = {
    BusinessClass.MICRO: (5_000_000, 3_000_000),
    BusinessClass.SMALL: (2_000_000_000, 10_000_000),
    BusinessClass.MEDIUM: (7_000_000_000, 10_000_000),
    BusinessClass.LARGE: (20_000_000_000, 10_000_000),
}
KECAMATAN = ["Tebet", "Gambir", "Cilandak"]


@dataclass(frozen=True)
class Person:
    approved: bool
    track: str
    sector: str
    business_class: str
    kecamatan: str
    trained: bool
    consented: bool


@pytest.fixture
def generated(agency_staff: User) -> tuple[PartnerOrganisation, Agreement, list[Person]]:
    """Forty people of every kind; some consented to the partner (for training), some completed a training."""
    organisation = PartnerOrganisationFactory(name="Universitas Mitra")
    agreement = agreement_in_force(organisation, steps=[Step.P2], staff=agency_staff)
    other = PartnerOrganisationFactory(name="Bank Lain")
    agreement_in_force(other, steps=[Step.P2], staff=agency_staff)
    rng = random.Random(8)
    people = []
    for _index in range(40):
        person = Person(
            approved=rng.random() < 0.8,
            track=rng.choice(Track.values),
            sector=rng.choice(Sector.values),
            business_class=rng.choice(BusinessClass.values),
            kecamatan=rng.choice(KECAMATAN),
            trained=rng.random() < 0.4,
            consented=rng.random() < 0.5,
        )
        assets, turnover = CLASS_FIGURES[BusinessClass(person.business_class)]
        participant = RegistrationFactory(
            participant=ParticipantFactory(track=person.track, kecamatan=Kecamatan.objects.get(name=person.kecamatan)),
            status=Status.APPROVED if person.approved else Status.SUBMITTED,
            business__sector=person.sector,
            business__assets=assets,
            business__monthly_turnover=turnover,
        ).participant
        if person.trained:
            EnrolmentFactory(participant=participant, status=EnrolmentStatus.COMPLETED)
        if person.consented:
            consent(participant, organisation, Purpose.TRAINING)
        else:
            consent(participant, other, Purpose.TRAINING)  # another partner's consent does not count
        people.append(person)
    return organisation, agreement, people


def set_criteria(agreement: Agreement, staff: User, **criteria: list[str]) -> Agreement:
    kecamatan = [Kecamatan.objects.get(name=name) for name in criteria.pop("kecamatan", [])]
    return services.agreement_update(
        agreement=agreement,
        data=AgreementData(
            kind=agreement.kind,
            title=agreement.title,
            parties=agreement.parties,
            steps=list(agreement.steps),
            criteria_kecamatan=kecamatan,
            **criteria,
        ),
        acting_user=staff,
    )


def expected(people: list[Person], **criteria: list[str]) -> selectors.Match:
    def fits(person: Person) -> bool:
        return (
            person.approved
            and (not criteria.get("criteria_tracks") or person.track in criteria["criteria_tracks"])
            and (not criteria.get("criteria_sectors") or person.sector in criteria["criteria_sectors"])
            and (not criteria.get("criteria_classes") or person.business_class in criteria["criteria_classes"])
            and (not criteria.get("kecamatan") or person.kecamatan in criteria["kecamatan"])
            and ("P2" not in criteria.get("criteria_steps_done", []) or person.trained)
        )

    matching = [person for person in people if fits(person)]
    return selectors.Match(matching=len(matching), consented=sum(person.consented for person in matching))


CASES = [
    {},
    {"criteria_tracks": [Track.NAIK_KELAS]},
    {"criteria_sectors": [Sector.CULINARY, Sector.FASHION]},
    {"criteria_classes": [BusinessClass.SMALL, BusinessClass.LARGE]},
    {"kecamatan": ["Tebet", "Gambir"]},
    {"criteria_steps_done": [Step.P1, Step.P2]},
    {
        "criteria_tracks": [Track.PEMULA],
        "criteria_sectors": [Sector.CULINARY, Sector.CRAFTS, Sector.OTHER],
        "criteria_classes": [BusinessClass.MICRO, BusinessClass.MEDIUM],
        "kecamatan": ["Tebet", "Cilandak"],
        "criteria_steps_done": [Step.P2],
    },
]


@pytest.mark.parametrize("criteria", CASES, ids=lambda case: "+".join(case) or "none")
def test_match_counts_each_criterion_alone_and_together(
    generated: tuple[PartnerOrganisation, Agreement, list[Person]],
    agency_staff: User,
    criteria: dict[str, list[str]],
    django_assert_max_num_queries: object,
) -> None:
    _organisation, agreement, people = generated
    agreement = set_criteria(agreement, agency_staff, **criteria)
    want = expected(people, **criteria)
    assert want.matching > 0  # the generated data exercises every case
    with django_assert_max_num_queries(1):  # type: ignore[operator]
        found = selectors.agreement_match(agreement)
    assert found == want


def test_a_step_not_built_yet_is_done_by_nobody(
    generated: tuple[PartnerOrganisation, Agreement, list[Person]], agency_staff: User
) -> None:
    _organisation, agreement, _people = generated
    agreement = set_criteria(agreement, agency_staff, criteria_steps_done=[Step.P5])
    assert selectors.agreement_match(agreement) == selectors.Match(matching=0, consented=0)


def test_a_withdrawn_consent_no_longer_counts(agency_staff: User) -> None:
    organisation = PartnerOrganisationFactory()
    agreement = agreement_in_force(organisation, steps=[Step.P2, Step.P3], staff=agency_staff)
    siti = RegistrationFactory(status=Status.APPROVED).participant
    given = consent(siti, organisation, Purpose.MENTORING)
    assert selectors.agreement_match(agreement) == selectors.Match(matching=1, consented=1)
    services.consent_withdraw(consent=given, channel="web", acting_user=siti.user)
    assert selectors.agreement_match(agreement) == selectors.Match(matching=1, consented=0)


def test_a_consent_for_a_purpose_the_agreement_does_not_cover_does_not_count(agency_staff: User) -> None:
    organisation = PartnerOrganisationFactory()
    wide = agreement_in_force(organisation, steps=[Step.P2, Step.P3], staff=agency_staff)
    narrow = agreement_in_force(organisation, steps=[Step.P3], staff=agency_staff)
    siti = RegistrationFactory(status=Status.APPROVED).participant
    consent(siti, organisation, Purpose.TRAINING)
    assert selectors.agreement_match(wide).consented == 1
    assert selectors.agreement_match(narrow) == selectors.Match(matching=1, consented=0)


def test_agreements_of_lists_only_the_organisation_s(agency_staff: User) -> None:
    mine, theirs = PartnerOrganisationFactory(), PartnerOrganisationFactory()
    first = agreement_in_force(mine, steps=[Step.P2], staff=agency_staff)
    second = agreement_in_force(mine, steps=[Step.P3], staff=agency_staff)
    agreement_in_force(theirs, steps=[Step.P2], staff=agency_staff)
    assert list(selectors.agreements_of(mine)) == [second, first]
    assert not Participant.objects.exists()


@pytest.mark.fault
def test_with_the_broker_down_new_terms_are_saved_and_counted_at_night(
    agency_staff: User, django_capture_on_commit_callbacks: Any, caplog: pytest.LogCaptureFixture
) -> None:
    agreement = agreement_in_force(PartnerOrganisationFactory(), steps=[Step.P2], staff=agency_staff)
    RegistrationFactory(status=Status.APPROVED, participant__kecamatan=Kecamatan.objects.get(name="Tebet"))
    RegistrationFactory(status=Status.APPROVED, participant__kecamatan=Kecamatan.objects.get(name="Gambir"))
    AgreementMatch.objects.all().delete()
    with (
        throwaway_redis() as redis_server,
        celery_broker(redis_server.url),
        caplog.at_level(logging.WARNING, logger="partners.services"),
    ):
        redis_server.stop()
        with django_capture_on_commit_callbacks(execute=True):
            set_criteria(agreement, agency_staff, kecamatan=["Tebet"])
    assert [k.name for k in Agreement.objects.get(pk=agreement.pk).criteria_kecamatan.all()] == ["Tebet"]  # kept
    assert not AgreementMatch.objects.exists()  # not counted yet...
    assert f"Match count of agreement {agreement.pk} not queued" in caplog.text  # ... and the log says why
    assert tasks.count_agreement_matches() == 1  # the nightly count makes it
    counted = AgreementMatch.objects.get(agreement=agreement)
    assert (counted.matching, counted.consented) == (1, 0)
