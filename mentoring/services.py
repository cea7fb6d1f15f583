"""Writes of P3 mentoring. Each runs in one transaction, enforces the predicates of permissions.py, is recorded
in the audit trail as the acting user's (@audit.audited; the channel comes from the entry point), and queues its
messages through the notifications outbox in the same transaction. They take typed values, never a form."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.registry import Position
from core import audit
from core.web import absolute_url
from notifications.services import notify
from registration import measures
from registration.models import Participant, Registration

from . import permissions, selectors, validators
from .models import (
    EndReason,
    FollowUp,
    HelpMessage,
    HelpRequest,
    HelpStatus,
    MentorAssignment,
    MentorTarget,
    MentorTraining,
    Visit,
)

REMINDER_BATCH = 500
REMINDER_LINES = 3
NOT_A_MENTOR_HERE = _("Choose an active mentor of the participant's kecamatan.")


# --- assignment -------------------------------------------------------------------------------------------------


def check_mentor_for(participant: Participant, mentor: User) -> None:
    if not permissions.is_active_mentor_of(mentor, participant.kecamatan_id):
        raise ValidationError({"mentor": ValidationError(NOT_A_MENTOR_HERE, code="wrong_mentor")})


def least_loaded_mentor(kecamatan_id: int) -> User | None:
    """The active mentor of the kecamatan with the fewest active participants (the oldest account on a tie).

    Locks the kecamatan's mentor rows first (FOR NO KEY UPDATE: rows that refer to a mentor can still be
    written), so that concurrent approvals in one kecamatan wait for each other's choice instead of all picking
    the same; then counts the loads in a second statement, which sees what the others committed meanwhile."""
    mentors = selectors.active_mentors(kecamatan_id)
    locked = list(mentors.order_by("pk").select_for_update(no_key=True, of=("self",)).values_list("pk", flat=True))
    if not locked:
        return None
    return mentors.first()


def _notify_assigned(assignment: MentorAssignment) -> None:
    participant = assignment.participant
    notify(
        template="mentoring_participant_assigned",
        context={
            "full_name": assignment.mentor.full_name,
            "participant_name": participant.full_name,
            "kecamatan": participant.kecamatan.name,
            "link": absolute_url("mentoring:participant", participant.pk),
        },
        user=assignment.mentor,
    )


@transaction.atomic
@audit.audited
def assignment_auto_assign(*, participant: Participant, acting_user: User) -> MentorAssignment | None:
    """Give a newly verified participant the least loaded mentor of their kecamatan. Without a mentor there,
    or when the participant has one already, nothing changes (staff assign later)."""
    locked = (
        Participant.objects.select_for_update(of=("self",), no_key=True)
        .select_related("kecamatan")
        .get(pk=participant.pk)
    )
    if MentorAssignment.objects.filter(participant=locked, active=True).exists():
        return None
    mentor = least_loaded_mentor(locked.kecamatan_id)
    if mentor is None:
        return None
    assignment = MentorAssignment.objects.create(participant=locked, mentor=mentor, assigned_by=acting_user)
    measures.changed(locked.pk)
    _notify_assigned(assignment)
    return assignment


@audit.audited
def on_registration_approved(sender: Any, *, registration: Registration, acting_user: User, **kwargs: Any) -> None:
    """Receiver of registration_approved: runs inside the approving transaction. A signal, not a call: registration
    (below) must not know mentoring (above), so mentoring listens for the approval."""
    assignment_auto_assign(participant=registration.participant, acting_user=acting_user)


@transaction.atomic
@audit.audited
def assignment_change(
    *, participant: Participant, mentor: User, acting_user: User, reason: str = ""
) -> MentorAssignment:
    """Assign the participant to `mentor`: the active assignment ends (kept as history), a new one starts with
    the same stage, and the open help requests follow to the new mentor."""
    locked = (
        Participant.objects.select_for_update(of=("self",), no_key=True)
        .select_related("kecamatan", "registration")
        .get(pk=participant.pk)
    )
    permissions.can_assign_mentor(acting_user, locked).enforce()
    check_mentor_for(locked, mentor)
    current = MentorAssignment.objects.filter(participant=locked, active=True).first()
    if current is not None and current.mentor_id == mentor.pk:
        raise ValidationError(
            {"mentor": ValidationError(_("This mentor follows the participant already."), code="same_mentor")}
        )
    stage = "P2"
    if current is not None:
        stage = current.stage
        current.active = False
        current.ended_at = timezone.now()
        current.end_reason = EndReason.REASSIGNED
        current.save(update_fields=["active", "ended_at", "end_reason"])
    assignment = MentorAssignment.objects.create(
        participant=locked, mentor=mentor, stage=stage, assigned_by=acting_user, reason=reason.strip()
    )
    HelpRequest.objects.filter(participant=locked, status=HelpStatus.OPEN).update(mentor=mentor)
    measures.changed(locked.pk)
    _notify_assigned(assignment)
    return assignment


@audit.audited
def assignments_end_for_departed_mentor(*, mentor: User, acting_user: User | None) -> int:
    """End the active assignments `mentor` can no longer hold: all of them when the account is no longer an
    active mentor, those of participants of another kecamatan when they moved office. One UPDATE; the rows stay
    as history (and in the audit trail, as `acting_user`'s change), and the participants wait in the "without a
    mentor" list for staff to assign someone. One statement, so no transaction of its own: it runs in the
    caller's, the transaction of the position change. Returns how many ended."""
    assignments = MentorAssignment.objects.filter(mentor=mentor, active=True)
    office_id = mentor.office_id
    if office_id is not None and permissions.is_active_mentor_of(mentor, office_id):
        assignments = assignments.exclude(participant__kecamatan_id=office_id)
    participant_ids = list(assignments.values_list("participant_id", flat=True))
    ended = assignments.update(active=False, ended_at=timezone.now(), end_reason=EndReason.MENTOR_LEFT)
    measures.changed(participant_ids)
    return ended


@audit.audited
def assignment_end_for_moved_participant(*, participant: Participant, acting_user: User | None) -> int:
    """End the participant's active assignment when they moved (a corrected kecamatan) out of their mentor's
    kecamatan: a mentor works their own kecamatan's participants; the participant then waits in the new
    kecamatan's "without a mentor" list. One UPDATE in the caller's transaction, the correction's. Returns how
    many ended (0 or 1)."""
    assignments = MentorAssignment.objects.filter(participant=participant, active=True).exclude(
        mentor__office_id=participant.kecamatan_id
    )
    ended = assignments.update(active=False, ended_at=timezone.now(), end_reason=EndReason.PARTICIPANT_MOVED)
    if ended:
        measures.changed(participant.pk)
    return ended


def on_participant_moved(sender: Any, *, participant: Participant, **signal: Any) -> None:
    """Receiver of registration's `participant_moved` (connected in MentoringConfig.ready): the audited service
    above writes, as the signal's acting user."""
    assignment_end_for_moved_participant(participant=participant, acting_user=signal["acting_user"])


def on_position_changed(user: User, before: Position, after: Position, changed_by: User | None) -> None:
    """Handler of accounts.registry.position_changed (registered in MentoringConfig.ready): a mentor
    deactivated, given another role or moved to another office leaves their participants. Called by accounts'
    services inside the transaction of the change; a user who was no mentor before has no assignment to end
    and costs no query. (`changed_by` is handed on as the acting user of the audited service that writes.)"""
    if before.role != Role.MENTOR:
        return
    assignments_end_for_departed_mentor(mentor=user, acting_user=changed_by)


# --- visits and follow-ups --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpData:
    what: str
    due_date: datetime.date


@transaction.atomic
@audit.audited
def visit_log(
    *,
    participant: Participant,
    date: datetime.date,
    kind: str,
    steps: list[str],
    notes: str,
    shared: bool,
    follow_ups: list[FollowUpData],
    acting_user: User,
    photo: UploadedFile[Any] | None = None,
    stage: str = "",
) -> Visit:
    """A mentor logs a visit with the follow-ups agreed and an optional photo (JPEG or PNG, checked here: its
    type is read from its bytes); `stage` updates the participant's current stage on their active assignment."""
    permissions.can_log_visit(acting_user, participant).enforce()
    errors: dict[str, list[ValidationError]] = {}
    photo_content_type = ""
    try:
        validators.check_visit_date(date)
    except ValidationError as exc:
        errors["date"] = [exc]
    if photo is not None:
        try:
            photo_content_type = validators.validate_photo(photo)
        except ValidationError as exc:
            errors["photo"] = [exc]
    for agreed in follow_ups:
        try:
            if not agreed.what.strip():
                raise ValidationError(_("Say what is to be done."), code="required")
            validators.check_follow_up_due(agreed.due_date, visit_date=date)
        except ValidationError as exc:
            errors.setdefault("follow_ups", []).append(exc)
    if errors:
        raise ValidationError(errors)
    visit = Visit(
        mentor=acting_user,
        participant=participant,
        date=date,
        kind=kind,
        steps=sorted(set(steps)),
        notes=notes.strip(),
        shared=shared,
        photo_content_type=photo_content_type,
    )
    visit.full_clean(exclude=["photo", "mentor", "participant"])
    stored = ""
    try:
        if photo is not None:
            visit.photo.save("photo", photo, save=False)
            stored = visit.photo.name or ""
        visit.save()
        FollowUp.objects.bulk_create(
            FollowUp(visit=visit, participant=participant, what=f.what.strip(), due_date=f.due_date)
            for f in follow_ups
        )
        if stage:
            MentorAssignment.objects.filter(participant=participant, active=True).update(stage=stage)
    except BaseException:
        if stored:
            visit.photo.storage.delete(stored)  # nothing was saved: leave no file behind
        raise
    measures.changed(participant.pk)
    return visit


@transaction.atomic
@audit.audited
def follow_up_mark_done(*, follow_up: FollowUp, acting_user: User) -> FollowUp:
    """Mark a follow-up done, once: a second click changes nothing."""
    locked = (
        FollowUp.objects.select_for_update(no_key=True, of=("self",))
        .select_related("participant")
        .get(pk=follow_up.pk)
    )
    permissions.can_mark_follow_up_done(acting_user, locked).enforce()
    if locked.done_at is None:
        locked.done_at = timezone.now()
        locked.done_by = acting_user
        locked.save(update_fields=["done_at", "done_by"])
    return locked


def _reminder_lines(items: list[FollowUp]) -> str:
    """The first few follow-ups, one a line (a message stays short enough for an SMS); the count says the rest."""
    lines = [f"- {f.participant.full_name}: {f.what} ({f.due_date.isoformat()})" for f in items[:REMINDER_LINES]]
    if len(items) > REMINDER_LINES:
        lines.append(f"- (+{len(items) - REMINDER_LINES})")
    return "\n".join(lines)


def _reminder_recipient(follow_up: FollowUp, current: dict[int, User]) -> User | None:
    """The participant's current mentor, else the one who logged the visit, as long as they are an active
    mentor of the participant's kecamatan; else nobody for now."""
    kecamatan_id = follow_up.participant.kecamatan_id
    for mentor in (current.get(follow_up.participant_id), follow_up.visit.mentor):
        if mentor is not None and permissions.is_active_mentor_of(mentor, kecamatan_id):
            return mentor
    return None


def follow_ups_remind_due(*, today: datetime.date | None = None) -> int:
    """Tell each mentor, in one message, which of their participants' follow-ups fall due today or earlier and
    were not reminded yet. The recipient is the participant's current mentor, else the one who logged the
    visit, and only an active mentor of the participant's kecamatan: when neither is, the follow-up waits for
    the next run after a mentor is assigned. Each follow-up is reminded once, even when two runs overlap.
    Returns how many were reminded."""
    today = today or timezone.localdate()
    total = 0
    after = Q()
    while True:
        with transaction.atomic():
            batch = list(
                FollowUp.objects.select_for_update(skip_locked=True, of=("self",), no_key=True)
                .filter(after, done_at__isnull=True, reminded_at__isnull=True, due_date__lte=today)
                .select_related("participant", "visit__mentor")
                .order_by("due_date", "pk")[:REMINDER_BATCH]
            )
            if not batch:
                return total
            last = batch[-1]
            after = Q(due_date__gt=last.due_date) | Q(due_date=last.due_date, pk__gt=last.pk)
            current = {
                a.participant_id: a.mentor
                for a in MentorAssignment.objects.filter(
                    participant_id__in={f.participant_id for f in batch}, active=True
                ).select_related("mentor")
            }
            by_mentor: dict[User, list[FollowUp]] = defaultdict(list)
            for follow_up in batch:
                mentor = _reminder_recipient(follow_up, current)
                if mentor is not None:
                    by_mentor[mentor].append(follow_up)
            for mentor, items in by_mentor.items():
                notify(
                    template="mentoring_follow_ups_due",
                    context={
                        "full_name": mentor.full_name,
                        "count": len(items),
                        "items": _reminder_lines(items),
                        "link": absolute_url("mentoring:caseload"),
                    },
                    user=mentor,
                )
            reminded = [f.pk for items in by_mentor.values() for f in items]
            FollowUp.objects.filter(pk__in=reminded).update(reminded_at=timezone.now())
            total += len(reminded)


# --- help requests ----------------------------------------------------------------------------------------------


def _notify_message(request: HelpRequest, *, sender: User, recipient: User) -> None:
    notify(
        template="mentoring_help_message",
        context={
            "full_name": recipient.full_name,
            "sender_name": sender.full_name,
            "subject": request.subject,
            "link": absolute_url("mentoring:help_thread", request.pk),
        },
        user=recipient,
    )


def _check_body(body: str) -> None:
    if not body.strip():
        raise ValidationError({"body": ValidationError(_("This field is required."), code="required")})


@transaction.atomic
@audit.audited
def help_request_open(
    *, participant: Participant, topic: str, subject: str, body: str, acting_user: User
) -> HelpRequest:
    """The participant asks their current mentor for help."""
    permissions.can_ask_for_help(acting_user, participant).enforce()
    _check_body(body)
    mentor = selectors.current_mentor(participant)
    if mentor is None:
        raise ValidationError(
            _("You have no mentor yet. Your kecamatan office will assign one to you."), code="no_mentor"
        )
    now = timezone.now()
    request = HelpRequest(
        participant=participant,
        mentor=mentor,
        topic=topic,
        subject=subject.strip(),
        created_at=now,
        last_message_at=now,
    )
    request.full_clean(exclude=["participant", "mentor"])
    request.save()
    HelpMessage.objects.create(request=request, author=acting_user, body=body.strip(), created_at=now)
    _notify_message(request, sender=acting_user, recipient=mentor)
    return request


@transaction.atomic
@audit.audited
def help_request_reply(*, request: HelpRequest, body: str, acting_user: User) -> HelpMessage:
    """Write in the thread: the participant, or the thread's mentor. A reply to a closed thread opens it again,
    with the participant's current mentor (who may have changed since it was closed)."""
    locked = (
        HelpRequest.objects.select_for_update(of=("self",), no_key=True)
        .select_related("participant__user", "mentor")
        .get(pk=request.pk)
    )
    permissions.can_reply_in_thread(acting_user, locked).enforce()
    _check_body(body)
    from_participant = locked.participant.user_id == acting_user.pk
    if locked.status == HelpStatus.CLOSED:
        mentor = selectors.current_mentor(locked.participant)
        if mentor is not None:
            locked.mentor = mentor
    now = timezone.now()
    message = HelpMessage.objects.create(request=locked, author=acting_user, body=body.strip(), created_at=now)
    locked.status = HelpStatus.OPEN
    locked.awaiting_mentor = from_participant
    locked.last_message_at = now
    locked.save(update_fields=["mentor", "status", "awaiting_mentor", "last_message_at"])
    if not from_participant:
        _notify_message(locked, sender=acting_user, recipient=locked.participant.user)
    elif permissions.is_active_mentor_of(locked.mentor, locked.participant.kecamatan_id):
        _notify_message(locked, sender=acting_user, recipient=locked.mentor)
    # else the mentor left and nobody follows the participant yet: the thread goes to the next mentor assigned
    return message


@transaction.atomic
@audit.audited
def help_request_close(*, request: HelpRequest, acting_user: User) -> HelpRequest:
    """The participant or the thread's mentor closes it: the question is answered."""
    locked = (
        HelpRequest.objects.select_for_update(of=("self",), no_key=True)
        .select_related("participant")
        .get(pk=request.pk)
    )
    permissions.can_close_thread(acting_user, locked).enforce()
    locked.status = HelpStatus.CLOSED
    locked.awaiting_mentor = False
    locked.save(update_fields=["status", "awaiting_mentor"])
    return locked


# --- staff's corrections (the admin) ----------------------------------------------------------------------------


def _require_staff(acting_user: User) -> None:
    if not (permissions.is_mentoring_staff(acting_user) or acting_user.is_superuser):
        raise ValidationError(_("Only mentoring staff change this."), code="not_allowed")


def _require_superuser(acting_user: User) -> None:
    if not acting_user.is_superuser:
        raise ValidationError(_("Only administrators delete mentoring records."), code="not_allowed")


@transaction.atomic
@audit.audited
def assignment_set_stage(*, assignment: MentorAssignment, stage: str, acting_user: User) -> MentorAssignment:
    """The participant's current step on their active assignment (history is never rewritten)."""
    permissions.can_change_stage(acting_user, assignment).enforce()
    assignment.stage = stage
    assignment.full_clean(exclude=["participant", "mentor", "assigned_by"])
    assignment.save(update_fields=["stage"])
    return assignment


@transaction.atomic
@audit.audited
def visit_update(
    *,
    visit: Visit,
    date: datetime.date,
    kind: str,
    steps: list[str],
    notes: str,
    shared: bool,
    acting_user: User,
) -> Visit:
    """Staff correct a logged visit (its mentor, participant and photo stay as logged). `visit` may carry the new
    values already (the admin's form): the rules compare with the stored row."""
    _require_staff(acting_user)
    stored = Visit.objects.select_for_update(no_key=True).get(pk=visit.pk)
    if date != stored.date:
        try:
            validators.check_visit_date(date)
        except ValidationError as exc:
            raise ValidationError({"date": exc}) from exc
    stored.date, stored.kind, stored.steps = date, kind, sorted(set(steps))
    stored.notes, stored.shared = notes.strip(), shared
    stored.full_clean(exclude=["photo", "mentor", "participant"])
    stored.save(update_fields=["date", "kind", "steps", "notes", "shared"])
    measures.changed(stored.participant_id)
    return stored


@transaction.atomic
@audit.audited
def visit_delete(*, visit: Visit, acting_user: User) -> None:
    """An administrator removes a visit logged by mistake, with its follow-ups and its photo."""
    _require_superuser(acting_user)
    name = visit.photo.name if visit.photo else ""
    storage = visit.photo.storage
    participant_id = visit.participant_id
    visit.delete()
    measures.changed(participant_id)
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
@audit.audited
def follow_up_update(*, follow_up: FollowUp, what: str, due_date: datetime.date, acting_user: User) -> FollowUp:
    """Staff correct what was agreed or its date; a new date of an open follow-up is reminded again. `follow_up`
    may carry the new values already (the admin's form): the rules compare with the stored row."""
    _require_staff(acting_user)
    stored = FollowUp.objects.select_for_update(no_key=True).get(pk=follow_up.pk)
    what = what.strip()
    if not what:
        raise ValidationError({"what": ValidationError(_("Say what is to be done."), code="required")})
    fields = ["what", "due_date"]
    if due_date != stored.due_date:
        try:
            validators.check_follow_up_due(due_date)
        except ValidationError as exc:
            raise ValidationError({"due_date": exc}) from exc
        if stored.done_at is None:
            stored.reminded_at = None
            fields.append("reminded_at")
    stored.what, stored.due_date = what, due_date
    stored.save(update_fields=fields)
    return stored


@transaction.atomic
@audit.audited
def follow_up_delete(*, follow_up: FollowUp, acting_user: User) -> None:
    _require_superuser(acting_user)
    follow_up.delete()


@transaction.atomic
@audit.audited
def help_request_update(*, request: HelpRequest, mentor: User, status: str, acting_user: User) -> HelpRequest:
    """Staff hand a thread to another active mentor of the participant's kecamatan, or close or open it."""
    _require_staff(acting_user)
    locked = (
        HelpRequest.objects.select_for_update(of=("self",), no_key=True)
        .select_related("participant")
        .get(pk=request.pk)
    )
    if mentor.pk != locked.mentor_id:
        check_mentor_for(locked.participant, mentor)
    if status not in HelpStatus.values:
        raise ValidationError({"status": ValidationError(_("Choose open or closed."), code="invalid")})
    locked.mentor, locked.status = mentor, status
    if status == HelpStatus.CLOSED:
        locked.awaiting_mentor = False
    locked.save(update_fields=["mentor", "status", "awaiting_mentor"])
    return locked


@transaction.atomic
@audit.audited
def help_request_delete(*, request: HelpRequest, acting_user: User) -> None:
    _require_superuser(acting_user)
    request.delete()


NOT_A_MENTOR_ACCOUNT = _("Choose a mentor account.")


def check_mentor_account(mentor: User) -> None:
    """Targets, trainings and visits belong to mentor accounts (the admin's forms ask this too)."""
    if mentor.role != Role.MENTOR:
        raise ValidationError({"mentor": ValidationError(NOT_A_MENTOR_ACCOUNT, code="not_mentor")})


@transaction.atomic
@audit.audited
def mentor_target_save(
    *,
    mentor: User,
    year: int,
    participants: int,
    basis: str,
    visits: int,
    acting_user: User,
    target: MentorTarget | None = None,
) -> MentorTarget:
    """Set a mentor's target of a year (a new one, or `target` corrected); one per mentor and year."""
    _require_staff(acting_user)
    check_mentor_account(mentor)
    target = target or MentorTarget()
    target.mentor, target.year, target.participants = mentor, year, participants
    target.basis, target.visits, target.set_by = basis, visits, acting_user
    target.full_clean()
    target.save()
    return target


@transaction.atomic
@audit.audited
def mentor_target_delete(*, target: MentorTarget, acting_user: User) -> None:
    _require_superuser(acting_user)
    target.delete()


@transaction.atomic
@audit.audited
def mentor_training_save(
    *,
    mentor: User,
    title: str,
    kind: str,
    date: datetime.date,
    organiser: str,
    acting_user: User,
    training: MentorTraining | None = None,
) -> MentorTraining:
    """Record a training a mentor attended (a new one, or `training` corrected)."""
    _require_staff(acting_user)
    check_mentor_account(mentor)
    training = training or MentorTraining()
    training.mentor, training.title, training.kind = mentor, title.strip(), kind
    training.date, training.organiser, training.recorded_by = date, organiser.strip(), acting_user
    training.full_clean()
    training.save()
    return training


@transaction.atomic
@audit.audited
def mentor_training_delete(*, training: MentorTraining, acting_user: User) -> None:
    _require_superuser(acting_user)
    training.delete()
