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
        "Palmerah",
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
        "Pulo Gadung",
        "Jatinegara",
        "Duren Sawit",
        "Kramat Jati",
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
    "Jakarta Selatan": "31.71",
    "Jakarta Timur": "31.72",
    "Jakarta Pusat": "31.73",
    "Jakarta Barat": "31.74",
    "Jakarta Utara": "31.75",
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
    assert Kecamatan.objects.get(code="31.71.09").name == "Tebet"
    assert Kecamatan.objects.get(code="31.73.08").name == "Gambir"
