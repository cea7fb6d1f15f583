"""The P4 pages, for every kind of user: the participant, a peer, their mentor, another kecamatan's mentor and
secretariat, their own secretariat, agency staff, a partner's user and anonymous. A role that may never act gets
403; an object it may not see, 404. Bad input re-renders the form with what was typed; each action says what
happened."""

import dataclasses
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from geography.models import Kecamatan
from licensing.choices import RequestStatus
from licensing.models import Licence, LicenceRequest, LicenceType
from licensing.tests.factories import LicenceFactory, LicenceRequestFactory, days_ago, licence_type
from registration import services as registration_services
from registration.models import Participant
from registration.services import identity_of
from registration.tests.conftest import login
from registration.tests.factories import ParticipantFactory, RegistrationFactory, pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db

EVERYONE = [
    "entrepreneur",
    "other_entrepreneur",
    "mentor_tebet",
    "mentor_gambir",
    "secretariat_tebet",
    "secretariat_gambir",
    "agency_staff",
    "partner_user",
]


def as_user(client: Client, request: pytest.FixtureRequest, who: str) -> User:
    user: User = request.getfixturevalue(who)
    login(client, user)
    return user


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def open_request(siti: Participant, budi: Participant, nib: LicenceType) -> LicenceRequest:
    request: LicenceRequest = LicenceRequestFactory(participant=siti, licence_type=nib, subject="Warung Siti")
    return request


@pytest.fixture
def held(siti: Participant, nib: LicenceType) -> Licence:
    """Siti's NIB, with its scan."""
    licence = LicenceFactory(participant=siti, licence_type=nib, number="9120301234567")
    licence.scan.save("scan", upload("nib.png", png_bytes()), save=False)
    licence.scan_content_type = "image/png"
    licence.save()
    return licence


# --- who opens what ---------------------------------------------------------------------------------------------

# (who, my licences, the request page, the scan, the queue, the participants' licences, siti's licences page)
MATRIX = [
    ("entrepreneur", 200, 200, 200, 403, 403, 403),
    ("other_entrepreneur", 200, 404, 404, 403, 403, 403),
    ("mentor_tebet", 403, 200, 200, 403, 200, 200),
    ("mentor_gambir", 403, 404, 404, 403, 200, 404),
    ("secretariat_tebet", 403, 200, 200, 200, 200, 200),
    ("secretariat_gambir", 403, 404, 404, 200, 200, 404),
    ("agency_staff", 403, 200, 200, 200, 200, 200),
    ("partner_user", 403, 403, 404, 403, 403, 403),
]


@pytest.mark.parametrize(("who", "mine", "detail", "scan", "queue", "followed", "participant"), MATRIX)
def test_who_opens_each_page(
    client: Client,
    request: pytest.FixtureRequest,
    open_request: LicenceRequest,
    held: Licence,
    who: str,
    mine: int,
    detail: int,
    scan: int,
    queue: int,
    followed: int,
    participant: int,
) -> None:
    as_user(client, request, who)
    pages = [
        (reverse("licensing:mine"), mine),
        (reverse("licensing:request", args=[open_request.pk]), detail),
        (reverse("licensing:scan", args=[held.public_id]), scan),
        (reverse("licensing:queue"), queue),
        (reverse("licensing:participants"), followed),
        (reverse("licensing:participant", args=[open_request.participant_id]), participant),
    ]
    for url, expected in pages:
        assert client.get(url).status_code == expected, (who, url)


