"""The program the matrix runs against, made once for the module: three participants and the people around them.

Siti (Tebet) is the entrepreneur who acts; Budi (Tebet) is her peer: same role, same kecamatan, another mentor,
no consent to Siti's partner; Citra (Gambir) is of another kecamatan, with the other partner. Each of the three
owns one of everything the site shows per participant (documents, a visit with a photo, a question to the
mentor, an enrolment with a certificate, licence requests and a licence with its scan, a listing, a product with
a photo, a store, a submission, a space application, the books, a statement, an import, a loan referral, a forum
post), so a case names the object of the subject it asks about: `world.of[subject].<thing>`.

The acting users: `entrepreneur` (Siti), `mentor` (Siti's mentor in Tebet; Budi's mentor is another Tebet mentor),
`secretariat` (Tebet), `agency`, `partner` (a member of Siti's lender), `admin` (an administrator and superuser).
Partner A is a bank whose agreement covers P2, P3, P6 and P7; Siti consents to it for each of its purposes and has
a referral to its product; Citra has the same with partner B; Budi consents to no one."""

import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Role, User
from accounts.tests.factories import UserFactory, office
from capital import services as capital_services
from capital.choices import ReferralStatus
from capital.models import FinancingProduct, LoanReferral
from capital.tests.factories import ProductFactory as FinancingProductFactory
from capital.tests.factories import ask
from exports.models import Export, Format
from exports.models import Status as ExportStatus
from feedback.models import Post
from feedback.tests.factories import PostFactory
from finance import services as finance_services
from finance.choices import Category, DebtKind, Direction, StatementLanguage
from finance.models import Debt, Entry, ImportBatch, Statement
from licensing.models import Licence, LicenceRequest
from licensing.tests.factories import LicenceFactory, LicenceRequestFactory, licence_type
from marketing.models import (
    Booth,
    BoothAllocation,
    Listing,
    OnlineStore,
    Product,
    ProductCall,
    ProductPhoto,
    SellingSpace,
    SpaceApplication,
    Submission,
)
from marketing.tests.factories import (
    ListingFactory,
    OnlineStoreFactory,
    ProductCallFactory,
    ProductPhotoFactory,
    SubmissionFactory,
)
from marketing.tests.factories import ProductFactory as MarketingProductFactory
from marketing.tests.spaces_support import ApplicationFactory, BoothFactory, SpaceFactory, allocate
from mentoring.models import FollowUp, HelpRequest, Visit
from mentoring.tests.factories import (
    AssignmentFactory,
    FollowUpFactory,
    HelpMessageFactory,
    HelpRequestFactory,
    MentorFactory,
    VisitFactory,
    verified_participant,
)
from partners import services as partner_services
from partners.choices import KeyKind, OrganisationKind, Purpose, Step, purposes_of_steps
from partners.models import Agreement, AgreementDocument, Consent, PartnerKey, PartnerOrganisation
from partners.tests.factories import PartnerMemberFactory, PartnerOrganisationFactory, agreement_in_force, consent
from partners.tests.factories import issue_key as partner_issue_key
from registration.choices import Channel
from registration.models import Document, Participant, ParticipantImport, Registration
from registration.services import document_attach
from registration.tests.factories import nik_for, pdf_bytes, png_bytes, upload
from targets.models import Report
from training.choices import EnrolmentStatus, SessionStatus
from training.models import Certificate, Course, Enrolment, Session
from training.tests.factories import CourseFactory, EnrolmentFactory, SessionFactory

SITI, BUDI, CITRA = "own", "peer", "far"
SUBJECTS = (SITI, BUDI, CITRA)
JAKI_ACCOUNT = "jaki-matriks-1"
LENDER_STEPS = [Step.P2, Step.P3, Step.P6, Step.P7]


@dataclass
class Belongings:
    """One participant's things, each the object a case builds its URL from."""

    participant: Participant
    registration: Registration
    ktp: Document
    plan: Document
    visit: Visit
    follow_up: FollowUp
    help: HelpRequest
    enrolment: Enrolment
    past_enrolment: Enrolment
    certificate: Certificate
    licence_request: LicenceRequest
    licence: Licence
    listing: Listing
    product: Product
    public_product: Product  # graded, of a published listing: in the catalogue
    photo: ProductPhoto
    store: OnlineStore
    submission: Submission
    application: SpaceApplication
    entry: Entry
    debt: Debt
    statement: Statement
    batch: ImportBatch
    referral: LoanReferral
    post: Post
    consent: Consent  # one they may withdraw on "Data saya"
    user: User = field(init=False)

    def __post_init__(self) -> None:
        self.user = self.participant.user


