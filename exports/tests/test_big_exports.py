"""A list bigger than EXPORT_SYNC_MAX_ROWS: the task writes its file into private storage, its owner is told
through the outbox, the file waits on /ekspor/ for its owner alone, and old files are deleted by the daily task."""

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pghistory.models import Events

from accounts.models import Role, User
from accounts.tests.factories import office
from exports import services
from exports.models import Export, Status
from notifications.models import Message
from registration.nik import mask_nik
from registration.tests.conftest import login
from registration.tests.factories import RegistrationFactory

from .support import ask, column, content, table

pytestmark = pytest.mark.django_db

LIST = "registration.participants"


@pytest.fixture(autouse=True)
def _small_limit(settings: Any) -> None:
    settings.EXPORT_SYNC_MAX_ROWS = 2


def big_export(client: Client, user: User, capture: Callable[..., Any], fmt: str = "csv", query: str = "") -> Export:
    login(client, user)
    with capture(execute=True):
        response = ask(client, LIST, fmt, query=query)
    assert response.status_code == 302 and response.url == reverse("exports:list")
    return Export.objects.get()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_big_export_is_written_by_the_task_and_its_owner_told(
    client: Client,
    mentor_tebet: User,
    django_capture_on_commit_callbacks: Any,
    private_storage: Path,
    fmt: str,
) -> None:
    made = RegistrationFactory.create_batch(3)
    RegistrationFactory(participant__kecamatan=office("Gambir"))
    export = big_export(client, mentor_tebet, django_capture_on_commit_callbacks, fmt)
    assert (export.status, export.row_count, export.format) == (Status.READY, 3, fmt)
    assert export.file.name.startswith("exports/") and export.file.name.endswith(f".{fmt}")
    assert (private_storage / export.file.name).is_file()
    assert export.expires_at == export.finished_at + datetime.timedelta(days=7)  # type: ignore[operator]

    ready = Message.objects.get(template="exports_ready", recipient=mentor_tebet)
    assert ready.context["rows"] == 3
    assert ready.context["link"] == "http://testserver" + reverse("exports:list")
    assert ready.language == mentor_tebet.language

    listed = client.get(reverse("exports:list"), HTTP_ACCEPT_LANGUAGE="en")
    download = reverse("exports:download", args=[export.pk])
    assert download in listed.content.decode()

    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{export.filename}"'
    assert response["Cache-Control"] == "private, no-store"
    rows = table(content(response), fmt)
    # the file speaks its owner's language (Bahasa Indonesia) and masks the NIK for a mentor
    assert rows[0][0] == "Nama"
    assert sorted(column(rows, "NIK")) == sorted(mask_nik(r.participant.nik) for r in made)


