"""Re-encrypt every stored NIK and draft under the first key of NIK_ENCRYPTION_KEYS.

Rotation: put the new key first in NIK_ENCRYPTION_KEYS (keep the old ones after it), deploy, run this
command, then drop the old keys. Reads work with every configured key throughout: a value is decrypted with
whichever key made it and written back encrypted with the first."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Model

from registration.models import Draft, Participant

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt stored NIKs and drafts under the current (first) encryption key."

    def handle(self, *args: Any, **options: Any) -> None:
        for model, field in ((Participant, "nik"), (Draft, "payload")):
            count = self._rotate(model, field)
            self.stdout.write(f"{model._meta.verbose_name_plural}: {count} re-encrypted")

    def _rotate(self, model: type[Model], field: str) -> int:
        count, last_pk = 0, 0
        while True:
            with transaction.atomic():
                rows = list(
                    model._default_manager.select_for_update()
                    .filter(pk__gt=last_pk)
                    .order_by("pk")
                    .only("pk", field)[:BATCH]
                )
                if not rows:
                    return count
                model._default_manager.bulk_update(rows, [field])
            last_pk = rows[-1].pk
            count += len(rows)
