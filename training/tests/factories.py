import datetime

import factory
from django.db.models import F
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from geography.models import Wilayah
from partners.tests.factories import PartnerOrganisationFactory
from registration.choices import Sector, Status
from registration.models import Participant
from registration.tests.factories import ParticipantFactory, RegistrationFactory
from training.choices import Agency, EnrolmentStatus, SessionStatus, SkillType, Topic, TrackFit
from training.models import Course, Enrolment, Session


def verified_participant(**kwargs: object) -> Participant:
    """A participant whose registration is approved."""
    participant: Participant = RegistrationFactory(
        participant=ParticipantFactory(**kwargs), status=Status.APPROVED
    ).participant
    return participant


class CourseFactory(factory.django.DjangoModelFactory[Course]):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Membuat Sabun Cair {n}")
    skill_type = SkillType.HARD
    topic = Topic.SOAP_MAKING
    sector = Sector.CRAFTS
    organiser_partner = None
    organiser_agency = Agency.PPKUKM
    track_fit = TrackFit.BOTH
    description = "Praktik membuat sabun cair untuk dijual."
    completion_threshold = 80
    created_by = factory.SubFactory(UserFactory, role=Role.AGENCY)


class PartnerCourseFactory(CourseFactory):
    organiser_partner = factory.SubFactory(PartnerOrganisationFactory)
    organiser_agency = ""


def in_days(days: int, hour: int = 9) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


class SessionFactory(factory.django.DjangoModelFactory[Session]):
    """An announced one-day session in Jakarta Selatan, a week ahead, taking registrations for five more days."""

    class Meta:
        model = Session

    course = factory.SubFactory(CourseFactory)
    is_online = False
    wilayah = factory.LazyFunction(lambda: Wilayah.objects.get(name="Jakarta Selatan"))
    venue = "PPKD Jakarta Selatan, Jl. Jagakarsa"
    meeting_url = ""
    starts_at = factory.LazyFunction(lambda: in_days(7, 9))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=7))
    registration_deadline = factory.LazyAttribute(lambda o: o.starts_at - datetime.timedelta(days=2))
    capacity = 20
    status = SessionStatus.ANNOUNCED
    created_by = factory.SelfAttribute("course.created_by")


class EnrolmentFactory(factory.django.DjangoModelFactory[Enrolment]):
    """An enrolled participant; the session's seat count is kept in step."""

    class Meta:
        model = Enrolment

    session = factory.SubFactory(SessionFactory)
    participant = factory.LazyFunction(verified_participant)
    status = EnrolmentStatus.ENROLLED

    @classmethod
    def _create(cls, model_class: type[Enrolment], *args: object, **kwargs: object) -> Enrolment:
        enrolment = super()._create(model_class, *args, **kwargs)
        if enrolment.status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED):
            Session.objects.filter(pk=enrolment.session_id).update(enrolled_count=F("enrolled_count") + 1)
            enrolment.session.refresh_from_db()
        return enrolment
