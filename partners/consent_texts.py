"""The first version of the consent text of each purpose, in both languages, and the later versions the code
brought (staff publish others in the admin). Loaded by migrations 0004 and 0008, and again by the tests after a
transactional test has flushed the tables."""

from typing import Any

TEXTS = {
    "app_journey": (
        "Saya setuju {partner} menampilkan status perjalanan saya di program JakPreneur (langkah P1-P7) di "
        "aplikasi JAKI yang terhubung dengan akun saya. Data lain tidak dibagikan.",
        "I agree that {partner} shows my JakPreneur journey (steps P1-P7) in the JAKI app linked to my account. "
        "No other data is shared.",
    ),
    "training": (
        "Saya setuju {partner} menerima nama, nomor ponsel, email, dan pelatihan saya pada pelatihan yang "
        "diselenggarakannya, untuk mengundang dan mencatat kehadiran saya.",
        "I agree that {partner} receives my name, mobile number, email and my trainings in the trainings it runs, "
        "to invite me and record my attendance.",
    ),
    "mentoring": (
        "Saya setuju {partner} menerima nama, kontak, dan data usaha saya untuk mendampingi usaha saya.",
        "I agree that {partner} receives my name, contact and business data to mentor my business.",
    ),
    "licensing": (
        "Saya setuju {partner} menerima nama, kontak, NIK tersamar, dan data usaha saya untuk membantu perizinan "
        "usaha saya.",
        "I agree that {partner} receives my name, contact, masked NIK and business data to help with my business "
        "licences.",
    ),
    "marketing": (
        "Saya setuju {partner} menerima nama, kontak, dan data usaha saya untuk memasarkan produk saya.",
        "I agree that {partner} receives my name, contact and business data to market my products.",
    ),
    "bookkeeping": (
        "Saya setuju {partner} menerima data usaha dan laporan bulanan usaha saya (omzet, aset, tenaga kerja) "
        "untuk membantu pembukuan saya.",
        "I agree that {partner} receives my business data and monthly reports (turnover, assets, workers) to help "
        "with my bookkeeping.",
    ),
    "loan_assessment": (
        "Saya setuju {partner} menerima nama, kontak, NIK tersamar, data usaha, dan laporan bulanan usaha saya "
        "untuk menilai permohonan pembiayaan saya.",
        "I agree that {partner} receives my name, contact, masked NIK, business data and monthly reports to "
        "assess my application for financing.",
    ),
}

# Later versions, published by a data migration where an earlier one is the latest (capital's 0002 for the loan
# referral: the participant names the data for each referral, the NIK whole with the identity).
LATER_TEXTS = {
    ("loan_assessment", 2): (
        "Saya setuju {partner} menerima data yang saya pilih pada setiap rujukan pinjaman ke {partner}: identitas "
        "(nama, NIK lengkap, tanggal lahir, alamat, kontak), data usaha, dan/atau laporan keuangan usaha saya, "
        "untuk menilai permohonan pembiayaan saya. Saya dapat menarik persetujuan ini kapan saja; sesudah itu "
        "{partner} tidak lagi dapat melihat data saya.",
        "I agree that {partner} receives the data I choose in each loan referral to {partner}: my identity (name, "
        "full NIK, birth date, address, contact), my business data and/or my business's financial reports, to "
        "assess my application for financing. I can withdraw this consent at any time; {partner} then no longer "
        "sees my data.",
    ),
}


def load_first(consent_text_model: Any) -> None:
    """Add version 1 of each purpose's text where it is missing (the model given: a migration's historical one)."""
    for purpose, (text_id, text_en) in TEXTS.items():
        consent_text_model.objects.get_or_create(
            purpose=purpose, version=1, defaults={"text_id": text_id, "text_en": text_en}
        )


def load_later(consent_text_model: Any) -> None:
    """Add the versions of `LATER_TEXTS` where they are missing."""
    for (purpose, version), (text_id, text_en) in LATER_TEXTS.items():
        consent_text_model.objects.get_or_create(
            purpose=purpose, version=version, defaults={"text_id": text_id, "text_en": text_en}
        )


def load(consent_text_model: Any) -> None:
    """Every version this file holds (the tests, after a flush)."""
    load_first(consent_text_model)
    load_later(consent_text_model)
