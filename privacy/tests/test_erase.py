"""A participant's erasure: afterwards no row of any table (events included) holds their name, email, mobile
number, NIK or its keyed hash; their files are gone from private storage; the program's counts are what they
were; the partners that received the data are listed; every session of the account has ended."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Count, Model
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from core.crypto import keyed_hash
from core.decisions import Refused
from feedback.tests.factories import PostFactory
from mentoring.tests.factories import VisitFactory
from notifications.models import Message
from partners.choices import Purpose, Step
from partners.models import Consent, PartnerOrganisation
from partners.tests.factories import PartnerOrganisationFactory, agreement_in_force, consent, issue_key
from partners.tests.test_data_saya import add_reads
from privacy import services
from privacy.models import DeletionRequest, DeletionState
from registration.choices import Sex
from registration.models import Document, Participant
from registration.nik import make_nik
from targets import summary
from targets.models import AreaCount, GapCount, MeasureCount

from .support import cash_book, document, registered, with_a_record_in_each_step

pytestmark = pytest.mark.django_db

SURNAME = "Kusumawardhani"
EMAIL = "siti.kusuma@example.id"
PHONE = "+6281299887766"
NIK = make_nik(district="317401", birth_date=datetime.date(1990, 5, 17), sex=Sex.FEMALE, serial=4242)


@pytest.fixture
def unj(agency_staff: User) -> PartnerOrganisation:
    organisation: PartnerOrganisation = PartnerOrganisationFactory(name="Universitas Negeri Jakarta")
    issue_key(agreement_in_force(organisation, steps=[Step.P2], staff=agency_staff), staff=agency_staff)
    organisation.refresh_from_db()
    return organisation


@pytest.fixture
def siti(mentor_tebet: User, unj: PartnerOrganisation, secretariat_tebet: User) -> Participant:
    """A participant with a record in every step, files in private storage, a consent and partner reads, a
    forum post, a second kecamatan-mate who stays."""
    user = UserFactory(email=EMAIL, phone=PHONE, full_name=f"Siti {SURNAME}")
    participant = registered(
        user, nik=NIK, phone=PHONE, birth_date=datetime.date(1990, 5, 17), address=f"Gang {SURNAME} 7"
    )
    participant.business.name = f"Warung {SURNAME}"
    participant.business.save()
    with_a_record_in_each_step(participant, mentor_tebet)
    scan = participant.documents.get()
    scan.file.save("ktp", ContentFile(b"\x89PNG scan of the KTP"), save=True)
    visit = VisitFactory(participant=participant, mentor=mentor_tebet, notes=f"Met Bu {SURNAME}", shared=True)
    visit.photo.save("photo", ContentFile(b"\xff\xd8 photo"), save=True)
    cash_book(participant, months=2, per_month=3)
    PostFactory(author=participant, kecamatan=participant.kecamatan, title=f"Usul dari {SURNAME}")
    consent(participant, unj, Purpose.TRAINING)
    add_reads(unj, participant, 2)
    Message.objects.create(
        recipient=user, channel="sms", address=PHONE, template="registration_approved", context={"name": SURNAME}
    )
    return participant


def tables_holding(needle: str) -> list[str]:
    """Every table of the database (the audit trail's event tables, the contexts, the sessions, the outbox...)
    with a row whose text, any column of it, holds `needle`."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
        for (table,) in cursor.fetchall():
            # the table's name is the catalogue's own, quoted; the needle is a parameter
            cursor.execute(f'SELECT 1 FROM "{table}" AS t WHERE t::text ILIKE %s LIMIT 1', [f"%{needle}%"])  # noqa: S608
            if cursor.fetchone():
                found.append(table)
    return found


NEEDLES = (SURNAME, EMAIL, PHONE.removeprefix("+62"), NIK, keyed_hash(NIK))


def cells(table: type[Model]) -> list[tuple[Any, ...]]:
    columns = [f.attname for f in table._meta.concrete_fields if not f.primary_key]
    return sorted(table.objects.values_list(*columns), key=repr)


def counts() -> dict[str, Any]:
    """The program's figures: registrations by kecamatan and status, the summaries' measure and area cells."""
    summary.rebuild()
    return {
        "registrations": sorted(
            Participant.objects.values_list("kecamatan", "registration__status", "track", "sex")
            .annotate(n=Count("pk"))
            .order_by()
        ),
        **{table.__name__: cells(table) for table in (MeasureCount, AreaCount, GapCount)},
    }


def erase(siti: Participant, staff: User, capture: Callable[..., Any]) -> DeletionRequest:
    asked = services.deletion_ask(participant=siti, acting_user=siti.user, reason=f"Saya {SURNAME}, hapus data")
    with capture(execute=True):
        return services.participant_erase(request=asked, acting_user=staff)


def test_before_the_erasure_the_search_finds_the_person(siti: Participant) -> None:
    """The search is real: it finds every needle while the data is there (the NIK only as its keyed hash)."""
    for needle in (SURNAME, EMAIL, PHONE.removeprefix("+62"), keyed_hash(NIK)):
        assert tables_holding(needle), needle
    assert "registration_participantevent" in tables_holding(SURNAME)


def test_after_the_erasure_no_table_holds_the_person(
    siti: Participant, agency_staff: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    erase(siti, agency_staff, django_capture_on_commit_callbacks)
    for needle in NEEDLES:
        assert tables_holding(needle) == [], needle


def test_the_files_are_gone_from_private_storage(
    siti: Participant, agency_staff: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    names = [siti.documents.get().file.name, siti.visits.exclude(photo="").get().photo.name]
    assert all(default_storage.exists(name) for name in names)
    erase(siti, agency_staff, django_capture_on_commit_callbacks)
    assert not any(default_storage.exists(name) for name in names)
    assert not Document.objects.filter(participant=siti).exists()


def test_the_statistics_are_unchanged(
    siti: Participant, agency_staff: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    before = counts()
    assert before["registrations"] and before["MeasureCount"]
    erase(siti, agency_staff, django_capture_on_commit_callbacks)
    assert counts() == before
    kept = Participant.objects.get(pk=siti.pk)
    assert kept.birth_date == datetime.date(1990, 1, 1)  # the age band stays
    assert (kept.kecamatan_id, kept.track, kept.sex) == (siti.kecamatan_id, siti.track, siti.sex)
    assert kept.nik == "" and kept.phone == "" and kept.kelurahan_id is None


def test_the_partners_are_listed_and_their_consent_withdrawn(
    siti: Participant, agency_staff: User, unj: PartnerOrganisation, django_capture_on_commit_callbacks: Any
) -> None:
    done = erase(siti, agency_staff, django_capture_on_commit_callbacks)
    done.refresh_from_db()
    assert done.state == DeletionState.DONE and done.decided_by == agency_staff and done.decided_at is not None
    assert done.partners_to_notify == [{"id": unj.pk, "name": "Universitas Negeri Jakarta"}]
    assert not Consent.objects.filter(participant=siti, withdrawn_at__isnull=True).exists()
    assert Consent.objects.filter(participant=siti).exists()  # the record of who received the data stays


def test_the_account_is_closed_and_its_sessions_end(
    client: Client, siti: Participant, agency_staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(siti.user)
    assert client.get(reverse("privacy:my_data")).status_code == 200
    erase(siti, agency_staff, django_capture_on_commit_callbacks)
    account = User.objects.get(pk=siti.user.pk)
    assert not account.is_active and not account.has_usable_password() and account.phone is None
    assert account.session_generation == siti.user.session_generation + 1
    response = client.get(reverse("privacy:my_data"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_the_trail_keeps_who_and_when_without_the_values(
    siti: Participant, agency_staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    from registration.models import ParticipantEvent

    created = ParticipantEvent.objects.filter(pgh_obj_id=siti.pk, pgh_label="created").get()
    erase(siti, agency_staff, django_capture_on_commit_callbacks)
    created.refresh_from_db()
    assert created.full_name == "[dihapus]" and created.email == "" and created.pgh_created_at is not None
    labels = set(ParticipantEvent.objects.filter(pgh_obj_id=siti.pk).values_list("pgh_label", flat=True))
    assert labels == {"created", "updated"}  # the erasure is an update of its own, by the staff member
    last = ParticipantEvent.objects.filter(pgh_obj_id=siti.pk).latest("pgh_id")
    assert last.pgh_context.metadata["user"] == agency_staff.pk


# --- who may, bad input ---------------------------------------------------------------------------------------


def test_asking_twice_is_refused(siti: Participant) -> None:
    services.deletion_ask(participant=siti, acting_user=siti.user)
    with pytest.raises(Exception) as raised:
        services.deletion_ask(participant=siti, acting_user=siti.user)
    assert getattr(raised.value, "code", "") == "already_asked"
    assert DeletionRequest.objects.count() == 1


def test_a_participant_asks_only_for_themselves(siti: Participant, other_entrepreneur: User) -> None:
    with pytest.raises(Refused):
        services.deletion_ask(participant=siti, acting_user=other_entrepreneur)
    assert not DeletionRequest.objects.exists()


@pytest.mark.parametrize(
    "role", ["entrepreneur_of_request", "other_entrepreneur", "mentor_tebet", "secretariat_tebet", "partner_user"]
)
def test_only_agency_staff_decide(role: str, siti: Participant, request: pytest.FixtureRequest) -> None:
    asked = services.deletion_ask(participant=siti, acting_user=siti.user)
    who = siti.user if role == "entrepreneur_of_request" else request.getfixturevalue(role)
    with pytest.raises(Refused):
        services.participant_erase(request=asked, acting_user=who)
    with pytest.raises(Refused):
        services.deletion_refuse(request=asked, note="Wajib disimpan", acting_user=who)
    asked.refresh_from_db()
    assert asked.is_open and Participant.objects.get(pk=siti.pk).full_name == siti.full_name


def test_a_decided_request_cannot_be_decided_again(
    siti: Participant, agency_staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    asked = services.deletion_ask(participant=siti, acting_user=siti.user)
    with pytest.raises(Exception) as no_note:
        services.deletion_refuse(request=asked, note="  ", acting_user=agency_staff)
    assert getattr(no_note.value, "code", "") == "note_required"
    refused = services.deletion_refuse(request=asked, note="Pinjaman berjalan", acting_user=agency_staff)
    for decide in (
        lambda: services.participant_erase(request=refused, acting_user=agency_staff),
        lambda: services.deletion_refuse(request=refused, note="again", acting_user=agency_staff),
    ):
        with pytest.raises(Exception) as raised:
            decide()
        assert getattr(raised.value, "code", "") == "decided"
    assert Participant.objects.get(pk=siti.pk).full_name == siti.full_name
    done = erase(siti, agency_staff, django_capture_on_commit_callbacks)  # asked again after the refusal
    with pytest.raises(Exception) as again:
        services.participant_erase(request=done, acting_user=agency_staff)
    assert getattr(again.value, "code", "") == "decided"


def test_another_participant_is_untouched(
    siti: Participant, other_entrepreneur: User, agency_staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    budi = registered(other_entrepreneur, full_name="Budi Santoso")
    document(budi)
    erase(siti, agency_staff, django_capture_on_commit_callbacks)
    budi.refresh_from_db()
    assert budi.full_name == "Budi Santoso" and budi.documents.exists() and budi.user.is_active
    assert User.objects.get(pk=other_entrepreneur.pk).email == "budi@example.id"
