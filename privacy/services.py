"""The writes of the personal-data pages: a participant's download of their own data recorded; a deletion asked
by the participant, and decided by agency staff (erased, or refused with a note); a correction of what the
participant may not change themselves, asked by them and decided by their kecamatan secretariat or agency staff."""

import datetime
from dataclasses import dataclass, replace
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from accounts.models import User
from core import audit
from core.languages import language_or_active
from geography.models import Kecamatan
from notifications.services import notify
from partners.models import AccessLog, Consent, PartnerOrganisation
from registration import measures
from registration.choices import Sex
from registration.models import Participant
from registration.nik import mask_nik
from registration.permissions import can_correct
from registration.services import identity_of, participant_correct_identity
from registration.validators import check_nik_matches
from registration.values import IdentityData

from .erasure import erase
from .models import (
    CorrectionField,
    CorrectionRequest,
    CorrectionState,
    DataDownload,
    DeletionRequest,
    DeletionState,
    Format,
)
from .permissions import (
    can_ask_correction,
    can_ask_deletion,
    can_decide_deletion,
    can_see_own_data,
)

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


Asked = TypeVar("Asked", DeletionRequest, CorrectionRequest)


def _locked_open(request: Asked) -> Asked:
    locked = type(request).objects.select_for_update().get(pk=request.pk)
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
    decided = locked.decide(DeletionState.DONE, by=acting_user, note=note.strip())
    # the erasure emptied the reason in the table; the fields saved here are the decision's alone
    locked.save(update_fields=[*decided, "partners_to_notify"])
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
    locked.save(update_fields=locked.decide(DeletionState.REFUSED, by=acting_user, note=note))
    return locked


# --- corrections ----------------------------------------------------------------------------------------------

VALUE_MAX_LENGTH = 150
DECIDED_MESSAGE = "privacy_correction_decided"


def current_value(participant: Participant, field: str) -> str:
    """What the record holds now, as the pages show it: the NIK masked, the kecamatan by its name (the participant's
    kecamatan is one query unless joined)."""
    if field == CorrectionField.NIK:
        return participant.masked_nik
    if field == CorrectionField.BIRTH_DATE:
        return participant.birth_date.isoformat()
    if field == CorrectionField.KECAMATAN:
        return participant.kecamatan.name
    return str(getattr(participant, field))


def _date(value: str) -> datetime.date:
    """A date as the page's date input sends it (YYYY-MM-DD)."""
    try:
        born = parse_date(value)
    except ValueError:  # well formed, but no such day (31 February)
        born = None
    if born is None:
        raise ValidationError(_("Write the date as year-month-day, e.g. 1990-05-17."), code="invalid")
    return born


@dataclass(frozen=True)
class AskedValue:
    """A value asked, as the pages show it, and what the correction will write: the NIK itself (the shown one is
    masked), the kecamatan chosen."""

    shown: str
    nik: str = ""
    kecamatan: Kecamatan | None = None


def _asked(participant: Participant, field: str, value: str) -> AskedValue:
    """The value asked, checked by the rules the registration applies to the same field."""
    # the NIK carries the birth date and the sex: a value asked must agree with the other two on the record, as at
    # registration (who holds a NIK asked is checked when it is decided, not told to whoever asks)
    if field == CorrectionField.NIK:
        number = check_nik_matches(
            nik=value, birth_date=participant.birth_date, sex=participant.sex, jakarta_ktp=participant.jakarta_ktp
        )
        if number == participant.nik:
            raise ValidationError(_("This is the NIK on your record already."), code="unchanged")
        return AskedValue(mask_nik(number), nik=number)
    kecamatan = None
    if field == CorrectionField.BIRTH_DATE:
        born = _date(value)
        if born > timezone.localdate():
            raise ValidationError(_("A birth date is in the past."), code="future_date")
        check_nik_matches(nik=participant.nik, birth_date=born, sex=participant.sex)
        shown = born.isoformat()
    elif field == CorrectionField.SEX:
        if value not in Sex.values:
            raise ValidationError(_("Choose male or female."), code="invalid_choice")
        check_nik_matches(nik=participant.nik, birth_date=participant.birth_date, sex=value)
        shown = value
    elif field == CorrectionField.KECAMATAN:
        kecamatan = Kecamatan.objects.filter(pk=int(value)).first() if value.isdigit() else None
        if kecamatan is None:
            raise ValidationError(_("Choose a kecamatan of the list."), code="invalid_choice")
        shown = kecamatan.name
    else:
        if len(value) > VALUE_MAX_LENGTH:
            raise ValidationError(_("Write at most %(n)d characters.") % {"n": VALUE_MAX_LENGTH}, code="too_long")
        shown = value
    if shown == current_value(participant, field):
        raise ValidationError(_("This is the value on your record already."), code="unchanged")
    return AskedValue(shown, kecamatan=kecamatan)


