"""A mentor logs a visit (date, kind, steps, notes, follow-ups, photo) and marks follow-ups done."""

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from mentoring.models import FollowUp, MentorAssignment, Visit
from mentoring.tests.factories import FollowUpFactory, VisitFactory
from registration.models import Participant
from registration.tests.conftest import login
from registration.tests.factories import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def photo(name: str = "warung.jpg", content: bytes | None = None, content_type: str = "image/jpeg") -> Any:
    return SimpleUploadedFile(name, png_bytes((80, 60)) if content is None else content, content_type=content_type)


def visit_data(**overrides: Any) -> dict[str, Any]:
    today = TODAY()
    data: dict[str, Any] = {
        "date": today.isoformat(),
        "kind": "field",
        "steps": ["P3", "P4"],
        "notes": "Membahas NIB dan harga jual.",
        "shared": "on",
        "stage": "P4",
        "followups-TOTAL_FORMS": "3",
        "followups-INITIAL_FORMS": "0",
        "followups-MIN_NUM_FORMS": "0",
        "followups-MAX_NUM_FORMS": "10",
        "followups-0-what": "Daftar NIB lewat OSS",
        "followups-0-due_date": (today + datetime.timedelta(days=7)).isoformat(),
        "followups-1-what": "Catat penjualan harian",
        "followups-1-due_date": (today + datetime.timedelta(days=14)).isoformat(),
        "followups-2-what": "",
        "followups-2-due_date": "",
    }
    data.update(overrides)
    return data


def url(participant: Participant) -> str:
    return reverse("mentoring:log_visit", args=[participant.pk])


def test_mentor_logs_a_visit_with_follow_ups_and_a_photo(
    client: Client, siti: Participant, mentor_tebet: User, private_storage: Path
) -> None:
    login(client, mentor_tebet)
    assert client.get(url(siti)).status_code == 200

    response = client.post(url(siti), {**visit_data(), "photo": photo()})

    assert response.url == reverse("mentoring:participant", args=[siti.pk])
    visit = Visit.objects.get()
    assert (visit.mentor, visit.participant, visit.kind, visit.steps, visit.shared) == (
        mentor_tebet,
        siti,
        "field",
        ["P3", "P4"],
        True,
    )
    assert list(visit.follow_ups.values_list("what", flat=True)) == ["Daftar NIB lewat OSS", "Catat penjualan harian"]
    assert all(f.participant_id == siti.pk for f in visit.follow_ups.all())
    assert MentorAssignment.objects.get(participant=siti, active=True).stage == "P4"
    # the photo sits in private storage under a server-made name, and is served by the checked view
    assert visit.photo_content_type == "image/png"
    assert "warung" not in visit.photo.name
    assert (private_storage / visit.photo.name).exists()
    served = client.get(reverse("mentoring:visit_photo", args=[visit.public_id]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["Cache-Control"] == "private, no-store"
    assert b"".join(served.streaming_content) == png_bytes((80, 60))
    page = client.get(response.url).content.decode()
    assert "Membahas NIB dan harga jual." in page and "Daftar NIB lewat OSS" in page


def test_a_photo_missing_from_storage_is_a_404_not_a_crash(
    client: Client, siti: Participant, mentor_tebet: User, private_storage: Path
) -> None:
    login(client, mentor_tebet)
    client.post(url(siti), {**visit_data(), "photo": photo()})
    visit = Visit.objects.get()
    (private_storage / visit.photo.name).unlink()
    assert client.get(reverse("mentoring:visit_photo", args=[visit.public_id])).status_code == 404
    assert client.get(reverse("mentoring:participant", args=[siti.pk])).status_code == 200


def test_a_visit_without_follow_ups_or_photo(client: Client, siti: Participant, mentor_tebet: User) -> None:
    login(client, mentor_tebet)
    data = visit_data(**{"followups-0-what": "", "followups-0-due_date": "", "followups-1-what": ""})
    data.update({"followups-1-due_date": "", "shared": "", "steps": [], "stage": ""})
    response = client.post(url(siti), data)
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.shared, visit.steps, bool(visit.photo), visit.follow_ups.count()) == (False, [], False, 0)
    assert MentorAssignment.objects.get(participant=siti, active=True).stage == "P2"


@pytest.mark.parametrize(
    ("upload", "max_bytes"),
    [
        pytest.param(photo("foto.jpg", b"this is not a picture at all" * 10), None, id="text-renamed-jpg"),
        pytest.param(photo("foto.jpg", pdf_bytes(), "image/jpeg"), None, id="pdf-renamed-jpg"),
        pytest.param(photo("foto.png", png_bytes()[:40] + b"\0" * 200, "image/png"), None, id="damaged-png"),
        pytest.param(photo("foto.jpg", b""), None, id="empty"),
        pytest.param(photo("besar.jpg"), 100, id="oversize"),
    ],
)
def test_photos_that_are_not_acceptable_images_are_refused(
    client: Client,
    siti: Participant,
    mentor_tebet: User,
    settings: Any,
    private_storage: Path,
    upload: Any,
    max_bytes: int | None,
) -> None:
    if max_bytes:
        settings.DOCUMENT_MAX_BYTES = max_bytes
    login(client, mentor_tebet)
    response = client.post(url(siti), {**visit_data(), "photo": upload})
    assert response.status_code == 400
    assert "photo" in response.context["form"].errors
    assert not Visit.objects.exists() and not FollowUp.objects.exists()
    assert not any(private_storage.rglob("*")) if private_storage.exists() else True


def test_the_photo_refusal_names_the_accepted_types(client: Client, siti: Participant, mentor_tebet: User) -> None:
    login(client, mentor_tebet)
    client.post("/i18n/setlang/", {"language": "en"})
    response = client.post(url(siti), {**visit_data(), "photo": photo("x.jpg", pdf_bytes())})
    assert "Only JPEG or PNG photos are accepted" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("date", {"date": "2999-01-01"}),
        ("date", {"date": "2001-01-01"}),
        ("date", {"date": "kemarin"}),
        ("kind", {"kind": "teleport"}),
        ("steps", {"steps": ["P9"]}),
        ("notes", {"notes": "   "}),
        ("stage", {"stage": "P0"}),
    ],
)
def test_bad_visit_input_is_refused(
    client: Client, siti: Participant, mentor_tebet: User, field: str, overrides: dict[str, Any]
) -> None:
    login(client, mentor_tebet)
    response = client.post(url(siti), visit_data(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("due_date", {"followups-0-due_date": ""}),
        ("what", {"followups-0-what": ""}),
        ("due_date", {"followups-0-due_date": "2001-01-01"}),
        ("due_date", {"followups-0-due_date": "2999-01-01"}),
    ],
)
def test_bad_follow_ups_are_refused(
    client: Client, siti: Participant, mentor_tebet: User, field: str, overrides: dict[str, Any]
) -> None:
    login(client, mentor_tebet)
    response = client.post(url(siti), visit_data(**overrides))
    assert response.status_code == 400
    assert field in response.context["follow_ups"].forms[0].errors
    assert not Visit.objects.exists() and not FollowUp.objects.exists()