def test_anonymous_is_sent_to_log_in(client: Client, open_request: LicenceRequest, held: Licence) -> None:
    urls = [
        reverse("licensing:mine"),
        reverse("licensing:request_create"),
        reverse("licensing:request", args=[open_request.pk]),
        reverse("licensing:scan", args=[held.public_id]),
        reverse("licensing:queue"),
        reverse("licensing:participants"),
        reverse("licensing:participant", args=[open_request.participant_id]),
        reverse("licensing:issue", args=[open_request.pk]),
        reverse("licensing:record", args=[open_request.participant_id]),
        reverse("licensing:correct", args=[held.public_id]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login")), url
    response = client.post(reverse("licensing:move", args=[open_request.pk]), {"target": "withdrawn"})
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_the_scan_is_served_privately_and_staff_opening_it_is_recorded(
    client: Client, held: Licence, entrepreneur: User, mentor_tebet: User
) -> None:
    from core import audit

    login(client, entrepreneur)
    response = client.get(reverse("licensing:scan", args=[held.public_id]))
    assert response["Content-Type"] == "image/png" and response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
    assert not [e for e in audit.history_of(held) if e.kind == "viewed"]  # the holder's own look is not recorded
    login(client, mentor_tebet)
    assert client.get(reverse("licensing:scan", args=[held.public_id])).status_code == 200
    [viewed] = [e for e in audit.history_of(held) if e.kind == "viewed"]
    assert viewed.actor == str(mentor_tebet)


def test_a_licence_without_a_scan_has_none_to_serve(client: Client, siti: Participant, entrepreneur: User) -> None:
    licence = LicenceFactory(participant=siti)
    login(client, entrepreneur)
    assert client.get(reverse("licensing:scan", args=[licence.public_id])).status_code == 404


# --- my licences and asking for one -----------------------------------------------------------------------------


def test_my_licences_lists_licences_and_requests(
    client: Client, open_request: LicenceRequest, held: Licence, entrepreneur: User
) -> None:
    withdrawn = LicenceRequestFactory(
        participant=open_request.participant, licence_type=licence_type("merek"), status=RequestStatus.WITHDRAWN
    )
    login(client, entrepreneur)
    html = client.get(reverse("licensing:mine")).content.decode()
    assert "9120301234567" in html and reverse("licensing:scan", args=[held.public_id]) in html
    assert f'data-request="{open_request.pk}" data-status="requested"' in html
    assert f'data-request="{withdrawn.pk}" data-status="withdrawn"' in html


def test_an_unverified_participant_is_told_to_wait(client: Client, entrepreneur: User) -> None:
    RegistrationFactory(participant=ParticipantFactory(user=entrepreneur))
    login(client, entrepreneur)
    assert 'id="ask-for-licence"' not in client.get(reverse("licensing:mine")).content.decode()
    response = client.get(reverse("licensing:request_create"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("licensing:mine")
    assert messages_of(response)


def test_the_form_offers_the_nib_first_and_both_requests_are_made(
    client: Client, siti: Participant, entrepreneur: User, nib: LicenceType, pirt: LicenceType
) -> None:
    login(client, entrepreneur)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("licensing:request_create")).content.decode()
    assert "needs NIB (Nomor Induk Berusaha) first" in html
    assert 'name="with_prerequisites"' in html and "P-IRT needs an NIB first" in html
    response = client.post(
        reverse("licensing:request_create"),
        {"licence_type": pirt.pk, "subject": "Sambal Siti", "note": "", "with_prerequisites": "on"},
        follow=True,
    )
    made = LicenceRequest.objects.get(licence_type=pirt)
    assert response.redirect_chain[-1][0] == reverse("licensing:request", args=[made.pk])
    assert LicenceRequest.objects.filter(participant=siti, licence_type=nib, status="requested").exists()
    assert any("NIB" in m and "P-IRT" in m for m in messages_of(response))


def test_without_the_box_the_refusal_shows_on_the_form_and_keeps_what_was_typed(
    client: Client, siti: Participant, entrepreneur: User, pirt: LicenceType
) -> None:
    login(client, entrepreneur)
    response = client.post(
        reverse("licensing:request_create"),
        {"licence_type": pirt.pk, "subject": "Sambal Siti", "note": "Produksi di dapur rumah"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["with_prerequisites"]
    html = response.content.decode()
    assert 'value="Sambal Siti"' in html and "Produksi di dapur rumah" in html
    assert not LicenceRequest.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"licence_type": ""}, "licence_type"),
        ({"licence_type": "999999"}, "licence_type"),
        ({"licence_type": "__NIB__", "subject": "x" * 151}, "subject"),
    ],
)
def test_bad_input_on_the_request_form(
    client: Client, siti: Participant, entrepreneur: User, nib: LicenceType, data: dict[str, str], field: str
) -> None:
    login(client, entrepreneur)
    data = {**data, "licence_type": str(nib.pk) if data["licence_type"] == "__NIB__" else data["licence_type"]}
    response = client.post(reverse("licensing:request_create"), {"note": "Tolong dibantu", **data})
    assert response.status_code == 400 and field in response.context["form"].errors
    assert "Tolong dibantu" in response.content.decode()
    assert not LicenceRequest.objects.exists()


def test_an_open_request_again_is_said_on_the_form(
    client: Client, open_request: LicenceRequest, entrepreneur: User, nib: LicenceType
) -> None:
    login(client, entrepreneur)
    response = client.post(reverse("licensing:request_create"), {"licence_type": nib.pk})
    assert response.status_code == 400
    assert any("open request" in str(e) or "permohonan" in str(e) for e in response.context["form"].non_field_errors())


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("mentor_tebet", 200),
        ("secretariat_tebet", 200),
        ("agency_staff", 200),
        ("mentor_gambir", 404),
        ("secretariat_gambir", 404),
        ("entrepreneur", 403),
        ("partner_user", 403),
    ],
)
def test_who_asks_for_a_participant(
    client: Client, request: pytest.FixtureRequest, siti: Participant, nib: LicenceType, who: str, status: int
) -> None:
    user = as_user(client, request, who)
    url = reverse("licensing:request_for", args=[siti.pk])
    assert client.get(url).status_code == status
    response = client.post(url, {"licence_type": nib.pk})
    assert response.status_code == (302 if status == 200 else status)
    if status == 200:
        assert LicenceRequest.objects.get().requested_by == user
    else:
        assert not LicenceRequest.objects.exists()