@dataclass
class World:
    users: dict[str, User]
    of: dict[str, Belongings]
    partner_a: PartnerOrganisation
    partner_b: PartnerOrganisation
    agreement_a: Agreement
    agreement_b: Agreement
    agreement_document_a: AgreementDocument
    agreement_document_b: AgreementDocument
    key_a: PartnerKey
    key_b: PartnerKey
    secrets: dict[str, str]
    financing_a: FinancingProduct
    financing_b: FinancingProduct
    course: Course
    session: Session
    past_session: Session
    call: ProductCall
    space: SellingSpace
    booth: Booth
    allocation: BoothAllocation
    imports: dict[str, ParticipantImport]
    exports: dict[str, Export]
    report: Report
    jaki_account: str  # Siti's JAKI account, linked, her consent to show the journey in the app active
    extra: dict[str, Any] = field(default_factory=dict)


def _documents(participant: Participant) -> tuple[Document, Document]:
    ktp, plan = (
        document_attach(
            kind=kind,
            upload=upload(),
            content_type="image/png",
            acting_user=participant.user,
            participant=participant,
        )
        for kind in ("ktp", "plan_statement")
    )
    return ktp, plan


def _books(participant: Participant) -> tuple[Entry, Debt, Statement, ImportBatch]:
    first = timezone.localdate().replace(day=1)
    months = [(first - datetime.timedelta(days=28 * back)).replace(day=1) for back in (2, 1)]
    for month in months:
        finance_services.monthly_record_save(
            participant=participant,
            month=month,
            turnover=4_000_000,
            workers=2,
            assets=12_000_000,
            acting_user=participant.user,
        )
    statement = finance_services.statement_issue(
        participant=participant,
        period_start=months[0],
        period_end=months[-1],
        language=StatementLanguage.ID,
        acting_user=participant.user,
    )
    day = timezone.localdate()
    entry = Entry.objects.create(
        participant=participant,
        day=day,
        direction=Direction.IN,
        category=Category.SALES,
        amount=150_000,
        recorded_by=participant.user,
        recorded_at=timezone.now(),
    )
    debt = Debt.objects.create(
        participant=participant,
        kind=DebtKind.RECEIVABLE,
        counterparty="Warung Bu Ani",
        amount=200_000,
        incurred_on=day,
        due_on=day + datetime.timedelta(days=30),
        recorded_by=participant.user,
        recorded_at=timezone.now(),
    )
    batch = ImportBatch.objects.create(
        participant=participant,
        file_name="kas.csv",
        file_hash=f"{participant.pk:064d}",
        created_by=participant.user,
        created_at=timezone.now(),
    )
    return entry, debt, statement, batch


def _belongings(
    participant: Participant,
    *,
    mentor: User,
    session: Session,
    past_session: Session,
    call: ProductCall,
    space: SellingSpace,
    financing: FinancingProduct,
    lender: PartnerOrganisation | None,
    other_lender: PartnerOrganisation | None = None,
) -> Belongings:
    AssignmentFactory(participant=participant, mentor=mentor)
    ktp, plan = _documents(participant)
    visit = VisitFactory(participant=participant, mentor=mentor, shared=True)
    visit.photo.save("kunjungan.png", ContentFile(png_bytes()), save=False)
    Visit.objects.filter(pk=visit.pk).update(photo=visit.photo.name, photo_content_type="image/png")
    visit.refresh_from_db()
    follow_up = FollowUpFactory(visit=visit, participant=participant)
    help_request = HelpRequestFactory(participant=participant, mentor=mentor)
    HelpMessageFactory(request=help_request)
    enrolment = EnrolmentFactory(session=session, participant=participant)
    past_enrolment = EnrolmentFactory(session=past_session, participant=participant, status=EnrolmentStatus.COMPLETED)
    certificate = Certificate.objects.create(
        enrolment=past_enrolment,
        code=f"JPC-M{past_enrolment.pk:05d}",
        full_name=participant.full_name,
        course_title=past_session.course.title,
        completed_on=timezone.localdate(past_session.starts_at),
    )
    licence_request = LicenceRequestFactory(participant=participant, licence_type=licence_type("merek"))
    licence = LicenceFactory(participant=participant)
    licence.scan.save("nib.pdf", ContentFile(pdf_bytes()), save=False)
    Licence.objects.filter(pk=licence.pk).update(
        scan=licence.scan.name, scan_content_type="application/pdf", scan_size=len(pdf_bytes())
    )
    business = participant.business
    listing = ListingFactory(business=business, public_name=f"Usaha {participant.full_name}")
    product = MarketingProductFactory(business=business)
    public_product = MarketingProductFactory(business=business)
    Product.objects.filter(pk=public_product.pk).update(grade="A", graded_at=timezone.now())
    photo = ProductPhotoFactory(product=product)
    store = OnlineStoreFactory(business=business)
    submission = SubmissionFactory(call=call, product=MarketingProductFactory(business=business))
    application = ApplicationFactory(space=space, business=business)
    entry, debt, statement, batch = _books(participant)
    referral = ask(participant, financing)
    if lender is not None:  # sent to the lender, so its key reads it (Budi's stays requested: it never does)
        referral = capital_services.referral_move(referral=referral, to_status=ReferralStatus.SENT, acting_user=mentor)
    if lender is not None:
        for purpose in purposes_of_steps(LENDER_STEPS):
            if purpose != Purpose.LOAN_ASSESSMENT:  # the referral gave that one
                consent(participant, lender, purpose)
    if other_lender is not None:
        consent(participant, other_lender, Purpose.TRAINING)
    given = Consent.objects.filter(participant=participant).order_by("pk").first()
    assert given is not None
    post = PostFactory(author=participant)
    return Belongings(
        participant=participant,
        registration=participant.registration,
        ktp=ktp,
        plan=plan,
        visit=visit,
        follow_up=follow_up,
        help=help_request,
        enrolment=enrolment,
        past_enrolment=past_enrolment,
        certificate=certificate,
        licence_request=licence_request,
        licence=licence,
        listing=listing,
        product=product,
        public_product=public_product,
        photo=photo,
        store=store,
        submission=submission,
        application=application,
        entry=entry,
        debt=debt,
        statement=statement,
        batch=batch,
        referral=referral,
        post=post,
        consent=given,
    )


