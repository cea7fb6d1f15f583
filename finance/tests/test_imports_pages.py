"""The import pages: the participant sends a file, reads the report row by row, saves all, the good rows or
discards; the template downloads in their language; who else may not (another participant 404, staff and
partners 403, anonymous to the login); bad input (400, nothing saved); pinned query counts."""

import io
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from finance import importing, services
from finance.choices import ImportStatus
from finance.models import Entry, ImportBatch
from mentoring.tests.factories import verified_participant
from registration.models import Participant
from registration.tests.conftest import login
from registration.tests.factories import RegistrationFactory, png_bytes

pytestmark = pytest.mark.django_db

UPLOAD = reverse("finance:import_upload")
TEMPLATE = reverse("finance:import_template")
HEADER = "tanggal;jenis;jumlah;kategori;catatan"
GOOD = "10/03/2025;masuk;150.000;sales;Nasi box"
BAD = "10/03/2025;masuk;seratus;sales;"


@pytest.fixture
def siti(entrepreneur: User) -> Participant:
    return verified_participant("Tebet", user=entrepreneur)


def csv_file(*lines: str, name: str = "kas-maret.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\r\n".join([HEADER, *lines]) + "\r\n").encode(), content_type="text/csv")


def checked(participant: Participant, *lines: str) -> ImportBatch:
    content = ("\r\n".join([HEADER, *lines]) + "\r\n").encode()
    return services.import_check(
        participant=participant, file_name="kas.csv", content=content, acting_user=participant.user
    )


def detail(batch: ImportBatch) -> str:
    return reverse("finance:import_detail", args=[batch.pk])


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- the participant ----------------------------------------------------------------------------------------------


def test_the_upload_page_offers_the_templates_and_the_form(client: Client, siti: Participant) -> None:
    login(client, siti.user)
    html = client.get(UPLOAD).content.decode()
    assert 'id="import-form"' in html
    assert f"{TEMPLATE}?format=xlsx" in html and f"{TEMPLATE}?format=csv" in html


def test_a_file_sent_is_checked_and_its_report_shown_row_by_row(client: Client, siti: Participant) -> None:
    login(client, siti.user)
    response = client.post(UPLOAD, {"file": csv_file(GOOD, BAD, GOOD)})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == detail(batch)
    assert not Entry.objects.exists()
    english(client)
    html = client.get(detail(batch)).content.decode()
    assert 'id="count-good">2<' in html and 'id="count-bad">1<' in html and 'id="count-repeated">0<' in html
    assert '<tr data-row="3"><th scope="row" rowspan="1">3</th><td>Amount</td>' in html
    assert 'id="save-good"' in html and 'id="discard"' in html
    assert 'id="save-all"' not in html  # only with no error
    assert "kas-maret.csv" in html


def test_saving_the_good_rows_says_how_many_were_added(client: Client, siti: Participant) -> None:
    batch = checked(siti, GOOD, BAD, "11/03/2025;keluar;20.000;raw_materials;")
    login(english(client), siti.user)
    response = client.post(detail(batch), {"action": "save_good"}, follow=True)
    assert response.redirect_chain == [(detail(batch), 302)]
    assert Entry.objects.filter(participant=siti).count() == 2
    html = response.content.decode()
    assert "2 entries were added to your book." in html
    assert 'id="import-saved"' in html and 'id="import-decision"' not in html


def test_a_file_sent_again_says_how_many_were_there_already(client: Client, siti: Participant) -> None:
    services.import_save(batch=checked(siti, GOOD), only_good_rows=False, acting_user=siti.user)
    again = checked(siti, GOOD, "11/03/2025;keluar;20.000;raw_materials;")
    login(english(client), siti.user)
    html = client.get(detail(again)).content.decode()
    assert 'id="count-good">1<' in html and 'id="count-repeated">1<' in html
    response = client.post(detail(again), {"action": "save_all"}, follow=True)
    saved = response.content.decode().split('id="import-saved"')[1].split("</div>")[0]
    assert "1 entry was added to your book." in saved and "1 was there already." in saved
    assert Entry.objects.filter(participant=siti).count() == 2


def test_save_all_is_refused_while_rows_have_errors_and_nothing_is_saved(client: Client, siti: Participant) -> None:
    batch = checked(siti, GOOD, BAD)
    login(client, siti.user)
    response = client.post(detail(batch), {"action": "save_all"})
    assert response.status_code == 400
    assert not Entry.objects.exists()
    assert 'id="import-decision"' in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED


def test_an_unknown_decision_is_refused(client: Client, siti: Participant) -> None:
    batch = checked(siti, GOOD)
    login(client, siti.user)
    assert client.post(detail(batch), {"action": "save_everything"}).status_code == 400
    assert not Entry.objects.exists()


