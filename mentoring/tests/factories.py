import datetime

import factory
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory, office
from mentoring.models import (
    FollowUp,
    HelpMessage,
    HelpRequest,
    MentorAssignment,
    MentorTarget,
    MentorTraining,
    MentorTrainingKind,
    Visit,
    VisitKind,
)
from registration.choices import Status
from registration.models import Participant
from registration.tests.factories import RegistrationFactory


def verified_participant(kecamatan: str = "Tebet", **participant: object) -> Participant:
    """A participant whose registration is approved (without going through the signal)."""
    kwargs = {"participant__kecamatan": office(kecamatan), **{f"participant__{k}": v for k, v in participant.items()}}
    registration = RegistrationFactory(status=Status.APPROVED, decided_at=timezone.now(), **kwargs)
    return registration.participant


class MentorFactory(UserFactory):
    role = Role.MENTOR
    office = factory.LazyFunction(lambda: office("Tebet"))


class AssignmentFactory(factory.django.DjangoModelFactory[MentorAssignment]):
    class Meta:
        model = MentorAssignment

    participant = factory.LazyFunction(verified_participant)
    mentor = factory.SubFactory(MentorFactory)
    assigned_by = factory.SelfAttribute("mentor")


class VisitFactory(factory.django.DjangoModelFactory[Visit]):
    class Meta:
        model = Visit

    mentor = factory.SubFactory(MentorFactory)
    participant = factory.LazyFunction(verified_participant)
    date = factory.LazyFunction(timezone.localdate)
    kind = VisitKind.FIELD
    steps = factory.LazyFunction(lambda: ["P3"])
    notes = "Talked about pricing."
    shared = False


class FollowUpFactory(factory.django.DjangoModelFactory[FollowUp]):
    class Meta:
        model = FollowUp

    visit = factory.SubFactory(VisitFactory)
    participant = factory.SelfAttribute("visit.participant")
    what = "Write down daily sales"
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))


class HelpRequestFactory(factory.django.DjangoModelFactory[HelpRequest]):
    class Meta:
        model = HelpRequest

    participant = factory.LazyFunction(verified_participant)
    mentor = factory.SubFactory(MentorFactory)
    topic = "P4"
    subject = "How do I get an NIB?"


class HelpMessageFactory(factory.django.DjangoModelFactory[HelpMessage]):
    class Meta:
        model = HelpMessage

    request = factory.SubFactory(HelpRequestFactory)
    author = factory.SelfAttribute("request.participant.user")
    body = "Please help."


class TargetFactory(factory.django.DjangoModelFactory[MentorTarget]):
    class Meta:
        model = MentorTarget

    mentor = factory.SubFactory(MentorFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    participants = 10
    visits = 40
    set_by = factory.SelfAttribute("mentor")


class TrainingFactory(factory.django.DjangoModelFactory[MentorTraining]):
    class Meta:
        model = MentorTraining

    mentor = factory.SubFactory(MentorFactory)
    title = "Pajak UMKM"
    kind = MentorTrainingKind.TAX
    date = datetime.date(2025, 3, 1)
    organiser = "DJP"
    recorded_by = factory.SelfAttribute("mentor")
