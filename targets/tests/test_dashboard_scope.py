"""Who sees which part of the dashboard and of the participants behind its numbers: agency staff anything; the
Tebet secretariat Tebet and its mentors (Gambir, its wilayah or a Gambir mentor are not found); a mentor
themself (a peer is not found); a partner's user only the participants who consented to it, and nothing once the
consent is withdrawn; a participant and a visitor are refused."""

from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.tests.factories import UserFactory, office
from partners import services as partner_services
from partners.choices import ConsentChannel, Purpose, Step
from partners.models import Consent, PartnerOrganisation
from partners.tests.factories import PartnerMemberFactory, PartnerOrganisationFactory, agreement_in_force, consent
from registration.measures import Measure
from targets import figures
from targets.figures import Area
from targets.models import Progress
from targets.tests.factories import YEAR, D, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(mentor_tebet: User, mentor_gambir: User) -> World:
    other = UserFactory(full_name="Mentor Tebet Dua", role=Role.MENTOR, office=office("Tebet"))
    return World(mentor_tebet=mentor_tebet, mentor_gambir=mentor_gambir, other_mentor_tebet=other)


def dashboard(client: Client, user: User, **params: Any) -> Any:
    client.force_login(user)
    return client.get(reverse("targets:dashboard"), {"year": YEAR, **params})


def people(client: Client, user: User, **params: Any) -> Any:
    client.force_login(user)
    return client.get(reverse("targets:participants"), {"year": YEAR, **params})


def achieved(response: Any) -> dict[Measure, int]:
    return {card.measure: card.achieved for card in response.context["cards"]}


def names(response: Any) -> set[str]:
    return {person.name for person in response.context["people"]}


# --- agency staff ---------------------------------------------------------------------------------------------


def test_agency_staff_see_the_program_and_any_part_of_it(client: Client, agency_staff: User, world: World) -> None:
    response = dashboard(client, agency_staff)
    assert response.status_code == 200
    assert achieved(response)[Measure.VERIFIED] == 5
    assert [ranking.key for ranking in response.context["rankings"]] == ["wilayah", "kecamatan"]
    assert achieved(dashboard(client, agency_staff, wilayah=world.gambir.wilayah_id))[Measure.VERIFIED] == 2
    assert achieved(dashboard(client, agency_staff, kecamatan=world.gambir.pk))[Measure.VERIFIED] == 2
    assert achieved(dashboard(client, agency_staff, mentor=world.mentor_tebet.pk))[Measure.VERIFIED] == 3
    listed = people(client, agency_staff, measure=Measure.VERIFIED)
    assert names(listed) == {"Ani Tebet", "Bela Tebet", "Citra Tebet", "Eko Gambir", "Fajar Gambir"}
    assert all(person.url for person in listed.context["people"])  # the staff participant page opens for them


# --- a kecamatan's secretariat ----------------------------------------------------------------------------------


def test_the_secretariat_sees_its_kecamatan_and_its_mentors(
    client: Client, secretariat_tebet: User, world: World
) -> None:
    response = dashboard(client, secretariat_tebet)
    assert response.status_code == 200
    place = response.context["place"]
    assert place.kecamatan == world.tebet and place.mentor is None
    assert achieved(response) == figures.achieved(Area.of_kecamatan(world.tebet.pk), YEAR)
    assert [ranking.key for ranking in response.context["rankings"]] == ["mentor"]
    assert dashboard(client, secretariat_tebet, kecamatan=world.tebet.pk).status_code == 200
    assert dashboard(client, secretariat_tebet, wilayah=world.tebet.wilayah_id).status_code == 200
    mentor = dashboard(client, secretariat_tebet, mentor=world.mentor_tebet.pk)
    assert mentor.status_code == 200 and achieved(mentor)[Measure.TRAINED] == 2
    assert names(people(client, secretariat_tebet, measure=Measure.REGISTERED)) == {
        "Ani Tebet",
        "Bela Tebet",
        "Citra Tebet",
        "Dewi Tebet",
    }


@pytest.mark.parametrize(
    "choice",
    [
        lambda w: {"kecamatan": w.gambir.pk},
        lambda w: {"wilayah": w.gambir.wilayah_id},
        lambda w: {"mentor": w.mentor_gambir.pk},
        lambda w: {"kecamatan": w.tebet.pk, "mentor": w.mentor_gambir.pk},
        lambda w: {"wilayah": w.tebet.wilayah_id, "kecamatan": w.gambir.pk},
    ],
    ids=["gambir", "gambirs-wilayah", "a-gambir-mentor", "tebet-with-a-gambir-mentor", "gambir-in-tebets-wilayah"],
)
def test_the_secretariat_finds_nothing_of_another_kecamatan(
    client: Client, secretariat_tebet: User, world: World, choice: Any
) -> None:
    assert dashboard(client, secretariat_tebet, **choice(world)).status_code == 404
    assert people(client, secretariat_tebet, measure=Measure.VERIFIED, **choice(world)).status_code == 404


