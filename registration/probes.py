"""The wizard's "this NIK is already registered" answer, limited: it tells whoever types a NIK that the number is
in the program, so an account (or an address) gets a few such answers a day, each recorded, and agency staff are
told of an account that reaches the limit. Past the limit the person step checks no NIK at all and says why."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from core import audit
from core.crypto import keyed_hash
from core.decisions import ALLOWED, Decision, deny
from notifications.services import notify

from .models import NikProbe

WINDOW = timedelta(days=1)
TOO_MANY = _(
    "You have checked too many NIKs already registered today. Try again tomorrow, or ask your kecamatan office "
    "for help: they can check your registration."
)


def _recent(**owner: object) -> int:
    return NikProbe.objects.filter(at__gte=timezone.now() - WINDOW, **owner).count()


def _limit(user: User) -> int:
    """A person's account gets a few answers a day; an app's account (JAKI registers on people's behalf, as a
    partner-role account) more, still counted and recorded."""
    return int(settings.NIK_PROBES_PER_APP if user.role == Role.PARTNER else settings.NIK_PROBES_PER_ACCOUNT)


def can_check_nik(user: User, address: str | None) -> Decision:
    """May the wizard (or an app) check, and so answer about, another NIK for this account and address?"""
    if _recent(user=user) >= _limit(user):
        return deny("too_many_nik_checks", TOO_MANY)
    if address and _recent(address=address) >= settings.NIK_PROBES_PER_ADDRESS:
        return deny("too_many_nik_checks", TOO_MANY)
    return ALLOWED


@transaction.atomic
@audit.audited
def nik_probe_record(*, nik: str, address: str | None, acting_user: User) -> NikProbe:
    """Record one "already registered" answer; tell agency staff once when the account reaches the limit."""
    probe = NikProbe.objects.create(user=acting_user, address=address, nik_hash=keyed_hash(nik))
    if _recent(user=acting_user) == _limit(acting_user):
        login = acting_user.email or acting_user.phone or str(acting_user.pk)
        for staff in User.objects.filter(role=Role.AGENCY, is_active=True):
            notify(
                template="nik_probe_limit",
                context={"account": login, "count": _limit(acting_user)},
                user=staff,
            )
    return probe
