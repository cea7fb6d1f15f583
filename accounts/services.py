"""Writes on accounts."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from notifications.models import Channel, Message
from notifications.services import notify

from .backends import find_user_by_login
from .models import User


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
