"""Demo mentoring for the embedded default, after `seed_demo`: the verified participants of Tebet and Gambir
get their kecamatan's demo mentor, each mentor a yearly target, and the demo participant (peserta@) a shared
visit with a follow-up and a question to their mentor. Runs once: a second run changes nothing."""

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from registration.choices import Status
from registration.models import Participant

from ...models import HelpTopic, MentorAssignment, TargetBasis, VisitKind
from ...services import FollowUpData, assignment_auto_assign, help_request_open, mentor_target_save, visit_log

DEMO_DOMAIN = "demo.jakpreneur.id"


class Command(BaseCommand):
    help = "Load demo mentoring (after seed_demo)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data runs only with DEBUG on.")
        users = {str(u.email).split("@")[0]: u for u in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")}
        if not {"dinas", "mentor.tebet", "mentor.gambir", "peserta"} <= users.keys():
            raise CommandError("Run `manage.py seed_demo` first.")
        if MentorAssignment.objects.exists():
            self.stdout.write("Demo mentoring is there already.")
            return
        staff, today = users["dinas"], timezone.localdate()
        approved = Participant.objects.filter(
            registration__status=Status.APPROVED, kecamatan__name__in=("Tebet", "Gambir")
        ).order_by("pk")
        assigned = sum(assignment_auto_assign(participant=p, acting_user=staff) is not None for p in approved)
        for name in ("mentor.tebet", "mentor.gambir"):
            mentor_target_save(
                mentor=users[name],
                year=today.year,
                participants=60,
                basis=TargetBasis.VERIFIED,
                visits=240,
                acting_user=staff,
            )
        participant = Participant.objects.get(user=users["peserta"])
        visit_log(
            participant=participant,
            date=today - datetime.timedelta(days=3),
            kind=VisitKind.FIELD,
            steps=["P4", "P6"],
            notes="Membahas NIB lewat OSS dan pencatatan kas harian.",
            shared=True,
            follow_ups=[FollowUpData(what="Daftar NIB di OSS", due_date=today + datetime.timedelta(days=4))],
            acting_user=users["mentor.tebet"],
        )
        help_request_open(
            participant=participant,
            topic=HelpTopic.LICENSING,
            subject="Syarat P-IRT",
            body="Apa saja syarat P-IRT untuk usaha sambal rumahan?",
            acting_user=users["peserta"],
        )
        self.stdout.write(self.style.SUCCESS(f"Demo mentoring: {assigned} participants assigned to mentors."))
