"""Jakarta's administrative areas, with the official Kemendagri codes (Permendagri on area codes)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core import audit


class Wilayah(models.Model):
    """A city region (kota/kabupaten administrasi), e.g. 31.74 Jakarta Selatan (Kemendagri codes, as in a NIK)."""

    code = models.CharField(_("code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=64, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")

    def __str__(self) -> str:
        return self.name


class Kecamatan(models.Model):
    """A district, e.g. 31.74.01 Tebet. Mentors and secretariats work from one kecamatan office."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=64, help_text=_("The official spelling, e.g. Pal Merah."))
    aliases = models.CharField(
        _("other spellings"),
        max_length=200,
        blank=True,
        help_text=_("Common spellings people search for, comma-separated, e.g. Palmerah."),
    )
    wilayah = models.ForeignKey(Wilayah, on_delete=models.PROTECT, related_name="kecamatan", verbose_name=_("wilayah"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")
        constraints = [models.UniqueConstraint(fields=["wilayah", "name"], name="kecamatan_unique_name_in_wilayah")]

    def __str__(self) -> str:
        return self.name

    @property
    def nik_prefix(self) -> str:
        """The first six digits a NIK issued in this kecamatan starts with (31.74.01 Tebet -> 317401)."""
        return self.code.replace(".", "")


class Kelurahan(models.Model):
    """A sub-district, e.g. 31.74.01.1002 Tebet Barat, with its postal code."""

    code = models.CharField(_("code"), max_length=13, unique=True)
    name = models.CharField(_("name"), max_length=64)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="kelurahan", verbose_name=_("kecamatan")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("kelurahan")
        verbose_name_plural = _("kelurahan")

    def __str__(self) -> str:
        return self.name


@audit.track()
class KecamatanOffice(models.Model):
    """How a person reaches their kecamatan office (the program's desk there): shown to participants and on the
    landing page's office finder; kept up to date by agency staff."""

    kecamatan = models.OneToOneField(
        Kecamatan, on_delete=models.CASCADE, related_name="office", verbose_name=_("kecamatan")
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True, help_text=_("Stored as +62…"))
    whatsapp = models.CharField(_("WhatsApp number"), max_length=16, blank=True, help_text=_("Stored as +62…"))
    email = models.EmailField(_("email address"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("kecamatan office")
        verbose_name_plural = _("kecamatan offices")

    def __str__(self) -> str:
        return str(_("Kecamatan office %(name)s") % {"name": self.kecamatan.name})