def test_discarding_writes_nothing(client: Client, siti: Participant) -> None:
    batch = checked(siti, GOOD)
    login(client, siti.user)
    response = client.post(detail(batch), {"action": "discard"})
    assert response.status_code == 302 and response.url == UPLOAD
    assert not Entry.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DISCARDED


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("kas.csv", png_bytes(), content_type="text/csv"),  # a photo named .csv
        SimpleUploadedFile("kas.csv", b"tanggal;jumlah\r\n10/03/2025;1000\r\n", content_type="text/csv"),
        SimpleUploadedFile("kas.csv", b"x" * (importing.MAX_FILE_BYTES + 1), content_type="text/csv"),
        None,
    ],
)
def test_a_file_that_cannot_be_read_is_refused_next_to_the_field(
    client: Client, siti: Participant, upload: SimpleUploadedFile | None
) -> None:
    login(client, siti.user)
    response = client.post(UPLOAD, {"file": upload} if upload is not None else {})
    assert response.status_code == 400
    assert not ImportBatch.objects.exists()
    assert 'id="error_1_id_file"' in response.content.decode()  # crispy's error under the file field


# --- the template ------------------------------------------------------------------------------------------------


def test_the_templates_download_in_the_persons_language(client: Client, siti: Participant) -> None:
    login(client, siti.user)
    response = client.get(TEMPLATE, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode("utf-8-sig").splitlines()[0] == HEADER
    english(client)
    workbook = client.get(TEMPLATE, {"format": "xlsx"})
    sheet: Any = load_workbook(io.BytesIO(workbook.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == importing.TEMPLATE_HEADERS["en"]


def test_an_unknown_template_format_is_a_bad_request(client: Client, siti: Participant) -> None:
    login(client, siti.user)
    assert client.get(TEMPLATE, {"format": "pdf"}).status_code == 400


# --- who else ----------------------------------------------------------------------------------------------------


def test_another_participant_does_not_find_the_import(
    client: Client, siti: Participant, other_entrepreneur: User
) -> None:
    verified_participant("Tebet", user=other_entrepreneur)
    batch = checked(siti, GOOD)
    login(client, other_entrepreneur)
    assert client.get(detail(batch)).status_code == 404
    assert client.post(detail(batch), {"action": "save_all"}).status_code == 404
    assert client.post(detail(batch), {"action": "discard"}).status_code == 404
    assert not Entry.objects.exists()
    assert ImportBatch.objects.get().status == ImportStatus.CHECKED


@pytest.mark.parametrize("who", ["mentor_tebet", "mentor_gambir", "agency_staff", "partner_user"])
def test_staff_and_partners_have_no_import_pages(
    client: Client, request: pytest.FixtureRequest, siti: Participant, who: str
) -> None:
    batch = checked(siti, GOOD)
    login(client, request.getfixturevalue(who))
    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, {"file": csv_file(GOOD)}).status_code == 403
    assert client.post(detail(batch), {"action": "save_all"}).status_code == 403
    assert not Entry.objects.exists()


def test_anonymous_is_sent_to_log_in(client: Client, siti: Participant) -> None:
    batch = checked(siti, GOOD)
    for url in (UPLOAD, detail(batch), TEMPLATE):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_a_participant_not_verified_is_told_why_the_import_is_closed(client: Client, entrepreneur: User) -> None:
    RegistrationFactory(participant__user=entrepreneur)
    login(client, entrepreneur)
    response = client.post(UPLOAD, {"file": csv_file(GOOD)})
    assert response.status_code == 200
    assert 'id="book-not-open"' in response.content.decode()
    assert not ImportBatch.objects.exists()


# --- query counts ------------------------------------------------------------------------------------------------


def test_the_report_of_a_large_file_costs_a_pinned_number_of_queries(
    client: Client, siti: Participant, django_assert_max_num_queries: Any
) -> None:
    rows = [GOOD] * 1_500 + [BAD] * 500
    batch = checked(siti, *rows)
    login(client, siti.user)
    with django_assert_max_num_queries(5):
        response = client.get(detail(batch))
    assert response.status_code == 200


def test_the_upload_page_with_many_imports_costs_a_pinned_number_of_queries(
    client: Client, siti: Participant, django_assert_max_num_queries: Any
) -> None:
    for _ in range(15):
        checked(siti, GOOD, BAD)
    login(client, siti.user)
    with django_assert_max_num_queries(5):
        response = client.get(UPLOAD)
    assert response.content.decode().count('href="/keuangan/impor/') >= 10