def test_the_task_records_its_work_and_each_download(
    client: Client, agency_staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    RegistrationFactory.create_batch(3)
    export = big_export(client, agency_staff, django_capture_on_commit_callbacks, query="status=submitted")
    client.get(reverse("exports:download", args=[export.pk]))
    events = list(Events.objects.tracks(export).order_by("pgh_created_at", "pgh_id"))
    assert [e.pgh_label for e in events] == ["created", "updated", "viewed"]
    created, finished, viewed = events
    assert created.pgh_context["user"] == agency_staff.pk and created.pgh_data["params"] == {"status": "submitted"}
    assert created.pgh_data["status"] == Status.RUNNING and created.pgh_data["row_count"] == 3
    assert finished.pgh_context["channel"] == "task" and finished.pgh_data["status"] == Status.READY
    assert viewed.pgh_context["user"] == agency_staff.pk


@pytest.mark.parametrize("who", ["secretariat_tebet", "agency_staff", "mentor_gambir"])
def test_only_its_owner_downloads_a_file(
    client: Client,
    mentor_tebet: User,
    request: pytest.FixtureRequest,
    django_capture_on_commit_callbacks: Any,
    who: str,
) -> None:
    RegistrationFactory.create_batch(3)
    export = big_export(client, mentor_tebet, django_capture_on_commit_callbacks)
    login(client, request.getfixturevalue(who))
    assert client.get(reverse("exports:download", args=[export.pk])).status_code == 404
    assert reverse("exports:download", args=[export.pk]) not in client.get(reverse("exports:list")).content.decode()


def test_a_file_no_longer_ready_is_not_served(
    client: Client, mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    RegistrationFactory.create_batch(3)
    export = big_export(client, mentor_tebet, django_capture_on_commit_callbacks)
    default_storage.delete(export.file.name)
    assert client.get(reverse("exports:download", args=[export.pk])).status_code == 404
    Export.objects.filter(pk=export.pk).update(status=Status.EXPIRED, file="")
    assert client.get(reverse("exports:download", args=[export.pk])).status_code == 404


def test_an_exporter_who_lost_the_right_meanwhile_gets_no_file_and_is_told(
    client: Client, mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    RegistrationFactory.create_batch(3)
    login(client, mentor_tebet)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        ask(client, LIST)
    mentor_tebet.role = Role.ENTREPRENEUR
    mentor_tebet.office = None
    mentor_tebet.save()
    for callback in queued:
        callback()
    export = Export.objects.get()
    assert (export.status, export.file.name) == (Status.FAILED, "")
    assert Message.objects.filter(template="exports_failed", recipient=mentor_tebet).exists()
    assert not Message.objects.filter(template="exports_ready").exists()


def test_the_task_does_nothing_twice(
    client: Client, agency_staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    RegistrationFactory.create_batch(3)
    export = big_export(client, agency_staff, django_capture_on_commit_callbacks)
    told = Message.objects.filter(template="exports_ready").count()
    assert told == 1  # by email: the account has no phone
    assert services.export_build(export_id=export.pk) is False
    assert Message.objects.filter(template="exports_ready").count() == told
    assert Export.objects.get().file.name == export.file.name


def test_the_daily_task_deletes_old_files_and_keeps_the_record(
    client: Client,
    agency_staff: User,
    django_capture_on_commit_callbacks: Any,
    private_storage: Path,
) -> None:
    RegistrationFactory.create_batch(3)
    export = big_export(client, agency_staff, django_capture_on_commit_callbacks)
    path = private_storage / export.file.name
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.exports_expire(now=now + datetime.timedelta(days=6)) == 0
    assert path.is_file()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.exports_expire(now=now + datetime.timedelta(days=7, minutes=1)) == 1
    assert not path.exists()
    export.refresh_from_db()
    assert (export.status, export.file.name, export.row_count) == (Status.EXPIRED, "", 3)
    assert client.get(reverse("exports:download", args=[export.pk])).status_code == 404


def test_the_daily_task_fails_an_export_whose_worker_was_lost(agency_staff: User) -> None:
    old = timezone.now() - datetime.timedelta(days=2)
    lost = Export.objects.create(
        requested_by=agency_staff, list_name=LIST, format="csv", status=Status.RUNNING, created_at=old
    )
    recent = Export.objects.create(requested_by=agency_staff, list_name=LIST, format="csv", status=Status.RUNNING)
    services.exports_expire()
    lost.refresh_from_db()
    recent.refresh_from_db()
    assert (lost.status, recent.status) == (Status.FAILED, Status.RUNNING)


def test_the_exports_page_lists_the_persons_own_in_a_fixed_number_of_queries(
    client: Client, agency_staff: User, mentor_tebet: User, django_assert_num_queries: Any
) -> None:
    for status in (Status.DIRECT, Status.FAILED, Status.RUNNING, Status.EXPIRED):
        Export.objects.create(
            requested_by=agency_staff, list_name=LIST, format="csv", status=status, params={"status": "approved"}
        )
    Export.objects.create(requested_by=mentor_tebet, list_name="training.enrolments", format="xlsx", status="direct")
    login(client, agency_staff)
    with django_assert_num_queries(3):
        response = client.get(reverse("exports:list"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("data-export=") == 4
    assert "status: approved" in html.replace("<bdi>", "").replace("</bdi>", "")
    for label in ("downloaded at once", "failed", "being prepared", "expired"):
        assert label in html


def test_an_entrepreneur_has_an_empty_exports_page(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    response = client.get(reverse("exports:list"))
    assert response.status_code == 200 and not response.context["rows"]


def test_a_person_has_at_most_two_big_exports_in_preparation(
    client: Client, agency_staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    RegistrationFactory.create_batch(3)
    login(client, agency_staff)
    with django_capture_on_commit_callbacks(execute=False):  # no worker picks them up
        assert ask(client, LIST).status_code == 302
        assert ask(client, LIST, "xlsx").status_code == 302
        refused = ask(client, LIST)
    assert refused.status_code == 400
    assert "2 of your exports are still being prepared" in refused.content.decode()
    assert Export.objects.filter(status=Status.RUNNING).count() == 2
    assert ask(client, LIST, query="q=nobody").status_code == 200  # a small one still downloads at once
