"""A small program built through the step services, for the summary tests: participants registered (as the
registration services do), verified by their kecamatan's secretariat (which gives them a mentor), trained,
visited, licensed, marketed, reporting and given a loan, each through the service the pages call. Tests wrap
the writes in `django_capture_on_commit_callbacks(execute=True)` (or commit them) so that the summary refresh
queued after each change runs (Celery is eager in tests)."""

import datetime
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from accounts.models import Role, User
from accounts.tests.factories import UserFactory, office
from capital import services as capital_services
from capital.choices import ReferralStatus
from capital.models import FinancingProduct
from capital.tests.factories import ProductFactory, lender, referral_in
from core.dates import shift_month
from finance.models import ClassChange
from finance.services import monthly_record_save
from finance.tests.factories import MonthlyRecordFactory
from licensing import licence_types
from licensing import services as licensing_services
from licensing.tests.factories import LicenceFactory, licence_type
from marketing.services import products as marketing_products
from marketing.tests.factories import OnlineStoreFactory
from mentoring import services as mentoring_services
from mentoring.selectors import current_mentor
from mentoring.tests.factories import AssignmentFactory, VisitFactory
from partners.tests.factories import issue_key
from registration import measures
from registration import services as registration_services
from registration.choices import Decision, Status
from registration.models import Participant
from registration.tests.factories import ParticipantFactory, RegistrationFactory, pdf_bytes, upload
from registration.values import BusinessData, PersonData
from targets.models import AreaCount, GapCount, MeasureCount, Progress
from training import services as training_services
from training.models import Enrolment, Session
from training.tests.factories import EnrolmentFactory, SessionFactory

NIB_FIRST = 9_180_000_000_000  # far from the licence factory's numbers


