"""Agreements, their meetings and documents, organisations' contacts and consent texts change through the
services: agency staff may, nobody else; bad input changes nothing and says why; each change is in the trail."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from core import audit
from core.decisions import Refused
from partners import permissions, services
from partners.choices import AgreementKind, AgreementState, Purpose, Step
from partners.models import Agreement, AgreementDocument, AgreementMeeting, ConsentText, PartnerOrganisation
from partners.tests.factories import PartnerMemberFactory, PartnerOrganisationFactory, agreement_in_force
from partners.values import AgreementData, OrganisationData, SigningData
from registration.tests.factories import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


def terms(**changes: Any) -> AgreementData:
    values: dict[str, Any] = {
        "kind": AgreementKind.MOU,
        "title": "Pelatihan digital",
        "parties": "Dinas PPKUKM dan Universitas Mitra",
        "steps": [Step.P2],
    }
    return AgreementData(**{**values, **changes})


def signing(**changes: Any) -> SigningData:
    values: dict[str, Any] = {
        "number": "MOU/7/2026",
        "signed_on": days(-2),
        "starts_on": days(0),
        "ends_on": days(365),
    }
    return SigningData(**{**values, **changes})


def pdf(name: str = "mou.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def history(obj: Any) -> list[audit.Entry]:
    with translation.override("en"):
        return audit.history_of(obj)


@pytest.fixture
def draft(agency_staff: User) -> Agreement:
    return services.agreement_create(organisation=PartnerOrganisationFactory(), data=terms(), acting_user=agency_staff)


@pytest.fixture
def others(secretariat_tebet: User, mentor_tebet: User, partner_user: User, entrepreneur: User) -> list[User]:
    PartnerMemberFactory(user=partner_user)
    return [secretariat_tebet, mentor_tebet, partner_user, entrepreneur]


# --- who may ------------------------------------------------------------------------------------------------------


def writes(agreement: Agreement) -> dict[str, Callable[[User], object]]:
    meeting = AgreementMeeting.objects.create(
        agreement=agreement, held_on=days(-1), notes="Rapat", recorded_by=UserFactory(role=Role.AGENCY)
    )
    return {
        "create": lambda u: services.agreement_create(
            organisation=agreement.organisation, data=terms(), acting_user=u
        ),
        "update": lambda u: services.agreement_update(agreement=agreement, data=terms(), acting_user=u),
        "sign": lambda u: services.agreement_sign(agreement=agreement, signing=signing(), acting_user=u),
        "meeting_add": lambda u: services.meeting_add(agreement=agreement, held_on=days(0), notes="x", acting_user=u),
        "meeting_update": lambda u: services.meeting_update(
            meeting=meeting, held_on=days(0), notes="y", acting_user=u
        ),
        "meeting_remove": lambda u: services.meeting_remove(meeting=meeting, acting_user=u),
        "attach": lambda u: services.agreement_document_attach(
            agreement=agreement, title="MoU", upload=pdf(), acting_user=u
        ),
        "publish": lambda u: services.consent_text_publish(
            purpose=Purpose.TRAINING, text_id="Teks", text_en="Text", acting_user=u
        ),
        "organisation": lambda u: services.organisation_create(
            data=OrganisationData(name="Mitra Baru", kind="company"), acting_user=u
        ),
    }


def test_nobody_but_agency_staff_writes_agreements(draft: Agreement, others: list[User]) -> None:
    calls = writes(draft)
    before = (Agreement.objects.count(), AgreementMeeting.objects.count(), ConsentText.objects.count())
    for name, write in calls.items():
        for user in others:
            with pytest.raises(Refused):
                write(user)
            assert (
                Agreement.objects.count(),
                AgreementMeeting.objects.count(),
                ConsentText.objects.count(),
            ) == before, name
    draft.refresh_from_db()
    assert draft.signed_on is None and not AgreementDocument.objects.exists()
    assert not PartnerOrganisation.objects.filter(name="Mitra Baru").exists()


def test_agency_staff_do_each_and_the_trail_says_so(draft: Agreement, agency_staff: User) -> None:
    for name, write in writes(draft).items():
        write(agency_staff)
        assert name
    draft.refresh_from_db()
    assert draft.state(TODAY()) == AgreementState.ACTIVE
    signed = history(draft)[0]
    assert signed.kind == "updated" and "number" in {change.field for change in signed.changes}
    assert {e.actor for e in history(draft)} == {str(agency_staff)}
    document = AgreementDocument.objects.get()
    [created] = history(document)
    assert (created.kind, created.actor) == ("created", str(agency_staff))
    assert ConsentText.objects.filter(purpose=Purpose.TRAINING).count() == 2


# --- bad input ----------------------------------------------------------------------------------------------------


def test_an_agreement_needs_a_step(agency_staff: User) -> None:
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(
            organisation=PartnerOrganisationFactory(), data=terms(steps=[]), acting_user=agency_staff
        )
    assert "no_steps" in [e.code for e in exc.value.error_dict["steps"]]
    assert not Agreement.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"ends_on": days(-5), "starts_on": days(0)}, "ends_on", "ends_before_start"),
        ({"signed_on": days(1)}, "signed_on", "signed_in_future"),
        ({"number": "  "}, "number", "required"),
    ],
)
def test_signing_refuses_bad_dates_and_changes_nothing(
    draft: Agreement, agency_staff: User, changes: dict[str, Any], field: str, code: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.agreement_sign(agreement=draft, signing=signing(**changes), acting_user=agency_staff)
    assert [e.code for e in exc.value.error_dict[field]] == [code]
    draft.refresh_from_db()
    assert (draft.signed_on, draft.number) == (None, "")


def test_signing_twice_is_refused(draft: Agreement, agency_staff: User) -> None:
    services.agreement_sign(agreement=draft, signing=signing(), acting_user=agency_staff)
    with pytest.raises(Refused) as exc:
        services.agreement_sign(agreement=draft, signing=signing(number="MOU/8/2026"), acting_user=agency_staff)
    assert exc.value.code == "already_signed"
    draft.refresh_from_db()
    assert draft.number == "MOU/7/2026"


def test_a_number_is_given_once_whatever_the_case(draft: Agreement, agency_staff: User) -> None:
    services.agreement_sign(agreement=draft, signing=signing(), acting_user=agency_staff)
    second = services.agreement_create(organisation=draft.organisation, data=terms(), acting_user=agency_staff)
    with pytest.raises(ValidationError):
        services.agreement_sign(agreement=second, signing=signing(number="mou/7/2026"), acting_user=agency_staff)
    second.refresh_from_db()
    assert second.signed_on is None


def test_ending_early(agency_staff: User) -> None:
    agreement = agreement_in_force(PartnerOrganisationFactory(), steps=[Step.P2], staff=agency_staff)
    for on, reason, field in [
        (days(0), " ", "end_reason"),
        (days(-60), "Mitra tutup", "ended_on"),  # before it was signed
        (days(400), "Mitra tutup", "ended_on"),  # after its end date: it expires anyway
    ]:
        with pytest.raises(ValidationError) as exc:
            services.agreement_end(agreement=agreement, on=on, reason=reason, acting_user=agency_staff)
        assert field in exc.value.error_dict
    agreement.refresh_from_db()
    assert agreement.ended_on is None
    services.agreement_end(agreement=agreement, on=days(0), reason=" Mitra tutup ", acting_user=agency_staff)
    agreement.refresh_from_db()
    assert agreement.state(TODAY()) == AgreementState.ENDED and agreement.end_reason == "Mitra tutup"
    with pytest.raises(Refused):
        services.agreement_end(agreement=agreement, on=days(0), reason="Lagi", acting_user=agency_staff)


def test_an_unsigned_agreement_cannot_be_ended(draft: Agreement, agency_staff: User) -> None:
    with pytest.raises(Refused):
        services.agreement_end(agreement=draft, on=days(0), reason="Batal", acting_user=agency_staff)


def test_an_ended_agreement_keeps_its_terms_but_records_may_be_kept(agency_staff: User) -> None:
    agreement = agreement_in_force(PartnerOrganisationFactory(), steps=[Step.P2], staff=agency_staff)
    agreement = services.agreement_end(agreement=agreement, on=days(0), reason="Selesai", acting_user=agency_staff)
    assert not permissions.can_change_terms(agreement)
    with pytest.raises(Refused):
        services.agreement_update(agreement=agreement, data=terms(steps=[Step.P7]), acting_user=agency_staff)
    agreement.refresh_from_db()
    assert agreement.steps == [Step.P2]
    services.agreement_document_attach(agreement=agreement, title="Surat", upload=pdf(), acting_user=agency_staff)
    services.meeting_add(agreement=agreement, held_on=days(0), notes="Penutupan", acting_user=agency_staff)


def test_terms_are_trimmed_and_criteria_deduplicated(draft: Agreement, agency_staff: User) -> None:
    updated = services.agreement_update(
        agreement=draft,
        data=terms(title="  PKS  ", steps=[Step.P3, Step.P2, Step.P3], criteria_tracks=["pemula", "pemula"]),
        acting_user=agency_staff,
    )
    assert (updated.title, updated.steps, updated.criteria_tracks) == ("PKS", ["P2", "P3"], ["pemula"])


@pytest.mark.parametrize(("held_on", "notes", "field"), [(days(1), "Rapat", "held_on"), (days(0), "  ", "notes")])
def test_a_meeting_is_held_and_has_notes(
    draft: Agreement, agency_staff: User, held_on: datetime.date, notes: str, field: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.meeting_add(agreement=draft, held_on=held_on, notes=notes, acting_user=agency_staff)
    assert field in exc.value.error_dict
    assert not AgreementMeeting.objects.exists()


def test_meetings_are_recorded_corrected_and_removed(draft: Agreement, agency_staff: User) -> None:
    meeting = services.meeting_add(agreement=draft, held_on=days(-3), notes=" Rapat awal ", acting_user=agency_staff)
    assert (meeting.notes, meeting.recorded_by) == ("Rapat awal", agency_staff)
    services.meeting_update(meeting=meeting, held_on=days(-2), notes="Rapat kedua", acting_user=agency_staff)
    services.meeting_remove(meeting=meeting, acting_user=agency_staff)
    assert not AgreementMeeting.objects.exists()
    assert [e.kind for e in history(meeting)] == ["deleted", "updated", "created"]


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("mou.pdf", png_bytes(), content_type="application/pdf"), "file_type"),
        (SimpleUploadedFile("mou.pdf", b"", content_type="application/pdf"), "empty"),
        (
            SimpleUploadedFile("mou.pdf", pdf_bytes() + b"0" * (10 * 1024 * 1024), content_type="application/pdf"),
            "too_large",
        ),
    ],
)
def test_a_document_is_a_pdf_of_at_most_10_mb(
    draft: Agreement, agency_staff: User, upload: SimpleUploadedFile, code: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.agreement_document_attach(agreement=draft, title="MoU", upload=upload, acting_user=agency_staff)
    assert [e.code for e in exc.value.error_dict["file"]] == [code]
    assert not AgreementDocument.objects.exists()


def test_a_document_is_stored_privately_and_removed_with_its_file(
    draft: Agreement, agency_staff: User, private_storage: Any, django_capture_on_commit_callbacks: Any
) -> None:
    document = services.agreement_document_attach(
        agreement=draft, title="MoU bertanda tangan", upload=pdf("nama asli.pdf"), acting_user=agency_staff
    )
    assert document.file.name.startswith(f"agreements/{draft.pk}/") and "asli" not in document.file.name
    stored = private_storage / document.file.name
    assert stored.read_bytes() == pdf_bytes() and document.size == len(pdf_bytes())
    with pytest.raises(ValueError, match="no URL"):
        document.file.url  # noqa: B018 - private storage has no address
    with django_capture_on_commit_callbacks(execute=True):
        services.agreement_document_remove(document=document, acting_user=agency_staff)
    assert not stored.exists() and not AgreementDocument.objects.exists()


def test_who_opens_a_document(draft: Agreement, agency_staff: User, partner_user: User, mentor_tebet: User) -> None:
    document = services.agreement_document_attach(agreement=draft, title="MoU", upload=pdf(), acting_user=agency_staff)
    assert permissions.can_see_agreement_document(agency_staff, document)
    assert not permissions.can_see_agreement_document(partner_user, document)
    assert not permissions.can_see_agreement_document(mentor_tebet, document)
    PartnerMemberFactory(user=partner_user, organisation=draft.organisation)
    assert permissions.can_see_agreement_document(partner_user, document)
    other = UserFactory(role=Role.PARTNER, email="lain@mitra.id")
    PartnerMemberFactory(user=other)
    assert not permissions.can_see_agreement_document(other, document)


# --- organisations ------------------------------------------------------------------------------------------------


def test_an_organisation_keeps_its_contacts(agency_staff: User) -> None:
    organisation = services.organisation_create(
        data=OrganisationData(
            name=" Bank Mitra ",
            kind="bank",
            contact_name=" Ibu Ani ",
            contact_email="ani@bankmitra.co.id",
            contact_phone="0812-3456-7890",
            website="https://bankmitra.co.id",
        ),
        acting_user=agency_staff,
    )
    assert (organisation.name, organisation.contact_name, organisation.contact_phone) == (
        "Bank Mitra",
        "Ibu Ani",
        "+6281234567890",
    )
    services.organisation_update(
        organisation=organisation,
        data=OrganisationData(name="Bank Mitra", kind="bank", contact_phone=""),
        acting_user=agency_staff,
    )
    organisation.refresh_from_db()
    assert organisation.contact_phone == "" and organisation.contact_email == ""
    assert [e.kind for e in history(organisation)] == ["updated", "created"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"contact_email": "bukan-email"}, "contact_email"),
        ({"website": "bukan situs"}, "website"),
        ({"name": "universitas mitra"}, "__all__"),
    ],
)
def test_bad_contacts_are_refused(agency_staff: User, changes: dict[str, str], field: str) -> None:
    PartnerOrganisationFactory(name="Universitas Mitra")
    with pytest.raises(ValidationError) as exc:
        services.organisation_create(
            data=OrganisationData(**{"name": "Mitra Baru", "kind": "company", **changes}), acting_user=agency_staff
        )
    assert field in exc.value.error_dict
    assert PartnerOrganisation.objects.count() == 1
