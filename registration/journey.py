"""The participant's P1-P7 journey. Each step app tells its own status through a small interface, so the
home page asks every step without knowing any of them: an app registers a `StepProvider` in its
AppConfig.ready(); a step with no provider yet shows as coming."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .models import Draft, Registration

# Each step: its code, its title in the user's language, and the program's own (Indonesian) name.
STEPS: list[tuple[str, Promise, str]] = [
    ("P1", _("Registration"), "Pendaftaran"),
    ("P2", _("Training"), "Pelatihan"),
    ("P3", _("Mentoring"), "Pendampingan"),
    ("P4", _("Licensing"), "Perizinan"),
    ("P5", _("Marketing"), "Pemasaran"),
    ("P6", _("Financial reporting"), "Pelaporan Keuangan"),
    ("P7", _("Capital"), "Permodalan"),
]


class State(StrEnum):
    DONE = "done"
    IN_PROGRESS = "in_progress"
    ACTION_NEEDED = "action_needed"
    NOT_STARTED = "not_started"
    LOCKED = "locked"
    COMING = "coming"


@dataclass(frozen=True)
class StepStatus:
    state: State
    summary: str | Promise
    next_action: str | Promise = ""
    url: str = ""


@dataclass(frozen=True)
class JourneyStep:
    code: str
    title: Promise
    title_id: str
    status: StepStatus


class StepProvider(Protocol):
    """What a step app implements: the status of its step for one user (who may not be a participant yet).

    It must run a fixed, small number of queries, whatever the data."""

    code: str

    def status(self, user: User) -> StepStatus: ...


_providers: dict[str, StepProvider] = {}


def register(provider: StepProvider) -> None:
    if provider.code not in {code for code, *_names in STEPS}:
        raise ValueError(f"Unknown program step {provider.code!r}")
    _providers[provider.code] = provider


def journey(user: User) -> list[JourneyStep]:
    coming = StepStatus(State.COMING, _("Coming soon to the portal."))
    return [
        JourneyStep(code, title, title_id, _providers[code].status(user) if code in _providers else coming)
        for code, title, title_id in STEPS
    ]


class RegistrationStep:
    """P1: where the user's registration stands, and what to do next."""

    code = "P1"

    def status(self, user: User) -> StepStatus:
        registration = Registration.objects.filter(participant__user=user).only("status", "last_reason").first()
        if registration is None:
            if Draft.objects.filter(user=user).exists():
                return StepStatus(
                    State.IN_PROGRESS,
                    _("Your registration is a draft."),
                    _("Continue your registration"),
                    reverse("registration:wizard"),
                )
            return StepStatus(
                State.NOT_STARTED,
                _("You have not registered yet."),
                _("Start your registration"),
                reverse("registration:wizard"),
            )
        if registration.is_approved:
            return StepStatus(State.DONE, _("Your registration is verified. Welcome to JakPreneur!"))
        if registration.awaits_decision:
            return StepStatus(
                State.IN_PROGRESS, _("Your registration is waiting for verification by your kecamatan secretariat.")
            )
        if registration.awaits_fix:
            return StepStatus(
                State.ACTION_NEEDED,
                _("Your registration was sent back: %(reason)s") % {"reason": registration.last_reason},
                _("Fix your registration"),
                reverse("registration:fix"),
            )
        return StepStatus(
            State.LOCKED,
            _("Your registration was rejected: %(reason)s") % {"reason": registration.last_reason},
            _("Ask your kecamatan secretariat"),
        )
