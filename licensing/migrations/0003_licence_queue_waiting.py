from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without locking out the offices' writes.
    atomic = False

    dependencies = [
        ("licensing", "0002_licence_types"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="licencerequest",
            index=models.Index(
                condition=models.Q(("status__in", ("requested", "documents", "submitted"))),
                fields=["status_changed_at", "id"],
                name="licreq_open_waiting",
            ),
        ),
    ]
