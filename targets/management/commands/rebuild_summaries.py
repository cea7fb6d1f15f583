"""Rebuild the targets' summary tables from scratch (what the nightly task does), and say how many rows each
holds then: `manage.py rebuild_summaries`. Safe while the portal runs: each kecamatan is rebuilt in its own
transaction under the lock the refreshes take."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from targets import summary


class Command(BaseCommand):
    help = "Rebuild the summary tables of the targets and the dashboard from scratch."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        counts = summary.rebuild()
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Summary tables rebuilt in {seconds:.1f} s: {counts['progress']} participants, "
            f"{counts['measure_counts']} measure counts, {counts['gap_counts']} gap counts."
        )
