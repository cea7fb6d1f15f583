"""The licence types the data migration loads, with the facts the program checked, and their own rules: the
number's digits and the usual expiry."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from licensing import licence_types
from licensing.models import LicenceType
from licensing.tests.factories import licence_type

pytestmark = pytest.mark.django_db


def needs(code: str) -> list[str]:
    return list(licence_type(code).prerequisites.values_list("code", flat=True))


def test_the_types_and_their_facts() -> None:
    assert list(LicenceType.objects.values_list("code", flat=True)) == [
        "nib",
        "pirt",
        "halal",
        "merek",
        "hak-cipta",
        "desain-industri",
        "bpom",
    ]
    nib = licence_type("nib")
    assert nib.is_business_number and nib.number_digits == 13 and nib.validity_months is None
    assert nib.official_url == "https://oss.go.id" and needs("nib") == []
    pirt = licence_type("pirt")
    assert (pirt.validity_months, pirt.reminder_days, pirt.number_digits) == (60, 180, None)
    assert needs("pirt") == ["nib"] and "PKP" in " ".join(pirt.documents_needed)
    halal = licence_type("halal")
    assert halal.validity_months is None and needs("halal") == ["nib"]
    assert halal.official_url == "https://ptsp.halal.go.id" and "SEHATI" in halal.description
    assert "pendamping PPH" in halal.description
    merek = licence_type("merek")
    assert (merek.validity_months, merek.reminder_days) == (
        120,
        180,
    ) and merek.official_url == "https://merek.dgip.go.id"
    assert licence_type("hak-cipta").validity_months is None
    assert licence_type("hak-cipta").official_url == "https://e-hakcipta.dgip.go.id"
    assert licence_type("desain-industri").validity_months == 120
    bpom = licence_type("bpom")
    assert bpom.validity_months == 60 and needs("bpom") == ["nib"] and bpom.official_url == "https://e-reg.pom.go.id"
    assert LicenceType.objects.filter(is_business_number=True).count() == 1
    for each in LicenceType.objects.all():
        each.full_clean()  # the data keeps the model's own rules


def test_loading_again_adds_what_is_missing_and_keeps_what_staff_changed() -> None:
    LicenceType.objects.filter(code="pirt").update(reminder_days=200)
    licence_types.load(LicenceType)
    assert LicenceType.objects.count() == len(licence_types.TYPES)
    assert licence_type("pirt").reminder_days == 200


def test_a_number_is_checked_against_the_types_digits() -> None:
    nib, pirt = licence_type("nib"), licence_type("pirt")
    nib.check_number("9120-3012-34567")
    nib.check_number("9120 3012 34567")
    full_width = "\uff19\uff11\uff12\uff10301234567"  # digits, but not ASCII ones
    for wrong in ("912030123456", "91203012345678", "9120301234ABC", full_width):
        with pytest.raises(ValidationError):
            nib.check_number(wrong)
    pirt.check_number("P-IRT 2063174010123-30")  # no fixed length: anything the office wrote


def test_the_usual_expiry() -> None:
    assert licence_type("nib").expiry_for(datetime.date(2025, 1, 1)) is None
    assert licence_type("pirt").expiry_for(datetime.date(2024, 2, 29)) == datetime.date(2029, 2, 28)
    assert licence_type("merek").expiry_for(datetime.date(2025, 3, 31)) == datetime.date(2035, 3, 31)
