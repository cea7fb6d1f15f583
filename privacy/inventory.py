"""What the program holds about a participant, model by model: the sections of "Data saya"'s download, and the
models deliberately left out of it, each with the reason.

Every concrete model that reaches `registration.Participant` or `accounts.User` by foreign keys is in one of the
two lists: `privacy/tests/test_inventory.py` walks the models and fails on one in neither, so a new model holding
personal data cannot be forgotten by the download. Each of them also has a policy for a participant's erasure
(`ERASURE`, applied by privacy.erasure), tested the same way, so it cannot be forgotten by deletion either.

A section names its rows by a lookup from the model to the participant (or to their account), the fields it
leaves out and the related rows it shows by name (each joined in the section's one query: the download is one
query per section, whatever the number of rows). Everywhere:

- a password, a keyed hash (`*_hash`) or a secret is never shown (`NEVER_SHOWN`);
- an encrypted field is shown only where the section names it (`decrypted`): the owner's NIK, their draft;
- a file is shown as whether there is one; where the portal serves it to its owner, the page links to that view
  (its own permission check and record), so the download holds no copy of a scan.
"""

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from core.crypto import EncryptedTextField

PARTICIPANT = "registration.Participant"
USER = "accounts.User"

# secrets, and what is derived from shown fields for the program's own use (search vectors, a row's import key)
NEVER_SHOWN = frozenset({"password", "entry_key", "session_generation", "secret", "search_vector"})


@dataclass(frozen=True)
class Section:
    """One model's rows about the participant. `owner`: the lookup from the model to the participant (`of` is
    PARTICIPANT) or to their account (`of` is USER); `where`: a further filter (what the participant may see);
    `named`: foreign keys shown by their name (joined: `related` adds the joins their names read)."""

    label: str
    title: StrOrPromise
    owner: str
    of: str = PARTICIPANT
    exclude: tuple[str, ...] = ()
    decrypted: tuple[str, ...] = ()
    named: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    where: Q | None = None
    order: tuple[str, ...] = ("pk",)
    by_month: bool = False  # the cash book: the page and the PDF sum its lines by month (its day, amount, direction)
    # where the portal serves the row's file to its owner: (url name, the attribute its address takes, the file
    # field that must be filled); the view checks who asks and records the read itself
    link: tuple[str, str, str] | None = None

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    @property
    def key(self) -> str:
        return self.label.lower()

    def fields(self) -> list[models.Field]:  # type: ignore[type-arg]
        """The concrete fields shown, in the model's order."""
        shown = []
        for f in self.model._meta.concrete_fields:
            if f.name in NEVER_SHOWN or f.name in self.exclude or f.name.endswith("_hash"):
                continue
            if isinstance(f, EncryptedTextField) and f.name not in self.decrypted:
                continue
            shown.append(f)
        return shown


