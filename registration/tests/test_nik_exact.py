"""The NIK's encoded birth day, decoded exactly, and the kecamatan a real NIK names (Kemendagri codes)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from geography.data import dataset, kecamatan_nik_prefixes
from geography.models import Kecamatan
from geography.selectors import kecamatan_of_nik
from registration.choices import Sex
from registration.nik import decode_birth, make_nik, validate_nik

PREFIXES = kecamatan_nik_prefixes()
KECAMATAN = [(k.nik_prefix, k.name) for k in dataset().kecamatan]


def code_of(value: str, **kwargs: object) -> str:
    with pytest.raises(ValidationError) as exc:
        validate_nik(value, **kwargs)  # type: ignore[arg-type]
    return str(exc.value.code)


def test_there_are_44_official_prefixes() -> None:
    assert len(PREFIXES) == 44
    assert {"317401", "317410", "317101", "310101", "317510"} <= PREFIXES  # Tebet, Pesanggrahan, Gambir ...


@pytest.mark.django_db
@pytest.mark.parametrize(("prefix", "name"), KECAMATAN, ids=[name for _, name in KECAMATAN])
@pytest.mark.parametrize("sex", [Sex.MALE, Sex.FEMALE])
def test_a_real_nik_of_each_kecamatan_is_accepted_and_matched(prefix: str, name: str, sex: str) -> None:
    birth = datetime.date(1988, 3, 9)
    nik = make_nik(district=prefix, birth_date=birth, sex=sex, serial=12)
    assert validate_nik(nik, birth_date=birth, sex=sex, jakarta_ktp=True, kecamatan_prefixes=PREFIXES) == nik
    kecamatan = kecamatan_of_nik(nik)
    assert kecamatan is not None
    assert kecamatan.name == name
    assert kecamatan.nik_prefix == nik[:6]
    assert Kecamatan.objects.get(name=name).nik_prefix == prefix


@pytest.mark.django_db
def test_a_pesanggrahan_nik_is_accepted_and_is_south_jakarta() -> None:
    nik = "3174101203850007"  # 31.74.10 Pesanggrahan, man born 12-03-1985
    assert validate_nik(nik, sex=Sex.MALE, jakarta_ktp=True, kecamatan_prefixes=PREFIXES) == nik
    kecamatan = kecamatan_of_nik(nik)
    assert kecamatan is not None
    assert (kecamatan.name, kecamatan.wilayah.name, kecamatan.wilayah.code) == (
        "Pesanggrahan",
        "Jakarta Selatan",
        "31.74",
    )


@pytest.mark.django_db
def test_tebet_and_gambir_have_their_kemendagri_codes() -> None:
    assert kecamatan_of_nik("3174015708900002").name == "Tebet"  # type: ignore[union-attr]
    assert kecamatan_of_nik("3171011708900001").name == "Gambir"  # type: ignore[union-attr]


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["317109", "317110", "317207", "317208", "317209", "317210"])
def test_prefixes_that_do_not_exist_are_refused(prefix: str) -> None:
    nik = f"{prefix}1708900001"
    assert code_of(nik, jakarta_ktp=True, kecamatan_prefixes=PREFIXES) == "nik_district"
    assert kecamatan_of_nik(nik) is None


@pytest.mark.parametrize(
    "day_month_year",
    [
        "3002" + "90",  # 30 February
        "3102" + "00",  # 31 February
        "2902" + "90",  # 29 February 1990: not a leap year
        "2902" + "01",  # 29 February 1901 / 2001
        "3104" + "90",  # 31 April
        "3106" + "90",  # 31 June
        "3109" + "90",  # 31 September
        "3111" + "90",  # 31 November
        "0001" + "90",  # day 00
        "3201" + "90",  # day 32
        "1700" + "90",  # month 00
        "1713" + "90",  # month 13
    ],
)
@pytest.mark.parametrize("sex", [Sex.MALE, Sex.FEMALE])
def test_impossible_birth_days_are_refused_for_both_sexes(day_month_year: str, sex: str) -> None:
    day = int(day_month_year[:2]) + (40 if sex == Sex.FEMALE else 0)
    nik = f"317401{day:02d}{day_month_year[2:]}0001"
    assert code_of(nik) == "nik_date"
    assert code_of(nik, sex=sex) == "nik_date"
    assert decode_birth(nik) is None


@pytest.mark.parametrize("encoded_day", ["00", "32", "35", "39", "40", "72", "75", "80", "81", "85", "91", "99"])
def test_days_outside_both_ranges_are_refused(encoded_day: str) -> None:
    """python-stdnum takes the day modulo 40, so 81 was read as the 1st: no sex encodes that."""
    nik = f"317401{encoded_day}08900001"
    assert code_of(nik) == "nik_date"
    assert code_of(nik, sex=Sex.FEMALE) == "nik_date"
    assert code_of(nik, sex=Sex.MALE) == "nik_date"


def test_the_day_range_message_says_what_is_expected() -> None:
    with pytest.raises(ValidationError) as exc:
        validate_nik("3174018108900001")
    with translation.override("en"):
        assert "41 to 71" in exc.value.messages[0]
    with translation.override("id"):  # not whatever language an earlier test in this process left active
        assert "41 sampai 71" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("nik", "sex", "birth"),
    [
        ("3174012902000001", Sex.MALE, datetime.date(2000, 2, 29)),  # 2000 was a leap year
        ("3174016902880001", Sex.FEMALE, datetime.date(1988, 2, 29)),
        ("3174013101900001", Sex.MALE, datetime.date(1990, 1, 31)),
        ("3174017112900001", Sex.FEMALE, datetime.date(1990, 12, 31)),
        ("3174014101900001", Sex.FEMALE, datetime.date(1990, 1, 1)),
        ("3174010101900001", Sex.MALE, datetime.date(1990, 1, 1)),
        ("3174013004900001", Sex.MALE, datetime.date(1990, 4, 30)),
    ],
)
def test_edge_days_that_exist_are_accepted(nik: str, sex: str, birth: datetime.date) -> None:
    assert validate_nik(nik, sex=sex, birth_date=birth, jakarta_ktp=True, kecamatan_prefixes=PREFIXES) == nik


def test_a_day_of_the_other_sex_is_refused_as_such() -> None:
    assert code_of("3174015708900002", sex=Sex.MALE) == "nik_sex"
    assert code_of("3174011708900001", sex=Sex.FEMALE) == "nik_sex"
