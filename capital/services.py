"""Writes of P7 capital. Each runs in one transaction, enforces the predicates of permissions.py, is recorded in the
audit trail as the acting user's (@audit.audited; the channel comes from the entry point: web, admin or API) and
queues its messages through the notifications outbox in the same transaction. They take typed values, never a form.

Products are agency staff's (the admin). A referral is the participant's: asked for a product they qualify for now
(capital.readiness), sharing the data they name with its lender under their loan-assessment consent to it (granted,
or the active one reused, against the text they were shown), at most one open per product (the constraint
capital_one_open_referral_per_product, whose violation is a refusal). It moves along choices.MOVES under a row lock
(`referral_move`, the contract the lender's API calls too); every move, its creation included, is a ReferralMove
row and a message to the participant. Every write of a participant's referrals takes their row lock first, so they
happen one at a time. A referral closed by its participant (`referral_withdraw`) or refused by its lender also ends
the consent once no other open referral rests on it, so the lender no longer reads the participant's data."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core import audit
from core.decisions import Refused
from core.money import MAX_RUPIAH, format_rupiah
from core.web import absolute_url
from mentoring.selectors import current_mentor
from notifications.services import notify
from partners import services as partner_services
from partners.choices import LENDER_KINDS, ConsentChannel, Purpose
from partners.models import Consent, PartnerOrganisation
from registration import measures
from registration.models import Participant

from . import permissions, readiness
from .choices import OPEN_STATUSES, ReferralStatus, SharedData
from .messages import MESSAGES
from .models import FinancingProduct, LoanReferral, ReferralMove

# a message is an SMS (a body of at most 320 characters): what it quotes is cut to these lengths (pages show it whole)
MESSAGE_PERSON_CHARS: Final = 30
MESSAGE_NAME_CHARS: Final = 40  # a product's name
MESSAGE_LENDER_CHARS: Final = 30
MESSAGE_REASON_CHARS: Final = 80
USE_OF_FUNDS_CHARS: Final = 500
NOTE_CHARS: Final = 500  # ReferralMove.note
REFERENCE_CHARS: Final = 60  # LoanReferral.lender_reference

NOT_READY = _("You do not qualify for %(product)s yet: %(missing)s")
ALREADY_OPEN = _("You have an open referral for %(product)s already: follow that one.")
AMOUNT_RANGE = _("%(product)s lends from %(min)s to %(max)s.")
TENOR_RANGE = _("%(product)s runs from %(min)d to %(max)d months.")
USE_REQUIRED = _("Say what the money is for: the lender reads it first.")
USE_TOO_LONG = _("Keep it to %(max)d characters.")
SHARED_UNKNOWN = _("Choose the data to share from the list.")
IDENTITY_NEEDED = _(
    "A lender cannot assess a loan without knowing who asks for it: share your identity (you may leave out the rest)."
)
AMOUNT_APPROVED_NEEDED = _("Give the amount approved: from %(min)s to %(max)s, the product's range.")
AMOUNT_DISBURSED_NEEDED = _("Give the amount disbursed (at most %(max)s, the amount approved).")
DAY_NEEDED = _("Give the day of the disbursement: not in the future, and not before the approval (%(day)s).")
REASON_NEEDED = _("Say why the loan is not approved: the participant reads it.")
REFERENCE_TOO_LONG = _("A lender's reference has at most %(max)d characters.")
NOTE_TOO_LONG = _("A note has at most %(max)d characters.")
WITHDRAW_SEPARATELY = _("A referral is withdrawn by its participant, which also ends their consent to the lender.")
UNKNOWN_STATUS = _("Choose a status of a referral.")
AMOUNTS_ORDER = _("The smallest amount is more than nothing and not above the largest.")
AMOUNT_TOO_LARGE = _("This amount is too large; check it.")
TENOR_ORDER = _("The shortest tenor is not longer than the longest.")

# the message each move sends to the participant (the referral made: capital_requested)
MOVE_MESSAGES: Final = {
    ReferralStatus.SENT: "capital_sent",
    ReferralStatus.UNDER_REVIEW: "capital_under_review",
    ReferralStatus.APPROVED: "capital_approved",
    ReferralStatus.REFUSED: "capital_refused",
    ReferralStatus.DISBURSED: "capital_disbursed",
    ReferralStatus.WITHDRAWN: "capital_withdrawn",
}


def _error(field_name: str, message: object, code: str) -> ValidationError:
    return ValidationError({field_name: ValidationError(message, code=code)})  # type: ignore[arg-type]


# --- products (agency staff, in the admin) ----------------------------------------------------------------------


@dataclass(frozen=True)
class ProductData:
    """A financing product as staff set it (its code apart, which never changes once made)."""

    lender: PartnerOrganisation
    name: str
    amount_min: int
    amount_max: int
    tenor_min_months: int
    tenor_max_months: int
    rate_percent: Decimal
    rate_kind: str
    description: str = ""
    collateral: bool = False
    tracks: tuple[str, ...] = ()
    min_report_months: int = 0
    needs_nib: bool = False
    classes: tuple[str, ...] = ()
    min_monthly_turnover: int = 0
    official_url: str = ""
    active: bool = True

    def apply_to(self, product: FinancingProduct) -> None:
        product.lender = self.lender
        product.name = self.name.strip()
        product.description = self.description.strip()
        product.amount_min, product.amount_max = self.amount_min, self.amount_max
        product.tenor_min_months, product.tenor_max_months = self.tenor_min_months, self.tenor_max_months
        product.rate_percent, product.rate_kind = self.rate_percent, self.rate_kind
        product.collateral = self.collateral
        product.tracks = sorted(set(self.tracks))
        product.min_report_months = self.min_report_months
        product.needs_nib = self.needs_nib
        product.classes = sorted(set(self.classes))
        product.min_monthly_turnover = self.min_monthly_turnover
        product.official_url = self.official_url.strip()
        product.active = self.active


def product_check(*, product: FinancingProduct, data: ProductData, user: User | None) -> None:
    """The rules of saving `product` with these values besides the model's own: agency staff, a lender of a
    lending kind, amounts within the portal's money limits and in order, tenors in order. It puts the values on
    `product` and writes nothing (the admin's form asks it too, to show a refusal on the form)."""
    permissions.can_manage_products(user).enforce()
    errors: dict[str, list[ValidationError]] = {}
    if data.lender.kind not in LENDER_KINDS:
        errors["lender"] = [ValidationError(permissions.NOT_LENDER_KIND, code="not_lender")]
    if not 0 < data.amount_min <= data.amount_max:
        errors["amount_min"] = [ValidationError(AMOUNTS_ORDER, code="amounts_order")]
    for name, amount in (("amount_max", data.amount_max), ("min_monthly_turnover", data.min_monthly_turnover)):
        if amount > MAX_RUPIAH:
            errors[name] = [ValidationError(AMOUNT_TOO_LARGE, code="too_large")]
    if data.tenor_min_months > data.tenor_max_months:
        errors["tenor_min_months"] = [ValidationError(TENOR_ORDER, code="tenor_order")]
    if errors:
        raise ValidationError(errors)
    data.apply_to(product)


def _save_product(product: FinancingProduct, data: ProductData, acting_user: User) -> FinancingProduct:
    product_check(product=product, data=data, user=acting_user)
    product.full_clean()
    product.save()
    return product


@transaction.atomic
@audit.audited
def product_create(*, code: str, data: ProductData, acting_user: User) -> FinancingProduct:
    """A new product of a lender, named by its `code` (in its page's address; unique, never changed)."""
    return _save_product(FinancingProduct(code=code.strip()), data, acting_user)


@transaction.atomic
@audit.audited
def product_update(*, product: FinancingProduct, data: ProductData, acting_user: User) -> FinancingProduct:
    """Change a product: referrals already made keep what they asked for."""
    locked = FinancingProduct.objects.select_for_update().get(pk=product.pk)
    return _save_product(locked, data, acting_user)


@transaction.atomic
@audit.audited
def product_deactivate(*, product: FinancingProduct, acting_user: User) -> FinancingProduct:
    """Stop offering a product: it takes no new referral; the open ones go on."""
    permissions.can_manage_products(acting_user).enforce()
    locked = FinancingProduct.objects.select_for_update().get(pk=product.pk)
    locked.active = False
    locked.save(update_fields=["active"])
    return locked


# --- messages ---------------------------------------------------------------------------------------------------


def _short(text: str, chars: int) -> str:
    return Truncator(" ".join(text.split())).chars(chars)


def _notify(referral: LoanReferral, template: str, *, to: User, full_name: str, **extra: str) -> None:
    """A message about a referral (with its product and lender loaded) to `to`, shortened for an SMS."""
    context = {
        "full_name": _short(full_name, MESSAGE_PERSON_CHARS),
        "product": _short(referral.product.name, MESSAGE_NAME_CHARS),
        "lender": _short(referral.lender.name, MESSAGE_LENDER_CHARS),
        "link": absolute_url("capital:referral_detail", referral.pk),
        **extra,
    }
    notify(template=template, context={key: context[key] for key in MESSAGES[template]}, user=to)


def _notify_participant(referral: LoanReferral, template: str, **extra: str) -> None:
    participant = referral.participant
    _notify(referral, template, to=participant.user, full_name=participant.full_name, **extra)


# --- referrals --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Asked:
    """What a participant asks, checked against the product."""

    amount_requested: int
    tenor_months: int
    use_of_funds: str
    shared: list[str] = field(default_factory=list)


def _checked_request(
    product: FinancingProduct, *, amount: int, tenor: int, use_of_funds: str, shared: list[str]
) -> _Asked:
    """The amount and tenor within the product's ranges, what the money is for, and the data to share: named from
    SharedData, the identity among them. Every problem at once, by field."""
    errors: dict[str, list[ValidationError]] = {}
    if not product.amount_min <= amount <= product.amount_max:
        message = AMOUNT_RANGE % {
            "product": product.name,
            "min": format_rupiah(product.amount_min),
            "max": format_rupiah(product.amount_max),
        }
        errors["amount_requested"] = [ValidationError(message, code="amount_range")]
    if not product.tenor_min_months <= tenor <= product.tenor_max_months:
        message = TENOR_RANGE % {
            "product": product.name,
            "min": product.tenor_min_months,
            "max": product.tenor_max_months,
        }
        errors["tenor_months"] = [ValidationError(message, code="tenor_range")]
    use = " ".join(use_of_funds.split())
    if not use:
        errors["use_of_funds"] = [ValidationError(USE_REQUIRED, code="required")]
    elif len(use) > USE_OF_FUNDS_CHARS:
        errors["use_of_funds"] = [ValidationError(USE_TOO_LONG % {"max": USE_OF_FUNDS_CHARS}, code="too_long")]
    chosen = set(shared)
    if not chosen <= set(SharedData.values):
        errors["shared"] = [ValidationError(SHARED_UNKNOWN, code="invalid")]
    elif SharedData.IDENTITY not in chosen:
        errors["shared"] = [ValidationError(IDENTITY_NEEDED, code="identity_needed")]
    if errors:
        raise ValidationError(errors)
    return _Asked(amount, tenor, use, [value for value in SharedData.values if value in chosen])


def _lock_participant(pk: int) -> Participant:
    """The participant's row locked, first in every write of their referrals: they are made, moved and withdrawn
    one at a time (a second waits for the first), so two closing at once each see what the other did."""
    locked: Participant = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("registration", "user", "business")
        .get(pk=pk)
    )
    return locked