# In the order the download shows them: the account and the registration (P1), then each step.
SECTIONS: tuple[Section, ...] = (
    Section(USER, _("Account"), owner="pk", of=USER, exclude=("is_staff", "is_superuser"), named=("office",)),
    Section(
        PARTICIPANT,
        _("Participant"),
        owner="pk",
        decrypted=("nik",),
        exclude=("nik_masked", "user"),
        named=("kecamatan", "kelurahan"),
    ),
    Section(
        "registration.Business", _("Business"), owner="participant", exclude=("participant",), named=("kecamatan",)
    ),
    Section(
        "registration.Registration",
        _("Registration"),
        owner="participant",
        exclude=("participant",),
        named=("kecamatan", "registered_by"),
    ),
    Section(
        "registration.RegistrationDecision",
        _("Registration decisions"),
        owner="registration__participant",
        exclude=("registration",),
        named=("decided_by",),
    ),
    Section(
        "registration.Document",
        _("Documents"),
        owner="participant",
        exclude=("participant", "draft", "file", "public_id"),
        named=("uploaded_by",),
        link=("registration:document", "public_id", "file"),
    ),
    # the wizard's answers not yet submitted: the owner's own, so decrypted for them
    Section(
        "registration.Draft", _("Registration draft"), owner="user", of=USER, exclude=("user",), decrypted=("payload",)
    ),
    Section("registration.NikProbe", _("“Already registered?” checks"), owner="user", of=USER, exclude=("user",)),
    Section(
        "training.Enrolment",
        _("Training enrolments"),
        owner="participant",
        exclude=("participant",),
        named=("session",),
        related=("session__course",),
    ),
    Section(
        "training.Attendance",
        _("Training attendance"),
        owner="enrolment__participant",
        named=("enrolment",),
        related=("enrolment__participant", "enrolment__session__course"),
        exclude=("recorded_by",),
    ),
    Section(
        "training.Certificate",
        _("Certificates"),
        owner="enrolment__participant",
        named=("enrolment",),
        related=("enrolment__participant", "enrolment__session__course"),
        link=("training:certificate_pdf", "code", ""),
    ),
    Section(
        "training.Rating",
        _("Training ratings"),
        owner="enrolment__participant",
        named=("enrolment",),
        related=("enrolment__participant", "enrolment__session__course"),
    ),
    # the reason for a change of mentor is the office's note, shown on the staff's participant page only
    Section(
        "mentoring.MentorAssignment",
        _("Mentors"),
        owner="participant",
        exclude=("participant", "reason"),
        named=("mentor", "assigned_by"),
    ),
    # Only the visits the mentor shared: the others stay with the mentors, whole (when, what kind, the steps, the
    # notes), as on the participant's own visit pages (mentoring.selectors.visits_for, Visit.shared).
    Section(
        "mentoring.Visit",
        _("Mentoring visits"),
        owner="participant",
        exclude=("participant", "photo_content_type", "public_id"),
        where=Q(shared=True),
        named=("mentor",),
        link=("mentoring:visit_photo", "public_id", "photo"),
    ),
    Section(
        "mentoring.FollowUp",
        _("Follow-ups"),
        owner="participant",
        exclude=("participant", "visit"),
        where=Q(visit__shared=True),  # follow-ups of a visit not shared stay with the mentors, as its notes
        named=("done_by",),
    ),
    Section(
        "mentoring.HelpRequest", _("Help requests"), owner="participant", exclude=("participant",), named=("mentor",)
    ),
    Section("mentoring.HelpMessage", _("Help messages"), owner="request__participant", named=("request", "author")),
    Section(
        "licensing.LicenceRequest",
        _("Licence requests"),
        owner="participant",
        exclude=("participant",),
        named=("licence_type", "requested_by"),
    ),
    Section(
        "licensing.RequestMove",
        _("Licence request moves"),
        owner="request__participant",
        named=("request", "moved_by"),
        related=("request__licence_type", "request__participant"),
    ),
    Section(
        "licensing.Licence",
        _("Licences"),
        owner="participant",
        exclude=("participant", "request"),
        named=("licence_type", "recorded_by"),
    ),
    Section("marketing.Listing", _("Catalogue listing"), owner="business__participant", exclude=("business",)),
    Section("marketing.Product", _("Products"), owner="business__participant", exclude=("business",)),
    Section(
        "marketing.ProductPhoto",
        _("Product photos"),
        owner="product__business__participant",
        exclude=("image",),
        named=("product",),
    ),
    Section(
        "marketing.OnlineStore",
        _("Online stores"),
        owner="business__participant",
        exclude=("business",),
        named=("checked_by",),
    ),
    Section(
        "marketing.Submission",
        _("Product submissions"),
        owner="product__business__participant",
        named=("call", "product", "submitted_by", "checked_by", "validated_by", "graded_by"),
    ),
    Section(
        "marketing.CriterionComment",
        _("Curators' comments"),
        owner="submission__product__business__participant",
        named=("submission",),
        related=("submission__product", "submission__call"),
    ),
    Section(
        "marketing.SpaceApplication",
        _("Selling-space applications"),
        owner="business__participant",
        exclude=("business",),
        named=("space", "applied_by", "decided_by"),
    ),
    Section(
        "marketing.BoothAllocation",
        _("Booths"),
        owner="business__participant",
        exclude=("business", "application"),
        named=("booth", "allocated_by"),
        related=("booth__space",),
    ),
    Section(
        "finance.Entry",
        _("Cash book"),
        owner="participant",
        exclude=("participant", "settles"),
        named=("recorded_by",),
        order=("day", "pk"),
        by_month=True,
    ),
    Section("finance.Debt", _("Money owed"), owner="participant", exclude=("participant",), named=("recorded_by",)),
    Section(
        "finance.MonthlyRecord",
        _("Monthly reports"),
        owner="participant",
        exclude=("participant", "month_number"),
        named=("recorded_by", "closed_by"),
        order=("month",),
    ),
    Section(
        "finance.MonthEvent",
        _("Months closed and reopened"),
        owner="participant",
        exclude=("participant",),
        named=("by",),
    ),
    # an import's rows are kept until it is saved or discarded: the owner's own file, shown as it was read
    Section(
        "finance.ImportBatch",
        _("Cash book imports"),
        owner="participant",
        exclude=("participant",),
        named=("created_by",),
    ),
    Section(
        "finance.Statement",
        _("Financial statements"),
        owner="participant",
        exclude=("participant",),
        named=("issued_by",),
        link=("finance:statement_pdf", "code", ""),
    ),
    Section("finance.ClassChange", _("Business class changes"), owner="participant", exclude=("participant",)),
    Section(
        "capital.LoanReferral",
        _("Loan referrals"),
        owner="participant",
        exclude=("participant", "consent"),
        named=("product", "lender"),
    ),
    Section(
        "capital.ReferralMove",
        _("Loan referral moves"),
        owner="referral__participant",
        named=("referral", "moved_by"),
        related=("referral__product",),
    ),
    Section(
        "partners.Consent",
        _("Consents"),
        owner="participant",
        exclude=("participant",),
        named=("organisation", "text"),
    ),
    Section("partners.JakiLink", _("JAKI link"), owner="participant", exclude=("participant",)),
    Section(
        "partners.AccessLog",
        _("Partners' reads"),
        owner="participant",
        exclude=("participant", "key"),
        named=("organisation",),
        order=("at", "pk"),
    ),
    Section(
        "feedback.Post",
        _("Forum posts"),
        owner="author",
        # the forum tells the author that "a moderator" hid it, and why, never who
        exclude=("author", "hidden_by"),
        named=("kecamatan",),
    ),
    Section("feedback.Answer", _("Answers to your posts"), owner="post__author", named=("post", "author", "office")),
    Section("feedback.Support", _("Posts you support"), owner="user", of=USER, exclude=("user",), named=("post",)),
    Section(
        "notifications.Message",
        _("Messages sent to you"),
        owner="recipient",
        of=USER,
        # the context holds one-time links and codes; the errors and retries are the outbox's own working
        exclude=("recipient", "context", "last_error", "attempts", "next_attempt_at", "attempt_started_at", "key"),
        order=("created_at", "pk"),
    ),
    Section("privacy.DataDownload", _("Your downloads of this data"), owner="user", of=USER, exclude=("user",)),
    Section(
        "privacy.DeletionRequest",
        _("Your deletion requests"),
        owner="user",
        of=USER,
        exclude=("user", "participant", "partners_to_notify"),
        named=("decided_by",),
    ),
    Section(
        "privacy.CorrectionRequest",
        _("Your correction requests"),
        owner="user",
        of=USER,
        # the NIK asked is encrypted and emptied once decided: the masked value asked is shown instead
        exclude=("user", "participant"),
        named=("decided_by",),
    ),
    Section(
        "targets.Progress",
        _("Program progress"),
        owner="participant",
        exclude=("participant",),
        named=("kecamatan", "mentor"),
    ),
)


