"""Attendance per session day, completion at the course's threshold, the certificate (PDF) and its public
verification page."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from accounts.models import User
from notifications.models import Message
from registration.tests.conftest import login
from training import services
from training.choices import EnrolmentStatus
from training.models import Attendance, Certificate, Enrolment, Session
from training.tests.factories import EnrolmentFactory, SessionFactory

pytestmark = pytest.mark.django_db


def started_session(days: int = 1, **kwargs: Any) -> Session:
    """A session that began this morning (or `days - 1` days ago) and ends on its last day."""
    today = timezone.localdate()
    first = today - datetime.timedelta(days=days - 1)
    starts = timezone.make_aware(datetime.datetime.combine(first, datetime.time(0, 30)))
    ends = timezone.make_aware(datetime.datetime.combine(today, datetime.time(23, 0)))
    session = SessionFactory(**kwargs)
    Session.objects.filter(pk=session.pk).update(
        starts_at=starts, ends_at=ends, registration_deadline=starts - datetime.timedelta(days=1)
    )
    session.refresh_from_db()
    return session


def record(session: Session, day: datetime.date, present: list[Enrolment], user: User) -> list[Certificate]:
    """Record a day's attendance; the certificates it issued."""
    return record_day(session, day, present, user).issued


def record_day(
    session: Session, day: datetime.date, present: list[Enrolment], user: User
) -> services.AttendanceOutcome:
    return services.attendance_record(session=session, day=day, present=[e.pk for e in present], acting_user=user)


def test_attendance_at_the_threshold_completes_and_issues_a_certificate(agency_staff: User) -> None:
    # five days, 80%: four days present complete the training, three do not
    session = started_session(days=5)
    diligent, absent_twice = EnrolmentFactory.create_batch(2, session=session)
    days = session.days
    assert len(days) == 5
    for day in days[:2]:
        assert record(session, day, [diligent, absent_twice], agency_staff) == []
    assert record(session, days[2], [diligent], agency_staff) == []
    issued = record(session, days[3], [diligent], agency_staff)
    assert [c.enrolment_id for c in issued] == [diligent.pk]
    record(session, days[4], [absent_twice], agency_staff)

    diligent.refresh_from_db()
    absent_twice.refresh_from_db()
    assert diligent.status == EnrolmentStatus.COMPLETED
    assert absent_twice.status == EnrolmentStatus.ENROLLED
    certificate = Certificate.objects.get()
    assert certificate.enrolment_id == diligent.pk
    assert certificate.full_name == diligent.participant.full_name
    assert certificate.course_title == session.course.title
    assert Attendance.objects.filter(enrolment=absent_twice, present=False).count() == 2
    message = Message.objects.get(template="training_certificate_issued")
    assert message.recipient_id == diligent.participant.user_id
    assert message.context["code"] == certificate.code
    assert message.context["link"] == f"http://testserver{reverse('training:mine')}"
    # taking the last day again changes nothing for the completed one: one certificate
    record(session, days[4], [diligent, absent_twice], agency_staff)
    assert Certificate.objects.count() == 1


def test_attendance_is_recorded_again_not_twice(agency_staff: User) -> None:
    session = started_session(days=2, course__completion_threshold=100)
    enrolment = EnrolmentFactory(session=session)
    day = session.days[0]
    record(session, day, [], agency_staff)
    record(session, day, [enrolment], agency_staff)
    assert list(Attendance.objects.values_list("day", "present")) == [(day, True)]


@pytest.mark.parametrize("offset", [-1, 1])
def test_attendance_only_on_session_days_up_to_today(agency_staff: User, offset: int) -> None:
    session = started_session(days=1)
    enrolment = EnrolmentFactory(session=session)
    with pytest.raises(ValidationError) as exc:
        record(session, timezone.localdate() + datetime.timedelta(days=offset), [enrolment], agency_staff)
    assert exc.value.code == "not_session_day"
    future = SessionFactory()
    with pytest.raises(ValidationError) as exc:
        record(future, future.days[0], [], agency_staff)
    assert exc.value.code == "future_day"
    assert not Attendance.objects.exists()


def test_only_attending_enrolments_can_be_marked(agency_staff: User) -> None:
    session = started_session()
    EnrolmentFactory(session=session)
    stranger = EnrolmentFactory(session=SessionFactory())
    waiting = EnrolmentFactory(session=session, status=EnrolmentStatus.WAITLISTED)
    for enrolment in (stranger, waiting):
        with pytest.raises(ValidationError) as exc:
            record(session, session.days[0], [enrolment], agency_staff)
        assert exc.value.code == "not_attending"
    assert not Attendance.objects.exists()