@transaction.atomic
@audit.audited
def referral_create(
    *,
    participant: Participant,
    product: FinancingProduct,
    amount_requested: int,
    tenor_months: int,
    use_of_funds: str,
    shared: list[str],
    text_version: int,
    channel: str,
    acting_user: User,
) -> LoanReferral:
    """The participant (verified) asks to be referred to the product's lender: they qualify for it now (else the
    refusal names what is missing), the amount and tenor are within its ranges, and they share at least their
    identity. Their loan-assessment consent to the lender is granted (or the active one reused) against the text
    version they were shown, while an agreement in force with the lender covers it. One open referral per product.
    The participant and their current mentor are told."""
    locked = _lock_participant(participant.pk)
    permissions.can_request(acting_user, locked).enforce()
    product = FinancingProduct.objects.select_related("lender").get(pk=product.pk)
    permissions.can_request_product(product).enforce()
    missing = readiness.missing_for(product, readiness.facts_of(locked))
    if missing:
        message = NOT_READY % {"product": product.name, "missing": " ".join(m.text for m in missing)}
        raise Refused(message, code="not_ready")
    asked = _checked_request(
        product, amount=amount_requested, tenor=tenor_months, use_of_funds=use_of_funds, shared=shared
    )
    text = partner_services.shown_text(Purpose.LOAN_ASSESSMENT, text_version)
    before = (
        Consent.objects.active()
        .filter(participant=locked, organisation=product.lender, purpose=Purpose.LOAN_ASSESSMENT)
        .first()
    )
    consent = partner_services.grant(
        participant=locked, organisation=product.lender, purpose=Purpose.LOAN_ASSESSMENT, text=text, channel=channel
    )
    if before is not None and before.pk != consent.pk:
        # renewed on a newer text: the open referrals to the lender rest on the renewed consent from now on
        LoanReferral.objects.filter(consent=before, status__in=OPEN_STATUSES).update(consent=consent)
    now = timezone.now()
    referral = LoanReferral(
        participant=locked,
        product=product,
        lender=product.lender,
        consent=consent,
        shared=asked.shared,
        amount_requested=asked.amount_requested,
        tenor_months=asked.tenor_months,
        use_of_funds=asked.use_of_funds,
        status=ReferralStatus.REQUESTED,
        created_at=now,
        moved_at=now,
    )
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError as exc:
        if "capital_one_open_referral_per_product" not in str(exc):
            raise
        raise Refused(ALREADY_OPEN % {"product": product.name}, code="already_open") from exc
    ReferralMove.objects.create(
        referral=referral, from_status="", to_status=ReferralStatus.REQUESTED, moved_by=acting_user, moved_at=now
    )
    _notify_participant(referral, "capital_requested")
    mentor = current_mentor(locked)
    if mentor is not None:
        _notify(
            referral,
            "capital_requested_mentor",
            to=mentor,
            full_name=mentor.full_name,
            participant_name=_short(locked.full_name, MESSAGE_PERSON_CHARS),
        )
    return referral


