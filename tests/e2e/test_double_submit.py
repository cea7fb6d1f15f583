"""A double tap on a slow phone, in a real browser: the page gives each form an id (static/js/portal.js), a second
tap sends nothing while the first is on its way, and when both sends reach the server anyway the post is saved
once and both answers lead to it."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from feedback.models import Post
from mentoring.tests.factories import verified_participant
from tests.e2e.pages import Shot, log_in

TITLE = "Meja pendampingan P-IRT di Tebet"
BODY = "Mohon ada jadwal pendampingan P-IRT di kantor kecamatan, supaya bisa dibantu mengisi di OSS."


def fill_post(page: Page) -> None:
    page.goto("/forum/tulis/")
    form = page.locator("#post-form")
    form.locator("[name=category]").select_option("licensing")
    form.locator("[name=title]").fill(TITLE)
    form.locator("[name=body]").fill(BODY)


@pytest.mark.e2e
def test_a_double_tap_posts_once(phone_page: Page, entrepreneur: User, shot: Shot) -> None:
    verified_participant("Tebet", user=entrepreneur)
    log_in(phone_page, entrepreneur.email or "")
    fill_post(phone_page)
    assert re.fullmatch(r"[0-9a-f-]{36}", phone_page.locator("#post-form [name=submission]").input_value())
    phone_page.locator("#post-form [type=submit]").dblclick()
    expect(phone_page).to_have_url(re.compile(r"/forum/\d+/$"))
    assert Post.objects.count() == 1

    # Both sends reach the server anyway (the guard is the page's; a flaky connection retries): the page's form
    # sent twice at once with its one id, from the browser itself, saves one post and both land on it.
    fill_post(phone_page)
    landed = phone_page.evaluate(
        """async () => {
            const form = document.getElementById("post-form");
            const send = () => fetch(location.href, {method: "POST", body: new FormData(form)});
            const answers = await Promise.all([send(), send()]);
            return answers.map((answer) => new URL(answer.url).pathname);
        }"""
    )
    assert Post.objects.count() == 2
    newest = Post.objects.latest("pk")
    assert landed == [f"/forum/{newest.pk}/"] * 2
    phone_page.goto(landed[0])
    expect(phone_page.locator("#post-title")).to_have_text(TITLE)
    shot(phone_page, "posted-once")