@dataclass
class Program:
    """The staff of a test program in some kecamatans: agency staff, each kecamatan's secretariat and mentors
    (the first mentor of a kecamatan gets its approvals: the least loaded, the oldest account on a tie), a lender
    with its API account and a product."""

    kecamatans: list[str]
    mentors_each: int = 2
    agency: User = field(init=False)
    secretariat: dict[str, User] = field(init=False)
    mentors: dict[str, list[User]] = field(init=False)
    product: FinancingProduct = field(init=False)
    lender_account: User = field(init=False)
    _numbers: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.agency = UserFactory(role=Role.AGENCY, is_staff=True, full_name="Staf Dinas")
        self.secretariat = {
            name: UserFactory(role=Role.SECRETARIAT, office=office(name), full_name=f"Sekretariat {name}")
            for name in self.kecamatans
        }
        self.mentors = {
            name: [
                UserFactory(role=Role.MENTOR, office=office(name), full_name=f"Mentor {name} {n}")
                for n in range(self.mentors_each)
            ]
            for name in self.kecamatans
        }
        bank = lender(staff=self.agency, name="Bank Uji")
        self.product = ProductFactory(lender=bank)
        issue_key(bank.agreements.get(), staff=self.agency)
        bank.refresh_from_db()
        assert bank.api_user is not None
        self.lender_account = bank.api_user

    # --- P1 ---------------------------------------------------------------------------------------------------

    def register(self, kecamatan: str) -> Participant:
        """A submitted registration; its participant's measures told changed, as the registration services do
        when they create one."""
        participant: Participant = RegistrationFactory(
            participant=ParticipantFactory(kecamatan=office(kecamatan)), status=Status.SUBMITTED
        ).participant
        measures.changed(participant.pk)
        return participant

    def verify(self, participant: Participant) -> None:
        """Approved by the kecamatan's secretariat (the approval assigns the least loaded mentor)."""
        registration_services.registration_decide(
            registration=participant.registration,
            decision=Decision.APPROVE,
            reason="",
            acting_user=self.secretariat[participant.kecamatan.name],
        )
        participant.registration.refresh_from_db()

    def move(self, participant: Participant, kecamatan: str) -> None:
        """Sent back by the secretariat, the participant fixes the registration with another kecamatan (where
        they live now), with the documents it asks for."""
        registration_services.registration_decide(
            registration=participant.registration,
            decision=Decision.NEEDS_FIX,
            reason="Alamat KTP berbeda.",
            acting_user=self.secretariat[participant.kecamatan.name],
        )
        business = participant.business
        registration_services.registration_resubmit(
            registration=participant.registration,
            person=PersonData(
                full_name=participant.full_name,
                nik=participant.nik,
                birth_date=participant.birth_date,
                sex=participant.sex,
                phone=participant.phone,
                email=participant.email,
                address="Jl. Pindah No. 2",
                kecamatan=office(kecamatan),
                track=participant.track,
                jakarta_ktp=True,
            ),
            business=BusinessData(
                name=business.name,
                sector=business.sector,
                address="Jl. Pindah No. 2",
                kecamatan=office(kecamatan),
                workers=business.workers,
                assets=business.assets,
                monthly_turnover=business.monthly_turnover,
                planned_start=timezone.localdate().replace(day=1),
                planned_capital=2_500_000,
            ),
            uploads={
                "ktp": (upload("ktp.png"), "image/png"),
                "plan_statement": (upload("plan.pdf", pdf_bytes(), "application/pdf"), "application/pdf"),
            },
            acting_user=participant.user,
        )
        participant.refresh_from_db()

    def delete(self, participant: Participant) -> None:
        """An administrator removes the participant with their records."""
        admin = UserFactory(is_superuser=True, is_staff=True, role=Role.AGENCY)
        registration_services.participant_delete(participant=participant, acting_user=admin)

    # --- P2 to P7 ---------------------------------------------------------------------------------------------

    def train(self, participants: list[Participant]) -> None:
        """Enrolled (each themself) in a one-day session, which then runs today: present, so completed."""
        session = SessionFactory(capacity=max(len(participants), 1))
        for participant in participants:
            training_services.enrolment_enrol(session=session, participant=participant, acting_user=participant.user)
        today = timezone.localdate()
        starts = timezone.make_aware(datetime.datetime.combine(today, datetime.time(0, 30)))
        Session.objects.filter(pk=session.pk).update(
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=22),
            registration_deadline=starts - datetime.timedelta(days=1),
        )
        session.refresh_from_db()
        enrolments = Enrolment.objects.filter(session=session)
        training_services.attendance_record(
            session=session, day=today, present=[e.pk for e in enrolments], acting_user=self.agency
        )

    def untrain(self, participant: Participant) -> None:
        """The organiser corrects the attendance: absent after all, so the completion is withdrawn."""
        enrolment = Enrolment.objects.select_related("session").get(participant=participant)
        training_services.attendance_record(
            session=enrolment.session, day=timezone.localdate(), present=[], acting_user=self.agency
        )

    def mentor_of(self, participant: Participant) -> User:
        mentor = current_mentor(participant)
        assert mentor is not None, f"{participant} has no mentor"
        return mentor

    def visit(self, participant: Participant, *, by: User | None = None) -> None:
        """A visit logged today by `by` (the participant's mentor by default)."""
        mentoring_services.visit_log(
            participant=participant,
            date=timezone.localdate(),
            kind="field",
            steps=["P3"],
            notes="Membahas harga jual.",
            shared=False,
            follow_ups=[],
            acting_user=by or self.mentor_of(participant),
        )

    def reassign(self, participant: Participant) -> User:
        """The secretariat gives the participant another mentor of their kecamatan."""
        current = self.mentor_of(participant)
        other = next(m for m in self.mentors[participant.kecamatan.name] if m.pk != current.pk)
        mentoring_services.assignment_change(
            participant=participant, mentor=other, acting_user=self.secretariat[participant.kecamatan.name]
        )
        return other

    def license(self, participant: Participant, code: str = licence_types.NIB) -> None:
        """A licence the participant held, recorded by agency staff (an NIB makes them formal)."""
        self._numbers += 1
        licensing_services.licence_record(
            participant=participant,
            licence_type=licence_type(code),
            licence=licensing_services.LicenceData(
                number=str(NIB_FIRST + self._numbers), issued_on=timezone.localdate()
            ),
            acting_user=self.agency,
        )

    def market(self, participant: Participant) -> None:
        """An online store linked by the business and checked by its mentor."""
        store = marketing_products.store_add(
            business=participant.business,
            platform="shopee",
            url=f"https://shopee.co.id/toko-{participant.pk}",
            acting_user=participant.user,
        )
        marketing_products.store_check(store=store, acting_user=self.mentor_of(participant))

    def report(self, participant: Participant, *, months: int = 3, turnover: int = 3_000_000) -> None:
        """The latest `months` months (this one included) entered by the participant themself."""
        this_month = timezone.localdate().replace(day=1)
        for back in reversed(range(months)):
            monthly_record_save(
                participant=participant,
                month=shift_month(this_month, -back),
                workers=2,
                turnover=turnover,
                assets=5_000_000,
                acting_user=participant.user,
            )

    def capitalise(self, participant: Participant) -> None:
        """An approved referral (a fixture with its moves) disbursed today by the lender's API account."""
        referral = referral_in(ReferralStatus.APPROVED, participant=participant, product=self.product)
        capital_services.referral_move(
            referral=referral,
            to_status=ReferralStatus.DISBURSED,
            amount=referral.amount_approved,
            day=timezone.localdate(),
            acting_user=self.lender_account,
        )


