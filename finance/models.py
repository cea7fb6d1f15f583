"""P6 financial reporting: the cash book people keep (entries in and out, money owed to and by the business), the
monthly report the program measures success by (turnover, expenses, profit, assets, workers), the closing of a
month, imports of a month's transactions, the statements issued (with their public verification code) and the
changes of a business's class under PP 7/2021. Workflow lives in services; here are data and invariants.

Money is in whole rupiah. A month is the first day of that month."""

import datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils.translation import gettext_lazy as _

from core import audit
from registration.choices import BusinessClass
from registration.models import Participant

from .choices import (
    CATEGORY_RULES,
    Category,
    DebtKind,
    Direction,
    EntrySource,
    ImportStatus,
    MonthAction,
    Source,
    StatementLanguage,
)

__all__ = [
    "ClassChange",
    "Debt",
    "Entry",
    "ImportBatch",
    "MonthEvent",
    "MonthlyRecord",
    "ProgramReport",
    "Source",
    "Statement",
]

CLASS_RANK = {BusinessClass.MICRO: 0, BusinessClass.SMALL: 1, BusinessClass.MEDIUM: 2, BusinessClass.LARGE: 3}


def _category_matches_direction() -> Q:
    """In SQL: every category is written with the direction CATEGORY_RULES gives it."""
    matches = Q(pk__in=[])
    for direction in Direction.values:
        matches |= Q(
            direction=direction, category__in=[c for c, r in CATEGORY_RULES.items() if r.direction == direction]
        )
    return matches


