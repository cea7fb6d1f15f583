"""Re-encrypt every stored NIK, draft and import's waiting rows under the first key of NIK_ENCRYPTION_KEYS.

Rotation: put the new key first in NIK_ENCRYPTION_KEYS (keep the old ones after it), deploy, run this
command, then drop the old keys. Reads work with every configured key throughout: a value is decrypted with
whichever key made it and written back encrypted with the first."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Model, Q

from registration.choices import ImportStatus
from registration.models import Draft, Participant, ParticipantImport

BATCH = 500
IMPORT_BATCH = 5  # an import's rows may be a few megabytes
# an import keeps its rows while it is checked or waits for a decision; after that they are "[]"
IMPORTS_WITH_ROWS = Q(status__in=[ImportStatus.CHECKING, ImportStatus.CHECKED, ImportStatus.SAVING])


class Command(BaseCommand):
    help = "Re-encrypt stored NIKs, drafts and imports' waiting rows under the current (first) encryption key."

    def handle(self, *args: Any, **options: Any) -> None:
        encrypted: list[tuple[type[Model], str, Q, int]] = [
            (Participant, "nik", Q(), BATCH),
            (Draft, "payload", Q(), BATCH),
            (ParticipantImport, "rows", IMPORTS_WITH_ROWS, IMPORT_BATCH),
        ]
        for model, field, which, size in encrypted:
            count = self._rotate(model, field, which, size)
            self.stdout.write(f"{model._meta.verbose_name_plural}: {count} re-encrypted")

    def _rotate(self, model: type[Model], field: str, which: Q, size: int) -> int:
        count, last_pk = 0, 0
        while True:
            with transaction.atomic():
                rows = list(
                    model._default_manager.select_for_update()
                    .filter(which, pk__gt=last_pk)
                    .order_by("pk")
                    .only("pk", field)[:size]
                )
                if not rows:
                    return count
                model._default_manager.bulk_update(rows, [field])
            last_pk = rows[-1].pk
            count += len(rows)
