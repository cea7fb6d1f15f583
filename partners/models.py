"""Partner organisations (kolaborator) and the users who act for them. Agreements (PKS/MoU), consent and the
partner API come later; this is what the training step needs: who a partner is and who works for it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from core import audit


class OrganisationKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    MARKETPLACE = "marketplace", _("Marketplace")
    BANK = "bank", _("Bank")
    FINTECH = "fintech", _("Fintech")
    COMPANY = "company", _("Company")
    COMMUNITY = "community", _("Community group")
    GOVERNMENT = "government", _("Government body")


@audit.track()
class PartnerOrganisation(models.Model):
    """An organisation that works with the program on some of its steps, e.g. a university or a marketplace."""

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=12, choices=OrganisationKind.choices)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive partner's users can no longer act for it.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        constraints = [
            models.UniqueConstraint(Lower("name"), name="partner_organisation_unique_name"),
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
