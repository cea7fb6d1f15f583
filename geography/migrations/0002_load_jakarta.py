"""Load Jakarta's 6 wilayah and 44 kecamatan with their Kemendagri codes.

(A database migrated before 0006 got BPS's statistical codes here; 0006 corrects them in place. A new database
gets the official codes from geography/data/jakarta.json directly.)"""

from django.db import migrations

from geography.data import dataset


def forwards(apps, schema_editor):
    wilayah_model = apps.get_model("geography", "Wilayah")
    kecamatan_model = apps.get_model("geography", "Kecamatan")
    data = dataset()
    wilayah = {w.code: wilayah_model.objects.create(code=w.code, name=w.name) for w in data.wilayah}
    for k in data.kecamatan:
        kecamatan_model.objects.create(code=k.code, name=k.name, wilayah=wilayah[k.wilayah])


def backwards(apps, schema_editor):
    apps.get_model("geography", "Kecamatan").objects.all().delete()
    apps.get_model("geography", "Wilayah").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("geography", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
