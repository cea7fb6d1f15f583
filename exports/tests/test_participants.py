"""The staff participant list as an export: who may export it, the page's scope and filters, the NIK masked unless
the exporter may see it whole, the record of every export in the audit trail, bad input, and a fixed number of
queries whatever the number of rows."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pghistory.models import Events

from accounts.models import User
from accounts.tests.factories import office
from exports.models import Export, Status
from registration.choices import Status as RegistrationStatus
from registration.models import Registration
from registration.nik import mask_nik
from registration.tests.conftest import login
from registration.tests.factories import ParticipantFactory, RegistrationFactory

from .support import ask, column, content, table

pytestmark = pytest.mark.django_db

LIST = "registration.participants"


@pytest.fixture
def tebet() -> Registration:
    return RegistrationFactory(
        participant=ParticipantFactory(full_name="Siti Tebet"), status=RegistrationStatus.APPROVED
    )


@pytest.fixture
def gambir() -> Registration:
    return RegistrationFactory(participant=ParticipantFactory(full_name="Budi Gambir", kecamatan=office("Gambir")))


@pytest.mark.parametrize(
    ("who", "names"),
    [
        ("mentor_tebet", {"Siti Tebet"}),
        ("secretariat_tebet", {"Siti Tebet"}),
        ("secretariat_gambir", {"Budi Gambir"}),
        ("agency_staff", {"Siti Tebet", "Budi Gambir"}),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_staff_export_the_participants_they_see_on_the_page(
    client: Client,
    request: pytest.FixtureRequest,
    tebet: Registration,
    gambir: Registration,
    who: str,
    names: set[str],
    fmt: str,
) -> None:
    user = request.getfixturevalue(who)
    login(client, user)
    shown = {p.full_name for p in client.get(reverse("registration:participants")).context["page"].items}
    response = ask(client, LIST, fmt)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="registration-participants-')
    assert response["Cache-Control"] == "private, no-store"
    rows = table(content(response), fmt)
    assert rows[0] == [
        "Name",
        "Reference",
        "NIK",
        "Business",
        "Kecamatan",
        "Wilayah",
        "Track",
        "Channel",
        "Registered",
        "Status",
    ]
    assert set(column(rows, "Name")) == names == shown
    by_name = {row[0]: row for row in rows[1:]}
    for registration in (tebet, gambir):
        participant = registration.participant
        if participant.full_name in by_name:  # each value read beside the participant, as the page shows it
            _name, reference, _nik, business, kecamatan, wilayah, track, channel, _day, status = by_name[
                participant.full_name
            ]
            assert reference == registration.reference
            assert business == participant.business.name
            assert (kecamatan, wilayah) == (participant.kecamatan.name, participant.kecamatan.wilayah.name)
            assert track == participant.get_track_display()
            assert (channel, status) == (registration.get_channel_display(), registration.get_status_display())


@pytest.mark.parametrize("who", ["entrepreneur", "partner_user"])
def test_who_does_not_see_the_list_cannot_export_it(
    client: Client, request: pytest.FixtureRequest, tebet: Registration, who: str
) -> None:
    login(client, request.getfixturevalue(who))
    response = ask(client, LIST)
    assert response.status_code == 403
    refusal = "Only kecamatan office staff and agency staff see and export the participant list."
    assert refusal in response.content.decode()
    assert tebet.participant.full_name not in response.content.decode()
    assert not Export.objects.exists()


def test_anonymous_is_sent_to_log_in(client: Client) -> None:
    response = ask(client, LIST)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_a_mentor_asking_for_another_kecamatan_still_gets_only_theirs(
    client: Client, mentor_tebet: User, tebet: Registration, gambir: Registration
) -> None:
    """The wilayah and kecamatan filters are not theirs to set: another kecamatan's rows never appear."""
    login(client, mentor_tebet)
    query = f"kecamatan={gambir.kecamatan_id}&wilayah={gambir.kecamatan.wilayah_id}"
    rows = table(content(ask(client, LIST, query=query)))
    assert column(rows, "Name") == ["Siti Tebet"]


