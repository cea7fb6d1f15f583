"""Writes on accounts: signing up, the language a person reads, and staff managing accounts (the admin)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import audit
from core.languages import is_supported, language_or_active
from core.phone import normalize_phone
from geography.models import Kecamatan
from notifications.models import Channel, Message
from notifications.services import notify

from .backends import find_user_by_login
from .logins import normalize_email
from .models import Role, User
from .permissions import (
    can_change_access,
    can_change_account,
    can_give_role,
    can_remove_second_factor,
    can_reset_second_factor,
)
from .registry import Position, position_changed


def set_password_path(user: User) -> str:
    """The one-time path at which a user sets a password (claims an account or resets a forgotten one)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("accounts:set_password", kwargs={"uidb64": uid, "token": token})


def claim_links_sent_recently(user: User) -> int:
    since = timezone.now() - timedelta(hours=1)
    return Message.objects.filter(recipient=user, template="account_claim", created_at__gte=since).count()


def account_claim_notify(*, user: User, channel: Channel | None = None) -> None:
    """Queue a set-password link to the user (by SMS when they have a phone, else by email, unless told)."""
    if channel is None:
        channel = Channel.SMS if user.phone else Channel.EMAIL
    notify(
        template="account_claim",
        context={"full_name": user.full_name, "link": str(settings.SITE_URL) + set_password_path(user)},
        user=user,
        channels=[channel],
    )


@transaction.atomic
def account_send_claim_link(*, login: str) -> bool:
    """Send a set-password link to the account an email or mobile number belongs to, on that same channel.

    Returns whether an account was found; callers must not tell the user, so that nobody can probe which
    numbers are registered.
    """
    user = find_user_by_login(login)
    if user is None or not user.is_active:
        return False
    if claim_links_sent_recently(user) >= settings.CLAIM_LINKS_PER_HOUR:
        return True  # quietly: the person has links waiting; more would only flood their phone
    account_claim_notify(user=user, channel=Channel.EMAIL if "@" in login else Channel.SMS)
    return True


# --- signing up and the person's own settings -----------------------------------------------------------------


class SignupTokenGenerator(PasswordResetTokenGenerator):
    """One-time links that finish a signup: another salt than set-password links (one never works as the
    other), and void once the account is active or its password changes (a later signup replaced it)."""

    key_salt = "accounts.services.SignupTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{super()._make_hash_value(user, timestamp)}{getattr(user, 'is_active', True)}"


signup_token_generator = SignupTokenGenerator()


def is_pending_signup(user: User) -> bool:
    """An entrepreneur who signed up and has not yet followed the link sent to them (never active)."""
    return not user.is_active and user.last_login is None and user.role == Role.ENTREPRENEUR


def confirm_signup_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = signup_token_generator.make_token(user)
    return reverse("accounts:confirm_signup", kwargs={"uidb64": uid, "token": token})


def _sent_recently(user: User, templates: tuple[str, ...]) -> int:
    since = timezone.now() - timedelta(hours=1)
    return Message.objects.filter(recipient=user, template__in=templates, created_at__gte=since).count()


SIGNUP_MESSAGES = ("account_signup_confirm", "account_signup_existing")


def _tell_about_signup(user: User, channel: Channel) -> None:
    """Queue the message a signup with this person's login gets them: the link to finish a pending signup, or
    word that they already have an account. At most CLAIM_LINKS_PER_HOUR an hour, so nobody can flood them."""
    if _sent_recently(user, SIGNUP_MESSAGES) >= settings.CLAIM_LINKS_PER_HOUR:
        return
    if is_pending_signup(user):
        template, link = "account_signup_confirm", confirm_signup_path(user)
    else:
        template, link = "account_signup_existing", str(reverse("accounts:login"))
    notify(
        template=template,
        context={"full_name": user.full_name, "link": str(settings.SITE_URL) + link},
        user=user,
        channels=[channel],
    )


@transaction.atomic
def user_signup(
    *, full_name: str, email: str | None, phone: str | None, password: str, language: str | None = None
) -> User | None:
    """An entrepreneur signs up by email or mobile number (at least one) with a password the portal's validators
    accept; messages to them in `language` (default: the active one).

    Whether a login already has an account is never the answer, so a signup cannot probe who is registered:
    the caller shows the same page either way ("we sent a message to continue"). A free login gets an account
    that stays inactive until the link sent to it is followed (user_confirm_signup), so only whoever reads that
    inbox or phone can use it. A taken login gets its owner told instead (or, for a signup not yet finished, the
    link again, the account now carrying this name and password), and None is returned.

    Raises ValidationError, the same whoever is registered: by field ("phone", "password") or, without either
    login, code "no_login".
    """
    email = normalize_email(email) if email and email.strip() else None
    try:
        phone = normalize_phone(phone) if phone else None
    except ValidationError as exc:
        raise ValidationError({"phone": exc}) from exc
    if not email and not phone:
        raise ValidationError(_("Give an email address or a mobile number, so that you can log in."), code="no_login")
    user = User(full_name=full_name, email=email, phone=phone, role=Role.ENTREPRENEUR, is_active=False)
    user.language = language_or_active(language)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc
    user.full_clean(exclude=["password"], validate_unique=False)
    owners = {
        channel: owner
        for channel, owner in (
            (Channel.EMAIL, User.objects.select_for_update().filter(email=email).first() if email else None),
            (Channel.SMS, User.objects.select_for_update().filter(phone=phone).first() if phone else None),
        )
        if owner is not None
    }
    if owners:
        for channel, owner in owners.items():
            if is_pending_signup(owner) and (owner.email, owner.phone) == (email, phone):
                # the same signup again: the latest name and password count, earlier links stop working
                owner.full_name, owner.language = full_name, user.language
                owner.set_password(password)
                owner.save(update_fields=["full_name", "language", "password"])
            _tell_about_signup(owner, channel)
        return None
    user.set_password(password)
    user.save()
    _tell_about_signup(user, Channel.SMS if phone and not email else Channel.EMAIL)
    return user


