"""Project-wide pages: the public landing page and each role's home. The staff home shows the panels each app
offers through core.navigation; the entrepreneur's home shows the journey registry (registration.journey)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from accounts import permissions
from accounts.web import request_user
from core.navigation import panels_for
from registration import journey


def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "landing.html", {"steps": journey.STEPS})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """An entrepreneur sees their P1-P7 journey; staff see their work."""
    user = request_user(request)
    if permissions.is_entrepreneur(user):
        steps = journey.journey(user)
        current = next((s for s in steps if s.status.next_action), None)
        return render(request, "home_entrepreneur.html", {"steps": steps, "current": current})
    panels = [render_to_string(panel.template, panel.context, request=request) for panel in panels_for(user)]
    return render(request, "home_staff.html", {"panels": panels})