# The models left out of the download that the erasure still changes (ERASURE says how).
_ERASED_EXCLUDED = frozenset(
    {
        "otp_totp.TOTPDevice",
        "otp_static.StaticToken",
        "otp_static.StaticDevice",
        "partners.JakiLinkCode",
        "admin.LogEntry",
    }
)

# Models that reach a participant or an account but are not theirs to download, each with the reason.
EXCLUDED: dict[str, str] = {
    # secrets of the second factor: the account page says whether one is set up
    "otp_totp.TOTPDevice": "second-factor secret",
    "otp_static.StaticDevice": "second-factor recovery codes",
    "otp_static.StaticToken": "second-factor recovery codes",
    # a code lives minutes and is kept only as its hash
    "partners.JakiLinkCode": "short-lived link code, kept hashed",
    # the admin's own log of staff edits (entrepreneurs have no admin access); the audit trail covers the rest
    "admin.LogEntry": "staff's admin log",
    # staff-side records: they reach an account as the staff member who made them, never a participant
    "registration.ParticipantImport": "a kecamatan's import of many people (encrypted rows)",
    "exports.Export": "lists exported by staff",
    "partners.PartnerOrganisation": "organisation (its API account)",
    "partners.PartnerMember": "partner organisation users",
    "partners.Agreement": "partner agreements",
    "partners.AgreementMatch": "counts of an agreement",
    "partners.AgreementMeeting": "meetings of an agreement",
    "partners.AgreementDocument": "documents of an agreement",
    "partners.PartnerKey": "API keys (the partner is named on each read)",
    "partners.KeyReadDay": "a key's daily read counts",
    "training.Course": "courses (named on the enrolment)",
    "training.Session": "sessions (named on the enrolment)",
    "mentoring.MentorTarget": "mentors' yearly targets",
    "mentoring.MentorTraining": "mentors' own trainings",
    "marketing.ProductCall": "calls for products (named on the submission)",
    "marketing.SellingSpace": "selling spaces (named on the application)",
    "marketing.Booth": "booths (named on the allocation)",
    "finance.ProgramReport": "the program's yearly report",
    "capital.FinancingProduct": "lenders' products (named on the referral)",
    "targets.Target": "targets of areas and mentors",
    "targets.MeasureCount": "program counts",
    "targets.AreaCount": "program counts",
    "targets.GapCount": "program counts",
    "targets.AgreementOutcome": "partner performance counts",
    "targets.TargetImport": "target uploads by staff",
    "targets.Report": "the weekly report",
    # the moderation log is the moderators' own (the author reads on the post that it is hidden, and why)
    "feedback.Moderation": "moderators' log of a post",
}


