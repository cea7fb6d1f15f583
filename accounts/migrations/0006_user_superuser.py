from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without locking out sign-ups and logins (a million accounts).
    atomic = False

    dependencies = [
        ("accounts", "0005_admin_search_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="user",
            index=models.Index(condition=models.Q(("is_superuser", True)), fields=["id"], name="user_superuser"),
        ),
    ]
