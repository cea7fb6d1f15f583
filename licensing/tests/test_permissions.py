"""Who may do what in P4, by role and by state: the moves matrix (every move from every status, by every kind of
user), asking for a licence, recording one, and how a user stands to a participant."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from core.decisions import Refused
from licensing import permissions, services
from licensing.choices import MOVES, RequestStatus
from licensing.models import LicenceRequest, LicenceType
from licensing.permissions import Standing
from licensing.services import MOVE_MESSAGES
from licensing.tests.factories import LicenceFactory, LicenceRequestFactory, days_ago
from notifications.models import Message
from partners import services as partner_services
from partners.choices import OrganisationKind, Purpose, Step
from partners.tests.api_support import Partner, make_partner
from partners.tests.factories import consent
from registration.models import Participant

pytestmark = pytest.mark.django_db

TARGETS = [s.value for s in RequestStatus]
# who moves a request to each status (the role half; the state half is MOVES)
MOVERS = {
    RequestStatus.DOCUMENTS_COMPLETE: {"mentor", "secretariat", "agency"},
    RequestStatus.REQUESTED: {"mentor", "secretariat", "agency"},
    RequestStatus.SUBMITTED: {"agency"},
    RequestStatus.ISSUED: {"agency", "office"},
    RequestStatus.REFUSED: {"agency", "office"},
    RequestStatus.WITHDRAWN: {"owner", "mentor"},
}
# the licensing office decides only on a request that reached it
REACHED_OFFICE = {RequestStatus.SUBMITTED, RequestStatus.ISSUED, RequestStatus.REFUSED}


def role_may(who: str, status: str, target: str) -> bool:
    if who == "office" and status not in REACHED_OFFICE:
        return False
    return who in MOVERS[RequestStatus(target)]


ACTORS = {
    "owner": "entrepreneur",
    "peer": "other_entrepreneur",
    "mentor": "mentor_tebet",
    "secretariat": "secretariat_tebet",
    "other_mentor": "mentor_gambir",
    "other_secretariat": "secretariat_gambir",
    "agency": "agency_staff",
    "partner_user": "partner_user",
}


@pytest.fixture
def office(agency_staff: User, siti: Participant) -> Partner:
    """A licensing office (DPMPTSP) whose agreement covers P4, Siti consenting to it for licensing."""
    partner = make_partner(agency_staff, steps=[Step.P4], name="DPMPTSP DKI", kind=OrganisationKind.GOVERNMENT)
    consent(siti, partner.organisation, Purpose.LICENSING)
    return partner


def actor(request: pytest.FixtureRequest, name: str) -> Any:
    if name == "anonymous":
        return AnonymousUser()
    if name == "office":
        return request.getfixturevalue("office").organisation.api_user
    return request.getfixturevalue(ACTORS[name])


@pytest.mark.parametrize("who", [*ACTORS, "office", "anonymous"])
def test_the_moves_matrix(request: pytest.FixtureRequest, siti: Participant, nib: LicenceType, who: str) -> None:
    user = actor(request, who)
    licence_request = LicenceRequestFactory(participant=siti, licence_type=nib)
    standing = permissions.standing_of(user, siti)
    for status in TARGETS:
        licence_request.status = status
        for target in TARGETS:
            decision = permissions.can_move(user, licence_request, target, standing=standing)
            may = role_may(who, status, target)
            expected = may and target in MOVES[status]
            assert bool(decision) is expected, (who, status, target, decision)
            if not decision:
                assert decision.code == ("not_now" if may else "not_allowed")
                assert str(decision.reason)


@pytest.mark.parametrize(("status", "target"), [(s, t) for s in TARGETS for t in TARGETS if t != RequestStatus.ISSUED])
def test_every_move_through_the_service(
    request: pytest.FixtureRequest, siti: Participant, nib: LicenceType, status: str, target: str
) -> None:
    """The service allows exactly MOVES, for a user the role half allows."""
    mover = {"documents": "mentor_tebet", "requested": "mentor_tebet", "withdrawn": "entrepreneur"}.get(
        target, "agency_staff"
    )
    licence_request = LicenceRequestFactory(
        participant=siti, licence_type=nib, status=status, refusal_reason="x" if status == "refused" else ""
    )
    call = {"licence_request": licence_request, "target": target, "acting_user": request.getfixturevalue(mover)}
    if target == RequestStatus.REFUSED:
        call["reason"] = "Dokumen tidak sah"
    if target in MOVES[status]:
        services.request_move(**call)
        licence_request.refresh_from_db()
        assert licence_request.status == target
        assert licence_request.moves.get().to_status == target
        assert Message.objects.filter(template=MOVE_MESSAGES[target], recipient=siti.user).exists()
    else:
        with pytest.raises(Refused) as refused:
            services.request_move(**call)
        assert refused.value.code == "not_now"
        licence_request.refresh_from_db()
        assert licence_request.status == status and not licence_request.moves.exists()
        assert not Message.objects.exists()


def test_a_move_allowed_on_the_page_is_refused_once_someone_acted(
    siti: Participant, mentor_tebet: User, agency_staff: User, nib: LicenceType
) -> None:
    seen = LicenceRequestFactory(participant=siti, licence_type=nib)
    services.request_move(licence_request=seen, target="withdrawn", acting_user=siti.user)
    assert seen.status == RequestStatus.REQUESTED  # the page's copy
    with pytest.raises(Refused) as refused:
        services.request_move(licence_request=seen, target="documents", acting_user=mentor_tebet)
    assert refused.value.code == "not_now"


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", Standing(owner=True)),
        ("peer", Standing()),
        ("mentor", Standing(office=True, mentor=True)),
        ("secretariat", Standing(office=True, secretariat=True)),
        ("other_mentor", Standing()),
        ("other_secretariat", Standing()),
        ("agency", Standing(agency=True)),
        ("partner_user", Standing()),
        ("office", Standing(licensing_office=True)),
        ("anonymous", Standing()),
    ],
)
def test_how_each_stands_to_the_participant(
    request: pytest.FixtureRequest, siti: Participant, who: str, expected: Standing
) -> None:
    assert permissions.standing_of(actor(request, who), siti) == expected


def test_a_colleague_of_the_mentor_sees_but_is_not_their_mentor(siti: Participant) -> None:
    from mentoring.tests.factories import MentorFactory

    colleague = MentorFactory()
    assert permissions.standing_of(colleague, siti) == Standing(office=True)
    assert not permissions.can_request(colleague, siti)


def test_a_licensing_office_stands_for_nobody_without_consent_or_in_force_agreement(
    request: pytest.FixtureRequest, siti: Participant, budi: Participant, office: Partner
) -> None:
    api_user = office.organisation.api_user
    assert permissions.standing_of(api_user, budi) == Standing()  # no consent
    from partners.models import Agreement, Consent

    Agreement.objects.filter(pk=office.agreement.pk).update(ends_on=days_ago(1))
    assert permissions.standing_of(api_user, siti) == Standing()
    Agreement.objects.filter(pk=office.agreement.pk).update(ends_on=days_ago(-30))
    assert permissions.standing_of(api_user, siti).licensing_office
    partner_services.consent_withdraw(
        consent=Consent.objects.get(participant=siti), channel="web", acting_user=siti.user
    )
    assert permissions.standing_of(api_user, siti) == Standing()


def test_a_partner_that_is_not_a_government_office_is_no_licensing_office(
    agency_staff: User, siti: Participant
) -> None:
    bank = make_partner(agency_staff, steps=[Step.P4, Step.P7], name="Bank Contoh", kind=OrganisationKind.BANK)
    consent(siti, bank.organisation, Purpose.LICENSING)
    assert permissions.standing_of(bank.organisation.api_user, siti) == Standing()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("owner", True),
        ("peer", False),
        ("mentor", True),
        ("secretariat", True),
        ("other_mentor", False),
        ("other_secretariat", False),
        ("agency", True),
        ("partner_user", False),
        ("office", False),
        ("anonymous", False),
    ],
)
def test_who_asks_for_a_licence_for_the_participant(
    request: pytest.FixtureRequest, siti: Participant, who: str, allowed: bool
) -> None:
    decision = permissions.can_request(actor(request, who), siti)
    assert bool(decision) is allowed
    if not allowed:
        assert decision.code == "not_allowed"


@pytest.mark.parametrize(
    ("who", "allowed"), [("agency", True), ("mentor", False), ("secretariat", False), ("owner", False)]
)
def test_only_agency_staff_record_a_licence(
    request: pytest.FixtureRequest, siti: Participant, who: str, allowed: bool
) -> None:
    assert bool(permissions.can_record(actor(request, who), siti)) is allowed
    assert bool(permissions.can_correct(actor(request, who))) is allowed


def test_the_moves_offered_follow_the_matrix(
    siti: Participant, entrepreneur: User, mentor_tebet: User, agency_staff: User, nib: LicenceType
) -> None:
    licence_request: LicenceRequest = LicenceRequestFactory(participant=siti, licence_type=nib)
    assert permissions.moves_offered(entrepreneur, licence_request) == ["withdrawn"]
    assert permissions.moves_offered(mentor_tebet, licence_request) == ["documents", "withdrawn"]
    assert permissions.moves_offered(agency_staff, licence_request) == ["documents", "refused"]
    licence_request.status = RequestStatus.SUBMITTED
    assert permissions.moves_offered(agency_staff, licence_request) == ["issued", "refused"]
    assert permissions.moves_offered(entrepreneur, licence_request) == []


@pytest.mark.parametrize("status", [RequestStatus.REQUESTED, RequestStatus.DOCUMENTS_COMPLETE])
def test_the_office_may_not_refuse_a_request_never_submitted_to_it(
    siti: Participant, office: Partner, status: str
) -> None:
    api_user = office.organisation.api_user
    licence_request = LicenceRequestFactory(participant=siti, status=status)
    decision = permissions.can_move(api_user, licence_request, RequestStatus.REFUSED)
    assert decision.code == "not_allowed" and str(decision.reason)
    assert permissions.can_move(api_user, licence_request, RequestStatus.SUBMITTED).code == "not_allowed"
    assert permissions.moves_offered(api_user, licence_request) == []
    with pytest.raises(Refused) as refused:
        services.request_move(
            licence_request=licence_request, target=RequestStatus.REFUSED, reason="x", acting_user=api_user
        )
    assert refused.value.code == "not_allowed"
    licence_request.refresh_from_db()
    assert licence_request.status == status and not licence_request.moves.exists()


# --- the prerequisites held: the state half of submitting and issuing ------------------------------------------


@pytest.fixture
def pirt_request(siti: Participant, pirt: LicenceType) -> LicenceRequest:
    made: LicenceRequest = LicenceRequestFactory(
        participant=siti, licence_type=pirt, status=RequestStatus.DOCUMENTS_COMPLETE
    )
    return made


@pytest.mark.parametrize("nib_request", [RequestStatus.REQUESTED, RequestStatus.REFUSED, RequestStatus.WITHDRAWN])
def test_a_pirt_goes_to_the_office_and_is_issued_only_with_the_nib_held(
    request: pytest.FixtureRequest,
    siti: Participant,
    nib: LicenceType,
    pirt_request: LicenceRequest,
    agency_staff: User,
    nib_request: str,
) -> None:
    """An NIB asked for (or refused, or withdrawn) is not an NIB held: neither staff nor the office moves it on."""
    LicenceRequestFactory(
        participant=siti, licence_type=nib, status=nib_request, refusal_reason="x" if nib_request == "refused" else ""
    )
    api_user = request.getfixturevalue("office").organisation.api_user
    decision = permissions.can_move(agency_staff, pirt_request, RequestStatus.SUBMITTED)
    assert decision.code == "prerequisite_not_held" and nib.name in str(decision.reason)
    assert permissions.moves_offered(agency_staff, pirt_request) == ["requested", "refused"]
    pirt_request.status = RequestStatus.SUBMITTED
    for user in (agency_staff, api_user):
        refused = permissions.can_issue(user, pirt_request)
        assert refused.code == "prerequisite_not_held" and nib.name in str(refused.reason)
        assert permissions.moves_offered(user, pirt_request) == ["refused"]
    LicenceFactory(participant=siti, licence_type=nib)
    assert permissions.can_issue(agency_staff, pirt_request) and permissions.can_issue(api_user, pirt_request)
    pirt_request.status = RequestStatus.DOCUMENTS_COMPLETE
    assert permissions.can_move(agency_staff, pirt_request, RequestStatus.SUBMITTED)


def test_an_nib_that_expired_no_longer_counts(
    siti: Participant, nib: LicenceType, pirt_request: LicenceRequest, agency_staff: User
) -> None:
    LicenceFactory(participant=siti, licence_type=nib, issued_on=days_ago(800), expires_on=days_ago(1))
    assert permissions.can_move(agency_staff, pirt_request, RequestStatus.SUBMITTED).code == "prerequisite_not_held"


def test_the_prerequisites_are_asked_only_for_a_move_the_role_and_state_allow(
    siti: Participant,
    pirt_request: LicenceRequest,
    agency_staff: User,
    mentor_tebet: User,
    django_assert_num_queries: Any,
) -> None:
    """One query for the prerequisites, and only where the answer could be yes: never for a mentor's page."""
    standing = permissions.standing_of(agency_staff, siti)
    with django_assert_num_queries(1):
        permissions.moves_offered(agency_staff, pirt_request, standing=standing)
    mentor_standing = permissions.standing_of(mentor_tebet, siti)
    with django_assert_num_queries(0):
        permissions.moves_offered(mentor_tebet, pirt_request, standing=mentor_standing)
