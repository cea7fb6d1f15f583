"""Index the audit contexts for "everything done by user Y between two dates" (core.audit.contexts_by)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("pghistory", "0007_auto_20250421_0444")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX core_context_user_created ON pghistory_context ((metadata -> 'user'), created_at)",
            "DROP INDEX core_context_user_created",
        )
    ]