# --- erasure (privacy.erasure) ---------------------------------------------------------------------------------
#
# What a participant's erasure does to each model: keep the rows the program's statistics count, with every
# personal field made neutral (`Anonymise`), or remove the rows (`Remove`); their files in private storage go with
# them either way. A model of staff-side rows (`Untouched`) holds nothing of the participant's own. The audit trail's
# events of every row touched lose their field values the same way (privacy.erasure says how).
#
# Kept: what the targets, the dashboard and the yearly report count (registration dates, status, kecamatan,
# track, sector, sex and the birth year; the enrolments, attendances, visits' dates, licences, submissions,
# booths, stores, monthly figures, class changes, loan outcomes and moves; the consents and the partners' reads,
# which say who received the data). Removed: documents and photos, the cash book, debts, imports and statements,
# drafts, "already registered?" checks, messages sent to them with their contexts, the JAKI link, second-factor
# devices.

# Stored, not shown through gettext: a value in a row is read in every language, so it is language-neutral.
REMOVED = "[dihapus]"


class Blank(Enum):
    """What a personal field becomes."""

    TEXT = "text"  # REMOVED where there was text, empty where there was none (a "has a reason" rule still holds)
    EMPTY = "empty"  # the empty string (an encrypted field's ciphertext goes with it)
    NULL = "null"
    UNIQUE = "unique"  # REMOVED with the row's id: the column is unique, alone or with another
    YEAR = "year"  # a date cut to the first day of its year: the age band stays, the birthday goes
    EMAIL = "email"  # an address of the row's id under ".invalid" (RFC 2606): unique, and an account needs one
    DEFAULT = "default"  # the field's default (a JSON list or object)
    FALSE = "false"
    UNUSABLE = "unusable"  # a password no login can match
    RAISED = "raised"  # a counter raised by one: the session generation, so every session of the account ends


