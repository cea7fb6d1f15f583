"""The domain rules a registration's values must meet, called by the services themselves (so a shell, an import
or the API get the same answers as the web) and by the forms to show errors early. Every refusal is a
ValidationError keyed by field, with the codes and messages of eligibility.py and nik.py."""

import dataclasses
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from core import money
from core.crypto import keyed_hash
from core.phone import normalize_phone
from geography.data import kecamatan_nik_prefixes
from geography.models import Kecamatan, Kelurahan

from . import eligibility
from .choices import Decision, Track
from .models import Participant
from .nik import compact, validate_nik
from .values import BusinessData, ContactData, PersonData

Errors = dict[str, list[ValidationError]]

CONTACT_MISSING = _("Give a mobile number or an email address, so that we can reach you.")
NOT_NEGATIVE = _("Enter zero or more.")
# Workers of one business: a bound no micro, small or medium enterprise comes near (PP 7/2021 classes by capital
# and sales, not workers; BPS counts a medium one at up to 99), far below the integer column's 2,147,483,647,
# so a mistyped count is a field's error rather than a failed save. Finance's monthly reports take the same.
MAX_WORKERS = 100_000
TOO_MANY_WORKERS = _("Enter at most %(limit)s workers; check the number.")
OTHER_KECAMATAN = _("This kelurahan is not in the kecamatan chosen.")


def already_registered_error() -> ValidationError:
    return ValidationError(
        _(
            "This NIK is already registered in JakPreneur. If it is yours, log in or ask your kecamatan "
            "secretariat for help."
        ),
        code="already_registered",
    )


def collect(errors: Errors, check: Callable[..., Any], /, field: str | None = None, **kwargs: Any) -> Any:
    """Run a check, adding what it refuses to `errors` (by its own fields, or under `field`); return its result."""
    try:
        return check(**kwargs)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, found in exc.error_dict.items():
                errors.setdefault(name, []).extend(found)
        else:
            errors.setdefault(field or "__all__", []).append(exc)
        return None


def raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


# --- the single rules ------------------------------------------------------------------------------------------


def check_nik_matches(
    *, nik: str, birth_date: Any = None, sex: str | None = None, jakarta_ktp: bool | None = None
) -> str:
    """The NIK in compact form: well formed, matching the birth date and sex, a DKI NIK of a known kecamatan for a
    Jakarta KTP; whoever holds it (a correction asked is checked so, its holder only when decided)."""
    return validate_nik(
        nik, birth_date=birth_date, sex=sex, jakarta_ktp=jakarta_ktp, kecamatan_prefixes=kecamatan_nik_prefixes()
    )


def check_nik(
    *,
    nik: str,
    birth_date: Any = None,
    sex: str | None = None,
    jakarta_ktp: bool | None = None,
    participant: Participant | None = None,
) -> str:
    """The NIK in compact form: well formed, matching the birth date and sex, a DKI NIK of a known kecamatan for
    a Jakarta KTP, and no other participant's (`participant`: the one being corrected, who keeps theirs)."""
    number = check_nik_matches(nik=nik, birth_date=birth_date, sex=sex, jakarta_ktp=jakarta_ktp)
    taken = Participant.objects.filter(nik_hash=keyed_hash(number))
    if participant is not None and participant.pk:
        taken = taken.exclude(pk=participant.pk)
    if taken.exists():
        raise already_registered_error()
    return number


def check_contact(*, phone: str, email: str) -> None:
    if not phone and not email:
        raise ValidationError({"phone": ValidationError(CONTACT_MISSING)})


def check_kelurahan(*, kelurahan: Kelurahan | None, kecamatan: Kecamatan | int | None) -> None:
    """A kelurahan, when given, lies in the kecamatan given."""
    kecamatan_id = kecamatan.pk if isinstance(kecamatan, Kecamatan) else kecamatan
    if kelurahan is not None and kelurahan.kecamatan_id != kecamatan_id:
        raise ValidationError({"kelurahan": ValidationError(OTHER_KECAMATAN, code="other_kecamatan")})


def clean_phone(phone: str) -> str:
    """An Indonesian mobile number as +628…, or "" for none."""
    return normalize_phone(phone) if phone else ""


# --- whole values ----------------------------------------------------------------------------------------------