@transaction.atomic
def user_confirm_signup(*, user: User, password: str) -> User:
    """Finish a signup from the link sent to its login: the person types the password they chose (so a link
    reaching the real owner of an address someone else signed up with activates nothing). Raises ValidationError
    code "not_pending" for an account that is no longer waiting, "wrong_password" for another password."""
    stored = User.objects.select_for_update().get(pk=user.pk)
    if not is_pending_signup(stored):
        raise ValidationError(_("This account is already active, or was closed: log in instead."), code="not_pending")
    if not stored.check_password(password):
        raise ValidationError(
            {"password": ValidationError(_("This is not the password chosen at signup."), code="wrong_password")}
        )
    stored.is_active = True
    stored.save(update_fields=["is_active"])
    user.is_active = True
    return stored


def user_set_language(*, user: User, language: str) -> None:
    """The language the portal writes to this person in (their messages). Unsupported raises ValidationError."""
    if not is_supported(language):
        raise ValidationError(_("This language is not supported."), code="unsupported_language")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


@transaction.atomic
@audit.audited
def user_set_password(*, user: User, password: str, acting_user: User | None) -> None:
    """A new password (the person's own through a set-password link, or staff's for them); the portal's password
    validators decide whether it is strong enough (ValidationError code as theirs)."""
    if acting_user is not None and acting_user.pk != user.pk:
        can_change_account(acting_user, user).enforce()
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])


# --- staff managing accounts (the admin; later imports) -------------------------------------------------------


def _locked(user: User) -> User:
    """The stored account, locked for the change: what a change is compared with and enforced against."""
    return User.objects.select_for_update().get(pk=user.pk)


def _refresh(user: User, stored: User, fields: list[str]) -> None:
    for field in fields:
        setattr(user, field, getattr(stored, field))


@transaction.atomic
@audit.audited
def user_create(
    *,
    full_name: str,
    email: str | None,
    phone: str | None,
    role: str,
    office: Kecamatan | None,
    password: str | None,
    acting_user: User | None,
) -> User:
    """An account made by staff (an office mentor, a partner user ...); without a password it is claimed later
    through a set-password link."""
    can_give_role(acting_user, role).enforce()
    return User.objects.create_user(
        email, password, phone=phone or None, full_name=full_name, role=role, office=office
    )


@transaction.atomic
@audit.audited
def user_update_profile(
    *, user: User, full_name: str, email: str | None, phone: str | None, acting_user: User | None
) -> User:
    """A person's name and logins, changed by staff."""
    stored = _locked(user)
    can_change_account(acting_user, stored).enforce()
    fields = ["full_name", "email", "phone"]
    before = (stored.full_name, stored.email, stored.phone)
    stored.full_name, stored.email, stored.phone = full_name, email or None, phone or None
    stored.full_clean(exclude=["password"])  # normalises the email; unique logins, one login at least
    if (stored.full_name, stored.email, stored.phone) != before:
        stored.save(update_fields=fields)
    _refresh(user, stored, fields)
    return stored


@transaction.atomic
@audit.audited
def user_update_position(
    *, user: User, role: str, office: Kecamatan | None, is_active: bool, acting_user: User | None
) -> User:
    """Another role, another office or (de)activation: saved, then every app that cares is told through
    accounts.registry (mentoring ends a leaving mentor's assignments), in the same transaction."""
    stored = _locked(user)
    can_change_account(acting_user, stored).enforce()
    if role != stored.role:
        can_give_role(acting_user, role).enforce()
    before = Position.of(stored)
    stored.role, stored.office, stored.is_active = role, office, is_active
    after = Position.of(stored)
    if after != before:
        stored.validate_constraints()  # office staff need an office
        stored.session_generation += 1  # whoever is logged in as them logs in again, into the new position
        stored.save(update_fields=["role", "office", "is_active", "session_generation"])
        position_changed(stored, before, after, acting_user)
    _refresh(user, stored, ["role", "office", "is_active", "session_generation"])
    return stored