# --- a mentor -----------------------------------------------------------------------------------------------------


def test_a_mentor_sees_only_themself(client: Client, mentor_tebet: User, world: World) -> None:
    response = dashboard(client, mentor_tebet)
    assert response.status_code == 200
    assert response.context["place"].mentor == mentor_tebet
    assert achieved(response) == figures.achieved(Area.of_mentor(mentor_tebet.pk), YEAR)
    assert response.context["rankings"] == [] and response.context["themes"] is None
    assert dashboard(client, mentor_tebet, mentor=mentor_tebet.pk).status_code == 200
    assert dashboard(client, mentor_tebet, kecamatan=world.tebet.pk).context["place"].mentor == mentor_tebet
    assert names(people(client, mentor_tebet, measure=Measure.REGISTERED)) == {
        "Ani Tebet",
        "Bela Tebet",
        "Citra Tebet",
    }


@pytest.mark.parametrize(
    "choice",
    [
        lambda w: {"mentor": w.other_mentor_tebet.pk},
        lambda w: {"mentor": w.mentor_gambir.pk},
        lambda w: {"kecamatan": w.gambir.pk},
        lambda w: {"wilayah": w.gambir.wilayah_id},
    ],
    ids=["a-peer", "a-gambir-mentor", "gambir", "another-wilayah"],
)
def test_a_mentor_finds_nothing_of_a_peer(client: Client, mentor_tebet: User, world: World, choice: Any) -> None:
    assert dashboard(client, mentor_tebet, **choice(world)).status_code == 404
    assert people(client, mentor_tebet, measure=Measure.VERIFIED, **choice(world)).status_code == 404


# --- a partner organisation's user --------------------------------------------------------------------------------


@pytest.fixture
def partner(partner_user: User, agency_staff: User) -> PartnerOrganisation:
    organisation = PartnerOrganisationFactory(name="Universitas Mitra")
    PartnerMemberFactory(user=partner_user, organisation=organisation)
    agreement_in_force(organisation, steps=[Step.P2], staff=agency_staff)
    return organisation


def test_a_partner_sees_only_its_consenting_participants(
    client: Client, partner_user: User, partner: PartnerOrganisation, world: World
) -> None:
    consent(world.ani, partner, Purpose.TRAINING)
    consent(world.eko, partner, Purpose.TRAINING)
    response = dashboard(client, partner_user)
    assert response.status_code == 200
    # Eko's licence is not the training partner's to know
    assert achieved(response)[Measure.VERIFIED] == 2 and achieved(response)[Measure.LICENSED] == 0
    assert achieved(response)[Measure.TRAINED] == 2
    assert {card.target for card in response.context["cards"]} == {None} and not response.context["targets_apply"]
    assert response.context["rankings"] == [] and response.context["themes"] is None
    listed = people(client, partner_user, measure=Measure.VERIFIED)
    assert names(listed) == {"Ani Tebet", "Eko Gambir"}
    html = listed.content.decode()
    assert reverse("registration:participant", args=[world.ani.pk]) not in html
    assert all(person.url is None and person.kecamatan == "" for person in listed.context["people"])
    assert "Tebet</td>" not in html  # the name alone: no kecamatan, mentor or day


def test_a_partner_counts_and_names_a_participant_only_for_the_steps_of_their_consents(
    client: Client, partner_user: User, partner: PartnerOrganisation, world: World, agency_staff: User
) -> None:
    """Eko consented to training only: he is behind Verified and Trained, never behind Licensed, Capitalised or
    the funnel's later steps; once he consents to licensing help under an agreement covering P4, his licence is
    counted and named. Ani's licensing consent to another partner counts nothing here."""
    consent(world.eko, partner, Purpose.TRAINING)
    other = PartnerOrganisationFactory()
    agreement_in_force(other, steps=[Step.P4], staff=agency_staff)
    consent(world.ani, other, Purpose.LICENSING)  # another partner's: nothing here
    response = dashboard(client, partner_user)
    counted = achieved(response)
    assert (counted[Measure.VERIFIED], counted[Measure.TRAINED]) == (1, 1)
    assert counted[Measure.LICENSED] == counted[Measure.CAPITALISED] == counted[Measure.FORMAL] == 0
    funnel = {step.label: step for step in response.context["funnel"]}
    assert funnel[str(Measure.LICENSED.label)].reached == 0
    assert all((step.conversion or 0) <= 100 for step in response.context["funnel"])
    trend = response.context["trend"]
    assert sum(month.cells[list(Measure).index(Measure.LICENSED)].n for month in trend) == 0
    assert names(people(client, partner_user, measure=Measure.TRAINED)) == {"Eko Gambir"}
    for measure in (Measure.LICENSED, Measure.CAPITALISED, Measure.MOVED_UP):
        assert names(people(client, partner_user, measure=measure)) == set()
    assert names(people(client, partner_user, measure=Measure.LICENSED, cohort=YEAR, year="")) == set()
    agreement_in_force(partner, steps=[Step.P4], staff=agency_staff)
    consent(world.eko, partner, Purpose.LICENSING)
    assert achieved(dashboard(client, partner_user))[Measure.LICENSED] == 1
    assert names(people(client, partner_user, measure=Measure.LICENSED)) == {"Eko Gambir"}


