"""The agreements' admin for agency staff: every write through the services (recorded as the staff member's,
channel admin), refusals shown on the form with nothing saved, signing and ending early on their own pages,
documents kept and served privately, consent texts published as new versions, keys revoked; anyone else is
refused; pages run a fixed number of queries however many rows."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from accounts.models import Role, User
from accounts.tests.factories import UserFactory, office
from core import audit
from geography.models import Kecamatan
from partners import selectors, services, tasks
from partners.choices import AgreementState, Purpose, Step
from partners.models import (
    AccessLog,
    Agreement,
    AgreementDocument,
    AgreementMatch,
    AgreementMeeting,
    Consent,
    ConsentText,
    JakiLink,
    PartnerKey,
    PartnerOrganisation,
)
from partners.tests.factories import PartnerOrganisationFactory, agreement_in_force, consent, issue_key
from partners.values import AgreementData
from registration.choices import Status
from registration.tests.conftest import login
from registration.tests.factories import RegistrationFactory, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def management(prefix: str, total: int = 0, initial: int = 0) -> dict[str, Any]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def form_data(organisation: PartnerOrganisation | None = None, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "pks",
        "title": "Kemitraan pelatihan",
        "parties": "Dinas PPKUKM dan Universitas Mitra",
        "partner_offers": "Dosen pengajar",
        "program_offers": "Peserta",
        "steps": ["P2", "P3"],
        "criteria_tracks": ["naik_kelas"],
        "criteria_sectors": [],
        "criteria_classes": ["micro"],
        "criteria_steps_done": ["P1"],
        "criteria_kecamatan": [Kecamatan.objects.get(name="Tebet").pk],
        **management("meetings"),
        **management("documents"),
        **management("documents-2"),
    }
    if organisation is not None:
        data["organisation"] = organisation.pk
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def history(obj: Any) -> list[audit.Entry]:
    with translation.override("en"):
        return audit.history_of(obj)


@pytest.fixture
def staff_client(client: Client, agency_staff: User) -> Client:
    return login(client, agency_staff)


@pytest.fixture
def draft(agency_staff: User) -> Agreement:
    return services.agreement_create(
        organisation=PartnerOrganisationFactory(name="Universitas Mitra"),
        data=AgreementData(kind="pks", title="Kemitraan", parties="Dinas dan Mitra", steps=[Step.P2]),
        acting_user=agency_staff,
    )


def change_url(agreement: Agreement) -> str:
    return reverse("admin:partners_agreement_change", args=[agreement.pk])


# --- who may ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.MENTOR, Role.PARTNER, Role.ENTREPRENEUR])
def test_the_admin_refuses_anyone_but_agency_staff(client: Client, draft: Agreement, role: str) -> None:
    office_kecamatan = office("Tebet") if role in (Role.SECRETARIAT, Role.MENTOR) else None
    user = UserFactory(role=role, is_staff=True, email=f"{role}@example.id", office=office_kecamatan)
    login(client, user)
    for url in [
        reverse("admin:partners_agreement_changelist"),
        reverse("admin:partners_agreement_add"),
        change_url(draft),
        reverse("admin:partners_agreement_sign", args=[draft.pk]),
        reverse("admin:partners_agreement_end", args=[draft.pk]),
        reverse("admin:partners_consenttext_add"),
        reverse("admin:partners_partnerkey_changelist"),
    ]:
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("admin:partners_agreement_sign", args=[draft.pk]), {"number": "X/1"})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.signed_on is None


def test_anonymous_is_sent_to_the_login(client: Client, draft: Agreement) -> None:
    response = client.get(change_url(draft))
    assert response.status_code == 302 and "login" in response["Location"]


# --- the terms ----------------------------------------------------------------------------------------------------


def test_staff_add_an_agreement_through_the_service(staff_client: Client, agency_staff: User) -> None:
    organisation = PartnerOrganisationFactory()
    response = staff_client.post(reverse("admin:partners_agreement_add"), form_data(organisation))
    assert response.status_code == 302, response.context["adminform"].form.errors
    agreement = Agreement.objects.get()
    assert (agreement.organisation, agreement.steps, agreement.criteria_steps_done) == (
        organisation,
        ["P2", "P3"],
        ["P1"],
    )
    assert list(agreement.criteria_kecamatan.values_list("name", flat=True)) == ["Tebet"]
    [created] = history(agreement)
    assert (created.kind, created.actor, created.channel) == ("created", str(agency_staff), "admin")


def test_an_agreement_without_steps_is_refused_on_the_form(staff_client: Client) -> None:
    response = staff_client.post(
        reverse("admin:partners_agreement_add"), form_data(PartnerOrganisationFactory(), steps=[])
    )
    assert response.status_code == 200
    assert "steps" in response.context["adminform"].form.errors
    assert not Agreement.objects.exists()


def test_the_change_page_shows_the_match_and_saves_through_the_service(
    staff_client: Client,
    draft: Agreement,
    agency_staff: User,
    django_assert_max_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    for _index in range(3):
        RegistrationFactory(status=Status.APPROVED)
    siti = RegistrationFactory(status=Status.APPROVED).participant
    signed = services.agreement_sign(
        agreement=draft,
        signing=services.SigningData(number="PKS/1/2026", signed_on=days(-1), starts_on=days(-1), ends_on=days(300)),
        acting_user=agency_staff,
    )
    consent(siti, signed.organisation, Purpose.TRAINING)
    for n in range(15):
        services.meeting_add(agreement=signed, held_on=days(-n), notes=f"Rapat {n}", acting_user=agency_staff)
    for n in range(5):
        services.agreement_document_attach(
            agreement=signed, title=f"Dokumen {n}", upload=_pdf(), acting_user=agency_staff
        )
    before = staff_client.get(change_url(signed), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Being counted: the figure appears within minutes of saving" in before  # the consent came after
    assert tasks.count_agreement_matches() == 1  # the nightly count
    with translation.override("en"), django_assert_max_num_queries(15):
        page = staff_client.get(change_url(signed), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    counted = AgreementMatch.objects.get(agreement=signed)
    when = formats.date_format(timezone.localtime(counted.counted_at), "j M Y H:i")
    assert f"4 participants match the criteria; 1 of them consented. Counted on {when}." in text
    assert reverse("admin:partners_agreement_end", args=[signed.pk]) in text
    assert reverse("admin:partners_agreement_sign", args=[signed.pk]) not in text  # signed already

    data = form_data(
        title="Kemitraan baru",
        criteria_tracks=[],
        criteria_classes=[],
        criteria_steps_done=[],
        criteria_kecamatan=[],
        **management("meetings", 15, 15),
        **management("documents", 5, 5),
    )
    for index, meeting in enumerate(AgreementMeeting.objects.filter(agreement=signed)):
        data.update({f"meetings-{index}-id": meeting.pk, f"meetings-{index}-agreement": signed.pk})
        data.update(
            {f"meetings-{index}-held_on": meeting.held_on.isoformat(), f"meetings-{index}-notes": meeting.notes}
        )
    for index, document in enumerate(AgreementDocument.objects.filter(agreement=signed)):
        data.update({f"documents-{index}-id": document.pk, f"documents-{index}-agreement": signed.pk})
    RegistrationFactory(status=Status.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(change_url(signed), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    signed.refresh_from_db()
    assert signed.title == "Kemitraan baru" and signed.number == "PKS/1/2026"
    recounted = AgreementMatch.objects.get(agreement=signed)  # counted again on the new terms, once committed
    assert (recounted.matching, recounted.consented) == (5, 1) and recounted.counted_at > counted.counted_at
    updated = history(signed)[0]
    assert (updated.kind, updated.channel) == ("updated", "admin")


def test_an_ended_agreement_shows_its_terms_read_only(staff_client: Client, agency_staff: User) -> None:
    agreement = agreement_in_force(PartnerOrganisationFactory(), steps=[Step.P2], staff=agency_staff)
    services.agreement_end(agreement=agreement, on=days(0), reason="Selesai", acting_user=agency_staff)
    response = staff_client.post(change_url(agreement), form_data(title="Diubah", steps=["P7"]))
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.title, agreement.steps) != ("Diubah", ["P7"])


def test_the_list_filters_by_state_and_runs_a_fixed_number_of_queries(
    staff_client: Client, agency_staff: User, draft: Agreement, django_assert_max_num_queries: Any
) -> None:
    for _index in range(30):
        agreement_in_force(PartnerOrganisationFactory(), steps=[Step.P2], staff=agency_staff)
    url = reverse("admin:partners_agreement_changelist")
    with django_assert_max_num_queries(12):
        page = staff_client.get(url)
    assert page.status_code == 200 and page.context["cl"].result_count == 31
    in_talks = staff_client.get(url, {"state": AgreementState.IN_TALKS})
    assert [a.pk for a in in_talks.context["cl"].result_list] == [draft.pk]
    assert staff_client.get(url, {"state": AgreementState.ACTIVE}).context["cl"].result_count == 30
    assert staff_client.get(url, {"q": "Kemitraan"}).context["cl"].result_count == 1


# --- signing and ending early -------------------------------------------------------------------------------------


def test_signing_on_its_own_page(staff_client: Client, draft: Agreement, agency_staff: User) -> None:
    url = reverse("admin:partners_agreement_sign", args=[draft.pk])
    assert staff_client.get(url).status_code == 200
    bad = {"number": "PKS/9/2026", "signed_on": days(-1), "starts_on": days(10), "ends_on": days(1)}
    response = staff_client.post(url, bad)
    assert response.status_code == 400 and "ends_on" in response.context["form"].errors
    draft.refresh_from_db()
    assert draft.signed_on is None
    response = staff_client.post(url, {**bad, "ends_on": days(300)}, follow=True)
    assert response.redirect_chain[-1][0] == change_url(draft)
    assert len(list(response.context["messages"])) == 1
    draft.refresh_from_db()
    assert (draft.number, draft.state(timezone.localdate())) == ("PKS/9/2026", AgreementState.SIGNED)
    signed = history(draft)[0]
    assert (signed.actor, signed.channel) == (str(agency_staff), "admin")
    # a second time: refused, nothing changes
    again = staff_client.post(url, {**bad, "number": "PKS/10/2026", "ends_on": days(300)})
    assert again.status_code == 302
    draft.refresh_from_db()
    assert draft.number == "PKS/9/2026"


def test_ending_early_on_its_own_page(staff_client: Client, agency_staff: User, draft: Agreement) -> None:
    end_draft = staff_client.get(reverse("admin:partners_agreement_end", args=[draft.pk]))
    assert end_draft.status_code == 302  # not signed: nothing to end
    agreement = agreement_in_force(PartnerOrganisationFactory(), steps=[Step.P2], staff=agency_staff)
    url = reverse("admin:partners_agreement_end", args=[agreement.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"ended_on": days(0), "end_reason": " "})
    assert response.status_code == 400 and "end_reason" in response.context["form"].errors
    response = staff_client.post(url, {"ended_on": days(-400), "end_reason": "Mitra tutup"})
    assert response.status_code == 400 and "ended_on" in response.context["form"].errors
    agreement.refresh_from_db()
    assert agreement.ended_on is None
    response = staff_client.post(url, {"ended_on": days(0), "end_reason": "Mitra tutup"})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.state(timezone.localdate()) == AgreementState.ENDED
    assert history(agreement)[0].channel == "admin"


# --- meetings and documents ---------------------------------------------------------------------------------------


def _pdf(name: str = "mou.pdf", content: bytes | None = None) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, content_type="application/pdf")


def test_meetings_and_documents_through_the_inlines(
    staff_client: Client, draft: Agreement, agency_staff: User, private_storage: Any
) -> None:
    data = form_data(
        title=draft.title,
        parties=draft.parties,
        steps=["P2"],
        **management("meetings", 1),
        **{"meetings-0-held_on": days(-3).isoformat(), "meetings-0-notes": "Rapat awal"},
        **management("documents-2", 1),
        **{"documents-2-0-title": "Draf MoU", "documents-2-0-file": _pdf()},
    )
    response = staff_client.post(change_url(draft), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    meeting = AgreementMeeting.objects.get()
    assert (meeting.notes, meeting.recorded_by) == ("Rapat awal", agency_staff)
    document = AgreementDocument.objects.get()
    assert (private_storage / document.file.name).read_bytes() == pdf_bytes()
    for obj in (meeting, document):
        [created] = history(obj)
        assert (created.actor, created.channel) == (str(agency_staff), "admin")


@pytest.mark.parametrize(
    ("rows", "prefix", "field"),
    [
        ({"meetings-0-held_on": days(5).isoformat(), "meetings-0-notes": "Nanti"}, "meetings", "held_on"),
        ({"documents-2-0-title": "Foto", "documents-2-0-file": _pdf("foto.pdf", png_bytes())}, "documents-2", "file"),
    ],
)
def test_bad_meetings_and_documents_are_refused_on_the_form(
    staff_client: Client, draft: Agreement, rows: dict[str, Any], prefix: str, field: str
) -> None:
    data = form_data(steps=["P2"], **management(prefix, 1), **rows)
    response = staff_client.post(change_url(draft), data)
    assert response.status_code == 200
    errors = [form.errors for formset in response.context["inline_admin_formsets"] for form in formset.formset]
    assert any(field in error for error in errors)
    assert not AgreementMeeting.objects.exists() and not AgreementDocument.objects.exists()
    draft.refresh_from_db()
    assert draft.title == "Kemitraan"


def test_a_document_is_served_privately_and_each_opening_recorded(
    staff_client: Client, draft: Agreement, agency_staff: User, client: Client
) -> None:
    document = services.agreement_document_attach(
        agreement=draft, title="MoU bertanda tangan", upload=_pdf(), acting_user=agency_staff
    )
    url = reverse("admin:partners_agreement_document", args=[document.public_id])
    response = staff_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="mou-bertanda-tangan.pdf"'
    assert "no-store" in response["Cache-Control"]
    viewed = history(document)[0]
    assert (viewed.kind, viewed.actor) == ("viewed", str(agency_staff))
    page = staff_client.get(change_url(draft))
    assert url in page.content.decode()


def test_removing_a_document_through_the_inline(
    staff_client: Client, draft: Agreement, agency_staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    document = services.agreement_document_attach(
        agreement=draft, title="Salah", upload=_pdf(), acting_user=agency_staff
    )
    data = form_data(
        title=draft.title,
        steps=["P2"],
        **management("documents", 1, 1),
        **{"documents-0-id": document.pk, "documents-0-agreement": draft.pk, "documents-0-DELETE": "on"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(change_url(draft), data)
    assert response.status_code == 302
    assert not AgreementDocument.objects.exists()
    assert history(document)[0].kind == "deleted"


# --- organisations, consent texts, records ------------------------------------------------------------------------


def test_the_organisation_admin_keeps_contacts_through_the_service(staff_client: Client, agency_staff: User) -> None:
    base = {
        "name": "Bank Mitra",
        "kind": "bank",
        "active": "on",
        "contact_name": "Ibu Ani",
        "contact_email": "ani@bankmitra.co.id",
        "website": "bankmitra.co.id",
        **management("members"),
        **management("agreements"),
    }
    url = reverse("admin:partners_partnerorganisation_add")
    response = staff_client.post(url, {**base, "contact_phone": "021"})
    assert response.status_code == 200 and "contact_phone" in response.context["adminform"].form.errors
    assert not PartnerOrganisation.objects.exists()
    response = staff_client.post(url, {**base, "contact_phone": "0812 3456 7890"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation = PartnerOrganisation.objects.get()
    assert (organisation.contact_phone, organisation.website) == ("+6281234567890", "https://bankmitra.co.id")
    [created] = history(organisation)
    assert (created.actor, created.channel) == (str(agency_staff), "admin")


def test_a_consent_text_is_published_as_a_new_version_never_edited(staff_client: Client, agency_staff: User) -> None:
    current = selectors.current_text(Purpose.TRAINING)
    add = reverse("admin:partners_consenttext_add")
    prefilled = staff_client.get(add, {"from": current.pk})
    assert prefilled.context["adminform"].form.initial["text_id"] == current.text_id
    response = staff_client.post(
        add, {"purpose": Purpose.TRAINING, "text_id": "Saya setuju {partner}", "text_en": "I agree"}
    )
    assert response.status_code == 302
    newest = selectors.current_text(Purpose.TRAINING)
    assert newest.version == current.version + 1 and newest.text_en == "I agree"
    assert history(newest)[0].channel == "admin"
    change = reverse("admin:partners_consenttext_change", args=[current.pk])
    assert staff_client.get(change).status_code == 200  # shown, read-only
    assert staff_client.post(change, {"purpose": Purpose.TRAINING, "text_id": "x", "text_en": "x"}).status_code == 403
    current.refresh_from_db()
    assert current.text_en != "x"


def test_keys_are_listed_and_revoked_through_the_service(
    staff_client: Client, agency_staff: User, django_assert_max_num_queries: Any
) -> None:
    agreement = agreement_in_force(PartnerOrganisationFactory(), steps=[Step.P2], staff=agency_staff)
    for _index in range(20):
        issue_key(agreement, staff=agency_staff)
    url = reverse("admin:partners_partnerkey_changelist")
    with django_assert_max_num_queries(12):
        assert staff_client.get(url).status_code == 200
    assert staff_client.get(reverse("admin:partners_partnerkey_add")).status_code == 403
    key = PartnerKey.objects.first()
    assert key is not None
    response = staff_client.post(url, {"action": "revoke", "_selected_action": [key.pk]})
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked and key.revoked_at is not None
    assert history(key)[0].channel == "admin"
    assert PartnerKey.objects.filter(revoked=False).count() == 19


def test_consents_reads_and_links_are_read_only(
    staff_client: Client, agency_staff: User, django_assert_max_num_queries: Any
) -> None:
    organisation = PartnerOrganisationFactory()
    agreement = agreement_in_force(organisation, steps=[Step.P1, Step.P2], staff=agency_staff)
    issue_key(agreement, staff=agency_staff)
    key = PartnerKey.objects.get()
    for _index in range(20):
        participant = RegistrationFactory().participant
        consent(participant, organisation, Purpose.TRAINING)
        AccessLog.objects.create(
            key=key, organisation=organisation, participant=participant, endpoint="/x", at=timezone.now()
        )
        JakiLink.objects.create(participant=participant, account=f"jaki-{participant.pk}", linked_at=timezone.now())
    for model in (Consent, AccessLog, JakiLink):
        name = model._meta.model_name
        with django_assert_max_num_queries(12):
            assert staff_client.get(reverse(f"admin:partners_{name}_changelist")).status_code == 200
        assert staff_client.get(reverse(f"admin:partners_{name}_add")).status_code == 403
        row = model.objects.first()
        assert row is not None
        assert staff_client.post(reverse(f"admin:partners_{name}_change", args=[row.pk]), {}).status_code == 403
    assert ConsentText.objects.exists()


def test_in_force_is_the_sql_of_state_on_every_day_around_an_early_end(agency_staff: User) -> None:
    """An early end dated later (allowed: any day up to the end date) leaves the agreement in force until that
    day; the SQL used to drop it at once while `state` said active."""
    today = timezone.localdate()
    agreement = agreement_in_force(PartnerOrganisationFactory(), steps=[Step.P2], staff=agency_staff)
    Agreement.objects.filter(pk=agreement.pk).update(ended_on=today + datetime.timedelta(days=5), end_reason="Tutup")
    agreement.refresh_from_db()
    for offset in (-1, 0, 4, 5, 6):
        day = today + datetime.timedelta(days=offset)
        in_sql = Agreement.objects.in_force(day).filter(pk=agreement.pk).exists()
        assert in_sql == agreement.is_in_force(day), (offset, agreement.state(day))
    assert agreement.is_in_force(today + datetime.timedelta(days=4))
    assert not agreement.is_in_force(today + datetime.timedelta(days=5))
