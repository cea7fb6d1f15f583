"""Reads of Jakarta's areas and the kecamatan offices, with their joins (public reference data: no user scoping)."""

from django.db.models import QuerySet

from .models import Kecamatan, KecamatanOffice, Kelurahan


def kelurahan_of(kecamatan_id: int) -> QuerySet[Kelurahan]:
    """The kelurahan of one kecamatan, by name (for the wizard's choice), with their postal codes."""
    return Kelurahan.objects.filter(kecamatan_id=kecamatan_id).order_by("name")


def kecamatan_of_nik(nik: str) -> Kecamatan | None:
    """The kecamatan that issued a (compact, 16-digit) NIK: digits 1 to 6 are its Kemendagri code
    (3174015708900002 -> 31.74.01 Tebet), or None when no kecamatan of Jakarta has them."""
    if len(nik) < 6 or not nik[:6].isdigit():
        return None
    code = f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"
    return Kecamatan.objects.select_related("wilayah").filter(code=code).first()


def offices() -> QuerySet[KecamatanOffice]:
    """Every kecamatan office with its kecamatan and wilayah (one query), by wilayah then kecamatan."""
    return KecamatanOffice.objects.select_related("kecamatan__wilayah").order_by(
        "kecamatan__wilayah__code", "kecamatan__name"
    )


def office_of(kecamatan_id: int) -> KecamatanOffice | None:
    """The office of one kecamatan (with its kecamatan and wilayah, one query), or None."""
    return offices().filter(kecamatan_id=kecamatan_id).first()
