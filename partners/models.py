"""Partner organisations (kolaborator), the users who act for them, their agreements with the program (MoU or
PKS) and the talks before, participants' consents, the API keys partners and the JAKI app hold, and the log of
every partner read of a participant."""

import datetime
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey

from accounts.models import Role
from core import audit
from geography.models import Kecamatan
from registration.choices import BusinessClass, Sector, Track
from registration.models import Participant

from .choices import (
    APP_PURPOSES,
    AgreementKind,
    AgreementState,
    ConsentChannel,
    KeyKind,
    OrganisationKind,
    Purpose,
    Step,
    purposes_of_steps,
)


@audit.track()
class PartnerOrganisation(models.Model):
    """An organisation that works with the program on some of its steps, e.g. a university or a marketplace."""

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=12, choices=OrganisationKind.choices)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive partner's users can no longer act for it.")
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=16, blank=True, help_text=_("Stored as +62…"))
    website = models.URLField(_("website"), blank=True)
    is_city_app = models.BooleanField(
        _("the JAKI city app"),
        default=False,
        help_text=_(
            "The organisation behind the city's JAKI app: only it holds JAKI keys and may be given consent to show "
            "a participant's journey in the app."
        ),
    )
    api_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="api_organisation",
        verbose_name=_("API account"),
        help_text=_("The account the organisation's API keys act as; it cannot log in."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        constraints = [
            models.UniqueConstraint(Lower("name"), name="partner_organisation_unique_name"),
            models.UniqueConstraint(  # there is one JAKI app
                fields=["is_city_app"], condition=Q(is_city_app=True), name="partner_one_city_app"
            ),
        ]

    def __str__(self) -> str:
        return self.name


@audit.track()
class PartnerMember(models.Model):
    """Links a user with the partner role to the one organisation they act for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_membership",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="members", verbose_name=_("organisation")
    )
    is_administrator = models.BooleanField(
        _("partner administrator"),
        default=False,
        help_text=_("Sees the organisation's users and API keys, and gets the agreements' expiry reminders."),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner member")
        verbose_name_plural = _("partner members")

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"

    def clean(self) -> None:
        super().clean()
        if self.user_id is not None and self.user.role != Role.PARTNER:
            raise ValidationError(
                {"user": _("Only a user with the partner organisation role can act for a partner.")},
                code="not_partner_role",
            )


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def in_force(self, day: datetime.date) -> "AgreementQuerySet":
        """Agreements that grant something on `day`: signed, started, not past their end, not ended early by then
        (an early end dated later still leaves it in force until that day): the SQL of
        `Agreement.state(day) == ACTIVE`."""
        return self.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=day),
            signed_on__isnull=False,
            starts_on__lte=day,
            ends_on__gte=day,
        )


@audit.track()
class Agreement(models.Model):
    """An MoU or a PKS between the program and one partner: which steps it covers, which participants the
    partner wants to serve, and its dates. Where it stands is computed from the dates (`state`)."""

    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("partner")
    )
    kind = models.CharField(_("kind"), max_length=3, choices=AgreementKind.choices)
    number = models.CharField(_("number"), max_length=80, blank=True, help_text=_("Given at signing."))
    title = models.CharField(_("title"), max_length=200)
    parties = models.TextField(_("parties"), help_text=_("Who signs, for the program and for the partner."))
    partner_offers = models.TextField(_("what the partner offers"), blank=True)
    program_offers = models.TextField(_("what the program offers"), blank=True)
    steps = ArrayField(
        models.CharField(max_length=2, choices=Step.choices),
        verbose_name=_("steps covered"),
        help_text=_("The program steps P1-P7 the partner works on under this agreement."),
    )
    criteria_tracks = ArrayField(
        models.CharField(max_length=12, choices=Track.choices),
        default=list,
        blank=True,
        verbose_name=_("tracks wanted"),
        help_text=_("Empty: any."),
    )
    criteria_sectors = ArrayField(
        models.CharField(max_length=12, choices=Sector.choices),
        default=list,
        blank=True,
        verbose_name=_("sectors wanted"),
        help_text=_("Empty: any."),
    )
    criteria_classes = ArrayField(
        models.CharField(max_length=8, choices=BusinessClass.choices),
        default=list,
        blank=True,
        verbose_name=_("business classes wanted"),
        help_text=_("Empty: any."),
    )
    criteria_steps_done = ArrayField(
        models.CharField(max_length=2, choices=Step.choices),
        default=list,
        blank=True,
        verbose_name=_("steps the participants have done"),
        help_text=_("Empty: none asked."),
    )
    criteria_kecamatan = models.ManyToManyField(
        Kecamatan, blank=True, related_name="+", verbose_name=_("kecamatan wanted"), help_text=_("Empty: any.")
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    ended_on = models.DateField(
        _("ended early on"), null=True, blank=True, help_text=_("Set when either side ends it before its end date.")
    )
    end_reason = models.TextField(_("why it ended early"), blank=True)
    expiry_reminded_on = models.DateField(_("expiry reminder sent"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.UniqueConstraint(Lower("number"), condition=~Q(number=""), name="agreement_unique_number"),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True)
                | (Q(starts_on__isnull=False) & Q(ends_on__isnull=False) & ~Q(number="")),
                name="agreement_signed_has_number_and_dates",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="agreement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(signed_on__isnull=False), name="agreement_ended_was_signed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number or _('draft')}: {self.title}"

    def state(self, day: datetime.date) -> str:
        if self.signed_on is None:
            return AgreementState.IN_TALKS
        if self.ended_on is not None and self.ended_on <= day:
            return AgreementState.ENDED
        assert self.starts_on is not None and self.ends_on is not None  # a signed agreement has both
        if day < self.starts_on:
            return AgreementState.SIGNED
        if day > self.ends_on:
            return AgreementState.EXPIRED
        return AgreementState.ACTIVE

    def is_in_force(self, day: datetime.date) -> bool:
        return self.state(day) == AgreementState.ACTIVE

    @property
    def purposes(self) -> list[str]:
        """The purposes participants may consent to under this agreement: those of the steps it covers, the app
        purposes (the journey in JAKI) for the city app alone and no other (its organisation is read: load it
        with the agreement)."""
        city_app = self.organisation.is_city_app
        return [p for p in purposes_of_steps(list(self.steps)) if (p in APP_PURPOSES) == city_app]


class AgreementMatch(models.Model):
    """How many verified participants an agreement's criteria match, and how many of them consented to its partner
    for a purpose of its steps, as counted at `counted_at`. At a million participants a count takes a second, so a
    page reads this row; a task counts again when the terms change and nightly (`partners.tasks`). Derived from the
    agreement's terms and the consents (whose own histories are recorded), so it keeps no history of its own."""

    agreement = models.OneToOneField(
        Agreement, on_delete=models.CASCADE, primary_key=True, related_name="match_count", verbose_name=_("agreement")
    )
    matching = models.PositiveIntegerField(_("participants matching"))
    consented = models.PositiveIntegerField(_("of them consented"))
    counted_at = models.DateTimeField(_("counted"))

    class Meta:
        verbose_name = _("agreement match count")
        verbose_name_plural = _("agreement match counts")

    def __str__(self) -> str:
        return f"{self.agreement_id}: {self.matching}/{self.consented}"


@audit.track()
class AgreementMeeting(models.Model):
    """One meeting of the talks before (or during) an agreement: when, and what was said and offered."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("agreement")
    )
    held_on = models.DateField(_("held on"))
    notes = models.TextField(_("notes"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.agreement} · {self.held_on}"


def agreement_document_path(instance: "AgreementDocument", filename: str) -> str:
    return f"agreements/{instance.agreement_id}/{uuid.uuid4().hex}.pdf"


@audit.track(views=True)
class AgreementDocument(models.Model):
    """A signed agreement, a draft, minutes: PDFs kept privately (served through core.files)."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="documents", verbose_name=_("agreement")
    )
    title = models.CharField(_("title"), max_length=150)
    file = models.FileField(_("file"), upload_to=agreement_document_path, max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("agreement document")
        verbose_name_plural = _("agreement documents")

    def __str__(self) -> str:
        return self.title


@audit.track()
class ConsentText(models.Model):
    """The text a participant agrees to for one purpose, in both languages. A new version is a new row: each
    consent keeps the version it was given against."""

    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    version = models.PositiveIntegerField(_("version"))
    text_id = models.TextField(_("text (Bahasa Indonesia)"), help_text=_("{partner} is replaced by its name."))
    text_en = models.TextField(_("text (English)"), help_text=_("{partner} is replaced by its name."))
    published_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        ordering = ["purpose", "-version"]
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        constraints = [models.UniqueConstraint(fields=["purpose", "version"], name="consent_text_unique_version")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} v{self.version}"

    def text_for(self, partner: PartnerOrganisation, language: str) -> str:
        text = self.text_en if language == "en" else self.text_id
        return text.replace("{partner}", partner.name)


class ConsentQuerySet(models.QuerySet["Consent"]):
    def active(self) -> "ConsentQuerySet":
        return self.filter(withdrawn_at__isnull=True)


@audit.track()
class Consent(models.Model):
    """A participant's consent to one partner for one purpose: given at a time, through a channel, against a
    version of the text; withdrawn at a time (the row stays). One active consent per partner and purpose."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="consents", verbose_name=_("participant")
    )
    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="consents", verbose_name=_("partner")
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="+", verbose_name=_("text agreed"))
    granted_at = models.DateTimeField(_("given"))
    granted_channel = models.CharField(_("given through"), max_length=8, choices=ConsentChannel.choices)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_channel = models.CharField(
        _("withdrawn through"), max_length=8, choices=ConsentChannel.choices, blank=True
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "organisation", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_active",
            ),
        ]
        indexes = [
            # the API's scope: the active consents of one partner, newest participant first
            models.Index(
                fields=["organisation", "purpose", "participant"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_active_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} → {self.organisation_id} ({self.purpose})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


@audit.track(fields=["name", "organisation", "agreement", "kind", "expiry_date", "revoked", "revoked_at", "issued_by"])
class PartnerKey(AbstractAPIKey):
    """An API key: shown once, stored hashed (djangorestframework-api-key), for one partner and one of its
    agreements; the JAKI app's key is of its own kind. Revoked or past its expiry, it opens nothing."""

    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="keys", verbose_name=_("partner")
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="keys", verbose_name=_("agreement")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=KeyKind.choices, default=KeyKind.PARTNER)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    replaced_by = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")  # type: ignore[assignment]  # the library's Meta says str
        verbose_name_plural = _("API keys")  # type: ignore[assignment]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"


