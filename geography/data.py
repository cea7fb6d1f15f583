"""Jakarta's 6 wilayah and 44 kecamatan with their Kemendagri codes, and their loader.

The data migration loads them; the test suite reloads them after a transactional test flushes the tables."""

from typing import Any

WILAYAH: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "31.01",
        "Kepulauan Seribu",
        [
            ("31.01.01", "Kepulauan Seribu Utara"),
            ("31.01.02", "Kepulauan Seribu Selatan"),
        ],
    ),
    (
        "31.71",
        "Jakarta Selatan",
        [
            ("31.71.01", "Jagakarsa"),
            ("31.71.02", "Pasar Minggu"),
            ("31.71.03", "Cilandak"),
            ("31.71.04", "Pesanggrahan"),
            ("31.71.05", "Kebayoran Lama"),
            ("31.71.06", "Kebayoran Baru"),
            ("31.71.07", "Mampang Prapatan"),
            ("31.71.08", "Pancoran"),
            ("31.71.09", "Tebet"),
            ("31.71.10", "Setiabudi"),
        ],
    ),
    (
        "31.72",
        "Jakarta Timur",
        [
            ("31.72.01", "Pasar Rebo"),
            ("31.72.02", "Ciracas"),
            ("31.72.03", "Cipayung"),
            ("31.72.04", "Makasar"),
            ("31.72.05", "Kramat Jati"),
            ("31.72.06", "Jatinegara"),
            ("31.72.07", "Duren Sawit"),
            ("31.72.08", "Cakung"),
            ("31.72.09", "Pulo Gadung"),
            ("31.72.10", "Matraman"),
        ],
    ),
    (
        "31.73",
        "Jakarta Pusat",
        [
            ("31.73.01", "Tanah Abang"),
            ("31.73.02", "Menteng"),
            ("31.73.03", "Senen"),
            ("31.73.04", "Johar Baru"),
            ("31.73.05", "Cempaka Putih"),
            ("31.73.06", "Kemayoran"),
            ("31.73.07", "Sawah Besar"),
            ("31.73.08", "Gambir"),
        ],
    ),
    (
        "31.74",
        "Jakarta Barat",
        [
            ("31.74.01", "Kembangan"),
            ("31.74.02", "Kebon Jeruk"),
            ("31.74.03", "Palmerah"),
            ("31.74.04", "Grogol Petamburan"),
            ("31.74.05", "Tambora"),
            ("31.74.06", "Taman Sari"),
            ("31.74.07", "Cengkareng"),
            ("31.74.08", "Kalideres"),
        ],
    ),
    (
        "31.75",
        "Jakarta Utara",
        [
            ("31.75.01", "Penjaringan"),
            ("31.75.02", "Pademangan"),
            ("31.75.03", "Tanjung Priok"),
            ("31.75.04", "Koja"),
            ("31.75.05", "Kelapa Gading"),
            ("31.75.06", "Cilincing"),
        ],
    ),
]


def load(wilayah_model: Any, kecamatan_model: Any) -> None:
    """Create or update every wilayah and kecamatan (models passed in, so migrations can use their own)."""
    for code, name, districts in WILAYAH:
        wilayah, _ = wilayah_model.objects.update_or_create(code=code, defaults={"name": name})
        for kec_code, kec_name in districts:
            kecamatan_model.objects.update_or_create(code=kec_code, defaults={"name": kec_name, "wilayah": wilayah})


def kecamatan_nik_prefixes() -> frozenset[str]:
    """The six digits a NIK issued in each kecamatan starts with (31.71.09 -> 317109)."""
    return frozenset(code.replace(".", "") for _, _, districts in WILAYAH for code, _ in districts)
