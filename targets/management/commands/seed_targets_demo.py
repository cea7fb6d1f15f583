"""Demo targets for the embedded default, after `seed_demo` (and the step demos): this year's target of every
measure for the program, each of the 6 wilayah, the demo kecamatans (Tebet and Gambir, where the demo
secretariat and mentors work) and the demo mentors, sized for the demo's few hundred participants; then the summary
tables rebuilt from the step apps, so the dashboard and the weekly report show the demo's progress against them.
Written through `targets.services.target_set` as the demo staff login (dinas@), recorded as an import. Runs only
with DEBUG on; a second run changes nothing (a target there keeps its value)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import audit
from geography.models import Kecamatan, Wilayah
from registration.measures import Measure
from targets import partners, services, summary
from targets.choices import Level
from targets.models import Target

DEMO_DOMAIN = "demo.jakpreneur.id"
DEMO_KECAMATANS = ("Tebet", "Gambir")
DEMO_MENTORS = ("mentor.tebet", "mentor.gambir")
# the program's yearly targets for the demo's 300 participants; the wilayah, kecamatan and mentors get a share
PROGRAM = {
    Measure.REGISTERED: 400,
    Measure.VERIFIED: 300,
    Measure.TRAINED: 200,
    Measure.MENTORED: 150,
    Measure.LICENSED: 80,
    Measure.MARKETED: 60,
    Measure.REPORTING: 50,
    Measure.CAPITALISED: 20,
    Measure.FORMAL: 80,
    Measure.MOVED_UP: 10,
}
SHARE = {Level.WILAYAH: 6, Level.KECAMATAN: 20, Level.MENTOR: 25}


class Command(BaseCommand):
    help = "Set this year's demo targets at every level, then rebuild the summary tables (after seed_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data runs only with DEBUG on.")
        staff = User.objects.filter(email=f"dinas@{DEMO_DOMAIN}").first()
        mentors = list(User.objects.filter(email__in=[f"{name}@{DEMO_DOMAIN}" for name in DEMO_MENTORS]))
        if staff is None or len(mentors) != len(DEMO_MENTORS):
            raise CommandError("Run `manage.py seed_demo` first.")
        year = timezone.localdate().year
        before = Target.objects.filter(year=year).count()
        areas: list[tuple[Level, dict[str, Any]]] = [(Level.PROGRAM, {})]
        areas += [(Level.WILAYAH, {"wilayah": wilayah}) for wilayah in Wilayah.objects.order_by("code")]
        areas += [
            (Level.KECAMATAN, {"kecamatan": kecamatan})
            for kecamatan in Kecamatan.objects.filter(name__in=DEMO_KECAMATANS).order_by("code")
        ]
        areas += [(Level.MENTOR, {"mentor": mentor}) for mentor in mentors]
        with audit.channel(audit.Channel.IMPORT), transaction.atomic():
            for level, area in areas:
                for measure, value in PROGRAM.items():
                    if Target.objects.filter(year=year, measure=measure, level=level, **area).exists():
                        continue
                    services.target_set(
                        year=year,
                        measure=measure,
                        level=level,
                        wilayah=area.get("wilayah"),
                        kecamatan=area.get("kecamatan"),
                        mentor=area.get("mentor"),
                        value=max(1, value // SHARE.get(level, 1)),
                        acting_user=staff,
                    )
        made = Target.objects.filter(year=year).count() - before
        with audit.channel(audit.Channel.IMPORT):
            summary.rebuild()
        partners.outcomes_count(timezone.localdate())  # what the nightly count leaves: the partner performance figures
        self.stdout.write(
            self.style.SUCCESS(f"Demo targets for {year}: {made} set; the summary tables are rebuilt.")
            if made
            else f"Demo targets for {year} are there already; the summary tables are rebuilt."
        )
