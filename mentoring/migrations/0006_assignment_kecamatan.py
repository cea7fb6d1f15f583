# The kecamatan of each mentor assignment (its participant's), for the caseload: issue 12

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('geography', '0006_official_codes'),
        ('mentoring', '0005_assignment_end_participant_moved'),
        ('registration', '0011_participant_name_upper_prefix'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='mentorassignment',
            name='updated_update',
        ),
        migrations.AddField(
            model_name='mentorassignment',
            name='kecamatan',
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='geography.kecamatan', verbose_name='kecamatan'),
        ),
        # every assignment in its participant's kecamatan, then the column required (the foreign key checked at
        # once: a deferred check left pending would refuse the ALTER TABLE that follows)
        migrations.RunSQL(
            [
                "SET CONSTRAINTS ALL IMMEDIATE",
                """UPDATE mentoring_mentorassignment a SET kecamatan_id = p.kecamatan_id
                   FROM registration_participant p WHERE p.id = a.participant_id""",
                "SET CONSTRAINTS ALL DEFERRED",
            ],
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="mentorassignment",
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
            model_name='mentorassignment',
            index=models.Index(condition=models.Q(('active', True)), fields=['mentor', 'kecamatan', 'participant'], name='mentoring_caseload_kec'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='mentorassignment',
            trigger=pgtrigger.compiler.Trigger(name='updated_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."active" IS DISTINCT FROM (NEW."active") OR OLD."assigned_at" IS DISTINCT FROM (NEW."assigned_at") OR OLD."assigned_by_id" IS DISTINCT FROM (NEW."assigned_by_id") OR OLD."end_reason" IS DISTINCT FROM (NEW."end_reason") OR OLD."ended_at" IS DISTINCT FROM (NEW."ended_at") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."mentor_id" IS DISTINCT FROM (NEW."mentor_id") OR OLD."participant_id" IS DISTINCT FROM (NEW."participant_id") OR OLD."reason" IS DISTINCT FROM (NEW."reason") OR OLD."stage" IS DISTINCT FROM (NEW."stage"))', func='INSERT INTO "mentoring_mentorassignmentevent" ("active", "assigned_at", "assigned_by_id", "end_reason", "ended_at", "id", "mentor_id", "participant_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "stage") VALUES (NEW."active", NEW."assigned_at", NEW."assigned_by_id", NEW."end_reason", NEW."ended_at", NEW."id", NEW."mentor_id", NEW."participant_id", _pgh_attach_context(), NOW(), \'updated\', NEW."id", NEW."reason", NEW."stage"); RETURN NULL;', hash='22ee3d125a9f8288fa9e527f0c0147abcbefcd9b', operation='UPDATE', pgid='pgtrigger_updated_update_fd349', table='mentoring_mentorassignment', when='AFTER')),
        ),
    ]
