"""Demo trainings for the embedded default, after `seed_demo`: the demo partner (mitra@) acts for a made-up
organisation, Mitra Demo Jakarta; Dinas PPKUKM and that partner announce a few sessions, and the verified demo
participant (peserta@) has completed one training, with its certificate. Runs only with DEBUG on, and once: a
second run changes nothing."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from geography.models import Wilayah
from partners.choices import OrganisationKind
from partners.models import PartnerMember, PartnerOrganisation
from registration.choices import Sector
from training import services
from training.choices import Agency, EnrolmentStatus, SessionStatus, SkillType, Topic, TrackFit
from training.models import Course, Enrolment, Session

DEMO_DOMAIN = "demo.jakpreneur.id"
PARTNER_NAME = "Mitra Demo Jakarta"  # made up: a demo must not speak for a real organisation


@dataclass(frozen=True)
class Place:
    wilayah: Wilayah | None = None
    venue: str = ""
    is_online: bool = False
    meeting_url: str = ""


def at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


class Command(BaseCommand):
    help = "Load demo trainings (after seed_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data runs only with DEBUG on.")
        users = {u.email: u for u in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")}
        try:
            agency, partner_user, participant_user = (
                users[f"{name}@{DEMO_DOMAIN}"] for name in ("dinas", "mitra", "peserta")
            )
        except KeyError as exc:
            raise CommandError("Run `manage.py seed_demo` first.") from exc
        if PartnerOrganisation.objects.filter(name=PARTNER_NAME).exists():
            self.stdout.write("Demo trainings are loaded already.")
            return
        with transaction.atomic():
            self._load(agency, partner_user, participant_user)
        self.stdout.write(self.style.SUCCESS("Demo trainings loaded."))

    def _load(self, agency: User, partner_user: User, participant_user: User) -> None:
        partner = PartnerOrganisation.objects.create(name=PARTNER_NAME, kind=OrganisationKind.COMPANY)
        PartnerMember.objects.create(user=partner_user, organisation=partner)
        wilayah = {w.name: w for w in Wilayah.objects.all()}
        courses = [
            services.course_create(
                details=services.CourseDetails(
                    title="Membuat Kue Kering untuk Dijual",
                    skill_type=SkillType.HARD,
                    topic=Topic.CULINARY,
                    sector=Sector.CULINARY,
                    track_fit=TrackFit.PEMULA,
                    description="Resep, kemasan dan harga jual kue kering rumahan.",
                    completion_threshold=80,
                ),
                organiser=services.Organiser(agency=Agency.PPKUKM),
                acting_user=agency,
            ),
            services.course_create(
                details=services.CourseDetails(
                    title="Berjualan di Marketplace",
                    skill_type=SkillType.SOFT,
                    topic=Topic.DIGITAL_MARKETING,
                    sector="",
                    track_fit=TrackFit.BOTH,
                    description="Membuka toko daring, foto produk dan melayani pembeli.",
                    completion_threshold=80,
                ),
                organiser=services.Organiser(agency=Agency.PPKUKM),
                acting_user=agency,
            ),
            services.course_create(
                details=services.CourseDetails(
                    title="Literasi Keuangan dan Kredit Usaha",
                    skill_type=SkillType.SOFT,
                    topic=Topic.FINANCIAL_LITERACY,
                    sector="",
                    track_fit=TrackFit.NAIK_KELAS,
                    description="Memisahkan uang usaha, pembukuan sederhana dan syarat kredit tanpa agunan.",
                    completion_threshold=100,
                ),
                organiser=services.Organiser(partner=partner, agency=""),
                acting_user=partner_user,
            ),
        ]
        plans = [
            (courses[0], Place(wilayah=wilayah["Jakarta Selatan"], venue="PPKD Jakarta Selatan"), 5, 2),
            (courses[0], Place(wilayah=wilayah["Jakarta Timur"], venue="PPKD Jakarta Timur"), 12, 1),
            (courses[1], Place(is_online=True, meeting_url="https://meet.jakpreneur.id/marketplace"), 8, 1),
            (courses[2], Place(wilayah=wilayah["Jakarta Pusat"], venue="Gedung Mitra Demo, Jl. Juanda"), 10, 1),
        ]
        for course, place, days, length in plans:
            session = services.session_create(
                course=course,
                details=services.SessionDetails(
                    is_online=place.is_online,
                    wilayah=place.wilayah,
                    venue=place.venue,
                    meeting_url=place.meeting_url,
                    starts_at=at(days, 9),
                    ends_at=at(days + length - 1, 15),
                    registration_deadline=at(days - 2, 17),
                    capacity=30,
                ),
                acting_user=agency,
            )
            services.session_announce(session=session, acting_user=agency)
        self._completed_training(courses[1], agency, participant_user)

    def _completed_training(self, course: Course, agency: User, participant_user: User) -> None:
        """A session held last week that the demo participant attended: completed, with a certificate."""
        participant = participant_user.participant
        session = Session.objects.create(
            course=course,
            is_online=True,
            meeting_url="https://meet.jakpreneur.id/marketplace",
            starts_at=at(-7, 9),
            ends_at=at(-7, 15),
            registration_deadline=at(-9, 17),
            capacity=30,
            status=SessionStatus.ANNOUNCED,
            enrolled_count=1,
            created_by=agency,
        )
        enrolment = Enrolment.objects.create(session=session, participant=participant, status=EnrolmentStatus.ENROLLED)
        services.attendance_record(session=session, day=session.days[0], present=[enrolment.pk], acting_user=agency)
