"""Project-wide pages: the public landing page and each role's home. The staff home shows the panels each app
offers through core.navigation; the entrepreneur's home shows the journey registry (registration.journey), with
who they can reach (jakpreneur.contacts)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from accounts import permissions
from accounts.web import request_user
from core.navigation import ENTREPRENEUR_HOME, STAFF_HOME, panels_for
from core.web import help_line
from geography.models import Kecamatan, KecamatanOffice, Wilayah
from registration import journey

from .contacts import contacts_of


def _kecamatan_groups() -> list[tuple[Wilayah, list[Kecamatan]]]:
    """The kecamatan grouped by wilayah, for the finder's select: one query, made only when the cached fragment
    of the landing page has expired (the template calls this)."""
    wilayah: dict[int, tuple[Wilayah, list[Kecamatan]]] = {}
    for kecamatan in Kecamatan.objects.select_related("wilayah").order_by("wilayah__code", "name"):
        wilayah.setdefault(kecamatan.wilayah_id, (kecamatan.wilayah, []))[1].append(kecamatan)
    return list(wilayah.values())


def _office_finder(request: HttpRequest) -> dict[str, Any]:
    """The kecamatan select, grouped by wilayah, and the chosen kecamatan's office: a query each, when asked."""
    raw = request.GET.get("kecamatan", "")
    wanted = int(raw) if raw.isdigit() and len(raw) < 10 else None
    office = (
        KecamatanOffice.objects.select_related("kecamatan").filter(kecamatan_id=wanted).first() if wanted else None
    )
    chosen = office.kecamatan if office else Kecamatan.objects.filter(pk=wanted).first() if wanted else None
    return {"finder_groups": _kecamatan_groups, "chosen_kecamatan": chosen, "chosen_office": office}


def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    context = {"steps": journey.STEPS, "help_line": help_line(), **_office_finder(request)}
    return render(request, "landing.html", context)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """An entrepreneur sees their P1-P7 journey, who they can reach and the cards their steps offer (the licence
    wallet); staff see their work."""
    user = request_user(request)
    if permissions.is_entrepreneur(user):
        contacts = contacts_of(user)  # before the journey: its P1 step reads the registration loaded here
        # before the journey too: a step may read what its card loaded (P4 reads the wallet its card keeps)
        cards = _render_panels(request, user, ENTREPRENEUR_HOME)
        steps = journey.journey(user)
        current = next((s for s in steps if s.status.next_action), None)
        return render(
            request,
            "home_entrepreneur.html",
            {
                "steps": steps,
                "current": current,
                "contacts": contacts,
                "cards": cards,
                "help_line": help_line(),
                "waiting_time": journey.waiting_time_text(),
            },
        )
    return render(request, "home_staff.html", {"panels": _render_panels(request, user)})


def _render_panels(request: HttpRequest, user: Any, place: str = STAFF_HOME) -> list[str]:
    return [render_to_string(panel.template, panel.context, request=request) for panel in panels_for(user, place)]