def _agreement_document(agreement: Agreement, staff: User) -> AgreementDocument:
    document = AgreementDocument(agreement=agreement, title="Naskah PKS", size=len(pdf_bytes()), uploaded_by=staff)
    document.file.save("pks.pdf", ContentFile(pdf_bytes()), save=False)
    document.save()
    return document


def build() -> World:
    tebet, gambir = office("Tebet"), office("Gambir")
    agency = UserFactory(email="matrix.dinas@example.id", role=Role.AGENCY, is_staff=True)
    admin = UserFactory(
        email="matrix.admin@example.id", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True, office=None
    )
    mentor = MentorFactory(email="matrix.mentor.tebet@example.id", office=tebet)
    peer_mentor = MentorFactory(email="matrix.mentor2.tebet@example.id", office=tebet)
    far_mentor = MentorFactory(email="matrix.mentor.gambir@example.id", office=gambir)
    secretariat = UserFactory(email="matrix.sek.tebet@example.id", role=Role.SECRETARIAT, office=tebet)
    far_secretariat = UserFactory(email="matrix.sek.gambir@example.id", role=Role.SECRETARIAT, office=gambir)

    partner_a = PartnerOrganisationFactory(name="Bank Matriks A", kind=OrganisationKind.BANK)
    partner_b = PartnerOrganisationFactory(name="Bank Matriks B", kind=OrganisationKind.BANK)
    agreement_a = agreement_in_force(partner_a, steps=LENDER_STEPS, staff=agency)
    agreement_b = agreement_in_force(partner_b, steps=LENDER_STEPS, staff=agency)
    jaki = PartnerOrganisationFactory(name="JAKI", kind=OrganisationKind.GOVERNMENT, is_city_app=True)
    secrets = {
        "key_a": partner_issue_key(agreement_a, staff=agency),
        "key_b": partner_issue_key(agreement_b, staff=agency),
        "jaki": partner_issue_key(
            agreement_in_force(jaki, steps=[Step.P1], staff=agency), staff=agency, kind=KeyKind.JAKI
        ),
    }
    partner_user = PartnerMemberFactory(
        user__email="matrix.mitra.a@example.id", organisation=partner_a, is_administrator=True
    ).user
    PartnerMemberFactory(user__email="matrix.mitra.b@example.id", organisation=partner_b, is_administrator=True)
    financing_a = FinancingProductFactory(lender=partner_a, code="kredit-matriks-a")
    financing_b = FinancingProductFactory(lender=partner_b, code="kredit-matriks-b")

    course = CourseFactory(created_by=agency)
    session = SessionFactory(course=course, created_by=agency)
    past_start = timezone.now() - datetime.timedelta(days=20)
    past_session = SessionFactory(
        course=course,
        created_by=agency,
        starts_at=past_start,
        ends_at=past_start + datetime.timedelta(hours=6),
        registration_deadline=past_start - datetime.timedelta(days=2),
        status=SessionStatus.ANNOUNCED,
    )
    call = ProductCallFactory(created_by=agency, curators=[agency])
    space = SpaceFactory(created_by=agency)
    booth = BoothFactory(space=SpaceFactory(created_by=agency))

    people = {
        SITI: verified_participant(
            "Tebet", user=UserFactory(email="matrix.siti@example.id", full_name="Siti Matriks"),
            nik=nik_for("Tebet", serial=701),
        ),
        BUDI: verified_participant(
            "Tebet", user=UserFactory(email="matrix.budi@example.id", full_name="Budi Matriks"),
            nik=nik_for("Tebet", serial=702),
        ),
        CITRA: verified_participant(
            "Gambir", user=UserFactory(email="matrix.citra@example.id", full_name="Citra Matriks"),
            nik=nik_for("Gambir", serial=703),
        ),
    }  # fmt: skip
    # registered at their kecamatan's office, so each has a walk-in receipt
    for subject, by in ((SITI, secretariat), (BUDI, peer_mentor), (CITRA, far_secretariat)):
        Registration.objects.filter(participant=people[subject]).update(channel=Channel.OFFICE, registered_by=by)
        people[subject].registration.refresh_from_db()
    mentors = {SITI: mentor, BUDI: peer_mentor, CITRA: far_mentor}
    financing = {SITI: financing_a, BUDI: financing_a, CITRA: financing_b}
    lenders = {SITI: partner_a, BUDI: None, CITRA: partner_b}
    of = {
        subject: _belongings(
            people[subject],
            mentor=mentors[subject],
            session=session,
            past_session=past_session,
            call=call,
            space=space,
            financing=financing[subject],
            lender=lenders[subject],
            other_lender=partner_b if subject == BUDI else None,
        )
        for subject in SUBJECTS
    }
    # Siti's booth at another space (one open application per space and business)
    allocation = allocate(
        ApplicationFactory(space=booth.space, business=of[SITI].participant.business), booth, by=agency
    )

    # an office's import and a person's export: the secretariat's own, its Tebet peer's, Gambir's
    makers = {SITI: secretariat, BUDI: peer_mentor, CITRA: far_secretariat}
    imports = {
        subject: ParticipantImport.objects.create(
            office=user.office,
            created_by=user,
            file_name="peserta.xlsx",
            file_hash=f"{n:064d}",
            language="id",
            created_at=timezone.now(),
        )
        for n, (subject, user) in enumerate(makers.items())
    }
    exports = {subject: _export(user) for subject, user in makers.items()}
    report = _report(agency)
    consent(of[SITI].participant, jaki, Purpose.APP_JOURNEY)
    code = partner_services.jaki_link_code_create(participant=of[SITI].participant, acting_user=of[SITI].user)
    jaki.refresh_from_db()
    partner_services.jaki_link(code=code, account=JAKI_ACCOUNT, acting_user=jaki.api_user)
    users = {
        "entrepreneur": of[SITI].user,
        "mentor": mentor,
        "secretariat": secretariat,
        "agency": agency,
        "partner": partner_user,
        "admin": admin,
    }
    return World(
        users=users,
        of=of,
        partner_a=partner_a,
        partner_b=partner_b,
        agreement_a=agreement_a,
        agreement_b=agreement_b,
        agreement_document_a=_agreement_document(agreement_a, agency),
        agreement_document_b=_agreement_document(agreement_b, agency),
        key_a=PartnerKey.objects.get(organisation=partner_a),
        key_b=PartnerKey.objects.get(organisation=partner_b),
        secrets=secrets,
        financing_a=financing_a,
        financing_b=financing_b,
        course=course,
        session=session,
        past_session=past_session,
        call=call,
        space=space,
        booth=booth,
        allocation=allocation,
        imports=imports,
        exports=exports,
        report=report,
        jaki_account=JAKI_ACCOUNT,
    )


def _export(user: User) -> Export:
    export = Export(requested_by=user, list_name="participants", format=Format.CSV, row_count=1)
    export.status = ExportStatus.READY
    export.finished_at = timezone.now()
    export.file.save("peserta.csv", ContentFile(b"nama\nSiti\n"), save=False)
    export.save()
    return export


def _report(user: User) -> Report:
    today = timezone.localdate()
    report = Report(
        week_start=today - datetime.timedelta(days=today.weekday()),
        counted_to=today,
        year=today.year,
        language="id",
        built_at=timezone.now(),
        built_by=user,
    )
    report.xlsx.save("laporan.xlsx", ContentFile(io.BytesIO(b"PK").getvalue()), save=False)
    report.pdf.save("laporan.pdf", ContentFile(pdf_bytes()), save=False)
    report.save()
    return report
