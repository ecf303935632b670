"""What families spend their direct payments on, traced to the agreed provision line and so to the plan's outcomes:
records split across lines, receipts, statement imports, linking rules, commitments, savings and monitoring returns.

DOMAIN R16, R31, R32, R33. Every record posts to the ledger; the balance is always the ledger's (ADR 9, ADR 10).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from ehcbudgets.councils.models import CouncilOwned


class SpendingCategory(models.TextChoices):
    WAGES = "wages", "Personal assistant wages"
    EMPLOYER_COSTS = "employer_costs", "Employer costs: payroll, tax, insurance"
    SHORT_BREAK = "short_break", "Short breaks"
    ACTIVITY = "activity", "Clubs and activities"
    THERAPY = "therapy", "Therapy"
    TUITION = "tuition", "Tuition"
    EQUIPMENT = "equipment", "Equipment"
    TRAVEL = "travel", "Travel"
    HEALTH_SUPPLIES = "health_supplies", "Health supplies"
    FEES = "fees", "Bank or card fees"
    OTHER = "other", "Other"


class RecordSource(models.TextChoices):
    MANUAL = "manual", "Added by hand"
    STATEMENT = "statement", "From a statement"


class SpendingRecord(CouncilOwned):
    """One payment out of (or refund into) the direct payment account. A refund has a negative amount."""

    agreement = models.ForeignKey("payments.Agreement", on_delete=models.PROTECT, related_name="spending")
    spent_on = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2, help_text="Negative for a refund.")
    payee = models.CharField(max_length=200)
    description = models.CharField(max_length=300, blank=True)
    category = models.CharField(max_length=20, choices=SpendingCategory.choices)
    source = models.CharField(max_length=10, choices=RecordSource.choices, default=RecordSource.MANUAL)
    fitid = models.CharField(max_length=100, blank=True, help_text="The bank's own transaction id, when it gives one.")
    fingerprint = models.CharField(max_length=64, blank=True, help_text="Date, amount, payee and balance, hashed.")
    keep_both = models.BooleanField(default=False, help_text="The family said this is a genuine repeat.")
    ledger_transaction = models.OneToOneField(
        "ledger.Transaction", on_delete=models.PROTECT, related_name="spending_record"
    )
    withdrawn = models.BooleanField(default=False, help_text="Removed: its ledger entry has been reversed.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-spent_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="spending_not_zero", condition=~Q(amount=0)),
            models.UniqueConstraint(
                fields=["agreement", "fitid"],
                condition=~Q(fitid="") & Q(withdrawn=False),
                name="one_record_per_bank_transaction",
            ),
            models.UniqueConstraint(
                fields=["agreement", "fingerprint"],
                condition=~Q(fingerprint="") & Q(fitid="") & Q(withdrawn=False) & Q(keep_both=False),
                name="one_record_per_fingerprint_unless_kept",
            ),
        ]
        indexes = [models.Index(fields=["agreement", "spent_on"])]

    def __str__(self) -> str:
        return f"{self.payee}: £{self.amount} on {self.spent_on}"

    @property
    def is_refund(self) -> bool:
        return self.amount < 0


class SpendingPart(CouncilOwned):
    """The part of a record that pays for one agreed provision line (and so the outcomes it serves)."""

    record = models.ForeignKey(SpendingRecord, on_delete=models.CASCADE, related_name="parts")
    line = models.ForeignKey("payments.AgreementLine", on_delete=models.PROTECT, related_name="spending_parts")
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["record", "pk"]
        constraints = [models.CheckConstraint(name="spending_part_not_zero", condition=~Q(amount=0))]

    def __str__(self) -> str:
        return f"£{self.amount} for {self.line}"


def receipt_path(receipt: "Receipt", filename: str) -> str:
    """receipts/<council code>/<random uuid>: nothing about the family in the name, no extension from the upload."""
    return f"receipts/{receipt.council.code}/{uuid.uuid4()}"


class Receipt(CouncilOwned):
    """A receipt or invoice for a record, or for one part of it; checked by its content and stored privately."""

    record = models.ForeignKey(SpendingRecord, on_delete=models.CASCADE, related_name="receipts")
    part = models.ForeignKey(SpendingPart, null=True, blank=True, on_delete=models.CASCADE, related_name="receipts")
    file = models.FileField(upload_to=receipt_path, max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["record", "pk"]

    def __str__(self) -> str:
        return self.original_name


class CsvLayout(models.Model):
    """How to read one bank's or card provider's CSV export. Shipped layouts have no council; a family's saved
    choice is kept on the agreement (see SavedLayout)."""

    name = models.CharField(max_length=100, unique=True)
    date_column = models.CharField(max_length=60)
    date_format = models.CharField(max_length=20, help_text="strptime format, e.g. %d/%m/%Y")
    amount_column = models.CharField(
        max_length=60, blank=True, help_text="One signed amount column, money out negative"
    )
    paid_out_column = models.CharField(max_length=60, blank=True)
    paid_in_column = models.CharField(max_length=60, blank=True)
    payee_column = models.CharField(max_length=60)
    description_column = models.CharField(max_length=60, blank=True)
    id_column = models.CharField(max_length=60, blank=True)
    balance_column = models.CharField(max_length=60, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="layout_has_amounts",
                condition=~Q(amount_column="") | (~Q(paid_out_column="") & ~Q(paid_in_column="")),
            )
        ]

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", "Waiting for the family to check"
    SAVED = "saved", "Saved"
    DISCARDED = "discarded", "Discarded"


class StatementImport(CouncilOwned):
    """A statement file read whole and shown as a preview; nothing is recorded until the family saves it."""

    agreement = models.ForeignKey("payments.Agreement", on_delete=models.PROTECT, related_name="imports")
    filename = models.CharField(max_length=200)
    file_format = models.CharField(max_length=4, choices=[("csv", "CSV"), ("ofx", "OFX")])
    layout = models.ForeignKey(CsvLayout, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEW)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    saved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.filename


class StatementLine(CouncilOwned):
    """One line of an imported statement, with what the service suggests and why."""

    statement = models.ForeignKey(StatementImport, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField()
    posted_on = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2, help_text="Money out positive, money in negative.")
    payee = models.CharField(max_length=200)
    description = models.CharField(max_length=300, blank=True)
    fitid = models.CharField(max_length=100, blank=True)
    balance = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    fingerprint = models.CharField(max_length=64)
    is_payment_in = models.BooleanField(
        default=False, help_text="Money from the council: a direct payment, not spending or a refund."
    )
    suggested_category = models.CharField(max_length=20, choices=SpendingCategory.choices, blank=True)
    suggestion = models.JSONField(default=list, help_text="[[agreement line id, amount], ...] suggested.")
    reason = models.CharField(max_length=300, blank=True)
    duplicate_of = models.ForeignKey(SpendingRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    record = models.OneToOneField(
        SpendingRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="statement_line"
    )

    class Meta:
        ordering = ["statement", "line_number"]

    def __str__(self) -> str:
        return f"Line {self.line_number}: {self.payee} £{self.amount}"


class RuleScope(models.TextChoices):
    FAMILY = "family", "This family's rule"
    COUNCIL = "council", "The council's rule"


class LinkRule(CouncilOwned):
    """When a payee or description contains some words, set the category and the provision line (or split across
    lines). A family rule names its agreement's lines; a council rule names offer items, found on any agreement."""

    agreement = models.ForeignKey(
        "payments.Agreement", null=True, blank=True, on_delete=models.CASCADE, related_name="link_rules"
    )
    words = models.CharField(max_length=200, help_text="Matched in the payee or description, ignoring case.")
    category = models.CharField(max_length=20, choices=SpendingCategory.choices)
    split = models.JSONField(
        default=list,
        help_text="Family rules: [[agreement line id, percent], ...]; council rules: [[offer item code, percent]].",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["council", "agreement", "pk"]

    def __str__(self) -> str:
        return f"'{self.words}' -> {self.get_category_display()}"

    @property
    def scope(self) -> str:
        return RuleScope.FAMILY if self.agreement_id else RuleScope.COUNCIL


class Commitment(CouncilOwned):
    """Money already owed from the account: an unpaid invoice or wages due (DOMAIN R32)."""

    agreement = models.ForeignKey("payments.Agreement", on_delete=models.CASCADE, related_name="commitments")
    description = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    due_on = models.DateField()
    settled_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [models.CheckConstraint(name="commitment_positive", condition=Q(amount__gt=0))]


class SavingsPot(CouncilOwned):
    """Money the family sets aside for a planned short break or activity."""

    agreement = models.ForeignKey("payments.Agreement", on_delete=models.CASCADE, related_name="savings")
    name = models.CharField(max_length=100)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    for_date = models.DateField(null=True, blank=True)
    line = models.ForeignKey("payments.AgreementLine", null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["for_date", "pk"]
        constraints = [models.CheckConstraint(name="savings_positive", condition=Q(amount__gt=0))]


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", "Ready for the family to check"
    SUBMITTED = "submitted", "Sent to the council"
    ACCEPTED = "accepted", "Accepted"
    QUERIED = "queried", "The council has a question"


class MonitoringReturn(CouncilOwned):
    """The return for a period, compiled from the records: totals by provision line and outcome, receipts, balance
    (DOMAIN R31). The family checks and submits it; an officer accepts it or raises a query."""

    agreement = models.ForeignKey("payments.Agreement", on_delete=models.PROTECT, related_name="returns")
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT)
    summary = models.JSONField(default=dict, help_text="The figures as submitted, kept as they were.")
    family_note = models.TextField(blank=True)
    submitted_on = models.DateField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    query = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "period_start"], name="one_return_per_period"),
            models.CheckConstraint(name="return_period_ordered", condition=Q(period_end__gte=F("period_start"))),
            models.CheckConstraint(name="queries_have_words", condition=~Q(status="queried") | ~Q(query="")),
        ]

    def __str__(self) -> str:
        return f"Return for {self.period_start} to {self.period_end}"


class EvidenceRequest(CouncilOwned):
    """The council asks for evidence, with a due date from its policy (DOMAIN R31, default 28 days)."""

    agreement = models.ForeignKey("payments.Agreement", on_delete=models.PROTECT, related_name="evidence_requests")
    monitoring_return = models.ForeignKey(
        MonitoringReturn, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence_requests"
    )
    record = models.ForeignKey(SpendingRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    what = models.TextField()
    asked_on = models.DateField()
    due_on = models.DateField()
    answered_on = models.DateField(null=True, blank=True)
    answer = models.TextField(blank=True)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [models.CheckConstraint(name="evidence_due_after_asked", condition=Q(due_on__gte=F("asked_on")))]