def _lock_referral(referral: LoanReferral) -> LoanReferral:
    """The referral and its consent locked, after the participant's row (the order of every write here): a move
    and the consent's withdrawal on "Data saya" (which locks the consent) wait for each other."""
    _lock_participant(referral.participant_id)
    locked: LoanReferral = (
        LoanReferral.objects.select_for_update(of=("self", "consent"))
        .select_related("participant__user", "product", "lender", "consent")
        .get(pk=referral.pk)
    )
    return locked


def _move(locked: LoanReferral, to_status: str, *, by: User, note: str) -> ReferralMove:
    """Record a move of a locked referral the predicates allowed (its other fields set by the caller)."""
    now = timezone.now()
    move = ReferralMove.objects.create(
        referral=locked, from_status=locked.status, to_status=to_status, moved_by=by, moved_at=now, note=note
    )
    locked.status = to_status
    locked.moved_at = now
    locked.save()
    measures.changed(locked.participant_id)
    return move


def _checked_note(note: str) -> str:
    note = " ".join(note.split())
    if len(note) > NOTE_CHARS:
        raise _error("note", NOTE_TOO_LONG % {"max": NOTE_CHARS}, "too_long")
    return note


def _apply_lender_fields(
    locked: LoanReferral,
    to_status: str,
    *,
    note: str,
    amount: int | None,
    day: datetime.date | None,
    lender_reference: str | None,
) -> None:
    """What each move of the lender carries, checked: the approved amount (within the product's range), the
    disbursed amount (up to the approved one) and day (not in the future, not before the approval), a refusal's
    reason (the note); the lender's reference on any of them."""
    if lender_reference is not None:
        reference = lender_reference.strip()
        if len(reference) > REFERENCE_CHARS:
            raise _error("lender_reference", REFERENCE_TOO_LONG % {"max": REFERENCE_CHARS}, "too_long")
        locked.lender_reference = reference
    if to_status == ReferralStatus.APPROVED:
        product = locked.product
        if amount is None or not product.amount_min <= amount <= product.amount_max:
            message = AMOUNT_APPROVED_NEEDED % {
                "min": format_rupiah(product.amount_min),
                "max": format_rupiah(product.amount_max),
            }
            raise _error("amount", message, "amount_approved")
        locked.amount_approved = amount
    elif to_status == ReferralStatus.DISBURSED:
        approved = locked.amount_approved or 0
        errors: dict[str, list[ValidationError]] = {}
        if amount is None or not 0 < amount <= approved:
            message = AMOUNT_DISBURSED_NEEDED % {"max": format_rupiah(approved)}
            errors["amount"] = [ValidationError(message, code="amount_disbursed")]
        approved_on = timezone.localdate(locked.moved_at)  # approved is the referral's last move
        if day is None or not approved_on <= day <= timezone.localdate():
            message = DAY_NEEDED % {"day": formats.date_format(approved_on, "d-m-Y")}
            errors["day"] = [ValidationError(message, code="disbursed_on")]
        if errors:
            raise ValidationError(errors)
        locked.amount_disbursed, locked.disbursed_on = amount, day
    elif to_status == ReferralStatus.REFUSED and not note:
        raise _error("note", REASON_NEEDED, "required")