@pytest.mark.parametrize(
    ("who", "whole"),
    [("secretariat_tebet", True), ("agency_staff", True), ("mentor_tebet", False)],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_nik_is_whole_only_for_who_may_see_it_whole(
    client: Client, request: pytest.FixtureRequest, tebet: Registration, who: str, whole: bool, fmt: str
) -> None:
    login(client, request.getfixturevalue(who))
    data = content(ask(client, LIST, fmt, query="kecamatan=" + str(tebet.kecamatan_id)))
    nik = tebet.participant.nik
    assert column(table(data, fmt), "NIK") == [nik if whole else mask_nik(nik)]
    if not whole:
        assert nik.encode() not in data


def test_the_export_applies_the_pages_filters(
    client: Client, agency_staff: User, tebet: Registration, gambir: Registration
) -> None:
    login(client, agency_staff)
    query = "status=approved&track=pemula&q=Siti&page=3"
    page = client.get(reverse("registration:participants") + "?" + query.replace("&page=3", ""))
    rows = table(content(ask(client, LIST, query=query)))
    assert column(rows, "Name") == [p.full_name for p in page.context["page"].items] == ["Siti Tebet"]
    assert column(rows, "Status") == ["Approved"]


def test_every_export_is_recorded_with_who_which_filter_how_many_rows_and_when(
    client: Client, secretariat_tebet: User, tebet: Registration
) -> None:
    RegistrationFactory.create_batch(2)
    login(client, secretariat_tebet)
    content(ask(client, LIST, "xlsx", query="status=submitted&q=&page=2"))
    export = Export.objects.get()
    assert (export.requested_by, export.list_name, export.format) == (secretariat_tebet, LIST, "xlsx")
    assert export.params == {"status": "submitted"}  # the page number and empty filters are not the filter
    assert (export.row_count, export.status) == (2, Status.DIRECT)
    assert export.finished_at is not None
    event = Events.objects.tracks(export).get()
    assert event.pgh_label == "created"
    assert event.pgh_context["user"] == secretariat_tebet.pk
    assert event.pgh_context["channel"] == "web"
    assert event.pgh_data["params"] == {"status": "submitted"}
    assert event.pgh_data["row_count"] == 2
    assert event.pgh_data["created_at"]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"list": "registration.everything", "format": "csv"}, "This list cannot be exported."),
        ({"format": "csv"}, "This list cannot be exported."),
        ({"list": LIST, "format": "pdf"}, "Choose the CSV or XLSX format."),
        ({"list": LIST}, "Choose the CSV or XLSX format."),
        ({"list": LIST, "format": "csv", "query": "status=bogus"}, "Status: Select a valid choice."),
        ({"list": LIST, "format": "csv", "query": "registered_after=yesterday"}, "Registered between"),
        ({"list": LIST, "format": "csv", "query": "kecamatan=999999"}, "Kecamatan: Select a valid choice."),
        ({"list": LIST, "format": "csv", "query": "kecamatan=abc"}, "Kecamatan: Select a valid choice."),
        (
            {"list": LIST, "format": "csv", "query": "registered_after=2025-03-01&registered_before=2025-01-01"},
            "The start of the registration period is after its end.",
        ),
        ({"list": LIST, "format": "csv", "query": "q=3174015708900001"}, "A NIK is never a filter of an export"),
        ({"list": LIST, "format": "csv", "query": "q=" + "x" * 300}, "This filter is too long to be read."),
        ({"list": LIST, "format": "csv", "query": "q=" + "x" * 3000}, "This filter is too long to be read."),
    ],
)
def test_bad_input_gets_a_clear_answer_and_records_nothing(
    client: Client, agency_staff: User, tebet: Registration, form: dict[str, str], message: str
) -> None:
    login(client, agency_staff)
    response = client.post(reverse("exports:start"), form, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Export.objects.exists()


def test_an_export_is_started_by_post_only(client: Client, agency_staff: User) -> None:
    login(client, agency_staff)
    assert client.get(reverse("exports:start") + f"?list={LIST}&format=csv").status_code == 405


def test_the_list_page_carries_its_filter_into_the_export_buttons(
    client: Client, agency_staff: User, tebet: Registration
) -> None:
    login(client, agency_staff)
    html = client.get(reverse("registration:participants") + "?status=approved&page=1").content.decode()
    assert f'name="list" value="{LIST}"' in html
    assert 'name="query" value="status=approved"' in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_direct_export_runs_a_fixed_number_of_queries(
    client: Client, agency_staff: User, fmt: str, django_assert_num_queries: Any
) -> None:
    RegistrationFactory.create_batch(3)
    login(client, agency_staff)
    with django_assert_num_queries(7) as few:
        assert len(table(content(ask(client, LIST, fmt, query="status=submitted")), fmt)) == 4
    RegistrationFactory.create_batch(40)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(table(content(ask(client, LIST, fmt, query="status=submitted")), fmt)) == 44


def test_an_export_records_only_the_filter_the_list_applied_for_the_user(
    client: Client, secretariat_tebet: User, agency_staff: User, tebet: Registration, gambir: Registration
) -> None:
    """Office staff's list has no wilayah or kecamatan filter (theirs already), and no list reads a parameter it
    does not know: neither is recorded as the export's filter. Agency staff's kecamatan is."""
    Registration.objects.filter(pk=gambir.pk).update(status=RegistrationStatus.APPROVED)
    kecamatan = gambir.participant.kecamatan
    query = f"status=approved&kecamatan={kecamatan.pk}&wilayah={kecamatan.wilayah_id}&colour=red"
    login(client, secretariat_tebet)
    rows = table(content(ask(client, LIST, query=query)))
    assert column(rows, "Name") == ["Siti Tebet"]
    login(client, agency_staff)
    rows = table(content(ask(client, LIST, query=query)))
    assert column(rows, "Name") == ["Budi Gambir"]
    office_export, program_export = Export.objects.order_by("pk")
    assert office_export.params == {"status": "approved"}
    assert program_export.params == {
        "status": "approved",
        "kecamatan": str(kecamatan.pk),
        "wilayah": str(kecamatan.wilayah_id),
    }
