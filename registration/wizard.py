"""The online wizard's side of a draft: the answers kept in it, read back through the forms, and turned into the
values the services take. Web only: the services never see a form."""

from dataclasses import dataclass
from functools import cached_property

from accounts.models import User

from . import services
from .forms import BusinessForm, PersonForm, documents_required_by
from .models import Document, Draft, Registration
from .validators import already_registered_error

WIZARD_STEPS = services.WIZARD_STEPS


@dataclass
class DraftState:
    """Where a draft stands, derived from its answers and documents each time (never stored, so never stale)."""

    person: PersonForm
    business: BusinessForm
    documents: dict[str, Document]

    @cached_property
    def required_kinds(self) -> list[str]:
        return documents_required_by(self.person)

    @cached_property
    def complete(self) -> dict[str, bool]:
        person = self.person.is_valid()
        return {
            "person": person,
            "business": self.business.is_valid(),
            "documents": person and set(self.required_kinds) <= set(self.documents),
        }

    def first_incomplete(self) -> str | None:
        return next((step for step in WIZARD_STEPS if not self.complete[step]), None)


def draft_state(draft: Draft, *, shown: str = "") -> DraftState:
    """The draft's state; `shown`: the step whose page shows its form (the other forms are only checked)."""
    payload = services.draft_payload(draft)
    person = PersonForm(payload.get("person", {}), listed=shown == "person")
    business = BusinessForm(payload.get("business", {}), track=person.data.get("track", ""))
    return DraftState(person=person, business=business, documents={d.kind: d for d in draft.documents.all()})


def submit(draft: Draft, *, acting_user: User) -> Registration:
    """Submit a draft: its answers, if every step is complete, become the values `registration_submit_draft`
    checks again and writes. Raises AlreadyRegistered or IncompleteStep (naming the step to go back to)."""
    state = draft_state(draft)
    if state.person.has_error("nik", code="already_registered"):
        raise services.AlreadyRegistered(already_registered_error().message, code="already_registered")
    step = state.first_incomplete()
    if step is not None:
        raise services.IncompleteStep(step)
    return services.registration_submit_draft(
        draft=draft, person=state.person.values(), business=state.business.values(), acting_user=acting_user
    )
