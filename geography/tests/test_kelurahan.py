"""The 267 kelurahan with postal codes, the loader's in-place correction of old (BPS) codes, the selectors."""

import pytest
from django.db import connection

from geography import data as geography_data
from geography.models import Kecamatan, KecamatanOffice, Kelurahan, Wilayah
from geography.selectors import kelurahan_of, office_of, offices

pytestmark = pytest.mark.django_db


def test_267_kelurahan_each_with_a_postal_code_in_its_kecamatan() -> None:
    assert Kelurahan.objects.count() == 267
    for kelurahan in Kelurahan.objects.select_related("kecamatan"):
        assert kelurahan.code.startswith(kelurahan.kecamatan.code + ".")
        assert len(kelurahan.postal_code) == 5 and kelurahan.postal_code.isdigit()
    assert set(Kelurahan.objects.values_list("kecamatan", flat=True)) == set(
        Kecamatan.objects.values_list("pk", flat=True)
    )


def test_known_kelurahan_and_postal_codes() -> None:
    tebet = Kecamatan.objects.get(name="Tebet")
    assert [(k.name, k.postal_code) for k in kelurahan_of(tebet.pk)][:3] == [
        ("Bukit Duri", "12840"),
        ("Kebon Baru", "12830"),
        ("Manggarai", "12850"),
    ]
    assert len(kelurahan_of(tebet.pk)) == 7
    assert Kelurahan.objects.get(code="31.71.06.1001").postal_code == "10310"  # Menteng


def test_official_spellings_are_shown_and_the_common_ones_are_searchable() -> None:
    assert Kecamatan.objects.get(code="31.73.07").name == "Pal Merah"
    assert Kecamatan.objects.get(aliases__icontains="Palmerah").code == "31.73.07"
    assert Kecamatan.objects.get(aliases__icontains="Pulo Gadung").name == "Pulogadung"
    assert Kecamatan.objects.get(aliases__icontains="Kramat Jati").name == "Kramatjati"


def test_every_kecamatan_has_one_office_row() -> None:
    assert KecamatanOffice.objects.count() == 44


def _put_back_the_old_bps_codes() -> dict[str, int]:
    """As a database migrated before the fix: Tebet 31.71.09 in 'Jakarta Selatan' 31.71, Gambir 31.73.08 ..."""
    old = {
        "Jakarta Selatan": ("31.71", {"Tebet": "31.71.09", "Pesanggrahan": "31.71.04", "Jagakarsa": "31.71.01"}),
        "Jakarta Pusat": ("31.73", {"Gambir": "31.73.08"}),
        "Jakarta Barat": ("31.74", {"Pal Merah": "31.74.03", "Kembangan": "31.74.01"}),
    }
    with connection.cursor() as cursor:
        cursor.execute("UPDATE geography_wilayah SET code = '~' || id")
        cursor.execute("UPDATE geography_kecamatan SET code = '~' || id")
        for wilayah, (code, districts) in old.items():
            cursor.execute("UPDATE geography_wilayah SET code = %s WHERE name = %s", [code, wilayah])
            for name, kec_code in districts.items():
                cursor.execute("UPDATE geography_kecamatan SET code = %s WHERE name = %s", [kec_code, name])
        cursor.execute("UPDATE geography_kecamatan SET name = 'Palmerah', aliases = '' WHERE name = 'Pal Merah'")
    return dict(Kecamatan.objects.values_list("name", "pk"))


def test_the_loader_corrects_old_codes_in_place_keeping_primary_keys() -> None:
    before = _put_back_the_old_bps_codes()
    wilayah_before = dict(Wilayah.objects.values_list("name", "pk"))
    assert Kecamatan.objects.get(name="Tebet").code == "31.71.09"
    geography_data.load(Wilayah, Kecamatan)
    after = dict(Kecamatan.objects.values_list("code", "pk"))
    assert after["31.74.01"] == before["Tebet"]
    assert after["31.74.10"] == before["Pesanggrahan"]
    assert after["31.71.01"] == before["Gambir"]
    assert after["31.73.07"] == before["Palmerah"]
    assert dict(Wilayah.objects.values_list("name", "pk")) == wilayah_before
    assert Wilayah.objects.get(code="31.74").name == "Jakarta Selatan"
    assert Kecamatan.objects.count() == 44 and Wilayah.objects.count() == 6 and Kelurahan.objects.count() == 267


def test_the_loader_fills_empty_tables_and_is_idempotent() -> None:
    KecamatanOffice.objects.all().delete()
    Kelurahan.objects.all().delete()
    geography_data.load(Wilayah, Kecamatan)
    geography_data.load(Wilayah, Kecamatan)
    assert (Kelurahan.objects.count(), KecamatanOffice.objects.count()) == (267, 44)


def test_offices_come_with_kecamatan_and_wilayah_in_one_query(django_assert_num_queries: object) -> None:
    with django_assert_num_queries(1):  # type: ignore[operator]
        listed = [(o.kecamatan.name, o.kecamatan.wilayah.name) for o in offices()]
    assert len(listed) == 44
    tebet = Kecamatan.objects.get(name="Tebet")
    with django_assert_num_queries(1):  # type: ignore[operator]
        office = office_of(tebet.pk)
        assert office is not None
        assert office.kecamatan.wilayah.name == "Jakarta Selatan"