def test_a_colleague_of_the_mentor_may_not_ask_for_them(client: Client, siti: Participant) -> None:
    from mentoring.tests.factories import MentorFactory

    login(client, MentorFactory())
    assert client.get(reverse("licensing:request_for", args=[siti.pk])).status_code == 403


# --- moves ------------------------------------------------------------------------------------------------------


def test_the_request_page_offers_the_moves_the_user_may_make(
    client: Client, open_request: LicenceRequest, entrepreneur: User, mentor_tebet: User, agency_staff: User
) -> None:
    login(client, entrepreneur)
    assert [t for t, _f in client.get(reverse("licensing:request", args=[open_request.pk])).context["move_forms"]] == [
        "withdrawn"
    ]
    login(client, mentor_tebet)
    html = client.get(reverse("licensing:request", args=[open_request.pk])).content.decode()
    assert 'id="move-documents"' in html and 'id="move-withdrawn"' in html and 'id="issue-licence"' not in html
    login(client, agency_staff)
    open_request.status = RequestStatus.SUBMITTED
    open_request.save()
    html = client.get(reverse("licensing:request", args=[open_request.pk])).content.decode()
    assert 'id="issue-licence"' in html and 'id="move-refused"' in html and 'id="move-documents"' not in html


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        ("entrepreneur", "withdrawn", 302),
        ("mentor_tebet", "documents", 302),
        ("secretariat_tebet", "documents", 302),
        ("agency_staff", "documents", 302),
        ("entrepreneur", "documents", 403),
        ("mentor_tebet", "submitted", 403),
        ("secretariat_tebet", "withdrawn", 403),
        ("other_entrepreneur", "withdrawn", 404),
        ("mentor_gambir", "documents", 404),
        ("secretariat_gambir", "documents", 404),
        ("partner_user", "documents", 403),
    ],
)
def test_who_moves_a_request_on_the_web(
    client: Client,
    request: pytest.FixtureRequest,
    open_request: LicenceRequest,
    who: str,
    target: str,
    status: int,
) -> None:
    as_user(client, request, who)
    response = client.post(reverse("licensing:move", args=[open_request.pk]), {"target": target, "note": "Cek"})
    assert response.status_code == status
    open_request.refresh_from_db()
    assert open_request.status == (target if status == 302 else "requested")
    if status == 302:
        assert response.url == reverse("licensing:request", args=[open_request.pk])
        assert open_request.moves.get(to_status=target).note == "Cek"


