"""P1's audit trail: every change through the web and the admin is recorded with its actor and channel, staff
see a participant's history on their page (fixed queries), and every staff view of a document is recorded."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from core import audit
from registration.choices import Decision, Status
from registration.models import Document, Participant, Registration
from registration.services import document_attach, registration_decide
from registration.tests.conftest import login
from registration.tests.factories import RegistrationFactory, pdf_bytes, upload

pytestmark = pytest.mark.django_db


def history_of(obj: Any) -> list[audit.Entry]:
    with translation.override("en"):
        return audit.history_of(obj)


def history_about(obj: Any) -> list[audit.Entry]:
    with translation.override("en"):
        return audit.history_about(obj)


def with_document(registration: Registration, kind: str = "ktp", *, pdf: bool = False) -> Document:
    content = (upload("a.pdf", pdf_bytes(), "application/pdf"), "application/pdf") if pdf else (upload(), "image/png")
    return document_attach(
        kind=kind,
        upload=content[0],
        content_type=content[1],
        acting_user=registration.participant.user,
        participant=registration.participant,
    )


def test_a_decision_on_the_web_leaves_one_row_with_the_verifier_and_the_web_channel(
    client: Client, secretariat_tebet: User
) -> None:
    registration = RegistrationFactory()
    login(client, secretariat_tebet)
    url = reverse("registration:participant", args=[registration.participant_id])
    assert client.post(url, {"decision": Decision.NEEDS_FIX, "reason": "KTP tidak terbaca"}).status_code == 302
    changes = [e for e in history_of(registration) if e.kind == "updated"]
    assert len(changes) == 1
    change = changes[0]
    assert (change.actor, change.channel) == (str(secretariat_tebet), "web")
    assert ("status", "Waiting for verification", "Sent back for a fix") in [
        (c.field, c.before, c.after) for c in change.changes
    ]
    decision = registration.decisions.get()
    assert [(e.kind, e.actor, e.channel) for e in history_of(decision)] == [("created", str(secretariat_tebet), "web")]


def admin_post_data(page: Any) -> dict[str, Any]:
    """The admin change form's own values, as a browser would post them back."""
    data: dict[str, Any] = {}
    form = page.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is not None:
            data[name] = value.pk if hasattr(value, "pk") else value
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management.initial.get(name, management[name].value())
        for sub in formset.forms:
            for name, field in sub.fields.items():
                value = sub.initial.get(name, field.initial)
                if value is not None:
                    data[sub.add_prefix(name)] = value.pk if hasattr(value, "pk") else value
    return data


def test_an_admin_change_leaves_one_row_with_the_staff_member_and_the_admin_channel(
    client: Client, agency_staff: User
) -> None:
    participant = RegistrationFactory().participant
    login(client, agency_staff)
    url = reverse("admin:registration_participant_change", args=[participant.pk])
    page = client.get(url)
    data = admin_post_data(page)
    data["phone"] = "0812 9999 8888"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    participant.refresh_from_db()
    assert participant.phone == "+6281299998888"  # through the service, which normalises it
    changes = [e for e in history_of(participant) if e.kind == "updated"]
    assert len(changes) == 1
    assert (changes[0].actor, changes[0].channel) == (str(agency_staff), "admin")
    assert [(c.field, c.before, c.after) for c in changes[0].changes] == [("mobile number", "—", "+6281299998888")]
    # the admin's history page lists the participant's related rows too
    history = client.get(reverse("admin:registration_participant_history", args=[participant.pk]))
    assert history.status_code == 200
    # (in the staff member's language: the participant, their business and their registration)
    assert len({e.what for e in history.context["entries"]}) >= 3


def test_an_admin_change_the_rules_refuse_is_not_saved(client: Client, agency_staff: User) -> None:
    participant = RegistrationFactory().participant
    login(client, agency_staff)
    url = reverse("admin:registration_participant_change", args=[participant.pk])
    data = admin_post_data(client.get(url))
    data.update(phone="", email="")
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["phone"]
    participant.refresh_from_db()
    assert participant.email


def test_a_business_changed_in_the_admin_goes_through_its_rules(client: Client, agency_staff: User) -> None:
    registration = RegistrationFactory(participant__track="naik_kelas")
    business = registration.participant.business
    login(client, agency_staff)
    url = reverse("admin:registration_business_change", args=[business.pk])
    data = admin_post_data(client.get(url))
    data["workers"] = 5
    response = client.post(url, data)
    assert response.status_code == 200  # a growing entrepreneur's business needs its start date
    assert response.context["adminform"].form.errors["started_on"]
    data["started_on"] = "2020-01-01"
    assert client.post(url, data).status_code == 302
    change = next(e for e in history_of(business) if e.kind == "updated")
    assert (change.actor, change.channel) == (str(agency_staff), "admin")


