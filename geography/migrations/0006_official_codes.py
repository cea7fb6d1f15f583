"""Correct Jakarta's codes in place to Kemendagri's (the codes a NIK carries; the earlier rows had BPS's statistical
codes, e.g. Tebet 31.71.09 instead of 31.74.01), adopt the official spellings, load the 267 kelurahan with their
postal codes, and give each kecamatan its (empty) office row. Primary keys stay, so every row pointing at a wilayah
or kecamatan keeps pointing at the same place."""

from django.db import migrations

from geography.data import load


def forwards(apps, schema_editor):
    load(
        apps.get_model("geography", "Wilayah"),
        apps.get_model("geography", "Kecamatan"),
        apps.get_model("geography", "Kelurahan"),
        apps.get_model("geography", "KecamatanOffice"),
    )


class Migration(migrations.Migration):
    dependencies = [("geography", "0005_kelurahan_postal_code_kecamatan_aliases")]
    # backwards leaves the corrected codes (the old ones were wrong); the kelurahan and offices stay too
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
