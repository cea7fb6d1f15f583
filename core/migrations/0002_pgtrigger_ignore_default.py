"""Give `pgtrigger.ignore` a database default (no trigger ignored).

Every history trigger asks pgtrigger whether to skip itself by reading this setting; unset, the read raises
inside an EXCEPTION block, and a transaction that writes many rows (an import, a bulk update) pays a
subtransaction per row, which grows worse than linearly (measured: 40,000 inserts 24 s unset, 7 s set).
Writes inside `core.audit.channel(...)` also set pghistory's own context variables, so its trigger takes the
fast path too."""

from django.db import migrations

SET_DEFAULT = """
DO $$ BEGIN
    EXECUTE format('ALTER DATABASE %I SET pgtrigger.ignore = %L', current_database(), '{}');
END $$;
"""
RESET_DEFAULT = """
DO $$ BEGIN
    EXECUTE format('ALTER DATABASE %I RESET pgtrigger.ignore', current_database());
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0001_context_user_index")]

    operations = [migrations.RunSQL(SET_DEFAULT, RESET_DEFAULT)]