def test_a_move_in_the_wrong_state_is_said_not_an_error(
    client: Client, open_request: LicenceRequest, agency_staff: User
) -> None:
    login(client, agency_staff)
    response = client.post(reverse("licensing:move", args=[open_request.pk]), {"target": "submitted"}, follow=True)
    assert response.status_code == 200 and messages_of(response)
    open_request.refresh_from_db()
    assert open_request.status == RequestStatus.REQUESTED


def test_a_refusal_without_a_reason_keeps_the_note_typed(
    client: Client, open_request: LicenceRequest, agency_staff: User
) -> None:
    login(client, agency_staff)
    response = client.post(
        reverse("licensing:move", args=[open_request.pk]), {"target": "refused", "note": "Sudah dicek", "reason": " "}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Sudah dicek" in html and 'id="move-refused"' in html
    bound = dict(response.context["move_forms"])["refused"]
    assert bound.errors["reason"]
    open_request.refresh_from_db()
    assert open_request.status == RequestStatus.REQUESTED


def test_an_unknown_move_is_bad_input(client: Client, open_request: LicenceRequest, agency_staff: User) -> None:
    login(client, agency_staff)
    response = client.post(reverse("licensing:move", args=[open_request.pk]), {"target": "issued"})
    assert response.status_code == 400
    response = client.post(reverse("licensing:move", args=[open_request.pk]), {"target": "<b>x</b>"})
    assert response.status_code == 400 and "<b>x</b>" not in response.content.decode()


def test_a_refusal_shows_its_reason_to_the_participant(
    client: Client, open_request: LicenceRequest, agency_staff: User, entrepreneur: User
) -> None:
    login(client, agency_staff)
    client.post(
        reverse("licensing:move", args=[open_request.pk]), {"target": "refused", "reason": "Alamat usaha tidak jelas"}
    )
    login(client, entrepreneur)
    html = client.get(reverse("licensing:request", args=[open_request.pk])).content.decode()
    assert 'id="refusal-reason"' in html and "Alamat usaha tidak jelas" in html


def test_a_pirt_without_its_nib_held_is_not_offered_to_the_office_and_the_page_says_why(
    client: Client, siti: Participant, agency_staff: User, nib: LicenceType, pirt: LicenceType
) -> None:
    """The NIB asked for but refused: the P-IRT's page offers no submission, and says what is missing."""
    LicenceRequestFactory(participant=siti, licence_type=nib, status=RequestStatus.REFUSED, refusal_reason="KBLI")
    made = LicenceRequestFactory(participant=siti, licence_type=pirt, status=RequestStatus.DOCUMENTS_COMPLETE)
    login(client, agency_staff)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("licensing:request", args=[made.pk]))
    html = response.content.decode()
    assert 'id="move-submitted"' not in html and 'id="move-refused"' in html
    assert 'id="prerequisite-not-held"' in html and f"needs {nib.name}" in html
    response = client.post(reverse("licensing:move", args=[made.pk]), {"target": "submitted"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("licensing:request", args=[made.pk])
    assert any(nib.name in m for m in messages_of(response))
    made.refresh_from_db()
    assert made.status == RequestStatus.DOCUMENTS_COMPLETE
    LicenceFactory(participant=siti, licence_type=nib)
    html = client.get(reverse("licensing:request", args=[made.pk])).content.decode()
    assert 'id="move-submitted"' in html and 'id="prerequisite-not-held"' not in html


def test_a_submitted_pirt_without_its_nib_held_is_not_issued_on_the_web(
    client: Client, siti: Participant, agency_staff: User, nib: LicenceType, pirt: LicenceType
) -> None:
    made = LicenceRequestFactory(participant=siti, licence_type=pirt, status=RequestStatus.SUBMITTED)
    login(client, agency_staff)
    html = client.get(reverse("licensing:request", args=[made.pk])).content.decode()
    assert 'id="issue-licence"' not in html and 'id="prerequisite-not-held"' in html and nib.name in html
    for response in (
        client.get(reverse("licensing:issue", args=[made.pk]), follow=True),
        client.post(
            reverse("licensing:issue", args=[made.pk]),
            {"number": "P-IRT 2063174010123-30", "issued_on": days_ago(1).isoformat()},
            follow=True,
        ),
    ):
        assert response.redirect_chain[-1][0] == reverse("licensing:request", args=[made.pk])
        assert any(nib.name in m for m in messages_of(response))
    made.refresh_from_db()
    assert made.status == RequestStatus.SUBMITTED and not Licence.objects.exists()


def test_the_participant_and_the_mentor_are_not_shown_the_offices_refusal(
    client: Client, siti: Participant, entrepreneur: User, mentor_tebet: User, pirt: LicenceType
) -> None:
    """Holding the NIB back concerns whoever would submit the request; the others see the wallet's lacking."""
    made = LicenceRequestFactory(participant=siti, licence_type=pirt, status=RequestStatus.DOCUMENTS_COMPLETE)
    for user in (entrepreneur, mentor_tebet):
        login(client, user)
        assert (
            'id="prerequisite-not-held"'
            not in client.get(reverse("licensing:request", args=[made.pk])).content.decode()
        )


# --- issuing, recording, correcting -----------------------------------------------------------------------------


@pytest.fixture
def submitted_request(open_request: LicenceRequest) -> LicenceRequest:
    open_request.status = RequestStatus.SUBMITTED
    open_request.save()
    return open_request


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("agency_staff", 200),
        ("secretariat_tebet", 403),
        ("mentor_tebet", 403),
        ("entrepreneur", 403),
        ("partner_user", 403),
    ],
)
def test_who_issues_on_the_web(
    client: Client, request: pytest.FixtureRequest, submitted_request: LicenceRequest, who: str, status: int
) -> None:
    as_user(client, request, who)
    assert client.get(reverse("licensing:issue", args=[submitted_request.pk])).status_code == status