def test_unticking_a_completed_participant_withdraws_the_completion_and_the_certificate(
    client: Client, agency_staff: User
) -> None:
    session = started_session(days=1)
    enrolment = EnrolmentFactory(session=session)
    day = session.days[0]
    [certificate] = record(session, day, [enrolment], agency_staff)
    verify_url = reverse("training:certificate_verify", args=[certificate.code])
    assert client.get(verify_url).status_code == 200

    outcome = record_day(session, day, [], agency_staff)

    assert outcome.issued == [] and [e.pk for e in outcome.withdrawn] == [enrolment.pk]
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.completed_at) == (EnrolmentStatus.ENROLLED, None)
    assert not Certificate.objects.exists()
    assert client.get(verify_url).status_code == 404
    session.refresh_from_db()
    assert session.enrolled_count == 1  # the seat is still theirs
    # no message about the withdrawal: only the completion's
    assert list(Message.objects.values_list("template", flat=True)) == ["training_certificate_issued"]
    # ticked again: completed again, with a new certificate (and its message); the old code stays void
    [again] = record(session, day, [enrolment], agency_staff)
    assert again.code != certificate.code
    assert client.get(verify_url).status_code == 404
    assert Message.objects.filter(template="training_certificate_issued").count() == 2


def test_a_completion_stands_while_the_attendance_still_reaches_the_threshold(agency_staff: User) -> None:
    # five days, 80%: four needed; present on all five, then one day unticked
    session = started_session(days=5)
    enrolment = EnrolmentFactory(session=session)
    days = session.days
    for day in days:
        record(session, day, [enrolment], agency_staff)
    assert Certificate.objects.count() == 1
    assert record_day(session, days[0], [], agency_staff).withdrawn == []
    assert Enrolment.objects.get(pk=enrolment.pk).status == EnrolmentStatus.COMPLETED
    # a second day unticked: three of five is below the threshold
    assert [e.pk for e in record_day(session, days[1], [], agency_staff).withdrawn] == [enrolment.pk]
    assert Enrolment.objects.get(pk=enrolment.pk).status == EnrolmentStatus.ENROLLED
    assert not Certificate.objects.exists()


def test_only_a_change_of_attendance_withdraws_a_completion(agency_staff: User) -> None:
    """A threshold raised after the certificate was issued does not take it back when another day is taken."""
    session = started_session(days=5)
    enrolment = EnrolmentFactory(session=session)
    days = session.days
    for day in days[:4]:
        record(session, day, [enrolment], agency_staff)
    record(session, days[4], [], agency_staff)
    assert Certificate.objects.count() == 1
    session.course.completion_threshold = 100
    session.course.save()
    assert record_day(session, days[4], [], agency_staff).withdrawn == []
    assert Enrolment.objects.get(pk=enrolment.pk).status == EnrolmentStatus.COMPLETED


