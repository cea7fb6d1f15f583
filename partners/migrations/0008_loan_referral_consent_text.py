"""Version 2 of the loan-assessment consent text: the participant names the data for each loan referral, the NIK
whole with the identity (partners/consent_texts.py, LATER_TEXTS)."""

from django.db import migrations

from partners import consent_texts


def add_texts(apps, schema_editor):
    consent_texts.load_later(apps.get_model("partners", "ConsentText"))


class Migration(migrations.Migration):
    dependencies = [("partners", "0007_cooperative_lenders")]

    operations = [migrations.RunPython(add_texts, migrations.RunPython.noop)]