def test_a_partner_sees_nothing_once_the_consent_is_withdrawn(
    client: Client, partner_user: User, partner: PartnerOrganisation, world: World
) -> None:
    given = consent(world.ani, partner, Purpose.TRAINING)
    assert achieved(dashboard(client, partner_user))[Measure.VERIFIED] == 1
    partner_services.consent_withdraw(consent=given, channel=ConsentChannel.WEB, acting_user=world.ani.user)
    assert not Consent.objects.active().exists()
    response = dashboard(client, partner_user)
    assert set(achieved(response).values()) == {0}
    assert all(step.reached == 0 for step in response.context["funnel"])
    assert names(people(client, partner_user, measure=Measure.VERIFIED)) == set()


def test_a_partners_figures_are_kept_a_while_but_a_consent_given_or_withdrawn_counts_them_again(
    client: Client, partner_user: User, partner: PartnerOrganisation, world: World
) -> None:
    """Counting a partner's participants on Progress is the dashboard's one slow part at scale: its figures are
    kept for figures.KEPT_SECONDS, and the page says when they were counted. Progress made meanwhile shows once
    they are counted again; a consent given or withdrawn counts them again at once (nobody stays counted for a
    partner they withdrew from)."""
    given = consent(world.citra, partner, Purpose.TRAINING)
    first = dashboard(client, partner_user)
    assert (achieved(first)[Measure.VERIFIED], achieved(first)[Measure.TRAINED]) == (1, 0)
    counted_at = first.context["counted_at"]
    note = first.content.decode().split('id="dashboard-note"')[1].split("</p>")[0]
    assert "data-counted-at=" in note and timezone.localtime(counted_at).strftime("%H:%M") in note

    Progress.objects.filter(participant=world.citra).update(trained_on=D(YEAR, 3, 1))  # trained meanwhile
    kept = dashboard(client, partner_user)
    assert kept.context["counted_at"] == counted_at and achieved(kept)[Measure.TRAINED] == 0
    caches["fragments"].clear()  # the keep runs out
    assert achieved(dashboard(client, partner_user))[Measure.TRAINED] == 1

    consent(world.ani, partner, Purpose.TRAINING)
    assert achieved(dashboard(client, partner_user))[Measure.VERIFIED] == 2
    partner_services.consent_withdraw(consent=given, channel=ConsentChannel.WEB, acting_user=world.citra.user)
    after = dashboard(client, partner_user)
    assert (achieved(after)[Measure.VERIFIED], achieved(after)[Measure.TRAINED]) == (1, 1)


@pytest.mark.parametrize(
    "choice",
    [
        lambda w: {"kecamatan": w.tebet.pk},
        lambda w: {"wilayah": w.tebet.wilayah_id},
        lambda w: {"mentor": w.mentor_tebet.pk},
    ],
    ids=["kecamatan", "wilayah", "mentor"],
)
def test_a_partner_names_no_part_of_the_program(
    client: Client, partner_user: User, partner: PartnerOrganisation, world: World, choice: Any
) -> None:
    assert dashboard(client, partner_user, **choice(world)).status_code == 404
    assert people(client, partner_user, measure=Measure.VERIFIED, **choice(world)).status_code == 404


def test_a_partner_user_of_no_organisation_is_told_so_and_sees_no_figure(
    client: Client, partner_user: User, world: World
) -> None:
    """The menu offers them the dashboard (it cannot ask the organisation without a query): the page says whom
    to ask, as the partner's home page does, and counts nothing; the participants behind a number are refused."""
    page = dashboard(client, partner_user)
    assert page.status_code == 200 and b'id="partner-unlinked"' in page.content
    assert "place" not in page.context
    assert people(client, partner_user, measure=Measure.VERIFIED).status_code == 403


# --- everyone else --------------------------------------------------------------------------------------------


def test_a_participant_is_refused(client: Client, world: World) -> None:
    assert world.ani.user is not None
    assert dashboard(client, world.ani.user).status_code == 403
    assert people(client, world.ani.user, measure=Measure.VERIFIED).status_code == 403


def test_a_visitor_is_sent_to_log_in(client: Client, world: World) -> None:
    for name in ("targets:dashboard", "targets:participants"):
        response = client.get(reverse(name), {"measure": Measure.VERIFIED, "year": YEAR})
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
