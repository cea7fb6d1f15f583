"""Demo personal-data requests for the embedded default, after `seed_demo`: so the correction and deletion queues
show a request each. Two approved participants other than the demo participant (peserta@, whose own pages stay
free to try): one asks to move to Gambir (to Tebet, if they live in Gambir: moved house), one asks for the erasure
of their data (the business closed). Asked through the services as each participant, recorded as an import. Runs
only with DEBUG on, and once: a second run changes nothing."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core import audit
from geography.models import Kecamatan
from privacy import services
from privacy.models import CorrectionField, CorrectionRequest, DeletionRequest
from registration.choices import Status
from registration.management.commands.seed_demo import demo_email
from registration.models import Participant

MOVED = "Pindah domisili ke %(kecamatan)s sejak bulan lalu; KTP baru sudah terbit."
CLOSED = "Usaha saya sudah tutup. Mohon data saya dihapus."


class Command(BaseCommand):
    help = "Demo correction and deletion requests (DEBUG only, once)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data runs only with DEBUG on.")
        if CorrectionRequest.objects.exists() or DeletionRequest.objects.exists():
            self.stdout.write("Demo personal-data requests are loaded already.")
            return
        asking = list(
            Participant.objects.filter(registration__status=Status.APPROVED)
            .exclude(user__email=demo_email("peserta"))
            .select_related("user", "kecamatan")
            .order_by("pk")[:2]
        )
        if len(asking) < 2:
            raise CommandError("Run seed_demo first: two approved participants besides peserta@ are needed.")
        moving, leaving = asking
        destination = Kecamatan.objects.get(name="Tebet" if moving.kecamatan.name == "Gambir" else "Gambir")
        with audit.channel(audit.Channel.IMPORT), transaction.atomic():
            services.correction_ask(
                participant=moving,
                field=CorrectionField.KECAMATAN,
                value=str(destination.pk),
                reason=MOVED % {"kecamatan": destination.name},
                acting_user=moving.user,
            )
            services.deletion_ask(participant=leaving, reason=CLOSED, acting_user=leaving.user)
        self.stdout.write(f"A kecamatan correction asked by {moving.full_name}, a deletion by {leaving.full_name}.")
