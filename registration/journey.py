"""The participant's P1-P7 journey. Each step app tells its own status through a small interface, so the
home page asks every step without knowing any of them: an app registers a `StepProvider` in its
AppConfig.ready(); a step with no provider yet shows as coming.

A provider also says, in SQL, who has done its step (`done_filter`): a partner's criteria "steps done" ask it
through `done_filter(code)` without knowing the step apps. A step with no provider yet is done by nobody."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import AnyUser

from .choices import Status
from .models import USUAL_WAITING_DAYS, Draft, Participant, Registration

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
    """What a step app implements: the status of its step for one user (who may not be a participant yet),
    and the participants who have done it.

    `status` must run a fixed, small number of queries, whatever the data; `done_filter` runs none: it is a Q
    on Participant (an Exists subquery where the step's rows live elsewhere) for the caller's query."""

    code: str

    def status(self, user: User) -> StepStatus: ...

    def done_filter(self) -> Q: ...


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


NOBODY = Q(pk__in=[])  # Django answers a query filtered on it with no rows, without asking the database


def done_filter(code: str) -> Q:
    """A Q on Participant for those who have done step `code`; nobody for a step with no provider yet."""
    if code not in {step for step, *_names in STEPS}:
        raise ValueError(f"Unknown program step {code!r}")
    provider = _providers.get(code)
    return provider.done_filter() if provider is not None else NOBODY


def known_unverified(user: AnyUser) -> bool:
    """Whether the registration the page loaded (jakpreneur.contacts) says the user is not verified: no query.
    Each step's status and home card asks it before spending a query on a participant who cannot use the step."""
    if not isinstance(user, User) or not User.participant.is_cached(user):
        return False
    participant = user.participant
    if not Participant.registration.is_cached(participant):
        return False
    try:
        return not participant.registration.is_approved
    except ObjectDoesNotExist:
        return True


def waiting_time_text() -> str:
    """The usual waiting time (registration.models.USUAL_WAITING_DAYS), as a sentence."""
    return str(_("Verification usually takes up to %(days)s working days.") % {"days": USUAL_WAITING_DAYS})


def _own_registration(user: User) -> Registration | None:
    """The user's registration: from their participant record when the page loaded it already (with its
    registration: jakpreneur.contacts), else one query."""
    if User.participant.is_cached(user):
        participant = user.participant
        if Participant.registration.is_cached(participant):
            try:
                return participant.registration
            except ObjectDoesNotExist:
                return None
    return (
        Registration.objects.filter(participant__user=user)
        .only("status", "last_reason", "reference", "submitted_at")
        .first()
    )


class RegistrationStep:
    """P1: where the user's registration stands, and what to do next."""

    code = "P1"

    def done_filter(self) -> Q:
        """P1 is done once the registration is approved (verified by the kecamatan secretariat)."""
        return Q(registration__status=Status.APPROVED)

    def status(self, user: User) -> StepStatus:
        registration = _own_registration(user)
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
            sent = formats.date_format(timezone.localtime(registration.submitted_at), "j F Y")
            return StepStatus(
                State.IN_PROGRESS,
                _(
                    "Your registration %(reference)s, sent on %(date)s, is waiting for verification by your "
                    "kecamatan secretariat."
                )
                % {"reference": registration.reference, "date": sent}
                + " "
                + waiting_time_text(),
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
