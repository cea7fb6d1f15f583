"""The writes of the personal-data pages: a participant's download of their own data recorded; a deletion asked
by the participant, and decided by agency staff (erased, or refused with a note)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import audit
from partners.models import AccessLog, Consent, PartnerOrganisation
from registration import measures
from registration.models import Participant

from .erasure import erase
from .models import DataDownload, DeletionRequest, DeletionState, Format
from .permissions import can_ask_deletion, can_decide_deletion, can_see_own_data

REASON_MAX_LENGTH = 2000


@transaction.atomic
@audit.audited
def data_download_record(*, fmt: Format, row_count: int, acting_user: User) -> DataDownload:
    """Record that the participant downloaded their own data (the row is in the audit trail too)."""
    can_see_own_data(acting_user).enforce()
    return DataDownload.objects.create(user=acting_user, format=fmt, row_count=row_count)


@transaction.atomic
@audit.audited
def deletion_ask(*, participant: Participant | None, acting_user: User, reason: str = "") -> DeletionRequest:
    """The participant asks that their data be erased (an entrepreneur not registered yet: their account's). One
    open request at a time: the account's row is locked while the open one is looked for."""
    can_ask_deletion(acting_user, participant).enforce()
    reason = reason.strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(_("Write at most %(n)d characters.") % {"n": REASON_MAX_LENGTH}, code="too_long")
    User.objects.select_for_update().filter(pk=acting_user.pk).first()
    if DeletionRequest.objects.filter(user=acting_user, state=DeletionState.ASKED).exists():
        raise ValidationError(_("You have asked already: agency staff are looking at it."), code="already_asked")
    return DeletionRequest.objects.create(participant=participant, user=acting_user, reason=reason)


def _locked_open(request: DeletionRequest) -> DeletionRequest:
    locked = DeletionRequest.objects.select_for_update().get(pk=request.pk)
    if not locked.is_open:
        raise ValidationError(_("This request is decided already."), code="decided")
    return locked


def partners_to_notify(participant: Participant) -> list[dict[str, object]]:
    """The partners that received the participant's data, by name: those they consented to (even withdrawn) and
    those that read it through the API. Two queries."""
    ids = set(Consent.objects.filter(participant=participant).values_list("organisation_id", flat=True))
    ids |= set(AccessLog.objects.filter(participant=participant).values_list("organisation_id", flat=True).distinct())
    found = PartnerOrganisation.objects.filter(pk__in=ids).order_by("name", "pk").values_list("pk", "name")
    return [{"id": pk, "name": name} for pk, name in found] if ids else []


@transaction.atomic
@audit.audited
def participant_erase(*, request: DeletionRequest, acting_user: User, note: str = "") -> DeletionRequest:
    """Agency staff carry out a deletion request: the participant's data is erased as privacy.inventory.ERASURE
    says (privacy.erasure), every session of the account ends, and the request records who did it, when, and the
    partners that received the data and must be told. The account and the participant are locked for the whole
    of it, so nothing of theirs is written meanwhile."""
    can_decide_deletion(acting_user).enforce()
    locked = _locked_open(request)
    user = User.objects.select_for_update().get(pk=locked.user_id)
    participant = (
        Participant.objects.select_for_update().get(pk=locked.participant_id)
        if locked.participant_id is not None
        else None
    )
    locked.partners_to_notify = partners_to_notify(participant) if participant is not None else []
    erase(user=user, participant=participant)
    locked.state, locked.decided_by, locked.decided_at = DeletionState.DONE, acting_user, timezone.now()
    locked.decision_note = note.strip()
    # the erasure emptied the reason in the table; the fields saved here are the decision's alone
    locked.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "partners_to_notify"])
    if participant is not None:
        measures.changed(participant.pk)  # the summaries count the same figures; their rows are read again
    return locked


@transaction.atomic
@audit.audited
def deletion_refuse(*, request: DeletionRequest, note: str, acting_user: User) -> DeletionRequest:
    """Agency staff refuse a deletion request, saying why (a legal duty to keep the data, art. 44): the participant
    reads the note on their page."""
    can_decide_deletion(acting_user).enforce()
    note = note.strip()
    if not note:
        raise ValidationError(_("Say why the request is refused."), code="note_required")
    locked = _locked_open(request)
    locked.state, locked.decided_by, locked.decided_at = DeletionState.REFUSED, acting_user, timezone.now()
    locked.decision_note = note
    locked.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    return locked
