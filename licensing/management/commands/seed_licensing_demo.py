"""Demo licensing for the embedded default, after `seed_demo` (and, for the mentor's part, `seed_mentoring_demo`):
the demo participant (peserta@, Siti Rahayu of Tebet) holds an NIB issued through the program and has a P-IRT
request whose documents are complete; a few dozen other verified participants have requests in every status and
some licences, one of them expiring within 60 days. Made-up numbers; written through the services. Runs only with
DEBUG on, and once: a second run changes nothing."""

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import audit
from licensing import services
from licensing.choices import RequestStatus
from licensing.licence_types import NIB, PIRT
from licensing.models import LicenceRequest, LicenceType, add_months
from mentoring.selectors import current_mentor
from registration.choices import Status
from registration.models import Participant

DEMO_DOMAIN = "demo.jakpreneur.id"
OTHERS = 36
# each other participant's request ends in one of these (the order of a request's life)
ENDS = [
    RequestStatus.REQUESTED,
    RequestStatus.DOCUMENTS_COMPLETE,
    RequestStatus.SUBMITTED,
    RequestStatus.ISSUED,
    RequestStatus.REFUSED,
    RequestStatus.WITHDRAWN,
]
TYPES = [NIB, "merek", PIRT]
EXPIRING_IN_DAYS = 40


def demo_number(code: str, n: int) -> str:
    """A made-up number of the type's form (an NIB has 13 digits)."""
    return {NIB: f"9120{n:09d}", "merek": f"IDM000{n:06d}", PIRT: f"P-IRT 20631740{n:05d}-30"}.get(
        code, f"DEMO-{code.upper()}-{n:05d}"
    )


class Command(BaseCommand):
    help = "Load demo licence requests and licences (after seed_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data runs only with DEBUG on.")
        users = {str(u.email).split("@")[0]: u for u in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")}
        if not {"dinas", "peserta", "sekretariat.tebet"} <= users.keys():
            raise CommandError("Run `manage.py seed_demo` first.")
        if LicenceRequest.objects.filter(participant__user=users["peserta"]).exists():
            self.stdout.write("Demo licensing is there already.")
            return
        with audit.channel(audit.Channel.IMPORT), transaction.atomic():
            made = self._load(users)
        self.stdout.write(self.style.SUCCESS(f"Demo licensing: {made} requests."))

    def _load(self, users: dict[str, User]) -> int:
        staff = users["dinas"]
        types = {t.code: t for t in LicenceType.objects.all()}
        today = timezone.localdate()
        siti = Participant.objects.select_related("registration", "kecamatan").get(user=users["peserta"])
        checker = current_mentor(siti) or users["sekretariat.tebet"]
        nib = services.request_create(
            participant=siti, licence_type=types[NIB], subject="Sambal Bu Siti", acting_user=siti.user
        ).request
        self._move(nib, RequestStatus.ISSUED, checker=checker, staff=staff, number=demo_number(NIB, 1), today=today)
        pirt = services.request_create(
            participant=siti,
            licence_type=types[PIRT],
            subject="Sambal Bu Siti",
            note="Produksi di dapur rumah, dijual di warung dan daring.",
            acting_user=siti.user,
        ).request
        self._move(pirt, RequestStatus.DOCUMENTS_COMPLETE, checker=checker, staff=staff, number="", today=today)
        made = 2
        others = (
            Participant.objects.filter(registration__status=Status.APPROVED)
            .exclude(pk=siti.pk)
            .select_related("registration", "kecamatan", "user")
            .order_by("pk")[:OTHERS]
        )
        for n, participant in enumerate(others, start=2):
            code = TYPES[n % len(TYPES)]
            outcome = services.request_create(
                participant=participant,
                licence_type=types[code],
                with_prerequisites=True,
                acting_user=participant.user,
            )
            made += 1 + len(outcome.prerequisites)
            end = ENDS[n % len(ENDS)]
            if end in (RequestStatus.SUBMITTED, RequestStatus.ISSUED):  # it goes to the office with its NIB held
                for needed in outcome.prerequisites:
                    number = demo_number(needed.licence_type.code, n)
                    self._move(needed, RequestStatus.ISSUED, checker=staff, staff=staff, number=number, today=today)
            self._move(outcome.request, end, checker=staff, staff=staff, number=demo_number(code, n), today=today)
            if n % 4 == 0:
                services.licence_record(
                    participant=participant,
                    licence_type=types["hak-cipta"],
                    licence=services.LicenceData(
                        number=f"EC0020{n:08d}", issued_on=today - datetime.timedelta(days=400)
                    ),
                    subject="Desain kemasan",
                    acting_user=staff,
                )
        expiring = others[0]
        services.licence_record(  # an industrial design filed ten years ago: its protection ends within 60 days
            participant=expiring,
            licence_type=types["desain-industri"],
            licence=services.LicenceData(
                number="IDD0000012345",
                issued_on=add_months(today, -120) + datetime.timedelta(days=EXPIRING_IN_DAYS),
            ),
            subject="Bentuk kemasan",
            acting_user=staff,
        )
        return made

    def _move(
        self, request: LicenceRequest, end: str, *, checker: User, staff: User, number: str, today: datetime.date
    ) -> None:
        """Walk a request along its life to `end`, as its mentor (or staff) and agency staff would."""
        if end == RequestStatus.REQUESTED:
            return
        if end == RequestStatus.WITHDRAWN:
            services.request_move(
                licence_request=request, target=end, note="Nanti saja.", acting_user=request.participant.user
            )
            return
        services.request_move(
            licence_request=request,
            target=RequestStatus.DOCUMENTS_COMPLETE,
            note="Dokumen lengkap.",
            acting_user=checker,
        )
        if end == RequestStatus.DOCUMENTS_COMPLETE:
            return
        if end == RequestStatus.REFUSED:
            services.request_move(
                licence_request=request, target=end, reason="Alamat usaha belum sesuai KTP.", acting_user=staff
            )
            return
        services.request_move(
            licence_request=request,
            target=RequestStatus.SUBMITTED,
            note="Diajukan ke kantor penerbit.",
            acting_user=staff,
        )
        if end == RequestStatus.ISSUED:
            services.request_issue(
                licence_request=request,
                licence=services.LicenceData(number=number, issued_on=today - datetime.timedelta(days=3)),
                acting_user=staff,
            )