@transaction.atomic
@audit.audited
def correction_ask(
    *, participant: Participant | None, field: str, value: str, acting_user: User, reason: str = ""
) -> CorrectionRequest:
    """The participant asks that one thing of their record be corrected. One open request per thing: the
    participant's row is locked while the open one is looked for."""
    can_ask_correction(acting_user, participant).enforce()
    assert participant is not None  # the predicate refuses an entrepreneur not registered
    if field not in CorrectionField.values:
        raise ValidationError(_("Choose what to correct."), code="unknown_field")
    value, reason = value.strip(), reason.strip()
    if not value:
        raise ValidationError(_("Write the correct value."), code="value_required")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(_("Write at most %(n)d characters.") % {"n": REASON_MAX_LENGTH}, code="too_long")
    locked = Participant.objects.select_for_update().select_related("kecamatan").get(pk=participant.pk)
    if CorrectionRequest.objects.filter(participant=locked, field=field, state=CorrectionState.ASKED).exists():
        raise ValidationError(_("You have asked already: the staff are looking at it."), code="already_asked")
    asked = _asked(locked, field, value)
    return CorrectionRequest.objects.create(
        participant=locked,
        user=acting_user,
        field=field,
        current_value=current_value(locked, field),
        asked_value=asked.shown,
        asked_nik=asked.nik,
        asked_kecamatan=asked.kecamatan,
        reason=reason,
    )


def _decide(
    locked: CorrectionRequest, participant: Participant, state: CorrectionState, note: str, acting_user: User
) -> CorrectionRequest:
    decided = locked.decide(state, by=acting_user, note=note)
    # the NIK asked served the decision: once decided, the record and the masked value are all that is kept
    locked.asked_nik = ""
    locked.save(update_fields=[*decided, "asked_nik"])
    # the message is rendered in the participant's language: what it is about is named in theirs too
    with translation.override(language_or_active(participant.user.language)):
        what = str(locked.get_field_display())
    notify(
        template=DECIDED_MESSAGE,
        context={
            "full_name": participant.full_name,
            "what": what,
            "applied": state == CorrectionState.APPLIED,
            "note": note,
        },
        user=participant.user,
    )
    return locked


def _open_for(request: CorrectionRequest, acting_user: User) -> tuple[CorrectionRequest, Participant]:
    """The request, locked and still open, and its participant, whom `acting_user` may correct."""
    participant = Participant.objects.select_related("user", "kecamatan").get(pk=request.participant_id)
    can_correct(acting_user, participant).enforce()
    return _locked_open(request), participant


def _corrected(participant: Participant, request: CorrectionRequest) -> IdentityData:
    """The participant's identity with the value the request asks in place."""
    identity = identity_of(participant)
    if request.field == CorrectionField.NIK:
        return replace(identity, nik=request.asked_nik)
    if request.field == CorrectionField.BIRTH_DATE:
        return replace(identity, birth_date=datetime.date.fromisoformat(request.asked_value))
    if request.field == CorrectionField.KECAMATAN:
        assert request.asked_kecamatan is not None  # privacy_correction_kecamatan_named
        return replace(identity, kecamatan=request.asked_kecamatan)
    if request.field == CorrectionField.SEX:
        return replace(identity, sex=request.asked_value)
    return replace(identity, full_name=request.asked_value)


@transaction.atomic
@audit.audited
def correction_apply(*, request: CorrectionRequest, acting_user: User, note: str = "") -> CorrectionRequest:
    """The participant's secretariat or agency staff accept a correction, having checked it against the KTP: the
    record is corrected under the registration's rules (a NIK no one else holds and matching the birth date and
    sex; refused, the request stays open and says why) and the participant told."""
    locked, participant = _open_for(request, acting_user)
    corrected = participant_correct_identity(
        participant=participant, identity=_corrected(participant, locked), acting_user=acting_user
    )
    return _decide(locked, corrected, CorrectionState.APPLIED, note.strip(), acting_user)  # greeted by the new name


@transaction.atomic
@audit.audited
def correction_refuse(*, request: CorrectionRequest, note: str, acting_user: User) -> CorrectionRequest:
    """The participant's secretariat or agency staff refuse a correction, saying why (the KTP says otherwise)."""
    note = note.strip()
    if not note:
        raise ValidationError(_("Say why the request is refused."), code="note_required")
    locked, participant = _open_for(request, acting_user)
    return _decide(locked, participant, CorrectionState.REFUSED, note, acting_user)
