"""The staff participant list: search, filters kept in the URL, the NIK by POST only, scope and query count."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from geography.models import Kecamatan
from registration.choices import Channel, Status, Track
from registration.models import Participant
from registration.tests.conftest import login
from registration.tests.factories import ParticipantFactory, RegistrationFactory, nik_for

pytestmark = pytest.mark.django_db
URL = "/peserta/"


def in_gambir(**kwargs: Any) -> Any:
    participant = ParticipantFactory(
        kecamatan=Kecamatan.objects.get(name="Gambir"), nik=nik_for("Gambir", serial=55), full_name="Gina Gambir"
    )
    return RegistrationFactory(participant=participant, **kwargs)


def listed(response: Any) -> set[int]:
    return {p.pk for p in response.context["page"].items}


def test_the_url_is_the_list(client: Client) -> None:
    assert reverse("registration:participants") == URL


def test_search_by_name_prefix_or_reference(client: Client, agency_staff: User) -> None:
    siti = RegistrationFactory(participant__full_name="Siti Rahayu")
    budi = RegistrationFactory(participant__full_name="Budi Santoso")
    login(client, agency_staff)
    assert listed(client.get(URL, {"q": "siti"})) == {siti.participant_id}
    assert listed(client.get(URL, {"q": budi.reference.lower()})) == {budi.participant_id}


def test_filters_narrow_and_stay_in_the_page_links(client: Client, agency_staff: User) -> None:
    web = RegistrationFactory.create_batch(27, participant__track=Track.NAIK_KELAS)
    RegistrationFactory(channel=Channel.OFFICE, participant__track=Track.NAIK_KELAS)
    RegistrationFactory(status=Status.APPROVED, participant__track=Track.NAIK_KELAS)
    in_gambir()
    login(client, agency_staff)
    query = {"track": "naik_kelas", "channel": "web", "status": "submitted", "kecamatan": web[0].kecamatan_id}
    response = client.get(URL, query)
    assert len(response.context["page"].items) == 25 and response.context["page"].has_next
    html = response.content.decode()
    assert "track=naik_kelas" in html and "channel=web" in html and "page=a2." in html  # the next page by keyset
    second = client.get(URL, {**query, "page": response.context["page"].next_link})
    assert listed(response) | listed(second) == {r.participant_id for r in web}
    assert listed(client.get(URL, {"wilayah": Kecamatan.objects.get(name="Gambir").wilayah_id})) == {
        Participant.objects.get(full_name="Gina Gambir").pk
    }


def test_registration_date_range(client: Client, agency_staff: User) -> None:
    old, new = RegistrationFactory(), RegistrationFactory()
    Participant.objects.filter(pk=old.participant_id).update(created_at=timezone.now() - datetime.timedelta(days=40))
    login(client, agency_staff)
    today = timezone.localdate()
    since = (today - datetime.timedelta(days=10)).isoformat()
    assert listed(client.get(URL, {"registered_after": since})) == {new.participant_id}
    until = (today - datetime.timedelta(days=30)).isoformat()
    assert listed(client.get(URL, {"registered_before": until})) == {old.participant_id}


@pytest.mark.parametrize(
    "query",
    [
        {"status": "bogus"},
        {"kecamatan": "abc"},
        {"kecamatan": "99999999999999999999"},
        {"wilayah": "-1"},
        {"registered_after": "2024-13-45"},
        {"registered_after": "2025-05-01", "registered_before": "2025-01-01"},
        {"track": "<script>"},
    ],
)
def test_a_bad_filter_value_is_explained_never_a_server_error(
    client: Client, agency_staff: User, query: dict[str, str]
) -> None:
    registration = RegistrationFactory()
    login(client, agency_staff)
    response = client.get(URL, query)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert listed(response) == {registration.participant_id}  # the bad filter is left out


def test_a_nik_in_the_url_is_refused(client: Client, agency_staff: User) -> None:
    registration = RegistrationFactory()
    login(client, agency_staff)
    response = client.get(URL, {"q": registration.participant.nik})
    assert response.status_code == 200
    assert "q" in response.context["filters"].errors


def test_exact_nik_by_post_opens_the_participant(client: Client, secretariat_tebet: User) -> None:
    registration = RegistrationFactory()
    login(client, secretariat_tebet)
    nik = registration.participant.nik
    response = client.post(URL, {"nik": f"{nik[:6]} {nik[6:12]} {nik[12:]}"})
    assert response.status_code == 302
    assert response.url == reverse("registration:participant", args=[registration.participant_id])
    assert nik not in response.url


def test_a_nik_of_another_kecamatan_is_not_found(client: Client, mentor_tebet: User) -> None:
    other = in_gambir()
    login(client, mentor_tebet)
    response = client.post(URL, {"nik": other.participant.nik})
    assert response.status_code == 200
    assert response.context["nik_form"].errors["nik"]


def test_a_tebet_mentor_sees_no_gambir_participant_even_filtering_for_gambir(
    client: Client, mentor_tebet: User
) -> None:
    tebet = RegistrationFactory()
    other = in_gambir()
    login(client, mentor_tebet)
    gambir = Kecamatan.objects.get(name="Gambir")
    for query in ({"kecamatan": gambir.pk}, {"wilayah": gambir.wilayah_id}, {"q": other.reference}, {"q": "Gina"}):
        response = client.get(URL, query)
        assert other.participant_id not in listed(response)
        assert "Gina Gambir" not in response.content.decode()
    assert listed(client.get(URL, {"kecamatan": gambir.pk})) == {tebet.participant_id}
    assert "kecamatan" not in client.get(URL).context["filters"].form.fields


def test_a_participant_has_no_list(client: Client, entrepreneur: User, partner_user: User) -> None:
    for user in (entrepreneur, partner_user):
        login(client, user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"nik": "3174015708900001"}).status_code == 403


def test_the_list_runs_a_fixed_number_of_queries(
    client: Client, agency_staff: User, django_assert_max_num_queries: Any
) -> None:
    RegistrationFactory.create_batch(30)
    login(client, agency_staff)
    tebet = Kecamatan.objects.get(name="Tebet")
    query = {"kecamatan": tebet.pk, "wilayah": tebet.wilayah_id, "status": "submitted", "q": "a"}
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(URL, {**query, "page": 2}).status_code == 200
