"""P2 end to end in a real browser: a verified participant finds a session and enrols; on the day, the partner
organisation's user takes attendance on a phone; the participant downloads the certificate (a PDF) and its
public verification page, opened by anyone, confirms it.

Selectors are ids, names, data- attributes and URLs, never visible text (the pages are in Bahasa Indonesia)."""

import datetime
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from accounts.models import User
from partners.models import PartnerOrganisation
from partners.tests.factories import PartnerMemberFactory
from registration.choices import Sector, Status
from registration.tests.factories import ParticipantFactory, RegistrationFactory
from tests.e2e.pages import Shot, log_in, submit
from training.choices import EnrolmentStatus, SkillType, Topic
from training.models import Certificate, Enrolment, Session
from training.tests.factories import PartnerCourseFactory, SessionFactory

COURSE = "Pemasaran Digital untuk UMKM Kuliner"


def move_to_today(session: Session) -> None:
    """Time passes: the session now runs today, from just after midnight to the last minute (Jakarta time), so it
    is still under way whenever in the day the journey runs."""
    from django.utils import timezone

    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(0, 5)))
    Session.objects.filter(pk=session.pk).update(
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=23, minutes=54),
        registration_deadline=start - datetime.timedelta(days=1),
    )


@pytest.mark.e2e
def test_enrol_attend_and_download_the_certificate(
    page: Page,
    phone_page: Page,
    new_context: Callable[..., BrowserContext],
    entrepreneur: User,
    partner_user: User,
    shot: Shot,
) -> None:
    participant = RegistrationFactory(
        participant=ParticipantFactory(user=entrepreneur), status=Status.APPROVED
    ).participant
    organisation: PartnerOrganisation = PartnerMemberFactory(
        user=partner_user, organisation__name="Universitas Negeri Jakarta"
    ).organisation
    course = PartnerCourseFactory(
        title=COURSE,
        organiser_partner=organisation,
        skill_type=SkillType.SOFT,
        topic=Topic.DIGITAL_MARKETING,
        sector=Sector.CULINARY,
        description="Foto produk, toko daring dan melayani pembeli lewat marketplace.",
    )
    session = SessionFactory(course=course, capacity=10)
    SessionFactory()  # another session, of Dinas PPKUKM, to filter out

    # 1. The participant browses soft-skill trainings and opens the session.
    log_in(page, entrepreneur.email or "")
    expect(page.locator("#journey li[data-step=P2]")).to_have_attribute("data-state", "not_started")
    page.goto("/pelatihan/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    if page.locator("#filter-toggle").is_visible():  # on a phone the filters fold behind a button
        page.locator("#filter-toggle").click()
        expect(page.locator("#filter-form")).to_have_class(re.compile(r"\bshow\b"))  # unfolded, not still moving
    page.locator("#filter-form [name=skill]").select_option("soft")
    submit(page, "#filter-form")
    expect(page).to_have_url(re.compile(r"skill=soft"))
    cards = page.locator("#sessions [data-session]")
    expect(cards).to_have_count(1)
    shot(page, "browse")
    cards.locator(f"a[href='/pelatihan/sesi/{session.pk}/']").click()

    # 2. Enrol.
    expect(page).to_have_url(re.compile(rf"/pelatihan/sesi/{session.pk}/$"))
    submit(page, "#enrol-form")
    expect(page.locator("main .alert-success")).to_be_visible()
    expect(page.locator("#enrolment-box")).to_have_attribute("data-status", "enrolled")
    shot(page, "enrolled")
    enrolment = Enrolment.objects.get(session=session, participant=participant)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    page.goto("/beranda/")
    expect(page.locator("#journey li[data-step=P2]")).to_have_attribute("data-state", "in_progress")

    # 3. On the day, the partner's user takes attendance on a phone.
    move_to_today(session)
    organiser = phone_page
    log_in(organiser, partner_user.email or "")
    organiser.goto("/penyelenggara/pelatihan/")
    expect(organiser.locator("html")).to_have_attribute("lang", "id")
    organiser.locator(f"#organiser-sessions a[href='/penyelenggara/pelatihan/sesi/{session.pk}/']").click()
    expect(organiser.locator(f"#enrolments tr[data-enrolment='{enrolment.pk}']")).to_have_attribute(
        "data-status", "enrolled"
    )
    shot(organiser, "organiser-session")
    organiser.locator("#session-days a[data-day]").first.click()
    expect(organiser).to_have_url(re.compile(rf"/sesi/{session.pk}/hadir/\d{{4}}-\d{{2}}-\d{{2}}/$"))
    organiser.locator(f"#attendance-form input[name=present][value='{enrolment.pk}']").check()
    shot(organiser, "attendance")
    submit(organiser, "#attendance-form")
    expect(organiser).to_have_url(re.compile(rf"/penyelenggara/pelatihan/sesi/{session.pk}/$"))
    expect(organiser.locator(f"#enrolments tr[data-enrolment='{enrolment.pk}']")).to_have_attribute(
        "data-status", "completed"
    )
    shot(organiser, "attendance-saved")
    certificate = Certificate.objects.get(enrolment=enrolment)

    # 4. The participant downloads the certificate: a PDF. P2 is done.
    page.goto("/pelatihan/saya/")
    row = page.locator(f"#my-trainings [data-enrolment='{enrolment.pk}']")
    expect(row).to_have_attribute("data-status", "completed")
    shot(page, "my-trainings")
    with page.expect_download() as download_info:
        row.locator("a.certificate-download").click()
    download = download_info.value
    assert download.suggested_filename == f"sertifikat-{certificate.code}.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
    page.goto("/beranda/")
    expect(page.locator("#journey li[data-step=P2]")).to_have_attribute("data-state", "done")
    shot(page, "home-p2-done")

    # 5. Anyone (not logged in) checks the certificate on its public page: the name and the course, no more.
    stranger = new_context().new_page()
    stranger.goto(f"/sertifikat/{certificate.code}/")
    expect(stranger.locator("#certificate-genuine")).to_be_visible()
    expect(stranger.locator("#certificate-name")).to_have_text(participant.full_name)
    expect(stranger.locator("#certificate-course")).to_have_text(COURSE)
    assert participant.nik not in stranger.content()
    shot(stranger, "verification")