# --- reading the summary tables ------------------------------------------------------------------------------


def _in_order(rows: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows sorted, a NULL before any value."""
    return sorted(rows, key=lambda row: [(value is not None, value) for value in row])


def progress_rows() -> list[tuple[Any, ...]]:
    fields = [f.attname for f in Progress._meta.concrete_fields]
    return _in_order(Progress.objects.values_list(*fields))


def measure_counts() -> list[tuple[Any, ...]]:
    return _in_order(MeasureCount.objects.values_list("measure", "month", "cohort", "kecamatan_id", "mentor_id", "n"))


def gap_counts() -> list[tuple[Any, ...]]:
    return _in_order(GapCount.objects.values_list("measure", "cohort", "kecamatan_id", "days", "n"))


def area_counts() -> list[tuple[Any, ...]]:
    return _in_order(AreaCount.objects.values_list("measure", "month", "cohort", "kecamatan_id", "n"))


def measure_counts_by_area() -> list[tuple[Any, ...]]:
    """The measure counts with their mentors summed: what the area counts must hold."""
    summed: dict[tuple[Any, ...], int] = defaultdict(int)
    for measure, month, cohort, kecamatan_id, _mentor_id, n in measure_counts():
        summed[(measure, month, cohort, kecamatan_id)] += n
    return _in_order((*cell, n) for cell, n in summed.items())


def snapshot() -> tuple[list[tuple[Any, ...]], ...]:
    """All four summary tables, row by row (without their ids); the area counts checked against the measure
    counts on the way."""
    assert area_counts() == measure_counts_by_area()
    return progress_rows(), measure_counts(), gap_counts(), area_counts()


def totals(where: Q | None = None) -> dict[str, int]:
    """How many reached each measure (every cohort and month), from MeasureCount."""
    rows = MeasureCount.objects.filter(where or Q()).order_by().values("measure").annotate(total=Sum("n"))
    return {row["measure"]: row["total"] for row in rows}


def _moment(rng: random.Random, after: datetime.datetime, *, most_days: int) -> datetime.datetime:
    """A time between `after` and `most_days` days later (at a random hour, so local days and UTC days differ)."""
    return after + datetime.timedelta(days=rng.randint(0, most_days), hours=rng.randint(0, 23))


def dated_participant(rng: random.Random, kecamatan: str, *, mentors: list[User], session: Session) -> Participant:
    """A participant with a past of their own: registered on a day from 2024 on, and each step (or none) done at a
    random later time, written as rows directly (a history the services cannot date), then told changed as the
    services do. Gives the summaries many months, cohorts and gaps."""
    registered_at = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(
        days=rng.randint(0, 700), hours=rng.randint(0, 23)
    )
    verified = rng.random() < 0.85
    registration = RegistrationFactory(
        participant=ParticipantFactory(kecamatan=office(kecamatan)),
        status=Status.APPROVED if verified else Status.SUBMITTED,
        decided_at=_moment(rng, registered_at, most_days=40) if verified else None,
    )
    participant: Participant = registration.participant
    Participant.objects.filter(pk=participant.pk).update(created_at=registered_at)
    if verified:
        mentor = rng.choice(mentors)
        AssignmentFactory(participant=participant, mentor=mentor, assigned_by=mentor)
        last = registered_at
        if rng.random() < 0.7:
            last = _moment(rng, last, most_days=60)
            EnrolmentFactory(participant=participant, session=session, status="completed", completed_at=last)
        if rng.random() < 0.6:
            last = _moment(rng, last, most_days=60)
            VisitFactory(participant=participant, mentor=mentor, date=timezone.localdate(last))
        if rng.random() < 0.5:
            last = _moment(rng, last, most_days=90)
            LicenceFactory(
                participant=participant,
                licence_type=licence_type(rng.choice([licence_types.NIB, licence_types.PIRT])),
                issued_on=timezone.localdate(last),
                expires_on=None,
            )
        if rng.random() < 0.4:
            last = _moment(rng, last, most_days=90)
            OnlineStoreFactory(business=participant.business, checked_by=mentor, checked_at=last)
        if rng.random() < 0.35:
            month = timezone.localdate(last).replace(day=1)
            for n in range(rng.randint(2, 4)):
                last = _moment(rng, last, most_days=35)
                MonthlyRecordFactory(participant=participant, month=shift_month(month, n), recorded_at=last)
            if rng.random() < 0.5:
                ClassChange.objects.create(
                    participant=participant,
                    month=month,
                    previous_class="micro",
                    new_class="small",
                    capital=1,
                    yearly_sales=1,
                    changed_at=last,
                )
    measures.changed(participant.pk)
    return participant
