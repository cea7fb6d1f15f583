"""The custom user: logs in by email or Indonesian mobile number, carries a role and, for office staff,
the kecamatan office they work from."""

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.indexes import OpClass
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import audit
from geography.models import Kecamatan

from .logins import normalize_email


class Role(models.TextChoices):
    ENTREPRENEUR = "entrepreneur", _("Entrepreneur")
    MENTOR = "mentor", _("Mentor")
    SECRETARIAT = "secretariat", _("Kecamatan secretariat")
    AGENCY = "agency", _("Agency staff")
    PARTNER = "partner", _("Partner organisation")
    ADMINISTRATOR = "administrator", _("Administrator")


OFFICE_ROLES = (Role.MENTOR, Role.SECRETARIAT)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str | None = None, password: str | None = None, **fields: Any) -> "User":
        user = self.model(email=normalize_email(email) if email else None, **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.update(is_staff=True, is_superuser=True, role=Role.ADMINISTRATOR)
        fields.setdefault("full_name", email)
        return self.create_user(email, password, **fields)


@audit.track(
    fields=[
        "email",
        "phone",
        "full_name",
        "role",
        "office",
        "is_active",
        "is_staff",
        "is_superuser",
        "session_generation",
    ]
)
class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
    phone = models.CharField(
        _("mobile number"), max_length=16, unique=True, null=True, blank=True, help_text=_("Stored as +62…")
    )
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.ENTREPRENEUR)
    office = models.ForeignKey(
        Kecamatan,
        verbose_name=_("kecamatan office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="id",
        help_text=_("Messages to this person are written in it."),
    )
    is_staff = models.BooleanField(_("admin access"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    session_generation = models.PositiveIntegerField(
        _("sessions ended"),
        default=0,
        editable=False,
        help_text=_("Raised to end every login of the account: a new role, deactivation, a second factor reset."),
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False), name="user_has_email_or_phone"
            ),
            models.CheckConstraint(
                condition=~Q(role__in=OFFICE_ROLES) | Q(office__isnull=False), name="office_staff_have_office"
            ),
        ]
        # Staff of a role (mentors of an office, the secretariat, agency staff) are found among a million
        # entrepreneurs through this small index of everyone else.
        indexes = [
            models.Index(
                fields=["role", "office", "full_name"], condition=~Q(role=Role.ENTREPRENEUR), name="user_staff_role"
            ),
            # and the superusers, whatever their role: "staff of these roles or a superuser" (the curators one
            # may choose for a call) is two small index scans instead of a scan of every account
            models.Index(fields=["id"], condition=Q(is_superuser=True), name="user_superuser"),
            # The admin's search ("=email", "=phone", "^full_name": Django compares them in upper case), each
            # term served by an index rather than a scan of a million accounts.
            models.Index(Upper("email"), name="user_email_upper"),
            models.Index(Upper("phone"), name="user_phone_upper"),
            models.Index(OpClass(Upper("full_name"), name="text_pattern_ops"), name="user_name_upper_prefix"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone or str(self.pk)

    @property
    def sees_whole_program(self) -> bool:
        """Agency staff and administrators see (and, in the admin, change) the whole program."""
        return self.is_superuser or self.role in (Role.AGENCY, Role.ADMINISTRATOR)

    def get_session_auth_hash(self) -> str:
        """What each session of this account is checked against on every request (Django's, from the password's
        hash), with the session generation mixed in once it was raised: raising it ends every session at their
        next request, as a new password does. Generation 0 keeps Django's own value, so no one was logged out
        when the generation came in."""
        if not self.session_generation:
            return super().get_session_auth_hash()
        return salted_hmac(
            "accounts.User.get_session_auth_hash", f"{self.password}:{self.session_generation}", algorithm="sha256"
        ).hexdigest()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else ""

    def clean(self) -> None:
        super().clean()
        if self.email:
            self.email = normalize_email(self.email)  # as the login lookup and the lockout write it
        if not self.email:
            self.email = None
        if not self.phone:
            self.phone = None


# The second factor's devices (django-otp's models) are in the audit trail too: set up, confirmed, replaced, reset
# by staff. Never their secrets: the TOTP key and the recovery codes (StaticToken, not tracked) stay out. Tracked
# through proxies, so the triggers' migrations are this app's, not the library's.
@audit.track(fields=["user", "name", "confirmed"])
class AuthenticatorDevice(TOTPDevice):
    class Meta:
        proxy = True
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")


@audit.track(fields=["user", "name", "confirmed"])
class RecoveryCodes(StaticDevice):
    class Meta:
        proxy = True
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")
