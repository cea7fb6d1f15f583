from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without locking out writes: participants are a million-row table that takes new rows all day.
    atomic = False

    dependencies = [
        ("registration", "0008_registration_approved_decided"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="participant",
            index=models.Index(fields=["full_name", "id"], name="participant_name"),
        ),
        AddIndexConcurrently(
            model_name="participant",
            index=models.Index(fields=["kecamatan", "full_name", "id"], name="participant_kec_name"),
        ),
    ]
