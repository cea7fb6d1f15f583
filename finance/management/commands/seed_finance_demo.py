"""Demo books for the embedded default, after `seed_demo`: the demo participant (peserta@, Siti Rahayu of Tebet,
"Sambal Bu Siti") starts her cash book five months ago with an opening balance (cash and equipment already
owned) and keeps it every month since: sales, raw materials, wages, rent, her draw, an equipment purchase; she is
owed money by a caterer (overdue), owes a supplier (due soon), and was paid by a shop (settled). So her monthly
reports, statements and charts show something, and the capital readiness sees more than three months. Twenty
other verified participants keep one to six months each. Made-up numbers, the same every run; written through the
book's services (the monthly reports follow). Runs only with DEBUG on, and once: a second run adds nothing."""

import datetime
import random
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import audit
from core.dates import shift_month
from registration.choices import Status
from registration.models import Participant

from ... import services
from ...choices import CATEGORY_RULES, Category, DebtKind
from ...models import Debt, Entry
from ...tasks import build_program_reports

DEMO_DOMAIN = "demo.jakpreneur.id"
OTHERS = 20
SITI_MONTHS = 5  # past months of her book, the current one besides

# a month of a small food business: (day, category, lowest and highest amount in thousands of rupiah, note)
Line = tuple[int, str, int, int, str]
MONTH: list[Line] = [
    (2, Category.RAW_MATERIALS, 700, 900, "Cabai, bawang, minyak"),
    (4, Category.SALES, 900, 1_400, "Penjualan warung"),
    (8, Category.SALES, 600, 1_000, "Pesanan daring"),
    (10, Category.RAW_MATERIALS, 400, 600, "Botol dan label"),
    (12, Category.SALES, 1_000, 1_600, "Penjualan warung"),
    (15, Category.RENT, 800, 800, "Sewa dapur"),
    (18, Category.SALES, 700, 1_200, "Bazar kelurahan"),
    (22, Category.SALES, 900, 1_500, "Penjualan warung"),
    (25, Category.WAGES, 1_200, 1_200, "Upah dua pembantu"),
    (27, Category.OTHER_OUT, 100, 200, "Listrik dan gas"),
    (28, Category.OWNER_DRAW, 400, 600, "Keperluan rumah"),
]
# the others keep a shorter book: sales, stock, and now and then rent or wages
OTHER_MONTH: list[Line] = [
    (3, Category.RAW_MATERIALS, 300, 800, ""),
    (9, Category.SALES, 500, 1_500, ""),
    (16, Category.SALES, 500, 1_500, ""),
    (20, Category.RENT, 300, 600, ""),
    (26, Category.SALES, 400, 1_200, ""),
]


def months_back(today: datetime.date, count: int) -> datetime.date:
    return shift_month(today, -count)


class Command(BaseCommand):
    help = "Load demo cash books and money owed (after seed_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data runs only with DEBUG on.")
        siti = (
            Participant.objects.select_related("registration", "user")
            .filter(user__email=f"peserta@{DEMO_DOMAIN}")
            .first()
        )
        if siti is None:
            raise CommandError("Run `manage.py seed_demo` first.")
        if Entry.objects.filter(participant=siti).exists():
            self.stdout.write("Demo books are there already.")
            return
        with audit.channel(audit.Channel.IMPORT), transaction.atomic():
            books = self._load(siti)
        build_program_reports()  # what the nightly run would have computed: the program page shows them
        self.stdout.write(self.style.SUCCESS(f"Demo books: {books} participants."))

    def _load(self, siti: Participant) -> int:
        rng = random.Random(2026)  # the same demo every time
        today = timezone.localdate()
        self._siti(siti, rng, today)
        others = (
            Participant.objects.filter(registration__status=Status.APPROVED, user__isnull=False)
            .exclude(pk=siti.pk)
            .select_related("registration", "user")
            .order_by("pk")[:OTHERS]
        )
        for n, participant in enumerate(others):
            months = n % 6 + 1
            start = months_back(today, months)
            cash = rng.randrange(10, 30) * 100_000  # more than a month of stock and rent
            services.opening_balance_set(
                participant=participant, day=start, cash=cash, equipment=0, acting_user=participant.user
            )
            for k in range(months, 0, -1):
                self._month(participant, months_back(today, k), OTHER_MONTH, rng, today)
            if n % 3 == 0:
                self._owe(participant, DebtKind.RECEIVABLE, "Pelanggan langganan", 350_000, start)
        return 1 + len(others)

    def _siti(self, siti: Participant, rng: random.Random, today: datetime.date) -> None:
        user = siti.user
        start = months_back(today, SITI_MONTHS)
        services.opening_balance_set(
            participant=siti, day=start, cash=1_500_000, equipment=3_000_000, acting_user=user
        )
        for k in range(SITI_MONTHS, 0, -1):
            month = months_back(today, k)
            self._month(siti, month, MONTH, rng, today)
            if k == 3:
                self._add(siti, month.replace(day=14), Category.EQUIPMENT, 1_250_000, "Blender besar", user)
        self._month(siti, today.replace(day=1), MONTH, rng, today)  # the current month, up to today
        two_ago, last = months_back(today, 2), months_back(today, 1)
        shop = self._owe(siti, DebtKind.RECEIVABLE, "Toko Oleh-Oleh Betawi", 450_000, two_ago.replace(day=6))
        services.debt_settle(debt=shop, settled_on=two_ago.replace(day=20), acting_user=user)
        # a caterer's order on credit, due on the 25th of last month and not paid: overdue
        services.debt_add(
            participant=siti,
            kind=DebtKind.RECEIVABLE,
            counterparty="Katering Bu Rina",
            amount=600_000,
            incurred_on=last.replace(day=10),
            due_on=last.replace(day=25),
            note="Pesanan 40 botol sambal",
            acting_user=user,
        )
        # bottles bought on credit, due in two weeks
        services.debt_add(
            participant=siti,
            kind=DebtKind.PAYABLE,
            counterparty="Toko Kemasan Sinar Jaya",
            amount=380_000,
            incurred_on=last.replace(day=20),
            due_on=today + datetime.timedelta(days=14),
            note="200 botol kaca",
            acting_user=user,
        )

    def _month(
        self,
        participant: Participant,
        month: datetime.date,
        lines: list[Line],
        rng: random.Random,
        today: datetime.date,
    ) -> None:
        for day, category, low, high, note in lines:
            when = month.replace(day=day)
            if when > today:
                return
            amount = rng.randint(low, high) * 1_000
            self._add(participant, when, category, amount, note, participant.user)

    def _add(
        self, participant: Participant, day: datetime.date, category: str, amount: int, note: str, user: User
    ) -> None:
        services.entry_add(
            participant=participant,
            day=day,
            direction=CATEGORY_RULES[category].direction,
            category=category,
            amount=amount,
            note=note,
            acting_user=user,
        )

    def _owe(self, participant: Participant, kind: str, who: str, amount: int, day: datetime.date) -> Debt:
        """Money owed since `day`, due a month later."""
        return services.debt_add(
            participant=participant,
            kind=kind,
            counterparty=who,
            amount=amount,
            incurred_on=day,
            due_on=day + datetime.timedelta(days=30),
            acting_user=participant.user,
        )