def test_staff_issue_with_a_scan_and_it_shows_in_the_wallet(
    client: Client, submitted_request: LicenceRequest, agency_staff: User, entrepreneur: User
) -> None:
    login(client, agency_staff)
    response = client.post(
        reverse("licensing:issue", args=[submitted_request.pk]),
        {
            "number": "9120301234567",
            "issued_on": days_ago(2).isoformat(),
            "expires_on": "",
            "scan": upload("nib.pdf", pdf_bytes(), "application/pdf"),
            "note": "Terbit di OSS",
        },
    )
    assert response.status_code == 302
    licence = Licence.objects.get(request=submitted_request)
    assert licence.scan_content_type == "application/pdf" and licence.expires_on is None
    login(client, entrepreneur)
    html = client.get(reverse("home")).content.decode()
    assert "9120301234567" in html and reverse("licensing:scan", args=[licence.public_id]) in html


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"number": "12345", "issued_on": days_ago(2).isoformat()}, "number"),
        ({"number": "9120301234567", "issued_on": "kemarin"}, "issued_on"),
        ({"number": "9120301234567", "issued_on": days_ago(-5).isoformat()}, "issued_on"),
        (
            {"number": "9120301234567", "issued_on": days_ago(2).isoformat(), "expires_on": days_ago(9).isoformat()},
            "expires_on",
        ),
        ({"number": "", "issued_on": days_ago(2).isoformat()}, "number"),
    ],
)
def test_bad_input_on_the_issue_form_keeps_what_was_typed(
    client: Client, submitted_request: LicenceRequest, agency_staff: User, data: dict[str, str], field: str
) -> None:
    login(client, agency_staff)
    response = client.post(reverse("licensing:issue", args=[submitted_request.pk]), {"note": "Catatan", **data})
    assert response.status_code == 400 and field in response.context["form"].errors
    html = response.content.decode()
    assert "Catatan" in html and (not data["number"] or f'value="{data["number"]}"' in html)
    assert not Licence.objects.exists()


