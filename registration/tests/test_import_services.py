"""The import of participants from an office's spreadsheet, through its services and tasks: every row through the
walk-in's own checks, the errors by row and field in the sender's language, duplicates by NIK reported and not
registered, all or nothing at the save, the documents to follow, and the NIK never kept in clear."""

import datetime
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from accounts.models import User
from notifications.models import Message
from registration import services
from registration.choices import Channel, Decision, ImportStatus, Status
from registration.models import Participant, ParticipantImport, Registration
from registration.tests.factories import ParticipantFactory, RegistrationFactory
from registration.tests.imports_support import (
    checked,
    csv_bytes,
    errors_by_row,
    messages_of,
    nik,
    person_row,
    running_row,
    saved,
)

pytestmark = pytest.mark.django_db


def test_a_good_file_is_checked_then_registered_as_walk_ins_are(
    mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    content = csv_bytes([person_row(1), running_row(2), person_row(3, email="tiga@example.id", phone="")])
    batch = checked(mentor_tebet, content, django_capture_on_commit_callbacks)
    assert batch.status == ImportStatus.CHECKED, batch.errors
    assert (batch.errors, batch.duplicates, batch.good_count) == ([], [], 3)
    assert (batch.rows_total, batch.rows_done) == (3, 3)
    assert not Participant.objects.exists()

    batch = saved(batch, mentor_tebet, django_capture_on_commit_callbacks)
    assert batch.status == ImportStatus.SAVED, batch.failure
    assert [entry["row"] for entry in batch.saved] == [2, 3, 4]
    registrations = Registration.objects.select_related("participant__user").order_by("pk")
    assert [r.channel for r in registrations] == [Channel.IMPORT] * 3
    assert all(r.documents_to_follow and r.status == Status.SUBMITTED for r in registrations)
    assert all(r.registered_by == mentor_tebet for r in registrations)
    first = registrations[0].participant
    assert first.nik == nik(1)
    assert first.user.phone == "+6281311110001"
    assert not first.user.has_usable_password()
    assert not first.documents.exists()
    assert registrations[1].participant.business.monthly_turnover == 3_000_000
    claims = Message.objects.filter(template="account_claim")
    assert claims.count() == 3
    assert batch.rows == "[]"


def test_bad_rows_are_reported_by_row_and_field_in_indonesian(
    secretariat_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    rows = [
        person_row(1),
        person_row(2, birth_date="17/08/2015", nik=nik(2, birth=datetime.date(2015, 8, 17))),
        person_row(3, birth_date="18/08/1990"),  # the NIK says the 17th
        person_row(4, phone="12345"),
        person_row(5, planned_capital="", sex="laki-laki"),  # a man's NIK has the day without 40
    ]
    batch = checked(secretariat_tebet, csv_bytes(rows), django_capture_on_commit_callbacks)
    assert batch.status == ImportStatus.CHECKED
    assert errors_by_row(batch) == {
        3: {"birth_date"},
        4: {"nik"},
        5: {"phone"},
        6: {"nik", "planned_capital"},
    }
    assert batch.good_count == 1
    assert messages_of(batch, 3, "birth_date") == ["Peserta minimal berusia 17 tahun (usia wajib KTP)."]
    assert batch.language == "id"


def test_the_report_is_in_english_for_a_person_reading_english(
    mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    with translation.override("en"):
        batch = checked(
            mentor_tebet,
            csv_bytes([person_row(1, phone="12345", sex="?")], language="en"),
            django_capture_on_commit_callbacks,
        )
    assert batch.language == "en"
    assert messages_of(batch, 2, "sex") == ["Not one of the choices. Write one of: Male, Female."]
    with translation.override("id"):  # the task checked the rows in the sender's language, whatever is active now
        batch = checked(mentor_tebet, csv_bytes([person_row(1, phone="12345")]), django_capture_on_commit_callbacks)
    with translation.override("en"):
        english = checked(mentor_tebet, csv_bytes([person_row(1, phone="12345")]), django_capture_on_commit_callbacks)
    assert messages_of(english, 2, "phone")[0].startswith("This is not a valid Indonesian mobile number.")
    assert messages_of(batch, 2, "phone") != messages_of(english, 2, "phone")


def test_a_nik_already_registered_is_reported_and_not_registered_again(
    mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    RegistrationFactory(participant=ParticipantFactory(nik=nik(2)))
    batch = checked(mentor_tebet, csv_bytes([person_row(1), person_row(2)]), django_capture_on_commit_callbacks)
    assert batch.errors == []
    assert [(d["row"], d["kind"]) for d in batch.duplicates] == [(3, "registered")]
    assert "sudah terdaftar" in batch.duplicates[0]["message"]
    assert batch.good_count == 1
    batch = saved(batch, mentor_tebet, django_capture_on_commit_callbacks)  # "save all": duplicates are no error
    assert batch.status == ImportStatus.SAVED
    assert [entry["row"] for entry in batch.saved] == [2]
    assert Participant.objects.count() == 2


def test_a_nik_twice_in_the_file_is_registered_once(
    mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    rows = [person_row(1), person_row(2), person_row(9, nik=nik(1))]
    batch = checked(mentor_tebet, csv_bytes(rows), django_capture_on_commit_callbacks)
    assert [(d["row"], d["kind"], d["first_row"]) for d in batch.duplicates] == [(4, "in_file", 2)]
    batch = saved(batch, mentor_tebet, django_capture_on_commit_callbacks)
    assert [entry["row"] for entry in batch.saved] == [2, 3]
    assert Participant.objects.filter(full_name="Siti Rahayu 9").count() == 0


def test_a_contact_twice_in_the_file_or_with_an_account_is_an_error(
    mentor_tebet: User, entrepreneur: User, django_capture_on_commit_callbacks: Any
) -> None:
    rows = [person_row(1), person_row(2, phone="0813-1111-0001"), person_row(3, phone="", email=entrepreneur.email)]
    with translation.override("en"):
        batch = checked(mentor_tebet, csv_bytes(rows), django_capture_on_commit_callbacks)
    assert errors_by_row(batch) == {3: {"phone"}, 4: {"phone"}}
    assert messages_of(batch, 3, "phone") == [
        "The same mobile number or email as row 2: each person needs their own to claim their account."
    ]
    assert messages_of(batch, 4, "phone")[0].startswith("An account already uses this mobile number or email.")


def test_rows_of_another_kecamatan_are_refused(mentor_tebet: User, django_capture_on_commit_callbacks: Any) -> None:
    gambir = person_row(2, kecamatan="Gambir", kelurahan="Gambir", nik=nik(2, district="317101"))
    batch = checked(mentor_tebet, csv_bytes([person_row(1), gambir]), django_capture_on_commit_callbacks)
    assert errors_by_row(batch) == {3: {"kecamatan"}}
    with translation.override("en"):
        english = checked(mentor_tebet, csv_bytes([gambir]), django_capture_on_commit_callbacks)
    assert messages_of(english, 2, "kecamatan") == ["This person lives in another kecamatan: its office imports them."]


def test_save_all_is_refused_with_errors_and_the_good_rows_are_saved_on_request(
    mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    batch = checked(
        mentor_tebet, csv_bytes([person_row(1), person_row(2, phone="12345")]), django_capture_on_commit_callbacks
    )
    with pytest.raises(ValidationError) as refused:
        services.participant_import_save_later(batch=batch, only_good_rows=False, acting_user=mentor_tebet)
    assert refused.value.code == "has_errors"
    with pytest.raises(ValidationError):
        services.participant_import_save(batch=batch, only_good_rows=False, acting_user=mentor_tebet)
    assert not Participant.objects.exists()
    batch = saved(batch, mentor_tebet, django_capture_on_commit_callbacks, only_good_rows=True)
    assert batch.status == ImportStatus.SAVED
    assert [entry["row"] for entry in batch.saved] == [2]
    assert batch.only_good_rows
    with pytest.raises(ValidationError) as again:
        services.participant_import_save_later(batch=batch, only_good_rows=True, acting_user=mentor_tebet)
    assert again.value.code == "decided"


def test_a_file_without_a_good_row_cannot_be_saved(
    mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    batch = checked(mentor_tebet, csv_bytes([person_row(1, phone="12345")]), django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as refused:
        services.participant_import_save_later(batch=batch, only_good_rows=True, acting_user=mentor_tebet)
    assert refused.value.code == "nothing_good"


def test_a_failure_on_the_last_row_of_the_save_leaves_nothing(
    mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    batch = checked(mentor_tebet, csv_bytes([person_row(s) for s in (1, 2, 3)]), django_capture_on_commit_callbacks)
    assert batch.good_count == 3
    RegistrationFactory(participant=ParticipantFactory(nik=nik(3)))  # a walk-in registered row 4's NIK meanwhile
    users, messages = User.objects.count(), Message.objects.count()
    batch = saved(batch, mentor_tebet, django_capture_on_commit_callbacks)
    assert batch.status == ImportStatus.FAILED
    assert batch.failure.startswith("Baris 4: ")
    assert batch.failure.endswith("Tidak ada yang disimpan.")
    assert Participant.objects.count() == 1
    assert (User.objects.count(), Message.objects.count()) == (users, messages)
    assert batch.saved == [] and batch.rows == "[]"


def test_a_batch_is_discarded_without_registering_anyone(
    mentor_tebet: User, secretariat_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    batch = checked(mentor_tebet, csv_bytes([person_row(1)]), django_capture_on_commit_callbacks)
    batch = services.participant_import_discard(batch=batch, acting_user=secretariat_tebet)  # a colleague
    assert (batch.status, batch.decided_by, batch.rows) == (ImportStatus.DISCARDED, secretariat_tebet, "[]")
    assert not Participant.objects.exists()
    with pytest.raises(ValidationError):
        services.participant_import_discard(batch=batch, acting_user=mentor_tebet)


@pytest.mark.parametrize("who", ["mentor_gambir", "secretariat_gambir", "entrepreneur", "agency_staff"])
def test_only_the_office_s_staff_decide_its_file(
    request: pytest.FixtureRequest, mentor_tebet: User, who: str, django_capture_on_commit_callbacks: Any
) -> None:
    batch = checked(mentor_tebet, csv_bytes([person_row(1)]), django_capture_on_commit_callbacks)
    other = request.getfixturevalue(who)
    for attempt in (
        lambda: services.participant_import_save_later(batch=batch, only_good_rows=False, acting_user=other),
        lambda: services.participant_import_save(batch=batch, only_good_rows=False, acting_user=other),
        lambda: services.participant_import_discard(batch=batch, acting_user=other),
    ):
        with pytest.raises(ValidationError):
            attempt()
    assert not Participant.objects.exists()


@pytest.mark.parametrize("who", ["entrepreneur", "agency_staff", "partner_user"])
def test_only_office_staff_import(request: pytest.FixtureRequest, who: str) -> None:
    with pytest.raises(ValidationError) as refused:
        services.participant_import_check(
            file_name="x.csv", content=csv_bytes([person_row(1)]), acting_user=request.getfixturevalue(who)
        )
    assert refused.value.code == "not_office_staff"
    assert not ParticipantImport.objects.exists()


def test_a_long_file_is_checked_chunk_by_chunk_with_its_progress(mentor_tebet: User) -> None:
    rows = [person_row(s) for s in range(1, 8)] + [person_row(8, phone="12345")]
    batch = services.participant_import_check(file_name="x.csv", content=csv_bytes(rows), acting_user=mentor_tebet)
    assert (batch.status, batch.rows_total, batch.rows_done) == (ImportStatus.CHECKING, 8, 0)
    progress = []
    while batch.status == ImportStatus.CHECKING:
        batch = services.participant_import_check_rows(batch=batch, acting_user=mentor_tebet, limit=3)
        progress.append(batch.rows_done)
    assert progress == [3, 6, 8]
    assert (batch.status, batch.good_count, errors_by_row(batch)) == (ImportStatus.CHECKED, 7, {9: {"phone"}})
    assert ParticipantImport.objects.get(pk=batch.pk).rows_done == 8


def test_rows_refused_as_read_count_as_checked(mentor_tebet: User) -> None:
    rows = [person_row(1), person_row(2, birth_date="kemarin")]
    batch = services.participant_import_check(file_name="x.csv", content=csv_bytes(rows), acting_user=mentor_tebet)
    assert (batch.rows_total, batch.rows_done) == (2, 1)
    assert errors_by_row(batch) == {3: {"birth_date"}}


def test_a_sender_who_left_the_office_fails_the_check(
    mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    with translation.override("en"):
        batch = services.participant_import_check(
            file_name="x.csv", content=csv_bytes([person_row(1)], language="en"), acting_user=mentor_tebet
        )
    from accounts.tests.factories import office

    User.objects.filter(pk=mentor_tebet.pk).update(office=office("Gambir"))
    from registration.tasks import check_participant_import

    check_participant_import(batch.pk, mentor_tebet.pk)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert batch.failure == "This file belongs to another kecamatan office."  # in the sender's language


def test_the_nik_is_never_stored_in_clear(mentor_tebet: User, django_capture_on_commit_callbacks: Any) -> None:
    rows = [person_row(1), person_row(2, phone="12345"), person_row(3, nik=nik(1))]
    batch = checked(mentor_tebet, csv_bytes(rows), django_capture_on_commit_callbacks)
    assert batch.good_count == 1
    numbers = [nik(1), nik(2)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT rows, errors::text, duplicates::text FROM registration_participantimport")
        [(stored_rows, errors, duplicates)] = cursor.fetchall()
        cursor.execute("SELECT row_to_json(e)::text FROM registration_participantimportevent e")
        events = [text for (text,) in cursor.fetchall()]
    assert stored_rows.startswith("gAAAA")  # a Fernet token, as the participant's NIK and the wizard's draft
    assert events and all('"rows"' not in event for event in events)
    for number in numbers:
        assert all(number not in text for text in [stored_rows, errors, duplicates, *events])
    assert nik(1) in ParticipantImport.objects.get(pk=batch.pk).rows  # read back decrypted


def test_an_imported_registration_waits_for_its_documents_before_approval(
    mentor_tebet: User, secretariat_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    from registration.tests.factories import pdf_bytes, upload

    batch = saved(
        checked(mentor_tebet, csv_bytes([person_row(1)]), django_capture_on_commit_callbacks),
        mentor_tebet,
        django_capture_on_commit_callbacks,
    )
    registration = Registration.objects.select_related("participant").get(participant_id=batch.saved[0]["participant"])
    assert registration.participant.missing_documents([]) == ["ktp", "plan_statement"]
    with pytest.raises(ValidationError) as refused:
        services.registration_decide(
            registration=registration, decision=Decision.APPROVE, reason="", acting_user=secretariat_tebet
        )
    assert refused.value.code == "documents_to_follow"
    services.registration_documents_add(
        registration=registration, uploads={"ktp": (upload("ktp.png"), "image/png")}, acting_user=mentor_tebet
    )
    registration.refresh_from_db()
    assert registration.documents_to_follow  # the plan statement is still to bring
    services.registration_documents_add(
        registration=registration,
        uploads={"plan_statement": (upload("plan.pdf", pdf_bytes(), "application/pdf"), "application/pdf")},
        acting_user=secretariat_tebet,
    )
    registration.refresh_from_db()
    assert not registration.documents_to_follow
    decided = services.registration_decide(
        registration=registration, decision=Decision.APPROVE, reason="", acting_user=secretariat_tebet
    )
    assert decided.status == Status.APPROVED


def test_the_rows_waiting_are_re_encrypted_when_the_keys_rotate(
    mentor_tebet: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    from core.crypto import _fernet

    batch = checked(mentor_tebet, csv_bytes([person_row(1)]), django_capture_on_commit_callbacks)
    old_key, new_key = settings.NIK_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    settings.NIK_ENCRYPTION_KEYS = [new_key, old_key]
    _fernet.cache_clear()
    call_command("rotate_encryption_keys", stdout=io.StringIO())
    settings.NIK_ENCRYPTION_KEYS = [new_key]  # the old key is dropped
    _fernet.cache_clear()
    assert nik(1) in ParticipantImport.objects.get(pk=batch.pk).rows
    _fernet.cache_clear()


def test_workers_beyond_any_business_are_the_rows_error_at_check_time(
    mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    content = csv_bytes([running_row(1), running_row(2, workers="99999999999")])
    with translation.override("en"):
        batch = checked(mentor_tebet, content, django_capture_on_commit_callbacks)
    assert batch.status == ImportStatus.CHECKED
    assert errors_by_row(batch) == {3: {"workers"}}
    assert messages_of(batch, 3, "workers") == ["Enter at most 100,000 workers; check the number."]
    assert batch.good_count == 1
    batch = saved(batch, mentor_tebet, django_capture_on_commit_callbacks, only_good_rows=True)
    assert batch.status == ImportStatus.SAVED
    assert [entry["row"] for entry in batch.saved] == [2]


def test_a_good_row_is_no_duplicate_of_an_earlier_row_with_errors(
    mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    """A refused row is nobody's reference: the next row of its NIK (or contact) is checked on its own and
    registered; a row after a good one of the same NIK is still its duplicate."""
    bad = person_row(1, birth_date="18/08/1990")  # the NIK and the birth date disagree
    good = person_row(2, nik=nik(1))
    again = person_row(3, nik=nik(1))
    bad_contact = person_row(4, birth_date="18/08/1990", phone="0813-5555-0004")
    good_contact = person_row(5, phone="0813-5555-0004")
    content = csv_bytes([bad, good, again, bad_contact, good_contact])
    batch = checked(mentor_tebet, content, django_capture_on_commit_callbacks)
    assert set(errors_by_row(batch)) == {2, 5}
    assert [(d["row"], d["kind"], d["first_row"]) for d in batch.duplicates] == [(4, "in_file", 3)]
    assert batch.good_count == 2
    batch = saved(batch, mentor_tebet, django_capture_on_commit_callbacks, only_good_rows=True)
    assert [entry["row"] for entry in batch.saved] == [3, 6]


def test_a_row_with_errors_in_an_earlier_chunk_is_no_rows_reference(
    mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    """The same, checked a row per transaction: the rows of earlier chunks that were refused are left out too."""
    content = csv_bytes([person_row(1, birth_date="18/08/1990"), person_row(2, nik=nik(1))])
    with django_capture_on_commit_callbacks(execute=False):
        batch = services.participant_import_check(file_name="peserta.csv", content=content, acting_user=mentor_tebet)
    for _row in range(2):
        batch = services.participant_import_check_rows(batch=batch, acting_user=mentor_tebet, limit=1)
    assert batch.status == ImportStatus.CHECKED
    assert (set(errors_by_row(batch)), batch.duplicates, batch.good_count) == ({2}, [], 1)
