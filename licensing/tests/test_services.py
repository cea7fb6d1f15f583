"""The writes of P4: asking for a licence (with its prerequisites), moving a request, issuing it with its licence,
recording a licence held already, correcting one; each move a RequestMove row, a message and an audit row."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from pghistory.models import Events

from accounts.models import User
from core import audit
from core.decisions import Refused
from licensing import services
from licensing.choices import RequestStatus
from licensing.models import Licence, LicenceRequest, LicenceType, RequestMove
from licensing.tests.factories import LicenceFactory, LicenceRequestFactory, days_ago, licence_type
from notifications.models import Channel, Message
from registration.models import Participant
from registration.tests.factories import pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db

NIB_NUMBER = "9120301234567"


def templates_sent(user: User) -> list[str]:
    """The messages queued for the user, by email (each goes by SMS too when they have a phone)."""
    emails = Message.objects.filter(recipient=user, channel=Channel.EMAIL).order_by("pk")
    return list(emails.values_list("template", flat=True))


def move(licence_request: LicenceRequest, target: str, by: User, **extra: str) -> LicenceRequest:
    return services.request_move(licence_request=licence_request, target=target, acting_user=by, **extra)


def submitted(participant: Participant, kind: LicenceType) -> LicenceRequest:
    return LicenceRequestFactory(participant=participant, licence_type=kind, status=RequestStatus.SUBMITTED)


# --- asking -----------------------------------------------------------------------------------------------------


def test_a_participant_asks_for_an_nib_recorded_as_a_first_move_with_a_message(
    siti: Participant, entrepreneur: User, nib: LicenceType
) -> None:
    outcome = services.request_create(
        participant=siti, licence_type=nib, subject="Warung Siti", note="Belum punya NIB", acting_user=entrepreneur
    )
    made = outcome.request
    assert outcome.prerequisites == []
    assert made.status == RequestStatus.REQUESTED and made.requested_by == entrepreneur
    assert made.subject == "Warung Siti" and made.note == "Belum punya NIB"
    [first] = made.moves.all()
    assert (first.from_status, first.to_status, first.moved_by, first.note) == (
        "",
        RequestStatus.REQUESTED,
        entrepreneur,
        "Belum punya NIB",
    )
    assert templates_sent(entrepreneur) == ["licensing_requested"]
    message = Message.objects.get(recipient=entrepreneur, channel=Channel.EMAIL)
    assert message.context["licence"] == nib.name and message.context["link"].endswith(
        f"/perizinan/permohonan/{made.pk}/"
    )
    [created] = audit.history_of(made)
    assert created.kind == "created" and created.actor == str(entrepreneur)


def test_the_mentor_and_the_secretariat_ask_for_the_participant(
    siti: Participant, mentor_tebet: User, secretariat_tebet: User, agency_staff: User, entrepreneur: User
) -> None:
    by_mentor = services.request_create(participant=siti, licence_type=licence_type("merek"), acting_user=mentor_tebet)
    by_office = services.request_create(
        participant=siti, licence_type=licence_type("hak-cipta"), acting_user=secretariat_tebet
    )
    by_agency = services.request_create(
        participant=siti, licence_type=licence_type("desain-industri"), acting_user=agency_staff
    )
    assert [o.request.requested_by for o in (by_mentor, by_office, by_agency)] == [
        mentor_tebet,
        secretariat_tebet,
        agency_staff,
    ]
    assert templates_sent(entrepreneur) == ["licensing_requested"] * 3


@pytest.mark.parametrize("who", ["other_entrepreneur", "mentor_gambir", "secretariat_gambir", "partner_user"])
def test_others_cannot_ask_for_the_participant(
    request: pytest.FixtureRequest, siti: Participant, budi: Participant, nib: LicenceType, who: str
) -> None:
    with pytest.raises(Refused) as refused:
        services.request_create(participant=siti, licence_type=nib, acting_user=request.getfixturevalue(who))
    assert refused.value.code == "not_allowed"
    assert not LicenceRequest.objects.exists()


def test_a_tebet_mentor_who_is_not_theirs_cannot_ask_for_them(budi: Participant, mentor_tebet: User) -> None:
    with pytest.raises(Refused) as refused:
        services.request_create(participant=budi, licence_type=licence_type("nib"), acting_user=mentor_tebet)
    assert refused.value.code == "not_allowed"


def test_an_unverified_participant_cannot_ask(entrepreneur: User, nib: LicenceType) -> None:
    from registration.tests.factories import ParticipantFactory, RegistrationFactory

    participant = RegistrationFactory(participant=ParticipantFactory(user=entrepreneur)).participant
    with pytest.raises(Refused) as refused:
        services.request_create(participant=participant, licence_type=nib, acting_user=entrepreneur)
    assert refused.value.code == "not_verified"


def test_a_closed_type_takes_no_request(siti: Participant, entrepreneur: User, nib: LicenceType) -> None:
    LicenceType.objects.filter(pk=nib.pk).update(active=False)
    nib.refresh_from_db()
    with pytest.raises(Refused) as refused:
        services.request_create(participant=siti, licence_type=nib, acting_user=entrepreneur)
    assert refused.value.code == "type_closed"


def test_one_open_request_per_type_is_a_clear_refusal(siti: Participant, entrepreneur: User, nib: LicenceType) -> None:
    services.request_create(participant=siti, licence_type=nib, acting_user=entrepreneur)
    with pytest.raises(Refused) as refused:
        services.request_create(participant=siti, licence_type=nib, acting_user=entrepreneur)
    assert refused.value.code == "already_open" and nib.name in refused.value.messages[0]
    assert LicenceRequest.objects.count() == 1 and RequestMove.objects.count() == 1


def test_a_closed_request_does_not_stop_a_new_one(siti: Participant, entrepreneur: User, nib: LicenceType) -> None:
    first = services.request_create(participant=siti, licence_type=nib, acting_user=entrepreneur).request
    move(first, RequestStatus.WITHDRAWN, entrepreneur)
    again = services.request_create(participant=siti, licence_type=nib, acting_user=entrepreneur).request
    assert again.pk != first.pk and again.status == RequestStatus.REQUESTED


# --- prerequisites ----------------------------------------------------------------------------------------------


def test_no_pirt_without_an_nib(siti: Participant, entrepreneur: User, pirt: LicenceType) -> None:
    with pytest.raises(Refused) as refused:
        services.request_create(participant=siti, licence_type=pirt, acting_user=entrepreneur)
    assert refused.value.code == "prerequisite_missing" and "NIB" in refused.value.messages[0]
    assert not LicenceRequest.objects.exists()
    assert not Message.objects.exists()


def test_asked_to_the_nib_is_requested_first_in_the_same_transaction(
    siti: Participant, entrepreneur: User, nib: LicenceType, pirt: LicenceType
) -> None:
    outcome = services.request_create(
        participant=siti, licence_type=pirt, subject="Sambal Siti", with_prerequisites=True, acting_user=entrepreneur
    )
    [nib_request] = outcome.prerequisites
    assert nib_request.licence_type == nib and nib_request.status == RequestStatus.REQUESTED
    assert outcome.request.licence_type == pirt and outcome.request.subject == "Sambal Siti"
    assert nib_request.pk < outcome.request.pk
    assert templates_sent(entrepreneur) == ["licensing_requested", "licensing_requested"]


def test_a_failing_request_takes_its_prerequisite_request_back(
    siti: Participant, entrepreneur: User, pirt: LicenceType
) -> None:
    LicenceRequestFactory(participant=siti, licence_type=pirt)  # an open P-IRT request already (made earlier)
    with pytest.raises(Refused):
        services.request_create(participant=siti, licence_type=pirt, with_prerequisites=True, acting_user=entrepreneur)
    assert list(LicenceRequest.objects.values_list("licence_type__code", flat=True)) == ["pirt"]


@pytest.mark.parametrize(
    ("nib_state", "satisfied"),
    [
        ("valid_licence", True),
        ("expired_licence", False),
        ("open_request", True),
        ("documents_complete", True),
        ("refused_request", False),
        ("withdrawn_request", False),
    ],
)
def test_what_satisfies_the_nib_prerequisite(
    siti: Participant, entrepreneur: User, nib: LicenceType, pirt: LicenceType, nib_state: str, satisfied: bool
) -> None:
    if nib_state == "valid_licence":
        LicenceFactory(participant=siti, licence_type=nib)
    elif nib_state == "expired_licence":
        LicenceFactory(participant=siti, licence_type=nib, issued_on=days_ago(400), expires_on=days_ago(1))
    else:
        status = {
            "open_request": RequestStatus.REQUESTED,
            "documents_complete": RequestStatus.DOCUMENTS_COMPLETE,
            "refused_request": RequestStatus.REFUSED,
            "withdrawn_request": RequestStatus.WITHDRAWN,
        }[nib_state]
        LicenceRequestFactory(
            participant=siti, licence_type=nib, status=status, refusal_reason="x" if status == "refused" else ""
        )
    if satisfied:
        outcome = services.request_create(participant=siti, licence_type=pirt, acting_user=entrepreneur)
        assert outcome.prerequisites == []
    else:
        with pytest.raises(Refused) as refused:
            services.request_create(participant=siti, licence_type=pirt, acting_user=entrepreneur)
        assert refused.value.code == "prerequisite_missing"


def test_a_closed_prerequisite_cannot_be_asked_for_with_it(
    siti: Participant, entrepreneur: User, nib: LicenceType, pirt: LicenceType
) -> None:
    LicenceType.objects.filter(pk=nib.pk).update(active=False)
    with pytest.raises(Refused) as refused:
        services.request_create(participant=siti, licence_type=pirt, with_prerequisites=True, acting_user=entrepreneur)
    assert refused.value.code == "prerequisite_closed"
    assert not LicenceRequest.objects.exists()


# --- moves ------------------------------------------------------------------------------------------------------


def test_a_request_moves_to_issued_each_move_recorded_and_told(
    siti: Participant, entrepreneur: User, mentor_tebet: User, agency_staff: User, nib: LicenceType
) -> None:
    made = services.request_create(participant=siti, licence_type=nib, acting_user=entrepreneur).request
    move(made, RequestStatus.DOCUMENTS_COMPLETE, mentor_tebet, note="KTP dan email lengkap")
    move(made, RequestStatus.SUBMITTED, agency_staff, note="Diajukan lewat OSS")
    licence = services.request_issue(
        licence_request=made,
        licence=services.LicenceData(number="912-0301-234567", issued_on=days_ago(1)),
        acting_user=agency_staff,
    )
    made.refresh_from_db()
    assert made.status == RequestStatus.ISSUED and licence.request == made
    assert licence.number == NIB_NUMBER and licence.expires_on is None  # digits alone; an NIB does not expire
    steps = [(m.from_status, m.to_status, m.moved_by) for m in made.moves.all()]
    assert steps == [
        ("", "requested", entrepreneur),
        ("requested", "documents", mentor_tebet),
        ("documents", "submitted", agency_staff),
        ("submitted", "issued", agency_staff),
    ]
    assert made.moves.get(to_status="documents").note == "KTP dan email lengkap"
    assert templates_sent(entrepreneur) == [
        "licensing_requested",
        "licensing_documents_complete",
        "licensing_submitted",
        "licensing_issued",
    ]
    assert Message.objects.get(template="licensing_issued", channel=Channel.EMAIL).context["number"] == NIB_NUMBER
    assert licence.recorded_by == agency_staff


def test_back_to_collecting_tells_what_is_missing(
    siti: Participant, entrepreneur: User, mentor_tebet: User, nib: LicenceType
) -> None:
    made = LicenceRequestFactory(participant=siti, licence_type=nib, status=RequestStatus.DOCUMENTS_COMPLETE)
    move(made, RequestStatus.REQUESTED, mentor_tebet, note="Foto KTP buram")
    assert (
        Message.objects.get(template="licensing_documents_missing", channel=Channel.EMAIL).context["note"]
        == "Foto KTP buram"
    )


def test_a_refusal_needs_its_reason_and_tells_it(siti: Participant, entrepreneur: User, agency_staff: User) -> None:
    made = submitted(siti, licence_type("merek"))
    with pytest.raises(ValidationError) as invalid:
        move(made, RequestStatus.REFUSED, agency_staff, reason="   ")
    assert invalid.value.error_dict["reason"][0].code == "required"
    move(made, RequestStatus.REFUSED, agency_staff, reason="Merek serupa sudah terdaftar")
    made.refresh_from_db()
    assert made.status == RequestStatus.REFUSED and made.refusal_reason == "Merek serupa sudah terdaftar"
    assert (
        Message.objects.get(template="licensing_refused", channel=Channel.EMAIL).context["reason"]
        == "Merek serupa sudah terdaftar"
    )


def test_a_long_reason_is_cut_in_the_message_but_kept_whole(siti: Participant, agency_staff: User) -> None:
    made = submitted(siti, licence_type("merek"))
    reason = "Alasan panjang " * 40
    move(made, RequestStatus.REFUSED, agency_staff, reason=reason)
    made.refresh_from_db()
    assert made.refusal_reason == reason.strip()
    assert (
        len(Message.objects.get(template="licensing_refused", channel=Channel.EMAIL).context["reason"])
        <= services.MESSAGE_TEXT_CHARS
    )


def test_issuing_is_not_a_plain_move(siti: Participant, agency_staff: User) -> None:
    made = submitted(siti, licence_type("merek"))
    with pytest.raises(Refused) as refused:
        move(made, RequestStatus.ISSUED, agency_staff)
    assert refused.value.code == "issue_through_licence"


def test_a_move_audits_the_request_and_the_move(siti: Participant, mentor_tebet: User, nib: LicenceType) -> None:
    made = LicenceRequestFactory(participant=siti, licence_type=nib)
    move(made, RequestStatus.DOCUMENTS_COMPLETE, mentor_tebet)
    with translation.override("en"):  # the trail shows choices in the reader's language
        changed = audit.history_of(made)[0]
    assert changed.kind == "updated" and changed.actor == str(mentor_tebet)
    assert any(c.after == "Documents complete" for c in changed.changes)
    event = Events.objects.tracks(made.moves.get(to_status="documents")).get()
    assert event.pgh_context["user"] == mentor_tebet.pk


# --- issuing and the licence ------------------------------------------------------------------------------------


def test_the_expiry_defaults_to_the_types_validity_and_may_be_given(siti: Participant, agency_staff: User) -> None:
    LicenceFactory(participant=siti)  # the NIB the P-IRT needs
    pirt_request = submitted(siti, licence_type("pirt"))
    issued_on = datetime.date(2025, 1, 31)
    licence = services.request_issue(
        licence_request=pirt_request,
        licence=services.LicenceData(number="P-IRT 2063174010123-30", issued_on=issued_on),
        acting_user=agency_staff,
    )
    assert licence.expires_on == datetime.date(2030, 1, 31)
    assert licence.number == "P-IRT 2063174010123-30"  # no fixed length: kept as typed
    merek = submitted(siti, licence_type("merek"))
    given = services.request_issue(
        licence_request=merek,
        licence=services.LicenceData(number="IDM000123456", issued_on=issued_on, expires_on=datetime.date(2034, 6, 1)),
        acting_user=agency_staff,
    )
    assert given.expires_on == datetime.date(2034, 6, 1)


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        (services.LicenceData(number="12345", issued_on=days_ago(1)), "number", "number_digits"),
        (services.LicenceData(number="   ", issued_on=days_ago(1)), "number", "required"),
        (services.LicenceData(number=NIB_NUMBER, issued_on=days_ago(-3)), "issued_on", "not_plausible"),
        (
            services.LicenceData(number=NIB_NUMBER, issued_on=days_ago(3), expires_on=days_ago(5)),
            "expires_on",
            "expires_before_issue",
        ),
    ],
)
def test_a_bad_licence_is_refused_by_field_and_nothing_moves(
    siti: Participant, agency_staff: User, nib: LicenceType, data: services.LicenceData, field: str, code: str
) -> None:
    made = submitted(siti, nib)
    with pytest.raises(ValidationError) as invalid:
        services.request_issue(licence_request=made, licence=data, acting_user=agency_staff)
    assert invalid.value.error_dict[field][0].code == code
    made.refresh_from_db()
    assert made.status == RequestStatus.SUBMITTED and not Licence.objects.exists()


def test_a_number_recorded_already_is_refused(
    siti: Participant, budi: Participant, agency_staff: User, nib: LicenceType
) -> None:
    LicenceFactory(participant=budi, licence_type=nib, number=NIB_NUMBER)
    made = submitted(siti, nib)
    with pytest.raises(ValidationError) as invalid:
        services.request_issue(
            licence_request=made,
            licence=services.LicenceData(number="912 0301 234567", issued_on=days_ago(1)),
            acting_user=agency_staff,
        )
    assert invalid.value.error_dict["number"][0].code == "number_taken"


def test_a_scan_is_checked_by_the_document_rules_and_stored_under_a_made_name(
    siti: Participant, agency_staff: User, nib: LicenceType
) -> None:
    made = submitted(siti, nib)
    with pytest.raises(ValidationError) as invalid:
        services.request_issue(
            licence_request=made,
            licence=services.LicenceData(number=NIB_NUMBER, issued_on=days_ago(1)),
            scan=upload("nib.pdf", b"MZ not a pdf at all", "application/pdf"),
            acting_user=agency_staff,
        )
    assert invalid.value.error_dict["scan"][0].code == "file_type"
    licence = services.request_issue(
        licence_request=made,
        licence=services.LicenceData(number=NIB_NUMBER, issued_on=days_ago(1)),
        scan=upload("NIB Siti asli.pdf", pdf_bytes(), "application/pdf"),
        acting_user=agency_staff,
    )
    assert licence.scan_content_type == "application/pdf" and licence.scan_size == len(pdf_bytes())
    assert "Siti" not in licence.scan.name and licence.scan.name.startswith("licensing/")


def test_only_a_submitted_request_is_issued(siti: Participant, agency_staff: User, nib: LicenceType) -> None:
    made = LicenceRequestFactory(participant=siti, licence_type=nib, status=RequestStatus.DOCUMENTS_COMPLETE)
    with pytest.raises(Refused) as refused:
        services.request_issue(
            licence_request=made,
            licence=services.LicenceData(number=NIB_NUMBER, issued_on=days_ago(1)),
            acting_user=agency_staff,
        )
    assert refused.value.code == "not_now"


def test_a_pirt_whose_nib_request_was_refused_goes_nowhere_until_the_nib_is_held(
    siti: Participant, entrepreneur: User, mentor_tebet: User, agency_staff: User, nib: LicenceType, pirt: LicenceType
) -> None:
    """The NIB asked for was enough to make the P-IRT request; it is not enough to submit or issue it."""
    outcome = services.request_create(
        participant=siti, licence_type=pirt, with_prerequisites=True, acting_user=entrepreneur
    )
    [nib_request], made = outcome.prerequisites, outcome.request
    move(nib_request, RequestStatus.REFUSED, agency_staff, reason="KBLI tidak sesuai")
    move(made, RequestStatus.DOCUMENTS_COMPLETE, mentor_tebet)
    sent = Message.objects.count()
    with pytest.raises(Refused) as refused:
        move(made, RequestStatus.SUBMITTED, agency_staff)
    assert refused.value.code == "prerequisite_not_held" and nib.name in refused.value.messages[0]
    made.refresh_from_db()
    assert made.status == RequestStatus.DOCUMENTS_COMPLETE and not made.moves.filter(to_status="submitted").exists()
    assert Message.objects.count() == sent
    again = services.request_create(participant=siti, licence_type=nib, acting_user=entrepreneur).request
    move(again, RequestStatus.DOCUMENTS_COMPLETE, mentor_tebet)
    move(again, RequestStatus.SUBMITTED, agency_staff)  # the NIB has no prerequisite of its own
    with pytest.raises(Refused):
        move(made, RequestStatus.SUBMITTED, agency_staff)  # asked for again is still not held
    services.request_issue(
        licence_request=again,
        licence=services.LicenceData(number=NIB_NUMBER, issued_on=days_ago(1)),
        acting_user=agency_staff,
    )
    move(made, RequestStatus.SUBMITTED, agency_staff)
    issued = services.request_issue(
        licence_request=made,
        licence=services.LicenceData(number="P-IRT 2063174010123-30", issued_on=days_ago(0)),
        acting_user=agency_staff,
    )
    assert issued.request == made


@pytest.mark.parametrize(
    "nib_state", ["none", "requested", "withdrawn", "expired", "not_yet_issued"], ids=lambda state: state
)
def test_a_submitted_pirt_is_not_issued_without_a_valid_nib(
    siti: Participant, agency_staff: User, nib: LicenceType, pirt: LicenceType, nib_state: str
) -> None:
    if nib_state in ("requested", "withdrawn"):
        LicenceRequestFactory(participant=siti, licence_type=nib, status=nib_state)
    elif nib_state == "expired":
        LicenceFactory(participant=siti, issued_on=days_ago(800), expires_on=days_ago(1))
    elif nib_state == "not_yet_issued":
        LicenceFactory(participant=siti, issued_on=days_ago(-2))
    made = submitted(siti, pirt)
    with pytest.raises(Refused) as refused:
        services.request_issue(
            licence_request=made,
            licence=services.LicenceData(number="P-IRT 2063174010123-30", issued_on=days_ago(1)),
            acting_user=agency_staff,
        )
    assert refused.value.code == "prerequisite_not_held"
    made.refresh_from_db()
    assert made.status == RequestStatus.SUBMITTED and not Licence.objects.filter(licence_type=pirt).exists()
    assert not Message.objects.exists()


def test_staff_record_a_licence_held_already(
    siti: Participant, entrepreneur: User, agency_staff: User, nib: LicenceType
) -> None:
    licence = services.licence_record(
        participant=siti,
        licence_type=nib,
        licence=services.LicenceData(number=NIB_NUMBER, issued_on=datetime.date(2023, 5, 2)),
        scan=upload("nib.png", png_bytes()),
        acting_user=agency_staff,
    )
    assert licence.request is None and licence.recorded_by == agency_staff
    assert licence.scan_content_type == "image/png"
    assert templates_sent(entrepreneur) == ["licensing_recorded"]


def test_a_held_licence_with_an_open_request_is_issued_through_it(
    siti: Participant, agency_staff: User, nib: LicenceType
) -> None:
    LicenceRequestFactory(participant=siti, licence_type=nib)
    with pytest.raises(Refused) as refused:
        services.licence_record(
            participant=siti,
            licence_type=nib,
            licence=services.LicenceData(number=NIB_NUMBER, issued_on=days_ago(10)),
            acting_user=agency_staff,
        )
    assert refused.value.code == "open_request"


@pytest.mark.parametrize("who", ["mentor_tebet", "secretariat_tebet", "entrepreneur"])
def test_only_agency_staff_record_and_correct(
    request: pytest.FixtureRequest, siti: Participant, nib: LicenceType, who: str
) -> None:
    user = request.getfixturevalue(who)
    data = services.LicenceData(number=NIB_NUMBER, issued_on=days_ago(10))
    with pytest.raises(Refused):
        services.licence_record(participant=siti, licence_type=nib, licence=data, acting_user=user)
    held = LicenceFactory(participant=siti, licence_type=nib)
    with pytest.raises(Refused):
        services.licence_correct(licence=held, data=data, acting_user=user)


def test_a_correction_changes_the_dates_and_replaces_the_scan(
    siti: Participant, agency_staff: User, pirt: LicenceType, django_capture_on_commit_callbacks: object
) -> None:
    licence = LicenceFactory(participant=siti, licence_type=pirt, number="P-IRT 1", reminded_for=None)
    licence = services.licence_correct(
        licence=licence,
        data=services.LicenceData(number="P-IRT 1", issued_on=licence.issued_on),
        scan=upload("a.png", png_bytes()),
        acting_user=agency_staff,
    )
    first_scan = licence.scan.name
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        corrected = services.licence_correct(
            licence=licence,
            data=services.LicenceData(
                number="P-IRT 2",
                issued_on=licence.issued_on,
                expires_on=licence.issued_on + datetime.timedelta(days=9),
            ),
            scan=upload("b.png", png_bytes((60, 40))),
            acting_user=agency_staff,
        )
    assert corrected.number == "P-IRT 2" and corrected.expires_on == licence.issued_on + datetime.timedelta(days=9)
    assert corrected.scan.name != first_scan and not corrected.scan.storage.exists(first_scan)


def test_the_licence_is_audited_as_the_issuer(siti: Participant, agency_staff: User, nib: LicenceType) -> None:
    made = submitted(siti, nib)
    licence = services.request_issue(
        licence_request=made,
        licence=services.LicenceData(number=NIB_NUMBER, issued_on=timezone.localdate()),
        acting_user=agency_staff,
    )
    [created] = audit.history_of(licence)
    assert created.kind == "created" and created.actor == str(agency_staff)
