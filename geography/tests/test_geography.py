import pytest

from geography.models import Kecamatan, Wilayah

EXPECTED = {
    "Jakarta Pusat": {
        "Gambir",
        "Sawah Besar",
        "Kemayoran",
        "Senen",
        "Cempaka Putih",
        "Menteng",
        "Tanah Abang",
        "Johar Baru",
    },
    "Jakarta Utara": {"Penjaringan", "Pademangan", "Tanjung Priok", "Koja", "Kelapa Gading", "Cilincing"},
    "Jakarta Barat": {
        "Kembangan",
        "Kebon Jeruk",
        "Pal Merah",
        "Grogol Petamburan",
        "Tambora",
        "Taman Sari",
        "Cengkareng",
        "Kalideres",
    },
    "Jakarta Selatan": {
        "Kebayoran Baru",
        "Kebayoran Lama",
        "Pesanggrahan",
        "Cilandak",
        "Pasar Minggu",
        "Jagakarsa",
        "Mampang Prapatan",
        "Pancoran",
        "Tebet",
        "Setiabudi",
    },
    "Jakarta Timur": {
        "Matraman",
        "Pulogadung",
        "Jatinegara",
        "Duren Sawit",
        "Kramatjati",
        "Makasar",
        "Pasar Rebo",
        "Ciracas",
        "Cipayung",
        "Cakung",
    },
    "Kepulauan Seribu": {"Kepulauan Seribu Utara", "Kepulauan Seribu Selatan"},
}
CITY_CODES = {
    "Kepulauan Seribu": "31.01",
    "Jakarta Pusat": "31.71",
    "Jakarta Utara": "31.72",
    "Jakarta Barat": "31.73",
    "Jakarta Selatan": "31.74",
    "Jakarta Timur": "31.75",
}


@pytest.mark.django_db
def test_exactly_44_kecamatan_in_6_wilayah() -> None:
    assert Wilayah.objects.count() == 6
    assert Kecamatan.objects.count() == 44


@pytest.mark.django_db
def test_each_kecamatan_is_in_its_wilayah_with_the_official_code() -> None:
    for wilayah in Wilayah.objects.prefetch_related("kecamatan"):
        assert wilayah.code == CITY_CODES[wilayah.name]
        assert {k.name for k in wilayah.kecamatan.all()} == EXPECTED[wilayah.name]
        for kecamatan in wilayah.kecamatan.all():
            assert kecamatan.code.startswith(wilayah.code + ".")
            assert len(kecamatan.nik_prefix) == 6


@pytest.mark.django_db
def test_known_codes() -> None:
    """Kemendagri's codes (those a NIK carries), not BPS's statistical ones (BPS: Tebet 31.71.09)."""
    assert Kecamatan.objects.get(code="31.74.01").name == "Tebet"
    assert Kecamatan.objects.get(code="31.71.01").name == "Gambir"
    assert Kecamatan.objects.get(code="31.74.10").name == "Pesanggrahan"
    assert Kecamatan.objects.get(code="31.73.08").name == "Kembangan"
    assert not Kecamatan.objects.filter(code__in=["31.71.09", "31.71.10", "31.72.07", "31.72.10"]).exists()