def clean_person(person: PersonData, *, participant: Participant | None = None) -> PersonData:
    """The person's values, checked against every rule and normalised (compact NIK, +62 phone, no residence
    details with a Jakarta KTP), or a ValidationError keyed by field listing everything refused."""
    errors: Errors = {}
    collect(errors, eligibility.check_age, birth_date=person.birth_date)
    # a refused birth date is not cross-checked with the NIK (as on the form: it has no birth date then)
    birth_date = None if "birth_date" in errors else person.birth_date
    collect(
        errors,
        eligibility.check_residence,
        jakarta_ktp=person.jakarta_ktp,
        basis=person.non_jakarta_basis,
        domicile_since=person.domicile_since,
        partner_activity=person.partner_activity,
    )
    nik = collect(
        errors,
        check_nik,
        "nik",
        nik=person.nik,
        birth_date=birth_date,
        sex=person.sex,
        jakarta_ktp=person.jakarta_ktp,
        participant=participant,
    )
    phone = collect(errors, clean_phone, "phone", phone=person.phone)
    collect(errors, check_contact, phone=phone or "", email=person.email)
    collect(errors, check_kelurahan, kelurahan=person.kelurahan, kecamatan=person.kecamatan)
    raise_if(errors)
    residence: dict[str, Any] = (
        {"non_jakarta_basis": "", "domicile_since": None, "partner_activity": ""} if person.jakarta_ktp else {}
    )
    return dataclasses.replace(person, nik=nik, phone=phone, email=person.email.strip(), **residence)


def check_money(**amounts: int | None) -> None:
    """Each amount of rupiah (by field name) is zero or more, and not beyond the portal's upper bound."""
    errors: Errors = {}
    for name, value in amounts.items():
        if value is not None and value < 0:
            errors[name] = [ValidationError(money.NEGATIVE, code="negative")]
        elif value is not None and value > money.MAX_RUPIAH:
            errors[name] = [ValidationError(money.TOO_LARGE, code="too_large")]
    raise_if(errors)


def too_many_workers() -> ValidationError:
    limit = formats.number_format(MAX_WORKERS, force_grouping=True)
    return ValidationError(TOO_MANY_WORKERS, code="too_large", params={"limit": limit})


def business_for_track(business: BusinessData, *, track: str) -> BusinessData:
    """Only the figures of the track: a planned business (pemula) has no start date, workers, assets or turnover
    yet; a running one (naik kelas) no planned start or capital."""
    if track == Track.PEMULA:
        return dataclasses.replace(business, started_on=None, workers=0, assets=0, monthly_turnover=0)
    return dataclasses.replace(business, planned_start=None, planned_capital=None)


def clean_business(business: BusinessData, *, track: str) -> BusinessData:
    """The business's values checked for the participant's track, or a ValidationError keyed by field."""
    business = business_for_track(business, track=track)
    errors: Errors = {}
    collect(
        errors,
        check_money,
        assets=business.assets,
        monthly_turnover=business.monthly_turnover,
        planned_capital=business.planned_capital,
    )
    if business.workers < 0:
        errors.setdefault("workers", []).append(ValidationError(NOT_NEGATIVE, code="negative"))
    elif business.workers > MAX_WORKERS:
        errors.setdefault("workers", []).append(too_many_workers())
    collect(errors, eligibility.check_business, track=track, started_on=business.started_on)
    collect(
        errors,
        eligibility.check_plan,
        track=track,
        planned_start=business.planned_start,
        planned_capital=business.planned_capital,
    )
    raise_if(errors)
    return business


def clean_contact(contact: ContactData, *, participant: Participant) -> ContactData:
    """A participant's new contact data: a valid mobile number, and a way to reach them; the kelurahan lies in
    their kecamatan."""
    errors: Errors = {}
    phone = collect(errors, clean_phone, "phone", phone=contact.phone)
    collect(errors, check_contact, phone=phone or "", email=contact.email)
    if contact.kelurahan is not None and contact.kelurahan.kecamatan_id != participant.kecamatan_id:
        errors["kelurahan"] = [
            ValidationError(_("This kelurahan is not in the participant's kecamatan."), code="other_kecamatan")
        ]
    if not contact.address.strip():
        errors["address"] = [ValidationError(_("Give the domicile address."), code="required")]
    raise_if(errors)
    return dataclasses.replace(contact, phone=phone, email=contact.email.strip(), address=contact.address.strip())


def compact_nik(nik: str) -> str:
    return compact(nik)


REASON_NEEDED = _("Say why, so that the participant knows what to do.")


def check_decision(*, decision: str, reason: str) -> None:
    """Sending back and rejecting carry a reason: the participant reads it."""
    if decision not in Decision.values:
        raise ValidationError({"decision": ValidationError(_("Choose a decision."), code="invalid_choice")})
    if decision in (Decision.NEEDS_FIX, Decision.REJECT) and not reason.strip():
        raise ValidationError({"reason": ValidationError(REASON_NEEDED)})
