"""The online registration wizard: steps, the draft kept between visits, submission."""

import json
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from notifications.models import Message
from registration.choices import Channel, Status
from registration.models import Document, Draft, Participant, Registration
from registration.tests.conftest import business_data, login, person_data
from registration.tests.factories import pdf_bytes, upload

pytestmark = pytest.mark.django_db


def step_url(step: str) -> str:
    return reverse("registration:wizard_step", args=[step])


def fill_all_steps(client: Client) -> None:
    assert client.post(step_url("person"), person_data()).status_code == 302
    assert client.post(step_url("business"), business_data()).status_code == 302
    response = client.post(
        step_url("documents"),
        {"ktp": upload("ktp.png"), "plan_statement": upload("plan.pdf", pdf_bytes(), "application/pdf")},
    )
    assert response.status_code == 302, response.content


def test_wizard_walks_every_step_and_submits(
    client: Client, entrepreneur: User, django_capture_on_commit_callbacks: Any
) -> None:
    login(client, entrepreneur)
    assert client.get(reverse("registration:wizard")).url == step_url("person")
    fill_all_steps(client)
    review = client.get(step_url("review"))
    assert review.status_code == 200
    assert b"Warung Siti" in review.content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(step_url("review"))

    assert response.url == reverse("home")
    registration = Registration.objects.select_related("participant__business").get()
    participant = registration.participant
    assert participant.user == entrepreneur
    assert participant.nik == person_data()["nik"]
    assert participant.phone == "+6281234500001"
    assert participant.business.name == "Warung Siti"
    assert registration.status == Status.SUBMITTED
    assert registration.channel == Channel.WEB
    assert registration.registered_by == entrepreneur
    assert registration.kecamatan.name == "Tebet"
    assert {d.kind for d in participant.documents.all()} == {"ktp", "plan_statement"}
    assert not Draft.objects.exists()
    assert Message.objects.filter(template="registration_received", recipient=entrepreneur).exists()
    assert any(registration.reference in m.body for m in mail.outbox)