@dataclass(frozen=True)
class Anonymise:
    """The rows stay (the statistics count them); `fields` take a neutral value; `files`: file fields whose
    stored files are deleted (their column is among `fields`)."""

    fields: dict[str, Blank]
    files: tuple[str, ...] = ()
    owners: tuple[tuple[str, str], ...] = ()  # (lookup, PARTICIPANT or USER); empty: the section's own
    generic: bool = False  # the rows name an erased row by content type and id (the admin's log), not by a key


@dataclass(frozen=True)
class Remove:
    """The rows go, with the stored files of `files`."""

    files: tuple[str, ...] = ()
    owners: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Untouched:
    """Staff-side rows: nothing of the participant's own to erase (`reason` says why)."""

    reason: str


Policy = Anonymise | Remove | Untouched

T, E, N = Blank.TEXT, Blank.EMPTY, Blank.NULL

# In the order the erasure applies them: a row is removed before a row it protects (the cash book's settling
# entries before the debts, a draft's documents before the draft).
ERASURE: dict[str, Policy] = {
    USER: Anonymise(
        {
            "full_name": T,
            "email": Blank.EMAIL,
            "phone": N,
            "password": Blank.UNUSABLE,
            "is_active": Blank.FALSE,
            "session_generation": Blank.RAISED,
        }
    ),
    # nik_hash: removed, not kept (UU PDP art. 43: erasure of what identifies the person; the keyed hash is the
    # NIK pseudonymised by a key the program holds). So the same NIK may register again, as a new participant.
    PARTICIPANT: Anonymise(
        {
            "full_name": T,
            "nik": E,
            "nik_hash": Blank.UNIQUE,
            "nik_masked": E,
            "birth_date": Blank.YEAR,
            "phone": E,
            "email": E,
            "address": T,
            "kelurahan": N,
            "domicile_since": N,
            "partner_activity": T,
        }
    ),
    "registration.Business": Anonymise({"name": T, "address": T}),
    "registration.Registration": Anonymise({"last_reason": T}),
    "registration.RegistrationDecision": Anonymise({"reason": T}),
    "registration.Document": Remove(files=("file",), owners=(("participant", PARTICIPANT), ("draft__user", USER))),
    "registration.Draft": Remove(),
    "registration.NikProbe": Remove(),
    "training.Enrolment": Anonymise({}),
    "training.Attendance": Anonymise({}),
    "training.Certificate": Anonymise({"full_name": T}),
    "training.Rating": Anonymise({"comment": T}),
    "mentoring.MentorAssignment": Anonymise({"reason": T}),
    "mentoring.Visit": Anonymise(
        {"notes": T, "steps": Blank.DEFAULT, "photo": E, "photo_content_type": E}, files=("photo",)
    ),
    "mentoring.FollowUp": Anonymise({"what": T}),
    "mentoring.HelpRequest": Anonymise({"subject": T}),
    "mentoring.HelpMessage": Anonymise({"body": T}),
    "licensing.LicenceRequest": Anonymise({"subject": T, "note": T, "refusal_reason": T}),
    "licensing.RequestMove": Anonymise({"note": T}),
    "licensing.Licence": Anonymise(
        {"number": Blank.UNIQUE, "subject": T, "scan": E, "scan_content_type": E}, files=("scan",)
    ),
    "marketing.Listing": Remove(),
    "marketing.ProductPhoto": Remove(files=("image",)),
    "marketing.Product": Anonymise({"name": T, "description": T, "search_vector": N}),
    "marketing.OnlineStore": Anonymise({"url": Blank.UNIQUE}),
    "marketing.Submission": Anonymise({"comment": T, "returned_reason": T}),
    "marketing.CriterionComment": Remove(),
    "marketing.SpaceApplication": Anonymise({"note": T, "decision_note": T}),
    "marketing.BoothAllocation": Anonymise({}),
    "finance.Entry": Remove(),
    "finance.Debt": Remove(),
    "finance.MonthlyRecord": Anonymise({}),
    "finance.MonthEvent": Anonymise({"reason": T}),
    "finance.ImportBatch": Remove(),
    "finance.Statement": Remove(),
    "finance.ClassChange": Anonymise({}),
    "capital.LoanReferral": Anonymise({"use_of_funds": T, "lender_reference": T}),
    "capital.ReferralMove": Anonymise({"note": T}),
    "partners.Consent": Anonymise({}),  # withdrawn by the erasure (partners.services.withdraw) and kept
    "partners.JakiLink": Remove(),
    "partners.JakiLinkCode": Remove(owners=(("participant", PARTICIPANT),)),
    "partners.AccessLog": Anonymise({}),
    "feedback.Post": Anonymise({"title": T, "body": T}),
    "feedback.Answer": Untouched("staff's answers to the post, which stays (its text removed)"),
    "feedback.Support": Anonymise({}),  # the posts' support counts stay
    "notifications.Message": Remove(),
    "privacy.DataDownload": Anonymise({}),
    "privacy.DeletionRequest": Anonymise({"reason": T}),
    "privacy.CorrectionRequest": Anonymise(
        {"current_value": T, "asked_value": T, "asked_nik": E, "reason": T, "decision_note": T}
    ),
    "targets.Progress": Anonymise({}),
    "otp_totp.TOTPDevice": Remove(owners=(("user", USER),)),
    "otp_static.StaticToken": Remove(owners=(("device__user", USER),)),
    "otp_static.StaticDevice": Remove(owners=(("user", USER),)),
    # staff edits in the admin name the row they changed (its str: a participant's name and masked NIK)
    "admin.LogEntry": Anonymise({"object_repr": T, "change_message": E}, generic=True),
    **{label: Untouched(reason) for label, reason in EXCLUDED.items() if label not in _ERASED_EXCLUDED},
}


