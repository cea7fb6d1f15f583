"""The licence types the program starts with (licensing/licence_types.py)."""

from django.db import migrations

from licensing import licence_types


def add_types(apps, schema_editor):
    licence_types.load(apps.get_model("licensing", "LicenceType"))


class Migration(migrations.Migration):
    dependencies = [("licensing", "0001_initial")]

    operations = [migrations.RunPython(add_types, migrations.RunPython.noop)]