class AccessLog(models.Model):
    """One partner read of one participant: which key, which partner, which endpoint, when. Written in bulk per
    request (a list of 50 is one insert); never changed. Not in the audit trail: it is a trail itself."""

    # no index of their own: each leads one of the indexes below (written on every API read, the log keeps four
    # fewer indexes up to date, and the planner no longer picks the key's bare index over its time order)
    key = models.ForeignKey(
        PartnerKey, on_delete=models.PROTECT, related_name="reads", verbose_name=_("key"), db_index=False
    )
    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="reads", verbose_name=_("partner"), db_index=False
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="partner_reads",
        verbose_name=_("participant"),
        db_index=False,
    )
    endpoint = models.CharField(_("endpoint"), max_length=200)
    at = models.DateTimeField(_("read at"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("partner read")
        verbose_name_plural = _("partner reads")
        indexes = [
            models.Index(fields=["participant", "-at"], name="access_log_participant"),
            # with the participant, so "how many different participants" a key read in a window (a breach
            # notice's count) is answered from the index alone
            models.Index(fields=["key", "at"], name="access_log_key", include=["participant"]),
            models.Index(fields=["organisation", "at"], name="access_log_organisation"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} read {self.participant_id} at {self.at}"


class KeyReadDay(models.Model):
    """How many participant reads a key made on a day (Asia/Jakarta): kept with each write to the access log
    (`partners.scope.record_reads`, in the same transaction), so "reads in the last 30 days" beside each key sums
    at most 30 rows instead of counting a busy key's tens of thousands. Derived from the log, which is the trail:
    `scope.recount_read_days` makes it again from the log."""

    key = models.ForeignKey(PartnerKey, on_delete=models.CASCADE, related_name="read_days", verbose_name=_("key"))
    day = models.DateField(_("day"))
    reads = models.PositiveIntegerField(_("reads"))

    class Meta:
        verbose_name = _("key's reads of a day")
        verbose_name_plural = _("keys' reads by day")
        constraints = [models.UniqueConstraint(fields=["key", "day"], name="key_read_day_unique")]

    def __str__(self) -> str:
        return f"{self.key_id} {self.day}: {self.reads}"


@audit.track()
class JakiLink(models.Model):
    """A participant's portal record linked to their JAKI account, by their consent (purpose: the journey in the
    app). Withdrawing that consent unlinks."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="jaki_link", verbose_name=_("participant")
    )
    account = models.CharField(_("JAKI account"), max_length=64, unique=True)
    linked_at = models.DateTimeField(_("linked"))

    class Meta:
        verbose_name = _("JAKI link")
        verbose_name_plural = _("JAKI links")

    def __str__(self) -> str:
        return f"{self.participant_id} ↔ {self.account}"


class JakiLinkCode(models.Model):
    """A short-lived code a participant reads on "Data saya" and types into the JAKI app, which sends it back with
    their JAKI account. Only its keyed hash is kept."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="+", verbose_name=_("participant")
    )
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("JAKI link code")
        verbose_name_plural = _("JAKI link codes")

    def __str__(self) -> str:
        return f"{self.participant_id} until {self.expires_at}"
