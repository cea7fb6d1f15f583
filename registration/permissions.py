"""Who may do what in P1 registration, checking role AND state: `can_<action>(user, obj, ...) -> Decision`.

Services enforce these (`.enforce()`); views, templates and the admin only ask them. The role facts come from
`accounts.permissions`; the state half is a property of the model (`Registration.awaits_decision`,
`Registration.awaits_fix`). No predicate runs a query of its own when the objects come from the selectors."""

from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.models import Role
from accounts.permissions import AnyUser
from core.decisions import ALLOWED, Decision, deny, first_refusal

from .models import Document, Participant, ParticipantImport, Registration
from .selectors import IDENTITY_DOCUMENTS

# the refusal of a state that changed under a person's eyes (someone acted first): the services' message of old
STATUS_CHANGED = _("This registration is no longer in the state you saw: someone acted on it already.")
NOT_VERIFIER = _("Only the kecamatan secretariat and agency staff verify registrations.")
OTHER_OFFICE = _("This registration belongs to another kecamatan office.")
NOT_OWNER = _("Only the participant can fix their own registration.")
NOT_OFFICE_STAFF = _("Only mentors and secretariat members, at their kecamatan office, register walk-ins.")
NOT_ENTREPRENEUR = _("Only an entrepreneur's account can register online.")
NOT_ALLOWED_DOCUMENT = _("You may not open this document.")
NOT_CORRECTOR = _("Only agency staff and the participant's kecamatan secretariat correct a participant's records.")
NOT_ADMINISTRATOR = _("Only an administrator deletes a participant.")
NOT_STAFF = _("Only the kecamatan secretariat and agency staff see a participant's history.")


def _in_scope(user: AnyUser, kecamatan_id: int | None) -> bool:
    """Agency staff work everywhere; office staff in their own kecamatan."""
    return permissions.serves(user, kecamatan_id)


def owns(user: AnyUser, participant: Participant) -> bool:
    return user.is_authenticated and participant.user_id == user.pk


def owns_document(user: AnyUser, document: Document) -> bool:
    """The document is the user's own: of their participant record, or of their draft (no query)."""
    if not user.is_authenticated:
        return False
    if document.participant is not None:
        return document.participant.user_id == user.pk
    return document.draft is not None and document.draft.user_id == user.pk


NOT_LIST_STAFF = _("Only kecamatan office staff and agency staff see and export the participant list.")


def can_see_participant_list(user: AnyUser) -> Decision:
    """The staff participant list (and its export): office staff see their kecamatan's participants, agency
    staff the program's (`selectors.participant_list` scopes the rows)."""
    if not (permissions.is_office_staff(user) or permissions.is_program_wide(user)):
        return deny("not_staff", NOT_LIST_STAFF)
    return ALLOWED


def can_register_online(user: AnyUser) -> Decision:
    if not permissions.is_entrepreneur(user):
        return deny("not_entrepreneur", NOT_ENTREPRENEUR)
    return ALLOWED


def can_register_walk_in(user: AnyUser) -> Decision:
    if not permissions.can_register_walk_ins(user):
        return deny("not_office_staff", NOT_OFFICE_STAFF)
    return ALLOWED


def can_decide(user: AnyUser, registration: Registration) -> Decision:
    """A verifier (their kecamatan's secretariat, or agency staff) decides a submitted registration."""
    if not permissions.can_verify_registrations(user):
        return deny("not_verifier", NOT_VERIFIER)
    if not _in_scope(user, registration.kecamatan_id):
        return deny("other_office", OTHER_OFFICE)
    if not registration.awaits_decision:
        return deny("not_submitted", STATUS_CHANGED)
    return ALLOWED


DOCUMENTS_TO_FOLLOW = _(
    "Documents are still to bring: approve once they are uploaded. You may send the registration back or reject it "
    "now."
)


def can_approve(user: AnyUser, registration: Registration) -> Decision:
    """Deciding, and the registration has every document its answers call for: one registered from an office's
    spreadsheet (`documents_to_follow`) waits for them (the one rule; `registration_decide` enforces it)."""
    decision = can_decide(user, registration)
    if decision and registration.awaits_documents:
        return deny("documents_to_follow", DOCUMENTS_TO_FOLLOW)
    return decision


NOT_DOCUMENT_BRINGER = _("Only the staff of the participant's kecamatan office upload the documents still to bring.")
NO_DOCUMENTS_TO_FOLLOW = _("This registration has no documents still to bring.")


def can_add_documents(user: AnyUser, registration: Registration) -> Decision:
    """The staff of the participant's kecamatan office (those who register walk-ins there) and agency staff
    upload the documents still to bring of a registration waiting for a decision or a fix."""
    if not (permissions.is_program_wide(user) or permissions.can_register_walk_ins(user)):
        return deny("not_office_staff", NOT_DOCUMENT_BRINGER)
    if not _in_scope(user, registration.kecamatan_id):
        return deny("other_office", OTHER_OFFICE)
    if not registration.awaits_documents:
        return deny("no_documents_to_follow", NO_DOCUMENTS_TO_FOLLOW)
    return ALLOWED


