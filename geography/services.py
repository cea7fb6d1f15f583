"""Writes of the geography app: the kecamatan offices' contact details (the areas themselves are reference data,
loaded by data migrations from geography/data/jakarta.json)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from core import audit
from core.phone import normalize_phone

from .models import KecamatanOffice
from .permissions import can_edit_office


@dataclass(frozen=True)
class OfficeContact:
    """An office's contact details, checked and normalised (phones as +62…)."""

    address: str
    phone: str
    whatsapp: str
    email: str
    opening_hours: str


def _limit(errors: dict[str, list[ValidationError]], field: str, value: str, size: int) -> None:
    if len(value) > size:
        errors.setdefault(field, []).append(
            ValidationError(
                _("At most %(size)d characters (this has %(count)d)."),
                code="too_long",
                params={"size": size, "count": len(value)},
            )
        )


def clean_office_contact(*, address: str, phone: str, whatsapp: str, email: str, opening_hours: str) -> OfficeContact:
    """The contact details trimmed, phones as +62…, or a ValidationError keyed by field saying what is wrong."""
    errors: dict[str, list[ValidationError]] = {}
    numbers = {}
    for field, value in (("phone", phone.strip()), ("whatsapp", whatsapp.strip())):
        try:
            numbers[field] = normalize_phone(value) if value else ""
        except ValidationError as exc:
            errors.setdefault(field, []).append(exc)
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            errors.setdefault("email", []).append(exc)
    address, opening_hours = address.strip(), opening_hours.strip()
    _limit(errors, "address", address, KecamatanOffice._meta.get_field("address").max_length or 255)
    _limit(errors, "opening_hours", opening_hours, KecamatanOffice._meta.get_field("opening_hours").max_length or 200)
    if errors:
        raise ValidationError(errors)
    return OfficeContact(
        address=address, phone=numbers["phone"], whatsapp=numbers["whatsapp"], email=email, opening_hours=opening_hours
    )


@transaction.atomic
@audit.audited
def office_update(
    *,
    office: KecamatanOffice,
    address: str,
    phone: str,
    whatsapp: str,
    email: str,
    opening_hours: str,
    acting_user: models.Model | None,
) -> KecamatanOffice:
    """Change how people reach a kecamatan office. `acting_user` None: the system (demo data, an import), which
    may; a person must be agency staff or an administrator (`can_edit_office`)."""
    if acting_user is not None:
        can_edit_office(acting_user, office).enforce()
    contact = clean_office_contact(
        address=address, phone=phone, whatsapp=whatsapp, email=email, opening_hours=opening_hours
    )
    office = KecamatanOffice.objects.select_for_update().get(pk=office.pk)
    office.address = contact.address
    office.phone = contact.phone
    office.whatsapp = contact.whatsapp
    office.email = contact.email
    office.opening_hours = contact.opening_hours
    office.save(update_fields=["address", "phone", "whatsapp", "email", "opening_hours", "updated_at"])
    return office
