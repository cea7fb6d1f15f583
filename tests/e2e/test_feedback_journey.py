"""The feedback forum end to end in a real browser (the issue's "a participant posts feedback and staff answer
it"): a verified participant writes a post on their phone (a bad first try keeps what was typed), another
participant supports it, the kecamatan secretariat answers it as planned, and the author reads the answer. The
author is shown by first name only. Selectors are ids, names, data- attributes and URLs, never visible text."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from accounts.models import User
from feedback.models import Post
from mentoring.tests.factories import verified_participant
from tests.e2e.pages import Shot, fits_the_screen, log_in, submit

TITLE = "Meja pendampingan P-IRT di Tebet"
BODY = "Mohon ada jadwal pendampingan P-IRT di kantor kecamatan, supaya bisa dibantu mengisi di OSS."
ANSWER = "Kami buka meja pendampingan P-IRT setiap Kamis mulai bulan depan."


@pytest.mark.e2e
def test_a_participant_posts_feedback_and_staff_answer_it(
    page: Page,
    new_context: Callable[..., BrowserContext],
    entrepreneur: User,
    other_entrepreneur: User,
    secretariat_tebet: User,
    shot: Shot,
) -> None:
    verified_participant("Tebet", user=entrepreneur)
    verified_participant("Gambir", user=other_entrepreneur, nik="3171015708900003")

    # 1. Siti opens the forum from the navigation bar and writes a post; a title too short is refused, the rest kept.
    log_in(page, entrepreneur.email or "")
    page.goto("/forum/")
    page.locator("#new-post").click()
    expect(page).to_have_url(re.compile(r"/forum/tulis/$"))
    form = page.locator("#post-form")
    form.locator("[name=category]").select_option("licensing")
    form.locator("[name=title]").fill("P")
    form.locator("[name=body]").fill(BODY)
    shot(page, "post-form")
    submit(page, "#post-form")
    expect(page.locator("#post-form [name=title]")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("#post-form [name=body]")).to_have_value(BODY)
    page.locator("#post-form [name=title]").fill(TITLE)
    submit(page, "#post-form")
    expect(page).to_have_url(re.compile(r"/forum/\d+/$"))
    post = Post.objects.get()
    expect(page.locator("#post-title")).to_have_text(TITLE)
    expect(page.locator(".byline")).to_have_text("Siti")
    assert fits_the_screen(page)
    shot(page, "posted")

    # 2. Budi supports it from his own browser.
    other = new_context().new_page()
    log_in(other, other_entrepreneur.email or "")
    other.goto("/forum/")
    other.locator(f"[data-post='{post.pk}'] a").click()
    expect(other.locator("body")).not_to_contain_text("Rahayu")
    other.locator("#support-button").click()
    expect(other.locator("#support [data-supporters]")).to_have_attribute("data-supporters", "1")
    expect(other.locator("#withdraw-button")).to_be_visible()
    shot(other, "supported")

    # 3. The Tebet secretariat finds what waits in its kecamatan and answers: planned.
    staff = new_context().new_page()
    log_in(staff, secretariat_tebet.email or "")
    staff.goto("/forum/")
    staff.locator("#waiting-here").click()
    staff.locator(f"[data-post='{post.pk}'] a").click()
    staff.locator("#answer-link").click()
    expect(staff).to_have_url(re.compile(rf"/forum/{post.pk}/jawab/$"))
    answer = staff.locator("#answer-form")
    answer.locator("[name=status][value=planned]").check()
    answer.locator("[name=body]").fill(ANSWER)
    shot(staff, "answer-form")
    submit(staff, "#answer-form")
    expect(staff).to_have_url(re.compile(rf"/forum/{post.pk}/$"))
    expect(staff.locator("#post-title ~ p [data-status]")).to_have_attribute("data-status", "planned")

    # 4. Siti reads the answer.
    page.reload()
    expect(page.locator("[data-answer]")).to_contain_text(ANSWER)
    expect(page.locator("#post-title ~ p [data-status]")).to_have_attribute("data-status", "planned")
    assert fits_the_screen(page)
    shot(page, "answered")