def test_a_participants_history_shows_before_and_after_and_never_the_nik(
    client: Client, secretariat_tebet: User
) -> None:
    registration = RegistrationFactory()
    participant = registration.participant
    with audit.acting(secretariat_tebet):
        Participant.objects.filter(pk=participant.pk).update(address="Jl. Baru No. 2")
    registration_decide(registration=registration, decision=Decision.APPROVE, reason="", acting_user=secretariat_tebet)
    entries = history_about(participant)
    address = next(e for e in entries if e.what == "participant" and e.kind == "updated")
    assert [(c.field, c.before, c.after) for c in address.changes] == [
        ("domicile address", "Jl. Tebet Raya No. 1", "Jl. Baru No. 2")
    ]
    approval = next(e for e in entries if e.what == "registration" and e.kind == "updated")
    assert ("status", "Waiting for verification", "Approved") in [
        (c.field, c.before, c.after) for c in approval.changes
    ]
    login(client, secretariat_tebet)
    page = client.get(reverse("registration:participant", args=[participant.pk]))
    html = page.content.decode()
    assert 'id="participant-history"' in html
    assert "Jl. Baru No. 2" in html
    assert participant.nik not in "".join(f"{c.before}{c.after}" for e in entries for c in e.changes)


@pytest.mark.parametrize("fixture", ["mentor_tebet", "entrepreneur"])
def test_the_history_is_not_shown_to_mentors_or_the_participant(
    client: Client, request: pytest.FixtureRequest, fixture: str
) -> None:
    user = request.getfixturevalue(fixture)
    registration = RegistrationFactory(participant__user=user) if fixture == "entrepreneur" else RegistrationFactory()
    login(client, user)
    page = client.get(reverse("registration:participant", args=[registration.participant_id]))
    assert page.status_code == 200
    assert page.context["history"] is None
    assert 'id="participant-history"' not in page.content.decode()


def test_the_participant_page_with_its_history_runs_a_fixed_number_of_queries(
    client: Client, secretariat_tebet: User, django_assert_max_num_queries: Any
) -> None:
    registration = RegistrationFactory()
    participant = registration.participant
    login(client, secretariat_tebet)
    url = reverse("registration:participant", args=[participant.pk])
    client.get(url)
    for n in range(40):
        with audit.acting(secretariat_tebet if n % 2 else participant.user):
            Participant.objects.filter(pk=participant.pk).update(address=f"Jl. Tebet Raya No. {n}")
    with_document(registration)
    with django_assert_max_num_queries(8):
        page = client.get(url)
    assert len(page.context["history"]) > 40


def test_a_staff_view_of_a_document_is_recorded_who_which_when(client: Client, secretariat_tebet: User) -> None:
    registration = RegistrationFactory()
    document = with_document(registration)
    login(client, secretariat_tebet)
    before = timezone.now()
    response = client.get(reverse("registration:document", args=[document.public_id]))
    assert response.status_code == 200
    views = [e for e in history_of(document) if e.kind == "viewed"]
    assert len(views) == 1
    assert views[0].actor == str(secretariat_tebet)
    assert views[0].object_id == str(document.pk)
    assert views[0].at >= before
    assert views[0].channel == "web"


def test_the_owner_opening_their_own_document_is_not_a_staff_view(client: Client) -> None:
    registration = RegistrationFactory()
    document = with_document(registration)
    client.force_login(registration.participant.user)
    assert client.get(reverse("registration:document", args=[document.public_id])).status_code == 200
    assert not [e for e in history_of(document) if e.kind == "viewed"]


def test_a_pdf_downloads_and_an_image_shows_inline(client: Client, secretariat_tebet: User) -> None:
    registration = RegistrationFactory()
    image = with_document(registration, "ktp")
    pdf = with_document(registration, "plan_statement", pdf=True)
    login(client, secretariat_tebet)
    shown = client.get(reverse("registration:document", args=[image.public_id]))
    assert shown["Content-Disposition"].startswith("inline")
    downloaded = client.get(reverse("registration:document", args=[pdf.public_id]))
    assert downloaded["Content-Disposition"] == 'attachment; filename="plan_statement.pdf"'
    assert downloaded["Content-Type"] == "application/pdf"
    assert "sandbox" in downloaded["Content-Security-Policy"]


def test_a_refused_document_is_not_found_and_not_recorded(client: Client, mentor_tebet: User) -> None:
    registration = RegistrationFactory()
    ktp = with_document(registration, "ktp")  # identity documents are not for mentors
    login(client, mentor_tebet)
    assert client.get(reverse("registration:document", args=[ktp.public_id])).status_code == 404
    assert not [e for e in history_of(ktp) if e.kind == "viewed"]
    assert Registration.objects.get().status == Status.SUBMITTED
