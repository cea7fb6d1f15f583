"""The walk-in form speaks to the officer, asks only for the documents the answers need, and ends with a
printable receipt that only the office's staff may open."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from registration.choices import DocumentKind, NonJakartaBasis, Track
from registration.eligibility import required_documents
from registration.models import Registration
from registration.tests.conftest import login
from registration.tests.test_assisted import walk_in_post
from registration.views.office import always_required, document_rules

pytestmark = pytest.mark.django_db


def register(client: Client, officer: User, **person: Any) -> Registration:
    login(client, officer)
    response = client.post(reverse("registration:assisted"), walk_in_post(**person))
    assert response.status_code == 302, response.context and response.context["person"].errors
    registration = Registration.objects.get()
    assert response.url == reverse("registration:walk_in_receipt", args=[registration.reference])
    return registration


def test_the_document_rules_the_page_carries_are_the_eligibility_rules() -> None:
    rules = document_rules()
    for track in Track.values:
        assert rules[f"{track}|True|"] == required_documents(track=track, jakarta_ktp=True)
        for basis in NonJakartaBasis.values:
            assert rules[f"{track}|False|{basis}"] == required_documents(track=track, jakarta_ktp=False, basis=basis)
    assert always_required(rules) == [DocumentKind.KTP]


def test_without_answers_every_document_is_offered_and_only_the_ktp_marked_required(
    client: Client, mentor_tebet: User
) -> None:
    login(client, mentor_tebet)
    page = client.get(reverse("registration:assisted"))
    fields = page.context["documents"].fields
    assert set(fields) == set(DocumentKind.values)
    assert [kind for kind, field in fields.items() if field.required] == ["ktp"]
    html = page.content.decode()
    assert 'id="walk-in-document-rules"' in html and "js/walk_in.js" in html
    assert "<script>" not in html  # no inline script: the rules travel as JSON data


def test_the_form_speaks_to_the_officer(client: Client, mentor_tebet: User) -> None:
    login(client, mentor_tebet)
    with_english = client.get(reverse("registration:assisted"), HTTP_ACCEPT_LANGUAGE="en")
    page = with_english.context
    assert str(page["documents"].fields["ktp"].label).startswith("Ask the person for their KTP")
    assert "their KTP" in str(page["person"].fields["nik"].help_text)
    assert "the person" in str(page["person"].fields["jakarta_ktp"].label)
    assert "your KTP" not in with_english.content.decode()


def test_a_file_for_a_document_the_answers_do_not_need_is_not_kept(client: Client, mentor_tebet: User) -> None:
    from registration.tests.factories import upload

    login(client, mentor_tebet)
    data = walk_in_post()
    data["documents-ownership_proof"] = upload("nib.png")  # a starting entrepreneur has no business to prove
    assert client.post(reverse("registration:assisted"), data).status_code == 302
    assert {d.kind for d in Registration.objects.get().participant.documents.all()} == {"ktp", "plan_statement"}


def test_the_receipt_shows_reference_date_office_documents_and_how_to_activate(
    client: Client, secretariat_tebet: User
) -> None:
    registration = register(client, secretariat_tebet)
    response = client.get(reverse("registration:walk_in_receipt", args=[registration.reference]))
    assert response.status_code == 200
    html = response.content.decode()
    assert registration.reference in html
    assert "Tebet" in html
    assert registration.participant.nik not in html and registration.participant.masked_nik in html
    assert 'data-kind="ktp"' in html and 'data-kind="plan_statement"' in html
    assert "http://testserver/akun/klaim/" in html and "http://testserver/akun/masuk/" in html
    assert "+6281311112222" in html  # where the claim link went
    assert 'media="print"' in html and "css/receipt.css" in html


def test_the_receipt_is_for_the_office_that_registered(
    client: Client,
    mentor_tebet: User,
    secretariat_tebet: User,
    secretariat_gambir: User,
    agency_staff: User,
    entrepreneur: User,
) -> None:
    registration = register(client, mentor_tebet)
    url = reverse("registration:walk_in_receipt", args=[registration.reference])
    login(client, secretariat_tebet)  # staff of that office
    assert client.get(url).status_code == 200
    for other in (secretariat_gambir, agency_staff, entrepreneur):
        login(client, other)
        assert client.get(url).status_code == 404
    login(client, secretariat_tebet)
    assert client.get(reverse("registration:walk_in_receipt", args=["JP-NOPE0000"])).status_code == 404


def test_an_online_registration_has_no_office_receipt(client: Client, secretariat_tebet: User) -> None:
    from registration.tests.factories import RegistrationFactory

    online = RegistrationFactory()
    login(client, secretariat_tebet)
    assert client.get(reverse("registration:walk_in_receipt", args=[online.reference])).status_code == 404


def test_the_receipt_runs_a_fixed_number_of_queries(
    client: Client, secretariat_tebet: User, django_assert_max_num_queries: Any
) -> None:
    registration = register(client, secretariat_tebet)
    with django_assert_max_num_queries(5):
        assert client.get(reverse("registration:walk_in_receipt", args=[registration.reference])).status_code == 200
