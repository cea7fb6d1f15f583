import django.db.models.deletion
from django.db import migrations, models

# Django would drop each foreign key's constraint and add it back to change db_index, checking every row of the
# access log while it holds locks that block writes to participants, keys and partners. Only the indexes change:
# the model state is altered alone, and each index is dropped concurrently (the log takes a row on every API read).
BARE_INDEXES = [
    "partners_accesslog_key_id_89452e59",
    "partners_accesslog_key_id_89452e59_like",
    "partners_accesslog_organisation_id_421b82d5",
    "partners_accesslog_participant_id_62892590",
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("partners", "0012_access_log_key_covers_participant"),
        ("registration", "0010_participant_nik_masked"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="accesslog",
                    name="key",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reads",
                        to="partners.partnerkey",
                        verbose_name="key",
                    ),
                ),
                migrations.AlterField(
                    model_name="accesslog",
                    name="organisation",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reads",
                        to="partners.partnerorganisation",
                        verbose_name="partner",
                    ),
                ),
                migrations.AlterField(
                    model_name="accesslog",
                    name="participant",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="partner_reads",
                        to="registration.participant",
                        verbose_name="participant",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"', migrations.RunSQL.noop)
                for name in BARE_INDEXES
            ],
        ),
    ]
