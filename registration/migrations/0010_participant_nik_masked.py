from django.db import migrations, models, transaction

BATCH = 2000


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Each participant's masked NIK from the decrypted one (the historical model's field decrypts as the model
    does), a batch at a time, each batch its own transaction: rows are locked a batch at a time, never the table."""
    from registration.nik import mask_nik

    Participant = apps.get_model("registration", "Participant")
    last = 0
    while True:
        with transaction.atomic():
            batch = list(Participant.objects.filter(pk__gt=last).order_by("pk").only("pk", "nik")[:BATCH])
            if not batch:
                return
            for participant in batch:
                participant.nik_masked = mask_nik(participant.nik)[:16]
            Participant.objects.bulk_update(batch, ["nik_masked"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    # Not atomic: the column comes at once (a constant default), then the fill commits batch by batch.
    atomic = False

    dependencies = [
        ("registration", "0009_participant_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="nik_masked",
            field=models.CharField(
                db_default="", default="", editable=False, max_length=16, verbose_name="NIK (masked)"
            ),
        ),
        # no trigger fires a history row: the trail leaves the column out
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
