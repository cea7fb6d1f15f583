"""A participant's own data: the page, the JSON and PDF downloads (recorded), only their own, never a password
hash or a mentor's unshared notes, and a fixed number of queries whatever the size of their cash book."""

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.crypto import keyed_hash
from feedback.tests.factories import hidden_post
from mentoring.tests.factories import AssignmentFactory
from notifications.models import Message
from privacy.inventory import SECTIONS
from privacy.models import DataDownload, DataDownloadEvent
from privacy.selectors import PAGE_ROWS
from registration.models import Participant

from .support import PRIVATE_FOLLOW_UP, PRIVATE_NOTES, SHARED_NOTES, cash_book, registered, with_a_record_in_each_step

pytestmark = pytest.mark.django_db

PAGES = ["privacy:my_data", "privacy:trail"]
DOWNLOADS = ["privacy:my_data_json", "privacy:my_data_pdf"]
NIK = "3174015501900042"
MENTOR_CHANGE_REASON = "The previous mentor found her difficult."


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


def test_a_visit_not_shared_is_not_in_the_download_nor_its_follow_ups(client: Client, siti: Participant) -> None:
    """As on the participant's own visit pages: a visit the mentor did not share is not theirs to see at all (not
    its date, kind, mentor or steps either)."""
    client.force_login(siti.user)
    data = download_json(client)
    (visit,) = rows(data, "mentoring.Visit")
    assert visit["shared"] is True and visit["notes"] == SHARED_NOTES
    assert [follow_up["what"] for follow_up in rows(data, "mentoring.FollowUp")] == ["Write down daily sales"]
    text = json.dumps(data)
    assert PRIVATE_NOTES not in text and PRIVATE_FOLLOW_UP not in text
    page = client.get(reverse("privacy:my_data")).content.decode()
    assert SHARED_NOTES in page and PRIVATE_NOTES not in page and PRIVATE_FOLLOW_UP not in page
    assert page.count("Mentor Tebet") == 1  # the shared visit's mentor, once


def test_the_staffs_own_notes_are_not_in_the_download(
    client: Client, siti: Participant, mentor_tebet: User, agency_staff: User
) -> None:
    """What the participant's pages never show them: who moderated their post (the forum says "a moderator"), the
    moderators' log, the office's reason for a change of mentor."""
    post = hidden_post(agency_staff, author=siti, kecamatan=siti.kecamatan)
    AssignmentFactory(participant=siti, mentor=mentor_tebet, reason=MENTOR_CHANGE_REASON)
    client.force_login(siti.user)
    data = download_json(client)
    (shown,) = rows(data, "feedback.Post")
    assert shown["hidden_reason"] == post.hidden_reason and "hidden_by" not in shown
    assert "feedback.moderation" not in data["sections"]
    (assignment,) = rows(data, "mentoring.MentorAssignment")
    assert assignment["mentor"] == str(mentor_tebet) and "reason" not in assignment
    text = json.dumps(data) + client.get(reverse("privacy:my_data")).content.decode()
    assert MENTOR_CHANGE_REASON not in text and agency_staff.full_name not in text


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


def part(response: Any, label: str) -> Any:
    return next(p for p in response.context["dossier"].parts if p.section.label == label)


def messages(participant: Participant, n: int) -> None:
    Message.objects.bulk_create(
        Message(recipient=participant.user, channel="email", address="siti@example.id", template="reminder")
        for _ in range(n)
    )


def test_the_page_and_the_pdf_sum_the_cash_book_by_month_and_cut_a_long_section(
    client: Client, siti: Participant
) -> None:
    """The page and the PDF are made while the participant waits: the cash book by month (in, out, lines), any
    other section's first PAGE_ROWS rows with how many more the JSON file has; the JSON has every row."""
    written = cash_book(siti, months=3, per_month=100)
    messages(siti, PAGE_ROWS + 4)  # and the fixture's one
    client.force_login(siti.user)
    response = client.get(reverse("privacy:my_data"), HTTP_ACCEPT_LANGUAGE="en")
    book = part(response, "finance.Entry")
    assert book.records == [] and book.held == written and book.more == 0
    assert sum(m.lines for m in book.months) == written and len(book.months) >= 3
    assert [m.month for m in book.months] == sorted({m.month for m in book.months})
    assert sum(m.money_in for m in book.months) == 3 * sum(10_000 + line for line in range(100))
    assert {m.money_out for m in book.months} == {0}
    sent = part(response, "notifications.Message")
    assert len(sent.records) == PAGE_ROWS and sent.held == PAGE_ROWS + 5 and sent.more == 5
    html = response.content.decode()
    assert "5 more rows in the JSON file." in html and html.count("<dl") < PAGE_ROWS + 50
    pdf = client.post(reverse("privacy:my_data_pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    data = download_json(client)
    assert len(rows(data, "finance.Entry")) == written
    assert len(rows(data, "notifications.Message")) == PAGE_ROWS + 5
    # each download is recorded with every row held, whether listed or summed
    assert list(DataDownload.objects.values_list("row_count", flat=True).order_by("pk")) == [
        response.context["dossier"].rows,
        response.context["dossier"].rows + 1,  # the JSON's rows include the PDF's download
    ]


def test_a_download_is_recorded_once_its_file_is_made(client: Client, siti: Participant) -> None:
    """The record is written after the file: the file does not list its own download, and holds the rows the
    record counts."""
    client.force_login(siti.user)
    data = download_json(client)
    assert rows(data, "privacy.DataDownload") == []
    (download,) = DataDownload.objects.all()
    assert download.row_count == sum(len(section["rows"]) for section in data["sections"].values())


# the session and user, the participant, one per section (47), the download (savepoint, insert, release)
DOWNLOAD_QUERIES = 3 + len(SECTIONS) + 3


@pytest.mark.parametrize("name", ["privacy:my_data_json", "privacy:my_data_pdf"])
def test_a_big_cash_book_downloads_in_a_fixed_number_of_queries(
    client: Client, siti: Participant, django_assert_num_queries: Any, name: str
) -> None:
    client.force_login(siti.user)
    cash_book(siti, months=1, per_month=2)
    with django_assert_num_queries(DOWNLOAD_QUERIES):
        small = client.post(reverse(name))
    written = cash_book(siti, months=12, per_month=30)
    messages(siti, PAGE_ROWS + 10)
    with django_assert_num_queries(DOWNLOAD_QUERIES):
        big = client.post(reverse(name))
    if name == "privacy:my_data_json":
        assert len(rows(json.loads(big.content), "finance.Entry")) == written + 2
        assert len(rows(json.loads(small.content), "finance.Entry")) == 2
    with django_assert_num_queries(DOWNLOAD_QUERIES - 3):  # the page records nothing
        assert client.get(reverse("privacy:my_data")).status_code == 200


def test_the_entrepreneurs_home_offers_their_data(client: Client, siti: Participant) -> None:
    client.force_login(siti.user)
    html = client.get(reverse("home")).content.decode()
    assert 'id="my-data-card"' in html
    assert reverse("privacy:my_data") in html and reverse("privacy:trail") in html