@transaction.atomic
@audit.audited
def user_update_access(*, user: User, is_staff: bool, is_superuser: bool, acting_user: User | None) -> User:
    """Admin access and superuser status: administrators only."""
    stored = _locked(user)
    if (stored.is_staff, stored.is_superuser) != (is_staff, is_superuser):
        can_change_access(acting_user).enforce()
        stored.is_staff, stored.is_superuser = is_staff, is_superuser
        stored.session_generation += (
            1  # a new reach starts with a new login (and, with admin access, its second factor)
        )
        stored.save(update_fields=["is_staff", "is_superuser", "session_generation"])
    _refresh(user, stored, ["is_staff", "is_superuser", "session_generation"])
    return stored


@transaction.atomic
@audit.audited
def user_delete(*, user: User, acting_user: User | None) -> None:
    can_change_account(acting_user, _locked(user)).enforce()
    user.delete()


# --- the second factor (django-otp): an authenticator app's codes, and recovery codes for a lost phone ----------

AUTHENTICATOR = "authenticator"  # the TOTP device's name
RECOVERY = "recovery"  # the one static device holding the recovery codes


WRONG_CODE = _("This code is wrong or has expired. Type the code the app shows now.")


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODES new ones (each works once) and return them: the only
    time they are shown."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
@audit.audited
def second_factor_start(*, user: User, acting_user: User) -> TOTPDevice:
    """A new authenticator for the user to scan, unconfirmed until a code from it is typed back: the one in use
    (if any) keeps working until then. An earlier unfinished one is dropped."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


@transaction.atomic
@audit.audited
def second_factor_confirm(*, user: User, device_id: int, code: str, acting_user: User) -> list[str]:
    """The code typed back proves the app holds the new authenticator's key: it replaces the one before, and new
    recovery codes are made (returned, to be shown once). Raises ValidationError "wrong_code", or
    "setup_expired" when that authenticator is no longer waiting (confirmed meanwhile, or replaced)."""
    device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
    if device is None:
        raise ValidationError(_("This set-up was replaced or finished meanwhile: start again."), code="setup_expired")
    if not device.verify_token(normalize_code(code)):
        raise ValidationError({"code": ValidationError(WRONG_CODE, code="wrong_code")})
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return _new_recovery_codes(user)


@transaction.atomic
@audit.audited
def recovery_codes_renew(*, user: User, acting_user: User) -> list[str]:
    """New recovery codes (the old ones stop working), for a user with a confirmed authenticator."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("Set up an authenticator app first."), code="no_authenticator")
    return _new_recovery_codes(user)


@transaction.atomic
@audit.audited
def second_factor_remove(*, user: User, acting_user: User) -> None:
    """An entrepreneur turns the second factor off: their authenticator and recovery codes are deleted."""
    can_remove_second_factor(user).enforce()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
@audit.audited
def second_factor_reset(*, user: User, acting_user: User | None) -> None:
    """Staff reset the second factor of someone who lost their phone and their recovery codes: the devices go,
    every login of the account ends, and the person is told (if it was not them who asked, they call the program).
    At their next login they set up a new authenticator if their role requires one."""
    stored = _locked(user)
    can_reset_second_factor(acting_user, stored).enforce()
    TOTPDevice.objects.filter(user=stored).delete()
    StaticDevice.objects.filter(user=stored).delete()
    stored.session_generation += 1
    stored.save(update_fields=["session_generation"])
    _refresh(user, stored, ["session_generation"])
    notify(
        template="account_second_factor_reset",
        context={"full_name": stored.full_name, "link": str(settings.SITE_URL) + str(reverse("accounts:login"))},
        user=stored,
    )


def normalize_code(code: str) -> str:
    """A code as typed on a phone: spaces and dashes out, recovery codes in the lower case they are stored in."""
    return "".join(code.split()).replace("-", "").lower()


@dataclass(frozen=True)
class CodeCheck:
    """What a code typed at login matched: a device, or none (and, after too many wrong codes, when the next
    try is allowed)."""

    device: Device | None
    retry_at: datetime | None = None


@transaction.atomic
def second_factor_verify(*, user: User, code: str) -> CodeCheck:
    """The device a code typed at login belongs to: six digits are the authenticator's, anything else a recovery
    code (used up by this). Each device counts wrong codes and makes the next try wait longer (django-otp's
    throttling, which this transaction must commit: a wrong code is an answer, not an error), so codes cannot be
    guessed."""
    code = normalize_code(code)
    devices: list[Device]
    if code.isdigit():
        devices = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True))
    else:
        devices = list(StaticDevice.objects.select_for_update().filter(user=user, confirmed=True))
    for device in devices:
        allowed, details = device.verify_is_allowed()
        if not allowed:
            return CodeCheck(device=None, retry_at=(details or {}).get("locked_until"))
        if device.verify_token(code):
            return CodeCheck(device=device)
    return CodeCheck(device=None)
