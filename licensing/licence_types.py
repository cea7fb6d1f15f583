"""The licence types the program starts with (staff change them later in the admin: laws change). The facts were
checked by the program: NIB through OSS RBA (PP 5/2021), P-IRT valid five years (PerBPOM 22/2018 art. 4), a halal
certificate valid while ingredients and process stay the same (UU 6/2023, art. 42 as amended), merek and
industrial design ten years from filing (DJKI), BPOM distribution permits five years. Like a government form,
the texts are in Bahasa Indonesia: they are staff-editable data, not the portal's interface.

Loaded by migration 0002, and again by the tests after a transactional test has flushed the tables."""

from typing import Any, Final

NIB: Final = "nib"
PIRT: Final = "pirt"

# code -> the fields of the type; "prerequisites" are codes
TYPES: Final[dict[str, dict[str, Any]]] = {
    NIB: {
        "name": "NIB (Nomor Induk Berusaha)",
        "description": (
            "Nomor identitas usaha yang diterbitkan lewat OSS RBA (Online Single Submission Berbasis Risiko), "
            "gratis. NIB menggantikan IUMK; bagi usaha mikro berisiko rendah NIB sekaligus menjadi izin usahanya. "
            "Berlaku selama usaha berjalan, dan menjadi syarat izin lainnya."
        ),
        "issuer": "Lembaga OSS melalui OSS RBA",
        "official_url": "https://oss.go.id",
        "documents_needed": [
            "KTP pemilik usaha",
            "Alamat email dan nomor ponsel yang aktif",
            "Alamat lokasi usaha",
            "Jenis kegiatan usaha (kode KBLI)",
        ],
        "validity_months": None,
        "number_digits": 13,
        "is_business_number": True,
        "position": 10,
        "prerequisites": [],
    },
    PIRT: {
        "name": "P-IRT (Sertifikat Produksi Pangan Industri Rumah Tangga, SPP-IRT)",
        "description": (
            "Izin produksi pangan olahan rumahan (industri rumah tangga), diterbitkan pemerintah kota melalui OSS. "
            "Perlu NIB dan sertifikat Penyuluhan Keamanan Pangan (PKP). Berlaku 5 tahun; perpanjangan diajukan "
            "paling lambat 6 bulan sebelum masa berlakunya habis."
        ),
        "issuer": "Pemerintah kota melalui OSS",
        "official_url": "https://oss.go.id",
        "documents_needed": [
            "NIB",
            "Sertifikat Penyuluhan Keamanan Pangan (PKP)",
            "Rancangan label produk",
        ],
        "validity_months": 60,
        "reminder_days": 180,
        "number_digits": None,
        "position": 20,
        "prerequisites": [NIB],
    },
    "halal": {
        "name": "Sertifikat Halal",
        "description": (
            "Status halal produk, diterbitkan BPJPH melalui SIHALAL. Usaha mikro dan kecil dapat memakai jalur "
            "gratis pernyataan mandiri (self declare, program SEHATI) dengan pendamping proses produk halal "
            "(pendamping PPH). Berlaku selama bahan dan proses produksinya tidak berubah."
        ),
        "issuer": "BPJPH (Badan Penyelenggara Jaminan Produk Halal) melalui SIHALAL",
        "official_url": "https://ptsp.halal.go.id",
        "documents_needed": [
            "NIB",
            "Daftar produk dan bahan yang digunakan",
            "Alur proses produksi",
            "Pendamping PPH (untuk jalur self declare)",
        ],
        "validity_months": None,
        "number_digits": None,
        "position": 30,
        "prerequisites": [NIB],
    },
    "merek": {
        "name": "Merek (pendaftaran merek)",
        "description": (
            "Perlindungan merek dagang atau jasa, didaftarkan di DJKI. Berlaku 10 tahun sejak tanggal penerimaan "
            "permohonan dan dapat diperpanjang. Ada tarif lebih ringan untuk UMKM."
        ),
        "issuer": "DJKI (Direktorat Jenderal Kekayaan Intelektual)",
        "official_url": "https://merek.dgip.go.id",
        "documents_needed": [
            "KTP pemohon",
            "Gambar etiket atau logo merek",
            "Daftar barang atau jasa yang memakai merek",
            "Surat keterangan UMK (untuk tarif UMKM)",
        ],
        "validity_months": 120,
        "reminder_days": 180,
        "number_digits": None,
        "position": 40,
        "prerequisites": [],
    },
    "hak-cipta": {
        "name": "Hak Cipta (pencatatan ciptaan)",
        "description": (
            "Pencatatan hak cipta atas karya (misalnya desain kemasan, foto, tulisan) di DJKI. Perlindungannya "
            "berlaku seumur hidup pencipta ditambah 70 tahun: tidak ada masa berlaku yang perlu diingatkan."
        ),
        "issuer": "DJKI (Direktorat Jenderal Kekayaan Intelektual)",
        "official_url": "https://e-hakcipta.dgip.go.id",
        "documents_needed": [
            "KTP pencipta",
            "Contoh ciptaan",
            "Surat pernyataan kepemilikan ciptaan",
        ],
        "validity_months": None,
        "number_digits": None,
        "position": 50,
        "prerequisites": [],
    },
    "desain-industri": {
        "name": "Desain Industri",
        "description": (
            "Perlindungan bentuk atau tampilan produk, didaftarkan di DJKI. Berlaku 10 tahun sejak tanggal "
            "penerimaan permohonan dan tidak dapat diperpanjang."
        ),
        "issuer": "DJKI (Direktorat Jenderal Kekayaan Intelektual)",
        "official_url": "https://dgip.go.id",
        "documents_needed": [
            "KTP pendesain",
            "Gambar atau foto desain dari beberapa sisi",
            "Uraian singkat desain",
            "Surat pernyataan kepemilikan desain",
        ],
        "validity_months": 120,
        "number_digits": None,
        "position": 60,
        "prerequisites": [],
    },
    "bpom": {
        "name": "Izin Edar BPOM (MD/ML)",
        "description": (
            "Izin edar pangan olahan di atas skala rumah tangga (MD untuk produk dalam negeri, ML untuk produk "
            "impor), diterbitkan Badan POM. Berlaku 5 tahun. Perlu NIB."
        ),
        "issuer": "Badan POM",
        "official_url": "https://e-reg.pom.go.id",
        "documents_needed": [
            "NIB",
            "Rancangan label produk",
            "Komposisi dan alur proses produksi",
            "Hasil uji produk",
        ],
        "validity_months": 60,
        "number_digits": None,
        "position": 70,
        "prerequisites": [NIB],
    },
}


def load(licence_type_model: Any) -> None:
    """Add each type where its code is missing, then its prerequisites (the model given: a migration's historical
    one). A type staff changed keeps their changes."""
    added = {}
    for code, fields in TYPES.items():
        values = {key: value for key, value in fields.items() if key != "prerequisites"}
        licence_type, created = licence_type_model.objects.get_or_create(code=code, defaults=values)
        if created:
            added[code] = licence_type
    by_code = {t.code: t for t in licence_type_model.objects.filter(code__in=list(TYPES))}
    for code, licence_type in added.items():
        licence_type.prerequisites.set([by_code[needed] for needed in TYPES[code]["prerequisites"]])