def test_a_withdrawal_is_undone_with_the_attendance_when_it_fails(
    agency_staff: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Attendance, enrolment and certificate change in one transaction."""
    session = started_session(days=1)
    enrolment = EnrolmentFactory(session=session)
    record(session, session.days[0], [enrolment], agency_staff)

    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "_withdraw_completions", fail)
    with pytest.raises(RuntimeError):
        record(session, session.days[0], [], agency_staff)
    assert Attendance.objects.get(enrolment=enrolment).present is True
    assert Enrolment.objects.get(pk=enrolment.pk).status == EnrolmentStatus.COMPLETED
    assert Certificate.objects.filter(enrolment=enrolment).exists()


@pytest.fixture
def certificate(agency_staff: User, participant: Any) -> Certificate:
    session = started_session(course__title="Digital Marketing untuk UMKM")
    enrolment = EnrolmentFactory(session=session, participant=participant)
    [issued] = record(session, session.days[0], [enrolment], agency_staff)
    return issued


def test_the_holder_downloads_the_certificate_as_a_pdf(
    client: Client, entrepreneur: User, certificate: Certificate
) -> None:
    login(client, entrepreneur)
    response = client.get(reverse("training:certificate_pdf", args=[certificate.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("who", ["other_entrepreneur", "partner_user", "mentor_tebet"])
def test_nobody_else_downloads_it(
    client: Client, request: pytest.FixtureRequest, who: str, certificate: Certificate
) -> None:
    login(client, request.getfixturevalue(who))
    assert client.get(reverse("training:certificate_pdf", args=[certificate.code])).status_code == 404


def test_anonymous_is_sent_to_log_in_for_the_pdf(client: Client, certificate: Certificate) -> None:
    response = client.get(reverse("training:certificate_pdf", args=[certificate.code]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_public_page_confirms_a_genuine_certificate_with_name_course_and_date_only(
    client: Client, certificate: Certificate
) -> None:
    participant = certificate.enrolment.participant
    business = participant.business if hasattr(participant, "business") else None
    response = client.get(reverse("training:certificate_verify", args=[certificate.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert participant.full_name in html
    assert "Digital Marketing untuk UMKM" in html
    assert certificate.code in html
    assert 'id="certificate-genuine"' in html
    for personal in (
        participant.nik,
        participant.masked_nik,
        participant.email,
        participant.address,
        participant.phone or "+62",
        participant.kecamatan.name,
        participant.birth_date.strftime("%Y"),
    ):
        assert personal not in html, personal
    if business is not None:
        assert business.name not in html


def test_an_unknown_code_is_not_confirmed(client: Client, certificate: Certificate) -> None:
    response = client.get(reverse("training:certificate_verify", args=["JPC-AAAAA-AAAAA"]))
    assert response.status_code == 404
    assert 'id="certificate-unknown"' in response.content.decode()
    assert certificate.full_name not in response.content.decode()


def test_the_code_is_checked_in_any_case(client: Client, certificate: Certificate) -> None:
    response = client.get(reverse("training:certificate_verify", args=[certificate.code.lower()]))
    assert response.status_code == 200


def test_a_nul_in_a_certificate_url_is_not_found(client: Client, entrepreneur: User, certificate: Certificate) -> None:
    """PostgreSQL refuses a NUL in a string: it used to reach the query, a 500."""
    assert client.get("/sertifikat/%00/").status_code == 404
    assert client.get(f"/sertifikat/{certificate.code}%00/").status_code == 404
    login(client, entrepreneur)
    assert client.get("/pelatihan/sertifikat/%00/unduh/").status_code == 404
    assert client.get(f"/pelatihan/sertifikat/{certificate.code}%00/unduh/").status_code == 404


@pytest.mark.parametrize("code", ["\x00", "JPC-\x00", "A" * 25, "JPC AAAAA", "JPC-AAAAé", "JPC/AAAAA", "'--"])
def test_a_certificate_url_takes_only_a_code(code: str) -> None:
    """Letters, digits and dashes, at most 24: anything else is no page at all, and never reaches a query."""
    for path in (f"/sertifikat/{code}/", f"/pelatihan/sertifikat/{code}/unduh/"):
        with pytest.raises(Resolver404):
            resolve(path)
    assert resolve("/sertifikat/jpc-abcde-23456/").kwargs == {"code": "jpc-abcde-23456"}


@pytest.mark.parametrize(("repeat", "fits"), [(1, True), (12, False)])
def test_the_certificate_is_one_page_even_with_the_longest_name_and_title(
    certificate: Certificate, repeat: int, fits: bool
) -> None:
    """Names and titles as long as their fields allow still fit one page (and the check would see a second)."""
    from training.certificates import certificate_document

    certificate.full_name = ("Raden Ajeng Siti Nurhaliza Rahayu Kusumawardhani Putri " * 3)[:150] * repeat
    certificate.course_title = ("Membangun Usaha Kuliner Rumahan di Era Digital: Pemasaran Daring " * 3)[:150] * repeat
    document = certificate_document(certificate, verify_url="https://jakpreneur.jakarta.go.id/sertifikat/JPC-X/")
    assert (len(document.pages) == 1) is fits


def test_the_certificate_prints_the_public_address_not_the_request_host(
    client: Client, entrepreneur: User, certificate: Certificate, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from training import certificates

    settings.SITE_URL = "https://jakpreneur.jakarta.go.id"
    seen: list[str] = []
    original = certificates.certificate_pdf

    def spy(cert: Certificate, *, verify_url: str) -> bytes:
        seen.append(verify_url)
        return original(cert, verify_url=verify_url)

    monkeypatch.setattr(certificates, "certificate_pdf", spy)
    login(client, entrepreneur)
    assert client.get(reverse("training:certificate_pdf", args=[certificate.code])).status_code == 200
    assert seen == [f"https://jakpreneur.jakarta.go.id/sertifikat/{certificate.code}/"]
