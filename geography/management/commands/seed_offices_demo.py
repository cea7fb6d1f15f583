"""Demo contact details for the 44 kecamatan offices on the embedded default: made-up numbers (+62811000000xx)
and generic addresses, so the office finder and the participant's contact card have something to show. Runs only
with DEBUG on; fills only offices that have no details yet, so a second run (or a real edit) changes nothing."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import audit
from geography import selectors, services

HOURS = "Senin-Kamis 08.00-16.00, Jumat 08.00-16.30 (demo)"


class Command(BaseCommand):
    help = "Fill the kecamatan offices with demo contact details (DEBUG only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_offices_demo writes made-up office numbers: it runs only with DEBUG on.")
        filled = 0
        with audit.channel(audit.Channel.IMPORT):
            for n, office in enumerate(selectors.offices(), start=1):
                if office.address or office.phone or office.whatsapp:
                    continue
                name = office.kecamatan.name
                services.office_update(
                    office=office,
                    address=f"Kantor Kecamatan {name}, Jl. Contoh Raya No. {n}, {office.kecamatan.wilayah.name}",
                    phone=f"+62811000000{n:02d}",
                    whatsapp=f"+62811000001{n:02d}",
                    email="",
                    opening_hours=HOURS,
                    acting_user=None,
                )
                filled += 1
        self.stdout.write(
            f"Demo office details: {filled} offices filled." if filled else "Demo offices are there already."
        )
