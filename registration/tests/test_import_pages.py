"""The office's pages of an import of participants: who may send, see and decide a file (the office's mentors and
secretariat, for their own kecamatan only), the report in the person's language, the progress of a long file, the
template, the documents to follow on the participant's pages, and the batch page's queries whatever its size."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from accounts.models import User
from registration import importing, services
from registration.choices import ImportStatus, Status
from registration.models import Participant, ParticipantImport, Registration
from registration.tests.conftest import login
from registration.tests.factories import pdf_bytes, png_bytes, upload
from registration.tests.imports_support import (
    checked,
    csv_bytes,
    person_row,
    saved,
    table,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

UPLOAD = reverse("registration:import_upload")


def page(batch: ParticipantImport) -> str:
    return reverse("registration:import", args=[batch.pk])


def status_url(batch: ParticipantImport) -> str:
    return reverse("registration:import_status", args=[batch.pk])


def english(client: Client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


def send(client: Client, content: bytes, capture: Any, name: str = "peserta.csv") -> Any:
    with capture(execute=True):
        return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


@pytest.mark.parametrize("who", ["mentor_tebet", "secretariat_tebet"])
def test_office_staff_import_a_file_and_register_its_rows(
    client: Client, request: pytest.FixtureRequest, who: str, django_capture_on_commit_callbacks: Any
) -> None:
    user = request.getfixturevalue(who)
    login(client, user)
    assert client.get(UPLOAD).status_code == 200
    response = send(client, csv_bytes([person_row(1), person_row(2)]), django_capture_on_commit_callbacks)
    batch = ParticipantImport.objects.get()
    assert response.status_code == 302 and response.url == page(batch)
    report = client.get(page(batch))
    assert report.status_code == 200
    html = report.content.decode()
    assert 'id="save-all"' in html and 'id="save-good"' not in html
    assert person_row(1)["nik"] not in html  # masked
    assert "3174********0001" in html
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(page(batch), {"action": "save_all"})
    assert done.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.SAVED
    assert Participant.objects.count() == 2
    after = client.get(page(batch)).content.decode()
    assert 'id="import-registered"' in after
    for registration in Registration.objects.all():
        assert reverse("registration:participant", args=[registration.participant_id]) in after


def test_an_xlsx_file_is_imported_through_the_page(
    client: Client, mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    login(client, mentor_tebet)
    response = send(client, xlsx_bytes(table([person_row(1)])), django_capture_on_commit_callbacks, "p.xlsx")
    assert response.status_code == 302
    assert ParticipantImport.objects.get().good_count == 1


def test_the_report_lists_bad_rows_in_indonesian_and_save_all_is_refused(
    client: Client, mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    login(client, mentor_tebet)
    send(
        client, csv_bytes([person_row(1), person_row(2, birth_date="17/08/2015")]), django_capture_on_commit_callbacks
    )
    batch = ParticipantImport.objects.get()
    html = client.get(page(batch)).content.decode()
    assert 'data-row="3"' in html
    assert "Peserta minimal berusia 17 tahun (usia wajib KTP)." in html
    assert 'id="save-good"' in html and 'id="save-all"' not in html
    refused = client.post(page(batch), {"action": "save_all"})
    assert refused.status_code == 400
    assert not Participant.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page(batch), {"action": "save_good"})
    assert Participant.objects.count() == 1


def test_the_report_is_in_english_for_a_person_reading_english(
    client: Client, secretariat_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    login(client, secretariat_tebet)
    english(client)
    rows = [person_row(1, birth_date="17/08/2015")]
    send(client, csv_bytes(rows, sep=",", language="en"), django_capture_on_commit_callbacks)
    html = client.get(page(ParticipantImport.objects.get())).content.decode()
    assert "Participants are at least 17 years old (the age of a KTP)." in html
    assert "Rows with errors" in html


def test_a_file_that_cannot_be_read_is_refused_next_to_the_field(
    client: Client, mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    login(client, mentor_tebet)
    for content in (png_bytes(), b"nama;nik\r\nSiti;1\r\n", b"x" * (importing.MAX_FILE_BYTES + 1)):
        response = send(client, content, django_capture_on_commit_callbacks)
        assert response.status_code == 400
        assert response.context["form"].errors["file"]
    assert client.post(UPLOAD, {}).status_code == 400
    assert not ParticipantImport.objects.exists()


def test_a_bad_decision_is_refused(
    client: Client, mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    login(client, mentor_tebet)
    send(client, csv_bytes([person_row(1)]), django_capture_on_commit_callbacks)
    batch = ParticipantImport.objects.get()
    assert client.post(page(batch), {"action": "all of them"}).status_code == 400
    assert client.post(page(batch), {"action": "discard"}).status_code == 302
    assert client.post(page(batch), {"action": "discard"}).status_code == 400  # decided already
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DISCARDED


@pytest.mark.parametrize("who", ["mentor_gambir", "secretariat_gambir"])
def test_another_kecamatan_s_staff_neither_see_nor_decide_the_file(
    client: Client,
    request: pytest.FixtureRequest,
    mentor_tebet: User,
    who: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    batch = checked(mentor_tebet, csv_bytes([person_row(1)]), django_capture_on_commit_callbacks)
    login(client, request.getfixturevalue(who))
    assert client.get(page(batch)).status_code == 404
    assert client.get(status_url(batch)).status_code == 404
    assert client.post(page(batch), {"action": "save_all"}).status_code == 404
    listed = client.get(reverse("registration:imports"))
    assert listed.status_code == 200 and batch.file_name not in listed.content.decode()
    assert not Participant.objects.exists()


@pytest.mark.parametrize("who", ["entrepreneur", "agency_staff", "partner_user"])
def test_people_who_do_not_register_walk_ins_may_not_import(
    client: Client,
    request: pytest.FixtureRequest,
    mentor_tebet: User,
    who: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    batch = checked(mentor_tebet, csv_bytes([person_row(1)]), django_capture_on_commit_callbacks)
    login(client, request.getfixturevalue(who))
    for url in (UPLOAD, reverse("registration:imports"), reverse("registration:import_template"), page(batch)):
        assert client.get(url).status_code == 403
    assert client.post(page(batch), {"action": "save_all"}).status_code == 403
    assert client.post(UPLOAD, {"file": SimpleUploadedFile("p.csv", csv_bytes([person_row(2)]))}).status_code == 403
    assert ParticipantImport.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    response = client.get(UPLOAD)
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_a_long_file_shows_its_progress_until_it_is_checked(client: Client, mentor_tebet: User) -> None:
    rows = [person_row(s) for s in range(1, 6)]
    batch = services.participant_import_check(file_name="p.csv", content=csv_bytes(rows), acting_user=mentor_tebet)
    batch = services.participant_import_check_rows(batch=batch, acting_user=mentor_tebet, limit=2)
    login(client, mentor_tebet)
    html = client.get(page(batch)).content.decode()
    assert f'data-status-url="{status_url(batch)}"' in html
    assert 'max="5" value="2"' in html
    assert "js/import_progress.js" in html
    assert 'id="import-decision"' not in html
    assert client.get(status_url(batch)).json() == {"status": "checking", "done": 2, "total": 5, "running": True}
    while batch.status == ImportStatus.CHECKING:
        batch = services.participant_import_check_rows(batch=batch, acting_user=mentor_tebet, limit=2)
    assert client.get(status_url(batch)).json() == {"status": "checked", "done": 5, "total": 5, "running": False}
    html = client.get(page(batch)).content.decode()
    assert "js/import_progress.js" not in html and 'id="import-decision"' in html


def test_a_save_under_way_shows_the_rows_registered_so_far(
    client: Client, mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.cache import cache

    batch = checked(mentor_tebet, csv_bytes([person_row(s) for s in range(1, 4)]), django_capture_on_commit_callbacks)
    services.participant_import_save_later(batch=batch, only_good_rows=False, acting_user=mentor_tebet)  # not run
    cache.set(batch.progress_key, 2)
    login(client, mentor_tebet)
    assert client.get(status_url(batch)).json() == {"status": "saving", "done": 2, "total": 3, "running": True}
    html = client.get(page(batch)).content.decode()
    assert 'max="3" value="2"' in html and 'id="import-decision"' not in html
    cache.delete(batch.progress_key)


@pytest.mark.parametrize("rows", [3, 60])
def test_the_batch_page_queries_are_fixed_whatever_the_file_size(
    client: Client,
    mentor_tebet: User,
    rows: int,
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: Any,
) -> None:
    content = csv_bytes([person_row(s) for s in range(1, rows + 1)] + [person_row(999, phone="12345")])
    batch = checked(mentor_tebet, content, django_capture_on_commit_callbacks)
    assert batch.good_count == rows
    login(client, mentor_tebet)
    client.get(page(batch))
    with django_assert_num_queries(5):  # session, user, batch, kecamatan and kelurahan of the good rows
        assert client.get(page(batch)).status_code == 200
    saved(batch, mentor_tebet, django_capture_on_commit_callbacks, only_good_rows=True)
    with django_assert_num_queries(4):  # session, user, batch, the participants registered
        assert client.get(page(batch)).status_code == 200
    ParticipantImport.objects.bulk_create(
        ParticipantImport(
            office=batch.office,
            created_by=mentor_tebet,
            decided_by=mentor_tebet,
            file_name=f"lama-{n}.csv",
            language="id",
            status=ImportStatus.DISCARDED,
            created_at=batch.created_at,
        )
        for n in range(rows // 3)
    )
    with django_assert_num_queries(3):  # session, user, a page of the office's files with their people
        assert client.get(reverse("registration:imports")).status_code == 200
    with django_assert_num_queries(4):  # and the office's name
        assert client.get(UPLOAD).status_code == 200


@pytest.mark.parametrize(("language", "first"), [("id", "nama_lengkap"), ("en", "full_name")])
def test_the_template_downloads_in_the_person_s_language(
    client: Client, mentor_tebet: User, language: str, first: str
) -> None:
    login(client, mentor_tebet)
    if language == "en":
        english(client)
    response = client.get(reverse("registration:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet["A1"].value == first


def test_the_participant_page_shows_the_documents_to_follow_and_takes_them(
    client: Client,
    mentor_tebet: User,
    secretariat_tebet: User,
    secretariat_gambir: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    batch = saved(
        checked(mentor_tebet, csv_bytes([person_row(1)]), django_capture_on_commit_callbacks),
        mentor_tebet,
        django_capture_on_commit_callbacks,
    )
    participant = Participant.objects.get(pk=batch.saved[0]["participant"])
    url = reverse("registration:participant", args=[participant.pk])
    add = reverse("registration:add_documents", args=[participant.pk])
    login(client, secretariat_tebet)
    html = client.get(url).content.decode()
    assert 'id="documents-to-follow"' in html and 'id="to-follow-form"' in html
    assert 'value="approve"' not in html  # not approvable yet
    assert client.post(url, {"decision": "approve", "reason": ""}).status_code == 400
    client.force_login(secretariat_gambir)
    assert client.post(add, {"follow-ktp": upload("ktp.png")}).status_code == 404
    client.force_login(secretariat_tebet)
    response = client.post(
        add,
        {"follow-ktp": upload("ktp.png"), "follow-plan_statement": upload("plan.pdf", pdf_bytes(), "application/pdf")},
    )
    assert response.status_code == 302
    registration = Registration.objects.get(participant=participant)
    assert not registration.documents_to_follow
    assert {d.kind for d in participant.documents.all()} == {"ktp", "plan_statement"}
    html = client.get(url).content.decode()
    assert 'id="documents-to-follow"' not in html and 'value="approve"' in html
    assert client.post(url, {"decision": "approve", "reason": ""}).status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.APPROVED


def test_the_participant_sees_the_documents_still_to_bring(
    client: Client, mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    batch = saved(
        checked(mentor_tebet, csv_bytes([person_row(1)]), django_capture_on_commit_callbacks),
        mentor_tebet,
        django_capture_on_commit_callbacks,
    )
    person = Participant.objects.get(pk=batch.saved[0]["participant"]).user
    client.force_login(person)
    response = client.get(reverse("registration:mine"))
    assert response.status_code == 200
    with translation.override("en"):
        assert [str(label) for label in response.context["documents_to_follow"]] == [
            "KTP scan",
            "Signed statement of the business plan",
        ]
    assert 'id="my-documents-to-follow"' in response.content.decode()


def test_the_admin_lists_the_imports_read_only_without_their_rows(
    client: Client, mentor_tebet: User, agency_staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    batch = checked(mentor_tebet, csv_bytes([person_row(1)]), django_capture_on_commit_callbacks)
    client.force_login(agency_staff)
    listing = client.get(reverse("admin:registration_participantimport_changelist"))
    assert listing.status_code == 200 and batch.file_name in listing.content.decode()
    detail = client.get(reverse("admin:registration_participantimport_change", args=[batch.pk]))
    assert detail.status_code == 200
    assert person_row(1)["nik"] not in detail.content.decode()
    assert person_row(1)["full_name"] not in detail.content.decode()
    assert client.get(reverse("admin:registration_participantimport_add")).status_code == 403
    assert client.post(reverse("admin:registration_participantimport_delete", args=[batch.pk])).status_code == 403
    client.force_login(mentor_tebet)
    assert client.get(reverse("admin:registration_participantimport_changelist")).status_code == 302


def test_documents_to_follow_refuse_a_bad_file_and_strangers(
    client: Client,
    mentor_tebet: User,
    agency_staff: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    batch = saved(
        checked(mentor_tebet, csv_bytes([person_row(1)]), django_capture_on_commit_callbacks),
        mentor_tebet,
        django_capture_on_commit_callbacks,
    )
    participant = Participant.objects.get(pk=batch.saved[0]["participant"])
    add = reverse("registration:add_documents", args=[participant.pk])
    client.force_login(participant.user)  # the participant brings them to the office
    assert client.post(add, {"follow-ktp": upload("ktp.png")}).status_code == 403
    login(client, mentor_tebet)
    assert client.get(add).status_code == 405
    assert client.post(add, {}).status_code == 302  # nothing chosen: said so, nothing stored
    not_a_document = SimpleUploadedFile("ktp.png", b"nama;nik\r\n", content_type="image/png")
    assert client.post(add, {"follow-ktp": not_a_document}).status_code == 302
    assert not participant.documents.exists()
    assert client.post(add, {"follow-ktp": upload("ktp.png")}).status_code == 302
    assert [d.kind for d in participant.documents.all()] == ["ktp"]
    assert Registration.objects.get(participant=participant).documents_to_follow  # the plan is still to come
    client.force_login(agency_staff)
    plan = upload("plan.pdf", pdf_bytes(), "application/pdf")
    assert client.post(add, {"follow-plan_statement": plan}).status_code == 302
    assert not Registration.objects.get(participant=participant).documents_to_follow
    assert client.post(add, {"follow-ktp": upload("ktp.png")}).status_code == 302  # none left: refused, said so
    assert participant.documents.count() == 2
