import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from registration.choices import Sex
from registration.nik import make_nik, mask_nik, validate_nik

BIRTH = datetime.date(1990, 8, 17)
MAN = "3174011708900001"  # Tebet (31.74.01), 17-08-1990, serial 0001
WOMAN = "3174015708900002"  # day 17 + 40


def code_of(value: str, **kwargs: object) -> str:
    with pytest.raises(ValidationError) as exc:
        validate_nik(value, **kwargs)  # type: ignore[arg-type]
    return str(exc.value.code)


def test_valid_nik_of_a_man_and_a_woman_pass_with_all_cross_checks() -> None:
    assert validate_nik(MAN, birth_date=BIRTH, sex=Sex.MALE, jakarta_ktp=True, kecamatan_prefixes={"317401"}) == MAN
    assert validate_nik(WOMAN, birth_date=BIRTH, sex=Sex.FEMALE, jakarta_ktp=True) == WOMAN


def test_separators_are_removed() -> None:
    assert validate_nik("31.7401 1708-90 0001") == MAN


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("31740117089000", "nik_length"),
        ("317401170890000123", "nik_length"),
        ("31740117089O0001", "nik_format"),
        ("3174011708900000", "nik_serial"),
        ("9974011708900001", "nik_region"),
        ("3199011708900001", "nik_region"),
        ("3174013208900001", "nik_date"),
        ("3174011713900001", "nik_date"),
    ],
)
def test_invalid_nik_is_rejected_with_its_reason(value: str, code: str) -> None:
    assert code_of(value) == code


def test_birth_date_must_match_the_encoded_date() -> None:
    assert code_of(MAN, birth_date=datetime.date(1990, 8, 18)) == "nik_birth_date"
    assert code_of(MAN, birth_date=datetime.date(1991, 8, 17)) == "nik_birth_date"


def test_women_carry_day_plus_forty() -> None:
    assert code_of(MAN, sex=Sex.FEMALE) == "nik_sex"
    assert code_of(WOMAN, sex=Sex.MALE) == "nik_sex"


def test_jakarta_ktp_needs_a_dki_nik_and_a_known_district() -> None:
    bandung = "3273011708900001"
    assert validate_nik(bandung, jakarta_ktp=False) == bandung
    assert code_of(bandung, jakarta_ktp=True) == "nik_not_jakarta"
    assert code_of("3174991708900001", jakarta_ktp=True, kecamatan_prefixes={"317401"}) == "nik_district"


def test_every_rejection_speaks_indonesian_and_english() -> None:
    messages = {}
    for language in ("en", "id"):
        with translation.override(language), pytest.raises(ValidationError) as exc:
            validate_nik("3174011708900000")
        with translation.override(language):  # messages are lazy: read them in the language
            messages[language] = exc.value.messages[0]
    assert "serial" in messages["en"]
    assert "0000" in messages["id"]
    assert messages["en"] != messages["id"]


def test_make_nik_round_trips_and_mask_hides_the_middle() -> None:
    nik = make_nik(district="317401", birth_date=BIRTH, sex=Sex.FEMALE, serial=2)
    assert nik == WOMAN
    assert mask_nik(nik) == "3174********0002"