def test_a_tampered_formset_is_refused(client: Client, siti: Participant, mentor_tebet: User) -> None:
    login(client, mentor_tebet)
    response = client.post(url(siti), visit_data(**{"followups-TOTAL_FORMS": "x"}))
    assert response.status_code == 400
    assert not Visit.objects.exists()


@pytest.mark.parametrize("fixture", ["secretariat_tebet", "agency_staff"])
def test_only_mentors_log_visits(
    client: Client, request: pytest.FixtureRequest, siti: Participant, fixture: str
) -> None:
    login(client, request.getfixturevalue(fixture))
    assert client.get(url(siti)).status_code == 403
    assert client.post(url(siti), visit_data()).status_code == 403
    assert not Visit.objects.exists()


@pytest.mark.parametrize("fixture", ["mentor_gambir", "entrepreneur", "partner_user"])
def test_others_get_404_on_the_visit_form(
    client: Client, request: pytest.FixtureRequest, siti: Participant, fixture: str
) -> None:
    login(client, request.getfixturevalue(fixture))
    assert client.post(url(siti), visit_data()).status_code == 404
    assert not Visit.objects.exists()


def test_a_colleague_mentor_of_the_same_office_may_log_a_visit(client: Client, siti: Participant) -> None:
    from mentoring.tests.factories import MentorFactory

    colleague = MentorFactory()
    login(client, colleague)
    assert client.post(url(siti), visit_data()).status_code == 302
    assert Visit.objects.get().mentor == colleague


def test_mentor_marks_a_follow_up_done_once(client: Client, siti: Participant, mentor_tebet: User) -> None:
    follow_up = FollowUpFactory(visit=VisitFactory(participant=siti, mentor=mentor_tebet))
    done_url = reverse("mentoring:follow_up_done", args=[follow_up.pk])
    login(client, mentor_tebet)
    assert client.get(done_url).status_code == 405
    caseload = reverse("mentoring:caseload")
    assert client.post(done_url, {"next": caseload}).url == caseload
    follow_up.refresh_from_db()
    first_done = follow_up.done_at
    assert first_done is not None and follow_up.done_by == mentor_tebet
    assert client.post(done_url, {"next": "https://evil.example/"}).url == reverse(
        "mentoring:participant", args=[siti.pk]
    )
    follow_up.refresh_from_db()
    assert follow_up.done_at == first_done


@pytest.mark.parametrize("fixture", ["mentor_gambir", "entrepreneur", "secretariat_tebet", "partner_user"])
def test_others_cannot_mark_follow_ups_done(
    client: Client, request: pytest.FixtureRequest, siti: Participant, mentor_tebet: User, fixture: str
) -> None:
    follow_up = FollowUpFactory(visit=VisitFactory(participant=siti, mentor=mentor_tebet))
    login(client, request.getfixturevalue(fixture))
    assert client.post(reverse("mentoring:follow_up_done", args=[follow_up.pk])).status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.done_at is None


def test_participant_page_runs_a_fixed_number_of_queries(
    client: Client, siti: Participant, mentor_tebet: User, django_assert_max_num_queries: Any
) -> None:
    for days in range(12):
        visit = VisitFactory(participant=siti, mentor=mentor_tebet, date=TODAY() - datetime.timedelta(days=days))
        FollowUpFactory.create_batch(2, visit=visit)
    login(client, mentor_tebet)
    with django_assert_max_num_queries(15):  # licences, marketing, capital (readiness 3, referrals 1)
        response = client.get(reverse("mentoring:participant", args=[siti.pk]))
    assert response.status_code == 200
    assert len(response.context["page"].items) == 10
    assert len(response.context["open_follow_ups"]) == 24
