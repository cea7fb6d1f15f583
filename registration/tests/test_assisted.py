"""Walk-in registration at a kecamatan office, and claiming the account afterwards."""

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from conftest import PASSWORD
from notifications import backends
from registration.choices import Channel, Status
from registration.models import Participant, Registration
from registration.tests.conftest import business_data, login, person_data, prefixed
from registration.tests.factories import pdf_bytes, upload

pytestmark = pytest.mark.django_db


def walk_in_post(**person: Any) -> dict[str, Any]:
    return {
        **prefixed("person", person_data(email="", phone="0813-1111-2222", **person)),
        **prefixed("business", business_data()),
        "documents-ktp": upload("ktp.png"),
        "documents-plan_statement": upload("plan.pdf", pdf_bytes(), "application/pdf"),
    }


def test_mentor_registers_a_walk_in_who_later_claims_the_account(
    client: Client, mentor_tebet: User, django_capture_on_commit_callbacks: Any
) -> None:
    login(client, mentor_tebet)
    assert client.get(reverse("registration:assisted")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registration:assisted"), walk_in_post())
    assert response.status_code == 302, response.context and response.context["person"].errors
    registration = Registration.objects.select_related("participant__user").get()
    assert registration.channel == Channel.OFFICE
    assert registration.registered_by == mentor_tebet
    assert registration.status == Status.SUBMITTED
    person = registration.participant.user
    assert person.phone == "+6281311112222"
    assert not person.has_usable_password()
    assert {d.kind for d in registration.participant.documents.all()} == {"ktp", "plan_statement"}
    assert response.url == reverse("registration:walk_in_receipt", args=[registration.reference])

    # the person claims the account with their phone: a link goes by SMS through the outbox
    client.logout()
    backends.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("accounts:claim"), {"login": "0813 1111 2222"})
    assert page.status_code == 200
    sms = [m for m in backends.outbox if m.template == "account_claim"]
    assert len(sms) == 1
    link = re.search(r"https?://\S+", sms[0].body).group(0)  # type: ignore[union-attr]
    set_form = client.get(link, follow=True)
    assert set_form.context["validlink"]
    done = client.post(
        set_form.redirect_chain[-1][0], {"new_password1": "Batik-Tebet-2026", "new_password2": "Batik-Tebet-2026"}
    )
    assert done.status_code == 302
    assert client.login(username="081311112222", password="Batik-Tebet-2026")
    nik = registration.participant.nik
    assert backends.outbox and all(nik not in m.body and nik not in m.subject for m in backends.outbox)
    assert all(nik not in m.body for m in mail.outbox)


def test_walk_in_needs_a_contact_to_claim_later(client: Client, secretariat_tebet: User) -> None:
    login(client, secretariat_tebet)
    data = walk_in_post()
    data["person-phone"] = ""
    response = client.post(reverse("registration:assisted"), data)
    assert response.status_code == 200
    assert "phone" in response.context["person"].errors
    assert not Participant.objects.exists()


def test_walk_in_with_a_contact_that_has_an_account_is_refused(
    client: Client, secretariat_tebet: User, entrepreneur: User
) -> None:
    login(client, secretariat_tebet)
    data = walk_in_post()
    data["person-phone"] = entrepreneur.phone
    response = client.post(reverse("registration:assisted"), data)
    assert response.status_code == 200
    assert response.context["person"].errors["phone"]
    assert not Participant.objects.exists()
    assert User.objects.count() == 2


def test_walk_in_with_a_taken_nik_is_refused(client: Client, secretariat_tebet: User) -> None:
    login(client, secretariat_tebet)
    client.post(reverse("registration:assisted"), walk_in_post())
    data = walk_in_post()
    data["person-phone"] = "0813-9999-0000"
    response = client.post(reverse("registration:assisted"), data)
    assert [e.code for e in response.context["person"].errors.as_data()["nik"]] == ["already_registered"]
    assert Participant.objects.count() == 1


def test_walk_in_with_a_bad_file_keeps_nothing(client: Client, mentor_tebet: User) -> None:
    login(client, mentor_tebet)
    data = walk_in_post()
    data["documents-ktp"] = upload("ktp.pdf", b"MZ\x90\x00" + b"\x00" * 64, "application/pdf")
    response = client.post(reverse("registration:assisted"), data)
    assert response.status_code == 200
    assert "ktp" in response.context["documents"].errors
    assert not User.objects.filter(phone="+6281311112222").exists()


@pytest.mark.parametrize("fixture", ["entrepreneur", "agency_staff", "partner_user"])
def test_only_office_staff_register_walk_ins(client: Client, request: pytest.FixtureRequest, fixture: str) -> None:
    login(client, request.getfixturevalue(fixture))
    assert client.get(reverse("registration:assisted")).status_code == 403
    assert client.post(reverse("registration:assisted"), walk_in_post()).status_code == 403


def test_claim_does_not_reveal_whether_an_account_exists(client: Client, entrepreneur: User) -> None:
    response = client.post(reverse("accounts:claim"), {"login": entrepreneur.phone})
    other = client.post(reverse("accounts:claim"), {"login": "0899 0000 0000"})
    assert response.status_code == other.status_code == 200

    def without_tokens(content: bytes) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())

    assert without_tokens(response.content) == without_tokens(other.content)


def test_the_claim_link_works_once(client: Client, entrepreneur: User) -> None:
    from accounts.services import set_password_path

    path = set_password_path(entrepreneur)
    page = client.get(path, follow=True)
    url = page.redirect_chain[-1][0]
    client.post(url, {"new_password1": "Kedai-Kopi-2026", "new_password2": "Kedai-Kopi-2026"})
    again = client.get(path, follow=True)
    assert again.context["validlink"] is False
    assert client.login(username=entrepreneur.email, password="Kedai-Kopi-2026")
    assert not client.login(username=entrepreneur.email, password=PASSWORD)


def test_walk_in_documents_follow_the_answers(client: Client, mentor_tebet: User) -> None:
    login(client, mentor_tebet)
    page = client.get(reverse("registration:assisted"))
    assert set(page.context["documents"].fields) == {
        "ktp",
        "plan_statement",
        "development_plan_statement",
        "ownership_proof",
        "lurah_letter",
    }
    data = walk_in_post(track="naik_kelas")
    data.update(prefixed("business", business_data(started_on="2021-03-01")))
    response = client.post(reverse("registration:assisted"), data)
    assert response.status_code == 200
    assert set(response.context["documents"].errors) == {"development_plan_statement", "ownership_proof"}
    assert not Participant.objects.exists()


def test_the_one_time_link_is_wiped_from_the_outbox_once_sent(
    client: Client, mentor_tebet: User, django_capture_on_commit_callbacks: Any, agency_staff: User
) -> None:
    from notifications.models import Message

    login(client, mentor_tebet)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registration:assisted"), walk_in_post())
    claim = Message.objects.get(template="account_claim")
    assert claim.status == "sent"
    assert claim.context["link"] == "[hidden]"
    sent = [m for m in backends.outbox if m.template == "account_claim"]
    assert sent and "/akun/sandi/" in sent[0].body
    client.force_login(agency_staff)
    page = client.get(reverse("admin:notifications_message_change", args=[claim.pk]))
    assert "/akun/sandi/" not in page.content.decode()
