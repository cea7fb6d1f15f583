from django.db import migrations

# A partner's consents are mostly for the few purposes its agreements cover, so the planner, multiplying the two
# columns' frequencies as if they were independent, took a licensing office's 15,912 licensing consents for 569 and
# chose to walk them one by one into the licence requests (the API's first page: 82 ms, against 12 ms once it
# knows). Extended statistics on the pair let it see the dependency; ANALYZE fills them now, not at the next
# autovacuum.
CREATE = """
CREATE STATISTICS IF NOT EXISTS consent_organisation_purpose (dependencies, mcv)
    ON organisation_id, purpose FROM partners_consent;
ANALYZE partners_consent;
"""
DROP = "DROP STATISTICS IF EXISTS consent_organisation_purpose;"


class Migration(migrations.Migration):
    dependencies = [("partners", "0013_access_log_no_bare_indexes")]

    operations = [migrations.RunSQL(CREATE, DROP)]
