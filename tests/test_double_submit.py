"""The same form sent twice (a double tap on a slow phone): one result (core/submissions.py)."""

import threading
import urllib.parse
import urllib.request
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import Submission
from core.submissions import forget_old_submissions
from core.tasks import forget_submissions
from feedback.models import Post
from geography.models import Kecamatan
from mentoring.tests.factories import verified_participant
from registration.models import Participant
from registration.tests.conftest import login

BROWSER = "a" * 32  # the browser's CSRF cookie: what ties the two sends to one browser
ID = "0b6a3c1e-5f0d-4c39-9d7e-2f9c4a1b7e11"


@pytest.fixture
def siti(entrepreneur: Any) -> Participant:
    return verified_participant("Tebet", user=entrepreneur)


def post_data(**extra: str) -> dict[str, Any]:
    return {
        "category": "licensing",
        "kecamatan": Kecamatan.objects.get(name="Tebet").pk,
        "title": "Pelatihan sertifikasi halal",
        "body": "Mohon diadakan pelatihan sertifikasi halal gratis untuk usaha makanan rumahan.",
        **extra,
    }


def browser(client: Client, cookie: str = BROWSER) -> Client:
    client.cookies["csrftoken"] = cookie
    return client


@pytest.mark.django_db
def test_a_form_sent_twice_saves_once_and_the_second_send_shows_the_first_result(
    client: Client, siti: Participant
) -> None:
    login(browser(client), siti.user)
    first = client.post(reverse("feedback:new"), post_data(submission=ID))
    post = Post.objects.get()
    assert first.status_code == 302
    second = client.post(reverse("feedback:new"), post_data(submission=ID), follow=True)
    assert Post.objects.count() == 1
    assert second.redirect_chain[0] == (reverse("feedback:detail", args=[post.pk]), 303)
    assert "sent already" in str(list(second.context["messages"])[-1]) or "sudah" in str(
        list(second.context["messages"])[-1]
    )


@pytest.mark.django_db
def test_a_form_refused_is_checked_again_when_sent_again(client: Client, siti: Participant) -> None:
    login(browser(client), siti.user)
    for _ in range(2):  # the first answer was the form with its error: nothing saved, so the second is checked too
        response = client.post(reverse("feedback:new"), post_data(title="", submission=ID))
        assert response.status_code == 400
        assert response.context["form"].errors["title"]
    assert not Post.objects.exists()


@pytest.mark.django_db
def test_other_ids_other_browsers_and_script_less_pages_are_separate_sends(client: Client, siti: Participant) -> None:
    login(browser(client), siti.user)
    client.post(reverse("feedback:new"), post_data(submission=ID))
    client.post(reverse("feedback:new"), post_data(submission="1f0e9d8c-7b6a-4594-8382-716a5b4c3d2e"))
    client.post(reverse("feedback:new"), post_data())  # no id: a page without scripts, handled as before
    other = browser(Client(), "b" * 32)
    login(other, siti.user)
    other.post(reverse("feedback:new"), post_data(submission=ID))  # the same id from another browser
    for bad in ("short", "x" * 65, "<script>alert(1)</script>-000000"):  # not an id: ignored, the form works
        client.post(reverse("feedback:new"), post_data(submission=bad))
    assert Post.objects.count() == 7 - 2  # the sixth and seventh of the day are refused by the forum's own limit


@pytest.mark.django_db
def test_old_claims_are_forgotten_nightly() -> None:
    Submission.objects.create(key="old", claimed_at=timezone.now() - timedelta(hours=25), finished=True)
    Submission.objects.create(key="new", finished=True)
    assert forget_submissions.delay().get() == 1
    assert list(Submission.objects.values_list("key", flat=True)) == ["new"]
    assert forget_old_submissions() == 0


@pytest.mark.django_db(transaction=True)
def test_two_sends_at_the_same_moment_save_once(live_server: Any, siti: Participant) -> None:
    """Two real HTTP requests with one id, let go together: one post, and both land on its page."""
    session = Client()
    login(session, siti.user)
    session_cookie = session.cookies["sessionid"].value
    url = live_server.url + reverse("feedback:new")
    # the CSRF check is on here: the form's token is the cookie's secret, as a browser would send them
    body = urllib.parse.urlencode(post_data(submission=ID, csrfmiddlewaretoken=BROWSER)).encode()
    cookies = f"sessionid={session_cookie}; csrftoken={BROWSER}"
    start = threading.Barrier(2)
    landed: list[str] = []

    def send() -> None:
        request = urllib.request.Request(url, data=body, headers={"Cookie": cookies, "Referer": url})  # noqa: S310
        start.wait()
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the test's own server (http)
            landed.append(urllib.parse.urlsplit(response.url).path)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    post = Post.objects.get()
    assert landed == [reverse("feedback:detail", args=[post.pk])] * 2