def test_a_scan_that_is_not_a_document_is_refused_on_the_form(
    client: Client, submitted_request: LicenceRequest, agency_staff: User
) -> None:
    login(client, agency_staff)
    response = client.post(
        reverse("licensing:issue", args=[submitted_request.pk]),
        {
            "number": "9120301234567",
            "issued_on": days_ago(2).isoformat(),
            "scan": upload("nib.pdf", b"<script>alert(1)</script>", "application/pdf"),
        },
    )
    assert response.status_code == 400 and response.context["form"].errors["scan"]
    assert not Licence.objects.exists()


def test_issuing_a_request_not_submitted_is_said(
    client: Client, open_request: LicenceRequest, agency_staff: User
) -> None:
    login(client, agency_staff)
    response = client.get(reverse("licensing:issue", args=[open_request.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("licensing:request", args=[open_request.pk])
    assert messages_of(response)


def test_staff_record_a_licence_held_already(
    client: Client, siti: Participant, agency_staff: User, mentor_tebet: User
) -> None:
    merek = licence_type("merek")
    login(client, mentor_tebet)
    assert client.get(reverse("licensing:record", args=[siti.pk])).status_code == 403
    login(client, agency_staff)
    assert client.get(reverse("licensing:record", args=[siti.pk])).status_code == 200
    bad = client.post(
        reverse("licensing:record", args=[siti.pk]),
        {"licence_type": merek.pk, "number": "", "subject": "Sambal Bu Siti", "issued_on": "2021-03-04"},
    )
    assert bad.status_code == 400 and 'value="Sambal Bu Siti"' in bad.content.decode()
    response = client.post(
        reverse("licensing:record", args=[siti.pk]),
        {"licence_type": merek.pk, "number": "IDM000777888", "subject": "Sambal Bu Siti", "issued_on": "2021-03-04"},
    )
    assert response.status_code == 302
    licence = Licence.objects.get()
    assert licence.request is None and licence.expires_on is not None and licence.expires_on.year == 2031


def test_staff_correct_a_licence(
    client: Client, held: Licence, agency_staff: User, mentor_tebet: User, siti: Participant
) -> None:
    url = reverse("licensing:correct", args=[held.public_id])
    login(client, mentor_tebet)
    assert client.get(url).status_code == 403
    login(client, agency_staff)
    bad = client.post(url, {"number": "91203012345", "issued_on": held.issued_on.isoformat()})
    assert bad.status_code == 400 and bad.context["form"].errors["number"]
    assert 'value="91203012345"' in bad.content.decode()
    taken = LicenceFactory(licence_type=held.licence_type, number="9120301234999")
    clash = client.post(url, {"number": taken.number, "issued_on": held.issued_on.isoformat()})
    assert clash.status_code == 400 and clash.context["form"].errors["number"]
    assert 'value="9120301234567"' in client.get(url).content.decode()
    response = client.post(url, {"number": "9120301234568", "issued_on": held.issued_on.isoformat()})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.number == "9120301234568" and held.scan  # the scan stays


# --- the staff queue and the participants' licences -------------------------------------------------------------


def test_the_queue_is_scoped_filtered_and_oldest_first(
    client: Client, siti: Participant, gambir_participant: Participant, secretariat_tebet: User, agency_staff: User
) -> None:
    from django.utils import timezone

    now = timezone.now()
    older = LicenceRequestFactory(
        participant=siti,
        created_at=now - timezone.timedelta(days=9),
        status_changed_at=now - timezone.timedelta(days=8),
    )
    newer = LicenceRequestFactory(participant=siti, licence_type=licence_type("merek"), status="documents")
    gambir = LicenceRequestFactory(participant=gambir_participant)
    LicenceRequestFactory(participant=siti, licence_type=licence_type("halal"), status=RequestStatus.WITHDRAWN)
    login(client, secretariat_tebet)
    response = client.get(reverse("licensing:queue"))
    assert [r.pk for r in response.context["page"].items] == [older.pk, newer.pk]
    assert 'name="kecamatan"' not in response.content.decode()
    assert response.content.decode().count('class="text-end waiting-days">8<') == 1
    login(client, agency_staff)
    response = client.get(reverse("licensing:queue"))
    assert {r.pk for r in response.context["page"].items} == {older.pk, newer.pk, gambir.pk}
    counts = dict((t.code, n) for t, n in response.context["types"])
    assert counts["nib"] == 2 and counts["merek"] == 1 and counts["halal"] == 0
    by_type = client.get(reverse("licensing:queue"), {"licence_type": licence_type("merek").pk})
    assert [r.pk for r in by_type.context["page"].items] == [newer.pk]
    by_kecamatan = client.get(reverse("licensing:queue"), {"kecamatan": gambir_participant.kecamatan_id})
    assert [r.pk for r in by_kecamatan.context["page"].items] == [gambir.pk]
    by_status = client.get(reverse("licensing:queue"), {"status": "documents"})
    assert [r.pk for r in by_status.context["page"].items] == [newer.pk]
    assert client.get(reverse("licensing:queue"), {"status": "issued"}).status_code == 400
    assert client.get(reverse("licensing:queue"), {"kecamatan": "abc"}).status_code == 400


def test_a_participant_moved_to_another_kecamatan_takes_their_requests_to_its_queue(
    client: Client, siti: Participant, secretariat_tebet: User, secretariat_gambir: User
) -> None:
    waiting = LicenceRequestFactory(participant=siti)
    issued = LicenceRequestFactory(participant=siti, licence_type=licence_type("merek"), status=RequestStatus.ISSUED)
    assert waiting.kecamatan_id == issued.kecamatan_id == siti.kecamatan_id  # set on insert, from the participant
    gambir = Kecamatan.objects.get(name="Gambir")

    registration_services.participant_correct_identity(
        participant=siti,
        identity=dataclasses.replace(identity_of(siti), kecamatan=gambir),
        acting_user=secretariat_tebet,
    )

    assert set(LicenceRequest.objects.filter(participant=siti).values_list("kecamatan", flat=True)) == {gambir.pk}
    login(client, secretariat_gambir)
    assert [r.pk for r in client.get(reverse("licensing:queue")).context["page"].items] == [waiting.pk]
    login(client, secretariat_tebet)
    assert client.get(reverse("licensing:queue")).context["page"].items == []


def test_the_participants_licences_are_the_mentors_own(
    client: Client,
    siti: Participant,
    budi: Participant,
    gambir_participant: Participant,
    mentor_tebet: User,
    secretariat_tebet: User,
    agency_staff: User,
) -> None:
    LicenceFactory(participant=siti, licence_type=licence_type("merek"), number="IDM1")
    LicenceRequestFactory(participant=siti, licence_type=licence_type("pirt"))
    login(client, mentor_tebet)
    response = client.get(reverse("licensing:participants"))
    [wallet] = response.context["wallets"]
    assert wallet.participant == siti and wallet.needs_business_number
    assert [r.licence for r in wallet.open_requests] == [licence_type("pirt").name]
    assert wallet.lacking == []  # the NIB it lacks is said once, as the NIB they have not
    login(client, secretariat_tebet)
    assert {w.participant.pk for w in client.get(reverse("licensing:participants")).context["wallets"]} == {
        siti.pk,
        budi.pk,
    }
    login(client, agency_staff)
    everyone = client.get(reverse("licensing:participants")).context["wallets"]
    assert {w.participant.pk for w in everyone} == {siti.pk, budi.pk, gambir_participant.pk}
    gambir_only = client.get(reverse("licensing:participants"), {"kecamatan": gambir_participant.kecamatan_id})
    assert [w.participant.pk for w in gambir_only.context["wallets"]] == [gambir_participant.pk]
    assert client.get(reverse("licensing:participants"), {"kecamatan": "x"}).status_code == 400


def test_the_participant_page_offers_what_the_user_may_do(
    client: Client, siti: Participant, mentor_tebet: User, agency_staff: User, secretariat_tebet: User
) -> None:
    url = reverse("licensing:participant", args=[siti.pk])
    login(client, mentor_tebet)
    html = client.get(url).content.decode()
    assert 'id="request-for"' in html and 'id="record-licence"' not in html
    login(client, agency_staff)
    html = client.get(url).content.decode()
    assert 'id="request-for"' in html and 'id="record-licence"' in html


# --- the links other apps show ----------------------------------------------------------------------------------


def test_the_registration_page_links_to_the_licences_once_verified(
    client: Client, siti: Participant, mentor_tebet: User, agency_staff: User
) -> None:
    submitted = RegistrationFactory().participant
    for user in (mentor_tebet, agency_staff):
        login(client, user)
        verified_html = client.get(reverse("registration:participant", args=[siti.pk])).content.decode()
        assert reverse("licensing:participant", args=[siti.pk]) in verified_html
        waiting_html = client.get(reverse("registration:participant", args=[submitted.pk])).content.decode()
        assert reverse("licensing:participant", args=[submitted.pk]) not in waiting_html


def test_the_mentoring_page_shows_the_licences(client: Client, siti: Participant, mentor_tebet: User) -> None:
    LicenceFactory(participant=siti, number="9120301234567")
    LicenceRequestFactory(participant=siti, licence_type=licence_type("halal"))
    login(client, mentor_tebet)
    html = client.get(reverse("mentoring:participant", args=[siti.pk])).content.decode()
    assert 'id="participant-licences"' in html and "9120301234567" in html and "Sertifikat Halal" in html
    assert reverse("licensing:participant", args=[siti.pk]) in html


@pytest.mark.parametrize(
    ("nib_held", "needs"),
    [
        (None, True),
        ({"issued_on": days_ago(30), "expires_on": None}, False),
        ({"issued_on": days_ago(400), "expires_on": days_ago(1)}, True),  # expired yesterday
        ({"issued_on": days_ago(-3), "expires_on": None}, True),  # valid in three days
    ],
)
def test_the_wallet_says_a_nib_is_needed_unless_one_is_valid_today_or_asked_for(
    client: Client,
    siti: Participant,
    nib: LicenceType,
    mentor_tebet: User,
    nib_held: dict[str, Any] | None,
    needs: bool,
) -> None:
    """Read off the wallet's own licence and request rows (licensing.selectors.wallet_from), not a query of its
    own: a licence of another type never counts, an open request for the NIB always does."""
    LicenceFactory(participant=siti, licence_type=licence_type("merek"), number="IDM1")
    if nib_held is not None:
        LicenceFactory(participant=siti, licence_type=nib, number="9120301234567", **nib_held)
    login(client, mentor_tebet)

    def wallet() -> Any:
        [found] = client.get(reverse("licensing:participants")).context["wallets"]
        return found

    assert wallet().needs_business_number is needs
    LicenceRequestFactory(participant=siti, licence_type=nib)
    assert wallet().needs_business_number is False