@audit.track(restricted=True)  # a participant's books: read about them only by those who see the books
class Debt(models.Model):
    """Money owed to the business (piutang: a sale on credit) or by it (hutang: a purchase on credit), with its
    due date. Settling it records the cash it moves as an entry (`Entry.settles`)."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="debts", verbose_name=_("participant")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DebtKind.choices)
    counterparty = models.CharField(_("who"), max_length=120)
    amount = models.BigIntegerField(_("amount (Rp)"))
    incurred_on = models.DateField(_("since"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["settled_on", "due_on", "pk"]
        verbose_name = _("money owed")
        verbose_name_plural = _("money owed")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_debt_amount_positive"),
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=models.F("incurred_on")),
                name="finance_debt_due_after_incurred",
            ),
            models.CheckConstraint(
                condition=Q(settled_on__isnull=True) | Q(settled_on__gte=models.F("incurred_on")),
                name="finance_debt_settled_after_incurred",
            ),
        ]
        indexes = [
            models.Index(fields=["participant", "kind", "incurred_on"], name="finance_debt_participant"),
            models.Index(fields=["-incurred_on", "-id"], name="finance_debt_newest"),  # the admin list
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.counterparty}"

    @property
    def is_open(self) -> bool:
        return self.settled_on is None

    def is_overdue(self, today: datetime.date) -> bool:
        return self.settled_on is None and self.due_on is not None and self.due_on < today


@audit.track(restricted=True)
class Entry(models.Model):
    """One line of the cash book: money in or out on a day, what for (`Category`), with a note."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="cash_entries", verbose_name=_("participant")
    )
    day = models.DateField(_("date"))
    direction = models.CharField(_("in or out"), max_length=3, choices=Direction.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    amount = models.BigIntegerField(_("amount (Rp)"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    source = models.CharField(_("how it came"), max_length=10, choices=EntrySource.choices, default=EntrySource.TYPED)
    settles = models.OneToOneField(
        Debt,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="settlement",
        verbose_name=_("settles"),
    )
    # what makes an entry unique in its book, when something must: an imported row's hash (with its place among
    # identical rows of its file: the same file twice adds nothing), or the mark of a line of the opening balance
    entry_key = models.CharField(max_length=64, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["day", "pk"]
        verbose_name = _("cash book entry")
        verbose_name_plural = _("cash book entries")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_entry_amount_positive"),
            models.CheckConstraint(condition=_category_matches_direction(), name="finance_entry_category_direction"),
            models.UniqueConstraint(
                fields=["participant", "entry_key"], condition=~Q(entry_key=""), name="finance_entry_key_once"
            ),
        ]
        indexes = [
            models.Index(fields=["participant", "day", "id"], name="finance_entry_book"),
            models.Index(fields=["-day", "-id"], name="finance_entry_newest"),  # the admin list
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_direction_display()} {self.amount}"

    @property
    def signed_amount(self) -> int:
        return self.amount if self.direction == Direction.IN else -self.amount


@audit.track(exclude=["month_number"], restricted=True)  # month_number: PostgreSQL computes it
class MonthlyRecord(models.Model):
    """One participant's report for one month: turnover, expenses, profit, assets and workers. Computed from the
    cash book when the month has entries (`source` books), else entered directly by the participant or a mentor on
    their behalf: one record either way. A closed month changes only after it is reopened."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="monthly_records", verbose_name=_("participant")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    # year * 12 + month: consecutive months differ by one (P6 is done with three in a row)
    month_number = models.GeneratedField(
        expression=ExtractYear("month") * 12 + ExtractMonth("month"),
        output_field=models.IntegerField(),
        db_persist=True,
    )
    turnover = models.BigIntegerField(_("turnover (Rp)"))
    expenses = models.BigIntegerField(_("expenses (Rp)"), null=True, blank=True)
    profit = models.BigIntegerField(_("profit (Rp)"), null=True, blank=True)
    workers = models.PositiveIntegerField(_("workers"))
    assets = models.BigIntegerField(_("assets (Rp)"))
    source = models.CharField(_("recorded by whom"), max_length=12, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"))  # the last report of the month: every edit sets it
    # the month's first report, set when the record is created and never by an edit: the day P6 was reached
    # (`finance.measures.reporting_on`) stays put when an old month is corrected
    first_recorded_at = models.DateTimeField(_("first recorded"), editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        constraints = [
            # also the index of "a participant's records, newest month first"
            models.UniqueConstraint(fields=["participant", "month"], name="finance_one_record_per_month"),
            models.CheckConstraint(
                condition=Q(turnover__gte=0) & Q(assets__gte=0), name="finance_record_money_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(expenses__isnull=True) | Q(expenses__gte=0), name="finance_record_expenses_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_by__isnull=False), name="finance_record_closed_by"
            ),
        ]
        indexes = [
            models.Index(fields=["month", "id"], name="finance_record_month"),  # by month, and the admin list
            models.Index(fields=["participant", "month_number"], name="finance_record_number"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.month:%Y-%m}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def from_books(self) -> bool:
        return self.source == Source.BOOKS


@audit.track(restricted=True)
class MonthEvent(models.Model):
    """A month closed or reopened: who, when and (for a reopening) why."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="month_events", verbose_name=_("participant")
    )
    month = models.DateField(_("month"))
    action = models.CharField(_("action"), max_length=8, choices=MonthAction.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("month closed or reopened")
        verbose_name_plural = _("months closed or reopened")
        indexes = [models.Index(fields=["participant", "month"], name="finance_monthevent_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.get_action_display()}"


@audit.track(exclude=["rows", "errors"], restricted=True)  # the rows are the entries' own trail
class ImportBatch(models.Model):
    """A file of transactions checked row by row. Its good rows wait here (`rows`, typed values as JSON) with
    the errors of the others (`errors`), until the person saves all (no errors), saves the good rows, or
    discards it."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="import_batches", verbose_name=_("participant")
    )
    file_name = models.CharField(_("file"), max_length=200)
    file_hash = models.CharField(max_length=64)
    rows = models.JSONField(default=list)
    errors = models.JSONField(default=list)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKED)
    saved_count = models.PositiveIntegerField(_("rows saved"), default=0)
    repeated_count = models.PositiveIntegerField(_("rows already in the book"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("checked"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("transaction import")
        verbose_name_plural = _("transaction imports")
        indexes = [models.Index(fields=["participant", "-created_at"], name="finance_import_person")]

    def __str__(self) -> str:
        return self.file_name


@audit.track(views=True, restricted=True)  # a mentor or staff opening the PDF is recorded too
class Statement(models.Model):
    """Financial statements issued as a PDF for a period (SAK EMKM: position, income, notes). The figures and
    the identity printed are kept as issued, so the public page of `code` shows what the genuine PDF says."""

    code = models.CharField(_("verification code"), max_length=16, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="statements", verbose_name=_("participant")
    )
    period_start = models.DateField(_("from month"))
    period_end = models.DateField(_("to month"))
    language = models.CharField(_("language"), max_length=2, choices=StatementLanguage.choices)
    business_name = models.CharField(_("business name"), max_length=150)
    owner_name = models.CharField(_("owner"), max_length=150)
    kecamatan_name = models.CharField(_("kecamatan"), max_length=100)
    figures = models.JSONField(_("figures"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    issued_at = models.DateTimeField(_("issued"))

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("financial statement")
        verbose_name_plural = _("financial statements")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="finance_statement_period"
            ),
        ]
        indexes = [models.Index(fields=["participant", "-issued_at"], name="finance_stmt_participant")]

    def __str__(self) -> str:
        return self.code


@audit.track(restricted=True)
class ClassChange(models.Model):
    """The business moved to another PP 7/2021 class ("naik kelas" when up): from what its baseline or last
    class was, by the capital and yearly sales of its latest twelve months of reports."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="class_changes", verbose_name=_("participant")
    )
    month = models.DateField(_("as of month"))
    previous_class = models.CharField(_("from"), max_length=8, choices=BusinessClass.choices)
    new_class = models.CharField(_("to"), max_length=8, choices=BusinessClass.choices)
    capital = models.BigIntegerField(_("capital (Rp)"))
    yearly_sales = models.BigIntegerField(_("yearly sales (Rp)"))
    changed_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("change of business class")
        verbose_name_plural = _("changes of business class")
        indexes = [
            models.Index(fields=["participant", "-changed_at"], name="finance_class_participant"),
            models.Index(fields=["changed_at"], name="finance_classchange_at"),
        ]

    def __str__(self) -> str:
        return f"{self.previous_class} → {self.new_class}"

    @property
    def moved_up(self) -> bool:
        return CLASS_RANK[BusinessClass(self.new_class)] > CLASS_RANK[BusinessClass(self.previous_class)]


@audit.track()
class ProgramReport(models.Model):
    """The program's before and after for one year (`selectors.program_counts`: every participant reporting in its
    twelve months, in total and by kecamatan), as last computed: nightly for this year and the last
    (`tasks.build_program_reports`), or when agency staff ask. Computing it reads every monthly report of the
    year (seconds at a million participants); the page reads this one row."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    figures = models.JSONField(_("figures"), encoder=DjangoJSONEncoder)
    built_at = models.DateTimeField(_("computed"))
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("computed for"),
        help_text=_("Empty: computed by the nightly schedule."),
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("program report")
        verbose_name_plural = _("program reports")

    def __str__(self) -> str:
        return str(self.year)
