"""Writes on accounts: signing up, the language a person reads, and staff managing accounts (the admin)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from core import audit
from core.languages import is_supported, language_or_active
from core.phone import normalize_phone
from geography.models import Kecamatan
from notifications.models import Channel, Message
from notifications.services import notify

from .backends import find_user_by_login
from .models import Role, User
from .permissions import can_change_access, can_change_account, can_give_role
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


def _login_errors(*, email: str | None, phone: str | None) -> dict[str, list[ValidationError]]:
    """Why an email address or mobile number cannot log in to a new account (taken by another account)."""
    errors: dict[str, list[ValidationError]] = {}
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = [
            ValidationError(_("An account with this email already exists. Log in instead."), code="taken")
        ]
    if phone and User.objects.filter(phone=phone).exists():
        errors["phone"] = [ValidationError(_("An account with this mobile number already exists."), code="taken")]
    return errors


@transaction.atomic
def user_signup(
    *, full_name: str, email: str | None, phone: str | None, password: str, language: str | None = None
) -> User:
    """An entrepreneur's own account: logs in by email or mobile number (at least one, neither taken), with a
    password the portal's validators accept; messages to them in `language` (default: the active one).

    Raises ValidationError by field ("email", "phone", "password") or, without either login, code "no_login".
    """
    email = email.strip().lower() if email else None
    try:
        phone = normalize_phone(phone) if phone else None
    except ValidationError as exc:
        raise ValidationError({"phone": exc}) from exc
    if not email and not phone:
        raise ValidationError(_("Give an email address or a mobile number, so that you can log in."), code="no_login")
    errors = _login_errors(email=email, phone=phone)
    user = User(full_name=full_name, email=email, phone=phone, role=Role.ENTREPRENEUR)
    user.language = language_or_active(language)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.error_list
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.full_clean(exclude=["password"], validate_unique=False)
    user.save()
    return user


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
        stored.save(update_fields=["role", "office", "is_active"])
        position_changed(stored, before, after, acting_user)
    _refresh(user, stored, ["role", "office", "is_active"])
    return stored


@transaction.atomic
@audit.audited
def user_update_access(*, user: User, is_staff: bool, is_superuser: bool, acting_user: User | None) -> User:
    """Admin access and superuser status: administrators only."""
    stored = _locked(user)
    if (stored.is_staff, stored.is_superuser) != (is_staff, is_superuser):
        can_change_access(acting_user).enforce()
        stored.is_staff, stored.is_superuser = is_staff, is_superuser
        stored.save(update_fields=["is_staff", "is_superuser"])
    _refresh(user, stored, ["is_staff", "is_superuser"])
    return stored


@transaction.atomic
@audit.audited
def user_delete(*, user: User, acting_user: User | None) -> None:
    can_change_account(acting_user, _locked(user)).enforce()
    user.delete()
