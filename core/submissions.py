"""One result for a form sent twice: a double tap on a slow phone, a Back and Send again.

Every POST form of the portal carries a random `submission` id, added by static/js/portal.js when the page loads
(a page without scripts sends none and is handled as before). The first request with an id claims it (a row,
committed before the view runs); a second request with the same id, from the same browser, waits for the first to
finish and then:
- gets the first one's redirect, when the first saved something and redirected (post/redirect/get: its result
  page), with a word that the form had been sent already;
- is handled as a request of its own when the first answered with a page (the form with its errors, a download):
  those changed nothing, so doing it again is what the person asked for.

"The same browser" is its CSRF cookie, which every POST of the site carries; ids are never compared across
browsers. Claims are kept SUBMISSION_KEEP_HOURS (core.tasks.forget_submissions removes older ones). The claim is
in PostgreSQL, not Redis: a form must go through when Redis is down.
"""

import hashlib
import re
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Submission

FIELD = "submission"
TOKEN = re.compile(r"^[A-Za-z0-9-]{16,64}$")
WAIT_SECONDS = 20.0  # how long a repeat waits for the first to finish (a slow upload on a phone)
POLL_SECONDS = 0.1
KEEP = timedelta(hours=24)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def claim_key(request: HttpRequest) -> str | None:
    """The key of this request's submission id, or None when it carries none (a script-less page, the API)."""
    if request.method != "POST" or request.content_type not in FORM_TYPES:
        return None
    token = request.POST.get(FIELD, "")
    browser = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    if not TOKEN.match(token) or not browser:
        return None
    return hashlib.sha256(f"{browser}:{request.path}:{token}".encode()).hexdigest()


def claimed(key: str) -> bool:
    """Claim the id for this request (committed at once); False when another request holds it."""
    try:
        with transaction.atomic():
            Submission.objects.create(key=key)
    except IntegrityError:
        return False
    return True


def first_outcome(key: str) -> Submission | None:
    """The first request's outcome once it finished, or None if it did not within WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        first = Submission.objects.filter(key=key, finished=True).first()
        if first is not None:
            return first
        time.sleep(POLL_SECONDS)
    return None


class OneSubmissionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = claim_key(request)
        if key is None:
            return self.get_response(request)
        if not claimed(key):
            first = first_outcome(key)
            if first is not None and first.location:
                messages.info(request, _("This form had been sent already: here is what it did."))
                return HttpResponseRedirect(first.location, status=303)
            return self.get_response(request)
        location = ""
        try:
            response = self.get_response(request)
            if 300 <= response.status_code < 400 and response.has_header("Location"):
                location = response["Location"][:2000]
            return response
        finally:
            Submission.objects.filter(key=key).update(finished=True, location=location)


def forget_old_submissions() -> int:
    """Remove claims older than KEEP; returns how many."""
    deleted, _rows = Submission.objects.filter(claimed_at__lt=timezone.now() - KEEP).delete()
    return deleted
