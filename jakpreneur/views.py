"""Project-wide pages: the public landing page and each role's home."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts import permissions
from accounts.models import User
from mentoring import permissions as mentoring_permissions
from mentoring import selectors as mentoring_selectors
from registration import journey, selectors


def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "landing.html", {"steps": journey.STEPS})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """An entrepreneur sees their P1-P7 journey; staff see their work."""
    user = request.user
    assert isinstance(user, User)
    if permissions.is_entrepreneur(user):
        steps = journey.journey(user)
        current = next((s for s in steps if s.status.next_action), None)
        return render(request, "home_entrepreneur.html", {"steps": steps, "current": current})
    waiting = selectors.verification_queue(user)[:5] if permissions.can_verify_registrations(user) else []
    context = {"waiting": list(waiting), "oversees_mentors": mentoring_permissions.can_see_mentors(user)}
    if mentoring_permissions.is_mentor(user):
        # the mentor's year: target progress, caseload and what waits for them (one query), and their trainings
        year = timezone.localdate().year
        context.update(
            progress=mentoring_selectors.my_progress(user, year=year),
            trainings=mentoring_selectors.my_trainings(user),
        )
    return render(request, "home_staff.html", context)
