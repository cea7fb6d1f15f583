"""A participant's own data: the page, the JSON and PDF downloads (recorded), only their own, never a password
hash or a mentor's unshared notes, and a fixed number of queries whatever the size of their cash book."""

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.crypto import keyed_hash
from privacy.models import DataDownload, DataDownloadEvent
from registration.models import Participant

from .support import PRIVATE_FOLLOW_UP, PRIVATE_NOTES, SHARED_NOTES, cash_book, registered, with_a_record_in_each_step

pytestmark = pytest.mark.django_db

PAGES = ["privacy:my_data", "privacy:trail"]
DOWNLOADS = ["privacy:my_data_json", "privacy:my_data_pdf"]
NIK = "3174015501900042"


@pytest.fixture
def siti(entrepreneur: User, mentor_tebet: User) -> Participant:
    participant = registered(entrepreneur, nik=NIK)
    with_a_record_in_each_step(participant, mentor_tebet)
    return participant


def download_json(client: Client) -> dict[str, Any]:
    response = client.post(reverse("privacy:my_data_json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="data-saya-')
    assert response["Cache-Control"] == "private, no-store"
    data: dict[str, Any] = json.loads(response.content)
    return data


def rows(data: dict[str, Any], label: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = data["sections"][label.lower()]["rows"]
    return found


# --- what it holds ------------------------------------------------------------------------------------------------


def test_the_json_holds_every_step_and_the_nik_whole_for_its_owner(client: Client, siti: Participant) -> None:
    client.force_login(siti.user)
    data = download_json(client)
    assert data["format"] == "jakpreneur-own-data" and data["version"] == 1
    (account,) = rows(data, "accounts.User")
    assert account["email"] == "siti@example.id" and "password" not in account and "is_superuser" not in account
    (person,) = rows(data, "registration.Participant")
    assert person["nik"] == NIK and "nik_hash" not in person and "nik_masked" not in person
    assert rows(data, "registration.Business")[0]["name"] == "Warung Siti"
    assert rows(data, "registration.Registration")[0]["status"] == "approved"
    (document,) = rows(data, "registration.Document")
    assert document["kind"] == "ktp" and "file" not in document
    assert document["download"].endswith(reverse("registration:document", args=[siti.documents.get().public_id]))
    assert len(rows(data, "training.Enrolment")) == 1
    (message,) = rows(data, "notifications.Message")
    assert message["template"] == "registration_approved" and "context" not in message
    assert data["sections"]["registration.participant"]["labels"]["nik"] == "NIK"
    assert keyed_hash(NIK) not in json.dumps(data)


def test_a_visit_not_shared_is_listed_without_its_notes_or_follow_ups(client: Client, siti: Participant) -> None:
    client.force_login(siti.user)
    data = download_json(client)
    visits = rows(data, "mentoring.Visit")
    assert [visit["shared"] for visit in visits] == [True, False] or [v["shared"] for v in visits] == [False, True]
    notes = {visit["shared"]: visit["notes"] for visit in visits}
    assert notes == {True: SHARED_NOTES, False: None}
    assert [follow_up["what"] for follow_up in rows(data, "mentoring.FollowUp")] == ["Write down daily sales"]
    text = json.dumps(data)
    assert PRIVATE_NOTES not in text and PRIVATE_FOLLOW_UP not in text
    page = client.get(reverse("privacy:my_data")).content.decode()
    assert SHARED_NOTES in page and PRIVATE_NOTES not in page and PRIVATE_FOLLOW_UP not in page


def test_the_page_lists_the_sections_and_links_the_documents(client: Client, siti: Participant) -> None:
    client.force_login(siti.user)
    response = client.get(reverse("privacy:my_data"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert NIK in html and "Warung Siti" in html
    assert reverse("registration:document", args=[siti.documents.get().public_id]) in html
    assert reverse("privacy:my_data_json") in html and reverse("privacy:my_data_pdf") in html


def test_the_pdf_is_a_pdf_and_each_download_is_recorded(client: Client, siti: Participant) -> None:
    client.force_login(siti.user)
    response = client.post(reverse("privacy:my_data_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    download_json(client)
    downloads = list(DataDownload.objects.filter(user=siti.user).order_by("pk"))
    assert [d.format for d in downloads] == ["pdf", "json"]
    assert downloads[1].row_count > 5
    event = DataDownloadEvent.objects.filter(pgh_obj=downloads[1]).get()
    assert event.pgh_label == "created" and event.pgh_context.metadata["user"] == siti.user.pk
    # the JSON made after the PDF lists the PDF's download too
    assert [row["format"] for row in rows(download_json(client), "privacy.DataDownload")] == ["pdf", "json"]


def test_a_download_is_asked_with_a_post(client: Client, siti: Participant) -> None:
    client.force_login(siti.user)
    for name in DOWNLOADS:
        assert client.get(reverse(name)).status_code == 405
    assert not DataDownload.objects.exists()


def test_an_entrepreneur_not_registered_gets_their_account(client: Client, other_entrepreneur: User) -> None:
    client.force_login(other_entrepreneur)
    assert client.get(reverse("privacy:my_data")).status_code == 200
    data = download_json(client)
    assert rows(data, "accounts.User")[0]["email"] == "budi@example.id"
    assert rows(data, "registration.Participant") == []


# --- who may ------------------------------------------------------------------------------------------------------


def test_another_entrepreneur_gets_only_their_own(client: Client, siti: Participant, other_entrepreneur: User) -> None:
    registered(other_entrepreneur, full_name="Budi Santoso")
    client.force_login(other_entrepreneur)
    data = download_json(client)
    text = json.dumps(data)
    assert NIK not in text and "siti@example.id" not in text and SHARED_NOTES not in text
    assert rows(data, "registration.Participant")[0]["full_name"] == "Budi Santoso"
    assert NIK not in client.get(reverse("privacy:my_data")).content.decode()


def test_anonymous_is_sent_to_log_in(client: Client, siti: Participant) -> None:
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), name
    for name in DOWNLOADS:
        assert client.post(reverse(name)).status_code == 302, name


@pytest.mark.parametrize(
    "role", ["agency_staff", "mentor_tebet", "secretariat_tebet", "secretariat_gambir", "partner_user"]
)
def test_other_roles_are_refused(client: Client, role: str, request: pytest.FixtureRequest, siti: Participant) -> None:
    client.force_login(request.getfixturevalue(role))
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 403, name
    for name in DOWNLOADS:
        assert client.post(reverse(name)).status_code == 403, name
    assert not DataDownload.objects.exists()


# --- fixed queries --------------------------------------------------------------------------------------------


DOWNLOAD_QUERIES = (
    54  # the session and user, the participant, one per section (48), the download (savepoint, insert, release)
)


def test_a_year_of_cash_book_downloads_in_a_fixed_number_of_queries(
    client: Client, siti: Participant, django_assert_num_queries: Any
) -> None:
    client.force_login(siti.user)
    cash_book(siti, months=1, per_month=2)
    with django_assert_num_queries(DOWNLOAD_QUERIES):
        small = client.post(reverse("privacy:my_data_json"))
    written = cash_book(siti, months=12, per_month=30)
    with django_assert_num_queries(DOWNLOAD_QUERIES):
        big = client.post(reverse("privacy:my_data_json"))
    assert len(rows(json.loads(big.content), "finance.Entry")) == written + 2
    assert len(rows(json.loads(small.content), "finance.Entry")) == 2
    with django_assert_num_queries(DOWNLOAD_QUERIES - 3):  # the page records nothing
        assert client.get(reverse("privacy:my_data")).status_code == 200


def test_the_entrepreneurs_home_offers_their_data(client: Client, siti: Participant) -> None:
    client.force_login(siti.user)
    html = client.get(reverse("home")).content.decode()
    assert 'id="my-data-card"' in html
    assert reverse("privacy:my_data") in html and reverse("privacy:trail") in html
