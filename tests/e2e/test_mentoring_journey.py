"""P3 end to end in a real browser, on a phone: a Tebet mentor in the field opens a participant from the caseload,
logs a visit with a follow-up and a photo, and finds the follow-up on the caseload. The participant then sees
the shared notes on their own phone. Long unbroken words (a pasted link) never make a phone scroll sideways.

Selectors are ids, names, data- attributes and URLs, never visible text (the page speaks Bahasa Indonesia)."""

import datetime
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from accounts.models import User
from mentoring.models import FollowUp, Visit
from mentoring.tests.factories import (
    AssignmentFactory,
    HelpMessageFactory,
    HelpRequestFactory,
    VisitFactory,
    verified_participant,
)
from registration.tests.factories import png_bytes
from tests.e2e.conftest import PHONE
from tests.e2e.pages import Shot, fits_the_screen, log_in

NOTES = "Membahas harga jual dan pendaftaran NIB lewat OSS."
FOLLOW_UP = "Daftar NIB lewat OSS"


@pytest.mark.e2e
def test_mentor_logs_a_visit_from_a_phone_and_sees_it_on_the_caseload(
    phone_page: Page,
    new_context: Callable[..., BrowserContext],
    mentor_tebet: User,
    entrepreneur: User,
    shot: Shot,
    tmp_path: Path,
) -> None:
    siti = verified_participant("Tebet", user=entrepreneur)
    AssignmentFactory(participant=siti, mentor=mentor_tebet)
    visited = verified_participant("Tebet", full_name="Budi Dikunjungi")
    AssignmentFactory(participant=visited, mentor=mentor_tebet)
    VisitFactory(participant=visited, mentor=mentor_tebet, date=timezone.localdate())
    due = timezone.localdate() + datetime.timedelta(days=7)
    picture = tmp_path / "warung.jpg"
    picture.write_bytes(png_bytes((640, 480)))
    page = phone_page

    # 1. The mentor's home: caseload and target; on to the caseload, never visited first.
    log_in(page, mentor_tebet.email or "")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("#mentor-target")).to_be_visible()
    shot(page, "home")
    page.locator("#open-caseload").click()
    expect(page).to_have_url(re.compile(r"/pendampingan/$"))
    items = page.locator("#caseload > li")
    expect(items).to_have_count(2)
    expect(items.first).to_have_attribute("data-participant", str(siti.pk))
    assert fits_the_screen(page)
    shot(page, "caseload-before")

    # 2. The participant's page, then the visit form.
    items.first.locator("a").click()
    expect(page).to_have_url(re.compile(rf"/pendampingan/peserta/{siti.pk}/$"))
    page.locator("#log-visit").click()
    expect(page).to_have_url(re.compile(rf"/pendampingan/peserta/{siti.pk}/kunjungan/$"))
    form = page.locator("#visit-form")
    expect(form.locator("[name=date]")).to_have_value(timezone.localdate().isoformat())
    form.locator("[name=kind][value=field]").check()
    form.locator("[name=steps][value=P3]").check()
    form.locator("[name=steps][value=P4]").check()
    form.locator("[name=notes]").fill(NOTES)
    form.locator("[name=shared]").check()
    form.locator("[name=photo]").set_input_files(picture)
    form.locator("[name='followups-0-what']").fill(FOLLOW_UP)
    form.locator("[name='followups-0-due_date']").fill(due.isoformat())
    assert fits_the_screen(page)
    shot(page, "visit-form")
    form.locator("[type=submit]").click()

    # 3. Saved: the visit is on the participant's page, with its follow-up and photo.
    expect(page).to_have_url(re.compile(rf"/pendampingan/peserta/{siti.pk}/$"))
    expect(page.locator("main .alert-success")).to_be_visible()
    visit = Visit.objects.get(participant=siti)
    assert (visit.mentor, visit.kind, visit.steps, visit.shared) == (mentor_tebet, "field", ["P3", "P4"], True)
    assert visit.photo_content_type == "image/png"
    follow_up = FollowUp.objects.get(visit=visit)
    assert (follow_up.what, follow_up.due_date) == (FOLLOW_UP, due)
    expect(page.locator(f"#visits [data-visit='{visit.public_id}'] .visit-notes")).to_have_text(NOTES)
    expect(page.locator(f"#open-follow-ups [data-follow-up='{follow_up.pk}']")).to_be_visible()
    assert fits_the_screen(page)
    shot(page, "participant-after")

    # 4. Back on the caseload: the follow-up is there, and the participant's last visit is today.
    page.goto("/pendampingan/")
    item = page.locator(f"#caseload > li[data-participant='{siti.pk}']")
    expect(item.locator(".next-follow-up")).to_contain_text(FOLLOW_UP)
    expect(item.locator(".last-visit")).to_contain_text(str(timezone.localdate().day))
    shot(page, "caseload-after")

    # 5. The participant, on their own phone, reads the shared notes and the follow-up.
    participant = new_context(PHONE).new_page()
    log_in(participant, entrepreneur.email or "")
    expect(participant.locator("#journey li[data-step=P3]")).to_have_attribute("data-state", "in_progress")
    participant.goto("/mentor-saya/")
    expect(participant.locator("#visits .visit-notes")).to_have_text(NOTES)
    expect(participant.locator("#my-follow-ups")).to_contain_text(FOLLOW_UP)
    assert fits_the_screen(participant)
    shot(participant, "participant-my-mentor")


LONG_TOKEN = "https://oss.go.id/informasi/" + "perizinan-berusaha-berbasis-risiko" * 4 + "?ref=" + "x" * 60


@pytest.mark.e2e
def test_long_unbroken_words_in_notes_and_messages_fit_a_phone(
    phone_page: Page,
    new_context: Callable[..., BrowserContext],
    mentor_tebet: User,
    entrepreneur: User,
    shot: Shot,
) -> None:
    siti = verified_participant("Tebet", user=entrepreneur)
    AssignmentFactory(participant=siti, mentor=mentor_tebet)
    visit = VisitFactory(participant=siti, mentor=mentor_tebet, shared=True, notes=f"Tautan: {LONG_TOKEN}")
    FollowUp.objects.create(visit=visit, participant=siti, what=LONG_TOKEN[:200], due_date=timezone.localdate())
    thread = HelpMessageFactory(
        request=HelpRequestFactory(participant=siti, mentor=mentor_tebet, subject=LONG_TOKEN[:120]),
        body=f"Apakah ini benar? {LONG_TOKEN}",
    ).request
    page = phone_page

    log_in(page, mentor_tebet.email or "")
    for path, name in (
        (f"/pendampingan/peserta/{siti.pk}/", "participant-long-notes"),
        (f"/pendampingan/bantuan/{thread.pk}/", "thread-long-message"),
        ("/pendampingan/bantuan/", "help-list-long-subject"),
        ("/pendampingan/", "caseload-long-follow-up"),
    ):
        page.goto(path)
        expect(page.locator("main")).to_contain_text(LONG_TOKEN[:40])
        assert fits_the_screen(page), path
        shot(page, name)

    participant = new_context(PHONE).new_page()
    log_in(participant, entrepreneur.email or "")
    participant.goto("/mentor-saya/")
    expect(participant.locator("#visits .visit-notes")).to_contain_text(LONG_TOKEN)
    assert fits_the_screen(participant)
    shot(participant, "my-mentor-long-notes")
