"""The first version of the consent text of each purpose (partners/consent_texts.py)."""

from django.db import migrations

from partners import consent_texts


def add_texts(apps, schema_editor):
    consent_texts.load_first(apps.get_model("partners", "ConsentText"))


class Migration(migrations.Migration):
    dependencies = [("partners", "0003_agreements_consent_keys")]

    operations = [migrations.RunPython(add_texts, migrations.RunPython.noop)]