def is_trail(model: type[models.Model]) -> bool:
    """An audit-trail event model (core.audit.track): the trail is the "who processed my data" page, not a
    section of its own."""
    import pghistory.models

    return issubclass(model, pghistory.models.Event)


def _forward_relations(model: type[models.Model]) -> Iterator[models.Field]:  # type: ignore[type-arg]
    for f in model._meta.concrete_fields:
        if f.is_relation and f.related_model is not None and (f.many_to_one or f.one_to_one):
            yield f


def paths_to(model: type[models.Model], target: str, *, skip: frozenset[str] = frozenset()) -> list[str]:
    """Every lookup from `model` to the model labelled `target` by forward foreign keys (breadth first, no model
    visited twice on one path; `skip`: field names not followed, such as an event's own object)."""
    target_model = apps.get_model(target)
    found: list[str] = []
    queue: deque[tuple[type[models.Model], str, frozenset[type[models.Model]]]] = deque([(model, "", frozenset())])
    while queue:
        current, prefix, seen = queue.popleft()
        for f in _forward_relations(current):
            if not prefix and f.name in skip:
                continue
            related = f.related_model
            assert isinstance(related, type)
            lookup = f"{prefix}{f.name}"
            if related is target_model:
                found.append(lookup)
            elif related not in seen and related is not current:
                queue.append((related, f"{lookup}__", seen | {current}))
    return found


def covered_labels() -> set[str]:
    return {section.label for section in SECTIONS} | set(EXCLUDED)


def erasure_owners(label: str) -> tuple[tuple[str, str], ...]:
    """The lookups from the model labelled `label` to the participant or their account, as the erasure finds its
    rows: the policy's own, or the download section's."""
    policy = ERASURE[label]
    assert not isinstance(policy, Untouched)
    if policy.owners or (isinstance(policy, Anonymise) and policy.generic):
        return policy.owners
    section = next(section for section in SECTIONS if section.label == label)
    return ((section.owner, section.of),)
