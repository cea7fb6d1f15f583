# The kecamatan of each licence request (its participant's), for the offices' queues: issue 12

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("geography", "0006_official_codes"),
        ("licensing", "0003_licence_queue_waiting"),
        ("registration", "0011_participant_name_upper_prefix"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="licencerequest",
            name="updated_update",
        ),
        migrations.AddField(
            model_name="licencerequest",
            name="kecamatan",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="geography.kecamatan",
                verbose_name="kecamatan",
            ),
        ),
        # every request in its participant's kecamatan, then the column required (the foreign key checked at
        # once: a deferred check left pending would refuse the ALTER TABLE that follows)
        migrations.RunSQL(
            [
                "SET CONSTRAINTS ALL IMMEDIATE",
                """UPDATE licensing_licencerequest q SET kecamatan_id = p.kecamatan_id
                   FROM registration_participant p WHERE p.id = q.participant_id""",
                "SET CONSTRAINTS ALL DEFERRED",
            ],
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="licencerequest",
            name="kecamatan",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="geography.kecamatan",
                verbose_name="kecamatan",
            ),
        ),
        migrations.AddIndex(
            model_name="licencerequest",
            index=models.Index(
                condition=models.Q(("status__in", ("requested", "documents", "submitted"))),
                fields=["kecamatan", "status_changed_at", "id"],
                name="licreq_kec_open_waiting",
            ),
        ),
        migrations.AddIndex(
            model_name="licencerequest",
            index=models.Index(
                condition=models.Q(("status__in", ("requested", "documents", "submitted"))),
                fields=["kecamatan", "licence_type", "status"],
                name="licreq_kec_open_types",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="licencerequest",
            trigger=pgtrigger.compiler.Trigger(
                name="updated_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."licence_type_id" IS DISTINCT FROM (NEW."licence_type_id") OR OLD."note" IS DISTINCT FROM (NEW."note") OR OLD."participant_id" IS DISTINCT FROM (NEW."participant_id") OR OLD."refusal_reason" IS DISTINCT FROM (NEW."refusal_reason") OR OLD."requested_by_id" IS DISTINCT FROM (NEW."requested_by_id") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."status_changed_at" IS DISTINCT FROM (NEW."status_changed_at") OR OLD."subject" IS DISTINCT FROM (NEW."subject"))',
                    func='INSERT INTO "licensing_licencerequestevent" ("created_at", "id", "licence_type_id", "note", "participant_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "refusal_reason", "requested_by_id", "status", "status_changed_at", "subject") VALUES (NEW."created_at", NEW."id", NEW."licence_type_id", NEW."note", NEW."participant_id", _pgh_attach_context(), NOW(), \'updated\', NEW."id", NEW."refusal_reason", NEW."requested_by_id", NEW."status", NEW."status_changed_at", NEW."subject"); RETURN NULL;',
                    hash="a0c0ab16ad2ca4a60dc5ea96690ed80c86ff25ce",
                    operation="UPDATE",
                    pgid="pgtrigger_updated_update_98465",
                    table="licensing_licencerequest",
                    when="AFTER",
                ),
            ),
        ),
    ]