def test_registration_from_the_jaki_app_records_its_channel(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    client.get(reverse("registration:wizard"), {"via": "jaki"})
    fill_all_steps(client)
    client.post(step_url("review"))
    assert Registration.objects.get().channel == Channel.JAKI


def test_draft_keeps_answers_between_visits_even_invalid_ones(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    client.post(step_url("person"), person_data())
    response = client.post(step_url("business"), business_data(planned_capital="-5"))
    assert response.status_code == 200
    assert b"-5" in response.content

    client.logout()
    login(client, entrepreneur)

    assert client.get(reverse("registration:wizard")).url == step_url("business")
    page = client.get(step_url("business"))
    assert b'value="-5"' in page.content
    assert b'value="Warung Siti"' in page.content
    person_page = client.get(step_url("person"))
    assert b"Jl. Tebet Raya No. 1" in person_page.content


def test_draft_is_stored_encrypted(client: Client, entrepreneur: User) -> None:
    from django.db import connection

    login(client, entrepreneur)
    client.post(step_url("person"), person_data())
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM registration_draft")
        (raw,) = cursor.fetchone()
    assert person_data()["nik"] not in raw
    assert "Siti" not in raw
    assert json.loads(Draft.objects.get().payload)["person"]["full_name"] == "Siti Rahayu"


def test_invalid_person_step_shows_reasons_and_does_not_advance(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    response = client.post(step_url("person"), person_data(nik="3174011708900000", birth_date="1990-08-18"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "nik" in form.errors
    assert client.get(reverse("registration:wizard")).url == step_url("person")


def test_documents_step_needs_the_person_step_first(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    assert client.get(step_url("documents")).url == step_url("person")
    assert client.get(step_url("review")).url == step_url("person")


def test_documents_follow_the_track(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    client.post(step_url("person"), person_data(track="naik_kelas"))
    page = client.get(step_url("documents"))
    assert set(page.context["form"].fields) == {"ktp", "development_plan_statement", "ownership_proof"}


def test_non_jakarta_ktp_with_lurah_letter_asks_for_the_letter(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    data = person_data(
        nik="3273015708900001", jakarta_ktp="False", non_jakarta_basis="lurah_letter", domicile_since="2020-01-01"
    )
    assert client.post(step_url("person"), data).status_code == 302
    page = client.get(step_url("documents"))
    assert "lurah_letter" in page.context["form"].fields


def test_non_jakarta_ktp_without_basis_is_refused(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    response = client.post(step_url("person"), person_data(nik="3273015708900001", jakarta_ktp="False"))
    assert response.status_code == 200
    assert "non_jakarta_basis" in response.context["form"].errors


def test_claiming_a_jakarta_ktp_with_another_provinces_nik_is_refused(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    response = client.post(step_url("person"), person_data(nik="3273015708900001"))
    assert response.context["form"].errors["nik"]


def test_a_taken_nik_is_refused_at_the_person_step(
    client: Client, entrepreneur: User, other_entrepreneur: User
) -> None:
    login(client, other_entrepreneur)
    fill_all_steps(client)
    client.post(step_url("review"))
    client.logout()
    login(client, entrepreneur)
    response = client.post(step_url("person"), person_data())
    assert [e.code for e in response.context["form"].errors.as_data()["nik"]] == ["already_registered"]


def test_submission_revalidates_and_needs_every_document(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    client.post(step_url("person"), person_data())
    client.post(step_url("business"), business_data())
    client.post(step_url("documents"), {"ktp": upload("ktp.png")})
    assert client.get(reverse("registration:wizard")).url == step_url("documents")
    assert client.get(step_url("review")).url == step_url("documents")
    assert not Participant.objects.exists()


def test_a_registered_user_is_sent_home(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    fill_all_steps(client)
    client.post(step_url("review"))
    assert client.get(reverse("registration:wizard")).url == reverse("home")
    assert client.get(step_url("person")).url == reverse("home")


def test_staff_have_no_wizard(client: Client, mentor_tebet: User) -> None:
    login(client, mentor_tebet)
    assert client.get(reverse("registration:wizard")).status_code == 403


def test_unknown_step_is_404(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    assert client.get(step_url("nope")).status_code == 404


def test_anonymous_user_is_sent_to_login(client: Client) -> None:
    response = client.get(reverse("registration:wizard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_documents_of_a_draft_move_to_the_participant(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    fill_all_steps(client)
    ids = set(Document.objects.values_list("pk", flat=True))
    client.post(step_url("review"))
    assert set(Document.objects.filter(participant__user=entrepreneur).values_list("pk", flat=True)) == ids


@pytest.mark.parametrize("step", ["person", "business", "documents", "review"])
def test_wizard_pages_run_a_fixed_number_of_queries(
    client: Client, entrepreneur: User, step: str, django_assert_max_num_queries: object
) -> None:
    login(client, entrepreneur)
    fill_all_steps(client)
    with django_assert_max_num_queries(18):  # type: ignore[operator]
        assert client.get(step_url(step)).status_code == 200


@pytest.mark.parametrize("step", ["person", "business", "documents", "review"])
def test_the_kelurahan_list_is_read_only_where_it_is_shown(client: Client, entrepreneur: User, step: str) -> None:
    """Every step checks the person's answers; only the person page shows the list of every kelurahan, so only it
    reads the list (once); the others read the one kelurahan chosen, by its key."""
    login(client, entrepreneur)
    fill_all_steps(client)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(step_url(step)).status_code == 200
    kelurahan = [q["sql"] for q in captured.captured_queries if 'FROM "geography_kelurahan"' in q["sql"]]
    whole_list = [sql for sql in kelurahan if '"geography_kelurahan"."id" =' not in sql]
    assert len(whole_list) == (1 if step == "person" else 0)
    assert len(kelurahan) == 1


def test_a_document_no_longer_needed_is_deleted_with_its_file(
    client: Client, entrepreneur: User, django_capture_on_commit_callbacks: Any
) -> None:
    login(client, entrepreneur)
    lurah = person_data(
        nik="3273015708900001", jakarta_ktp="False", non_jakarta_basis="lurah_letter", domicile_since="2020-01-01"
    )
    client.post(step_url("person"), lurah)
    client.post(step_url("documents"), {"ktp": upload(), "plan_statement": upload(), "lurah_letter": upload()})
    letter = Document.objects.get(kind="lurah_letter")
    path = letter.file.path
    client.post(step_url("person"), person_data())  # now with a Jakarta KTP: no letter needed
    client.post(step_url("business"), business_data())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(step_url("review"))
    assert set(Document.objects.values_list("kind", flat=True)) == {"ktp", "plan_statement"}
    import os

    assert not os.path.exists(path)


def test_a_step_made_stale_by_a_later_change_sends_the_person_back_to_it(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    fill_all_steps(client)
    # switching to the growing track makes the business step (no start date) and the documents incomplete
    client.post(step_url("person"), person_data(track="naik_kelas"))
    assert client.get(reverse("registration:wizard")).url == step_url("business")
    assert client.get(step_url("review")).url == step_url("business")
    client.post(step_url("business"), business_data(started_on="2020-05-01"))
    assert client.get(step_url("review")).url == step_url("documents")
    assert not Registration.objects.exists()


def test_submitting_a_draft_that_went_stale_names_the_step(entrepreneur: User) -> None:
    from registration.services import IncompleteStep
    from registration.wizard import submit

    draft = Draft.objects.create(
        user=entrepreneur,
        payload=json.dumps({"person": person_data(track="naik_kelas"), "business": business_data()}),
    )
    with pytest.raises(IncompleteStep) as exc:
        submit(draft, acting_user=entrepreneur)
    assert exc.value.step == "business"