@transaction.atomic
@audit.audited
def referral_move(
    *,
    referral: LoanReferral,
    to_status: str,
    note: str = "",
    amount: int | None = None,
    day: datetime.date | None = None,
    lender_reference: str | None = None,
    acting_user: User,
) -> LoanReferral:
    """Move a referral (under the participant's row lock, then its own) as `capital.choices.MOVES` allows the
    acting user (`permissions.can_move`): a `ReferralMove` row, the participant notified through the outbox.
    Approving takes the approved `amount`; disbursing takes the disbursed `amount` and `day`; the lender may set its
    reference.
    Refusing ends the consent once no other open referral rests on it, as withdrawing does."""
    if to_status not in ReferralStatus.values:
        raise _error("to_status", UNKNOWN_STATUS, "invalid")
    if to_status == ReferralStatus.WITHDRAWN:
        raise Refused(WITHDRAW_SEPARATELY, code="withdraw_separately")
    locked = _lock_referral(referral)
    permissions.can_move(acting_user, locked, to_status).enforce()
    if to_status == ReferralStatus.SENT:
        permissions.can_send(locked).enforce()
    note = _checked_note(note)
    _apply_lender_fields(locked, to_status, note=note, amount=amount, day=day, lender_reference=lender_reference)
    _move(locked, to_status, by=acting_user, note=note)
    if to_status == ReferralStatus.REFUSED:  # the consent's end recorded as the portal's (no channel is the lender's)
        _end_consent_unless_needed(locked, channel=ConsentChannel.PROGRAM)
    extra: dict[str, str] = {}
    if to_status == ReferralStatus.APPROVED:
        extra["amount"] = format_rupiah(locked.amount_approved or 0)
    elif to_status == ReferralStatus.DISBURSED:
        assert locked.disbursed_on is not None
        extra["amount"] = format_rupiah(locked.amount_disbursed or 0)
        extra["day"] = formats.date_format(locked.disbursed_on, "d-m-Y")
    elif to_status == ReferralStatus.REFUSED:
        extra["reason"] = _short(note, MESSAGE_REASON_CHARS)
    _notify_participant(locked, MOVE_MESSAGES[ReferralStatus(to_status)], **extra)
    return locked


@transaction.atomic
@audit.audited
def referral_withdraw(
    *, referral: LoanReferral, acting_user: User, note: str = "", channel: str = ConsentChannel.WEB
) -> LoanReferral:
    """The participant withdraws an open referral (whether or not their consent still stands). Their loan-assessment
    consent to the lender ends too once no other open referral rests on it, withdrawn through `channel`."""
    locked = _lock_referral(referral)
    permissions.can_move(acting_user, locked, ReferralStatus.WITHDRAWN).enforce()
    _move(locked, ReferralStatus.WITHDRAWN, by=acting_user, note=_checked_note(note))
    _end_consent_unless_needed(locked, channel=channel)
    _notify_participant(locked, MOVE_MESSAGES[ReferralStatus.WITHDRAWN])
    return locked


def _end_consent_unless_needed(locked: LoanReferral, *, channel: str) -> None:
    """A referral (locked with its consent, after its participant) just closed: the consent it rests on ends unless
    another open referral to the lender rests on it too. The one rule of withdrawing and refusing."""
    consent = locked.consent
    others = LoanReferral.objects.filter(consent=consent, status__in=OPEN_STATUSES).exclude(pk=locked.pk)
    if consent.is_active and not others.exists():
        partner_services.withdraw(consent, channel)
