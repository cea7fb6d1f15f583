"""Load Jakarta's 6 wilayah and 44 kecamatan with their Kemendagri codes."""

from django.db import migrations

from geography.data import WILAYAH, load


def forwards(apps, schema_editor):
    load(apps.get_model("geography", "Wilayah"), apps.get_model("geography", "Kecamatan"))


def backwards(apps, schema_editor):
    codes = [kec for _, _, districts in WILAYAH for kec, _ in districts]
    apps.get_model("geography", "Kecamatan").objects.filter(code__in=codes).delete()
    apps.get_model("geography", "Wilayah").objects.filter(code__in=[code for code, _, _ in WILAYAH]).delete()


class Migration(migrations.Migration):
    dependencies = [("geography", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