def can_fix(user: AnyUser, registration: Registration) -> Decision:
    """The participant fixes their own registration once it is sent back."""
    if not owns(user, registration.participant):
        return deny("not_owner", NOT_OWNER)
    if not registration.awaits_fix:
        return deny("not_needs_fix", STATUS_CHANGED)
    return ALLOWED


def can_view_full_nik(user: AnyUser, participant: Participant) -> Decision:
    """The participant themself and the verifiers of their kecamatan see the whole NIK; others a masked one."""
    if owns(user, participant):
        return ALLOWED
    if permissions.can_verify_registrations(user) and _in_scope(user, participant.kecamatan_id):
        return ALLOWED
    return deny("not_verifier", NOT_VERIFIER)


def can_view_document(user: AnyUser, document: Document) -> Decision:
    """The owner; staff who may see the participant (their kecamatan, or the whole program); the identity
    documents (the KTP shows the full NIK) only for the participant and the verifiers, not for mentors.
    The single-document form of `selectors.documents_for` (a test keeps the two in step)."""
    if owns_document(user, document):
        return ALLOWED
    participant = document.participant if document.participant_id is not None else None
    if participant is None or not _in_scope(user, participant.kecamatan_id):
        return deny("not_allowed", NOT_ALLOWED_DOCUMENT)
    if document.kind in IDENTITY_DOCUMENTS and not permissions.can_verify_registrations(user):
        return deny("identity_document", NOT_ALLOWED_DOCUMENT)
    return ALLOWED


def can_view_history(user: AnyUser, participant: Participant) -> Decision:
    """The audit trail of a participant is for staff: the verifiers of their kecamatan and agency staff."""
    if not permissions.can_verify_registrations(user):
        return deny("not_staff", NOT_STAFF)
    if not _in_scope(user, participant.kecamatan_id):
        return deny("other_office", OTHER_OFFICE)
    return ALLOWED


def can_correct(user: AnyUser, participant: Participant) -> Decision:
    """Agency staff and the participant's kecamatan secretariat correct a participant's contact and business, and
    on the participant's request their identity and kecamatan."""
    if not permissions.can_verify_registrations(user):
        return deny("not_corrector", NOT_CORRECTOR)
    if not _in_scope(user, participant.kecamatan_id):
        return deny("other_office", OTHER_OFFICE)
    return ALLOWED


def can_update_contact(user: AnyUser, participant: Participant) -> Decision:
    """How to reach a participant (mobile number, email, domicile address and kelurahan) is theirs to keep right:
    UU PDP has a person correct what they may themselves. Staff correct it as they correct the rest of the record
    (`can_correct`, whose refusal is the answer to anyone else). Identity and kecamatan are not here: the
    participant asks staff for those (privacy's correction requests)."""
    if owns(user, participant):
        return ALLOWED
    return can_correct(user, participant)


def can_delete_participant(user: AnyUser, participant: Participant) -> Decision:
    """Deleting a participant and every record of them is for administrators (the admin's own rule)."""
    if not (user.is_authenticated and user.is_superuser):
        return deny("not_administrator", NOT_ADMINISTRATOR)
    return ALLOWED


NOT_APP = _("Only an app's API account registers people on their behalf.")


def can_register_from_app(user: AnyUser) -> Decision:
    """An app registering a person on their behalf acts through an active partner-role API account. This is
    only the half registration can know: which app (the JAKI city app's key) is checked by the caller,
    `partners.services.jaki_register` with `partners.permissions.can_act_for_jaki`, since registration may not
    import partners."""
    if not (user.is_authenticated and user.is_active and user.role == Role.PARTNER):
        return deny("not_app", NOT_APP)
    return ALLOWED


# --- imports of participants from an office's spreadsheet -----------------------------------------------------

NOT_IMPORTER = _("Only mentors and secretariat members, at their kecamatan office, import participants.")
OTHER_OFFICE_IMPORT = _("This file belongs to another kecamatan office.")
IMPORT_DECIDED = _("This file is being saved, or was saved or discarded already.")


def can_import_participants(user: AnyUser) -> Decision:
    """Those who register walk-ins (a mentor or secretariat member at their office) import a spreadsheet of
    participants of their own kecamatan."""
    if not permissions.can_register_walk_ins(user):
        return deny("not_office_staff", NOT_IMPORTER)
    return ALLOWED


def can_see_import(user: AnyUser, batch: ParticipantImport) -> Decision:
    """The office staff of the batch's kecamatan (no query)."""
    return first_refusal(
        can_import_participants(user),
        ALLOWED if permissions.works_in(user, batch.office_id) else deny("other_office", OTHER_OFFICE_IMPORT),
    )


def can_decide_import(user: AnyUser, batch: ParticipantImport) -> Decision:
    """Save all, save the good rows or discard: the office's staff, while the checked file waits."""
    decision = can_see_import(user, batch)
    if decision and not batch.awaits_decision:
        return deny("decided", IMPORT_DECIDED)
    return decision
