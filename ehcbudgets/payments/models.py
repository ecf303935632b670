"""Direct payment agreements, their schedules, payment runs, and the notices that change or end them.

DOMAIN R10, R11, R15, R16, R18, R21 to R23, R26, R34, R35. How a schedule is split and when a notice takes effect
is set out in ADR 9.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round

from ehcbudgets.core.dates import today
from ehcbudgets.councils.models import CouncilOwned, PaymentFrequency
from ehcbudgets.plans.models import FundingStream


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Being set up"
    AWAITING_CONSENT = "awaiting_consent", "Waiting for the recipient's consent"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    STOPPED = "stopped", "Stopped"


class PaymentMethod(models.TextChoices):
    PREPAID_CARD = "prepaid_card", "Prepaid card account"
    BANK_ACCOUNT = "bank_account", "Dedicated bank account"


class ConsentChannel(models.TextChoices):
    ONLINE = "online", "Online, by the recipient"
    PAPER = "paper", "Signed paper copy"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone, confirmed in writing"
    IN_PERSON = "in_person", "In person"


sort_code_validator = RegexValidator(r"^\d{6}$", "Enter a valid sort code like 309430")
account_number_validator = RegexValidator(r"^\d{8}$", "Enter a valid account number like 00733445")


class Agreement(CouncilOwned):
    """The direct payment agreement for the approved direct payment lines of a budget (DOMAIN R15, R16, R35)."""

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="dp_agreements")
    budget = models.ForeignKey("budgets.Budget", on_delete=models.PROTECT, related_name="dp_agreements")
    recipient = models.ForeignKey("people.Contact", on_delete=models.PROTECT, related_name="+")
    managed_by = models.ForeignKey(
        "people.Contact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A third-party organisation that holds and manages the payments for the recipient.",
    )
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="The total to be paid from the start date to the end date."
    )
    frequency = models.CharField(max_length=12, choices=PaymentFrequency.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    payment_method = models.CharField(max_length=14, choices=PaymentMethod.choices)
    card_account_reference = models.CharField(max_length=30, blank=True)
    account_name = models.CharField(max_length=18, blank=True, help_text="As the bank has it, up to 18 characters.")
    sort_code = models.CharField(max_length=6, blank=True, validators=[sort_code_validator])
    account_number = models.CharField(max_length=8, blank=True, validators=[account_number_validator])
    conditions = models.TextField(blank=True, help_text="Conditions the council adds to the agreement (DOMAIN R16).")
    excluded_payees = models.TextField(
        blank=True, help_text="People or organisations the recipient must not pay, one to a line (DOMAIN R16)."
    )
    status = models.CharField(max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT)
    notice_letter = models.ForeignKey(
        "letters.Letter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notice_sent_on = models.DateField(null=True, blank=True)
    consented_on = models.DateField(null=True, blank=True)
    consent_channel = models.CharField(max_length=12, choices=ConsentChannel.choices, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consent_terms_version = models.PositiveIntegerField(
        default=0, help_text="Which version of the terms the consent was given to (the notice letter's number)."
    )
    terms_version = models.PositiveIntegerField(default=0)
    first_paid_on = models.DateField(null=True, blank=True)
    first_review_due = models.DateField(
        null=True, blank=True, help_text="3 months after the first payment (DOMAIN R18)."
    )
    stop_effective_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(name="agreement_ends_on_or_after_start", condition=Q(end_date__gte=F("start_date"))),
            models.CheckConstraint(name="agreement_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="agreement_bank_details_complete",
                condition=~Q(payment_method="bank_account")
                | (~Q(sort_code="") & ~Q(account_number="") & ~Q(account_name="")),
            ),
            models.CheckConstraint(
                name="agreement_card_reference_given",
                condition=~Q(payment_method="prepaid_card") | ~Q(card_account_reference=""),
            ),
            # No payment before a notice and the recipient's consent to it (DOMAIN R15).
            models.CheckConstraint(
                name="active_agreement_was_consented",
                condition=~Q(status__in=["active", "suspended"])
                | (Q(notice_sent_on__isnull=False) & Q(consented_on__isnull=False)),
            ),
            models.UniqueConstraint(
                fields=["budget"],
                condition=Q(status__in=["draft", "awaiting_consent", "active", "suspended"]),
                name="one_live_agreement_per_budget",
            ),
        ]

    def __str__(self) -> str:
        return f"Direct payment agreement for {self.child}, from {self.start_date}"

    @property
    def holder(self) -> str:
        """The ledger's name for this agreement's accounts."""
        return f"agreement:{self.pk}"

    @property
    def has_stopped(self) -> bool:
        """Stopped, or its stop has taken effect (the status catches up when the next run is prepared)."""
        return self.status == AgreementStatus.STOPPED or (
            self.stop_effective_on is not None and self.stop_effective_on <= today()
        )

    @property
    def is_stopping(self) -> bool:
        """A stop has been given notice of and has not taken effect yet."""
        return self.stop_effective_on is not None and not self.has_stopped

    @property
    def is_consented(self) -> bool:
        return self.consented_on is not None and self.consent_terms_version == self.terms_version > 0


class AgreementLine(CouncilOwned):
    """An agreed provision line of the agreement: the budget line and its amount for the agreement's dates."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="lines")
    budget_line = models.ForeignKey("budgets.BudgetLine", on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=300)
    funding_stream = models.CharField(max_length=12, choices=FundingStream.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["agreement", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "budget_line"], name="one_agreement_line_per_budget_line"),
            models.CheckConstraint(name="agreement_line_amount_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self) -> str:
        return self.description


class PersonalAssistant(CouncilOwned):
    """A personal assistant the recipient employs with the payments (DOMAIN R34), and, for a close relative living
    in the household, the recorded exception that allows it (DOMAIN R26)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="personal_assistants")
    full_name = models.CharField(max_length=200)
    date_of_birth = models.DateField()
    starts_on = models.DateField()
    dbs_checked_on = models.DateField(null=True, blank=True, help_text="The date of the enhanced DBS check.")
    insurance_expires_on = models.DateField(
        null=True, blank=True, help_text="When the employer's liability insurance runs out."
    )
    close_relative_in_household = models.BooleanField(default=False)
    exception_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exception_reason = models.TextField(blank=True)
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agreement", "full_name"]
        constraints = [
            models.CheckConstraint(
                name="household_relative_needs_exception",
                condition=Q(close_relative_in_household=False)
                | (Q(exception_approved_by__isnull=False) & ~Q(exception_reason="")),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class PaymentStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    PAID = "paid", "Paid"
    CANCELLED = "cancelled", "Not paid"


class ScheduledPayment(CouncilOwned):
    """One payment of an agreement's schedule, split by funding stream so every stream adds up exactly (ADR 9)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="payments")
    due_on = models.DateField()
    period_start = models.DateField()
    period_end = models.DateField()
    education = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    health = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    social_care = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    offset = models.DecimalField(
        max_digits=12, decimal_places=2, default=0, help_text="Recovered by paying less this time (DOMAIN R23)."
    )
    status = models.CharField(max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.SCHEDULED)
    cancelled_reason = models.CharField(max_length=200, blank=True)
    run = models.ForeignKey("PaymentRun", null=True, blank=True, on_delete=models.PROTECT, related_name="payments")
    ledger_transaction = models.OneToOneField(
        "ledger.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agreement", "due_on", "pk"]
        constraints = [
            # Rounded so SQLite, which adds decimals as floating point, checks the same thing as PostgreSQL.
            models.CheckConstraint(
                name="payment_amount_is_its_streams",
                condition=Q(amount=Round(F("education") + F("health") + F("social_care"), 2)),
            ),
            models.CheckConstraint(name="payment_amount_not_negative", condition=Q(amount__gte=0)),
            models.CheckConstraint(
                name="payment_offset_within_amount", condition=Q(offset__gte=0) & Q(offset__lte=F("amount"))
            ),
            models.CheckConstraint(
                name="paid_payment_has_ledger_entry",
                condition=~Q(status="paid") | (Q(ledger_transaction__isnull=False) & Q(paid_on__isnull=False)),
            ),
            models.UniqueConstraint(
                fields=["agreement", "due_on"], condition=~Q(status="cancelled"), name="one_payment_per_due_date"
            ),
        ]
        indexes = [models.Index(fields=["council", "status", "due_on"])]

    def __str__(self) -> str:
        return f"£{self.amount} due {self.due_on}"

    @property
    def net_amount(self):
        """What reaches the recipient: the payment less any recovery offset against it."""
        return self.amount - self.offset


class RunStatus(models.TextChoices):
    PREPARED = "prepared", "Waiting for approval"
    RELEASED = "released", "Approved and released"
    CANCELLED = "cancelled", "Cancelled"


class PaymentRun(CouncilOwned):
    """Everything due up to a date, paid once: prepared by one finance officer, approved by another (DOMAIN R35)."""

    pay_up_to = models.DateField(help_text="Every payment due on or before this date is in the run.")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.PREPARED)
    payment_count = models.PositiveIntegerField(default=0)
    total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-prepared_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="run_approver_is_not_preparer",
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("prepared_by")),
            ),
            models.CheckConstraint(
                name="released_run_was_approved", condition=~Q(status="released") | Q(approved_by__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"Payment run to {self.pay_up_to}"


class FileFormat(models.TextChoices):
    BACS = "bacs18", "BACS Standard 18"
    CSV = "csv", "CSV"
    PREPAID = "prepaid", "Prepaid card bulk load"


class PaymentFile(CouncilOwned):
    """A file made when a run is released, kept in the database so it exists only if the release committed."""

    run = models.ForeignKey(PaymentRun, on_delete=models.PROTECT, related_name="files")
    format = models.CharField(max_length=10, choices=FileFormat.choices)
    filename = models.CharField(max_length=100)
    content = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run", "format"]
        constraints = [models.UniqueConstraint(fields=["run", "format"], name="one_file_per_format_per_run")]

    def __str__(self) -> str:
        return self.filename


class BankDetails(CouncilOwned):
    """The council's bank account that direct payments are paid from, and its BACS service user number."""

    service_user_number = models.CharField(max_length=6, validators=[RegexValidator(r"^\d{6}$")])
    service_user_name = models.CharField(max_length=18)
    sort_code = models.CharField(max_length=6, validators=[sort_code_validator])
    account_number = models.CharField(max_length=8, validators=[account_number_validator])
    prepaid_provider = models.CharField(max_length=60, blank=True)
    prepaid_funding_reference = models.CharField(max_length=30, blank=True)

    class Meta:
        verbose_name_plural = "bank details"
        constraints = [models.UniqueConstraint(fields=["council"], name="one_bank_details_per_council")]

    def __str__(self) -> str:
        return f"{self.service_user_name} ({self.sort_code})"


class ChangeKind(models.TextChoices):
    REDUCE = "reduce", "Reduce the payments"
    INCREASE = "increase", "Increase the payments"
    ADD_CONDITIONS = "add_conditions", "Add conditions"
    STOP = "stop", "Stop the payments"
    SUSPEND = "suspend", "Suspend the payments"
    RESUME = "resume", "Resume the payments"
    CHANGE_RECIPIENT = "change_recipient", "Change the recipient"
    WITHDRAW_CONSENT = "withdraw_consent", "Recipient withdrew consent"


class StopGround(models.TextChoices):
    """The grounds on which direct payments must stop (DOMAIN R22)."""

    CONSENT_WITHDRAWN = "consent_withdrawn", "The recipient withdrew their consent"
    NOT_ELIGIBLE = "not_eligible", "The recipient is no longer eligible"
    NOMINEE_CONDITIONS = "nominee_conditions", "The nominee no longer meets the conditions"
    NOT_USED_FOR_PROVISION = (
        "not_used_for_provision",
        "The payments are not being used for the agreed provision",
    )
    CANNOT_SECURE = "cannot_secure", "The provision can no longer be secured by direct payments"
    HARM_OR_INEFFICIENT = (
        "harm_or_inefficient",
        "Continuing would harm other services or be an inefficient use of resources",
    )


class SuspensionReason(models.TextChoices):
    HOSPITAL = "hospital", "The child or young person is in hospital"
    ABROAD = "abroad", "The child or young person is abroad"
    OTHER = "other", "Another reason, given in words"


class AgreementChange(CouncilOwned):
    """A change to an agreement, always in writing with reasons: a reduction, stop, suspension, resumption or new
    recipient (DOMAIN R20 to R22, R35)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=20, choices=ChangeKind.choices)
    reasons = models.TextField()
    ground = models.CharField(max_length=24, choices=StopGround.choices, blank=True)
    suspension_reason = models.CharField(max_length=10, choices=SuspensionReason.choices, blank=True)
    expected_until = models.DateField(null=True, blank=True)
    old_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    new_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    old_recipient = models.ForeignKey(
        "people.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    new_recipient = models.ForeignKey(
        "people.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notice_on = models.DateField(help_text="The day the notice was sent.")
    effective_on = models.DateField()
    letter = models.ForeignKey("letters.Letter", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    withdrawn = models.BooleanField(default=False, help_text="Undone after a reconsideration.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-notice_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="changes_have_reasons", condition=~Q(reasons="")),
            models.CheckConstraint(name="change_effective_after_notice", condition=Q(effective_on__gte=F("notice_on"))),
            models.CheckConstraint(
                name="stops_have_a_ground", condition=~Q(kind__in=["stop", "withdraw_consent"]) | ~Q(ground="")
            ),
            models.CheckConstraint(
                name="reductions_reduce",
                condition=~Q(kind="reduce") | Q(new_amount__lt=F("old_amount"), new_amount__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.effective_on}"


class RecoveryMethod(models.TextChoices):
    INVOICE = "invoice", "By invoice: the recipient pays the council back"
    OFFSET = "offset", "By paying less from future payments"


class RecoveryStatus(models.TextChoices):
    OPEN = "open", "Outstanding"
    RECOVERED = "recovered", "Recovered"
    WITHDRAWN = "withdrawn", "Withdrawn after reconsideration"


class Recovery(CouncilOwned):
    """Money the council asks back, with a notice of the reasons, amount, who pays and by when (DOMAIN R23)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="recoveries")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reasons = models.TextField()
    payer = models.ForeignKey("people.Contact", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=10, choices=RecoveryMethod.choices)
    notice_on = models.DateField()
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=RecoveryStatus.choices, default=RecoveryStatus.OPEN)
    letter = models.ForeignKey("letters.Letter", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-notice_on", "-pk"]
        verbose_name_plural = "recoveries"
        constraints = [
            models.CheckConstraint(name="recovery_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(name="recoveries_have_reasons", condition=~Q(reasons="")),
            models.CheckConstraint(name="recovery_due_after_notice", condition=Q(due_on__gte=F("notice_on"))),
        ]

    def __str__(self) -> str:
        return f"Recovery of £{self.amount} due {self.due_on}"


class RecoveryReceipt(CouncilOwned):
    """Money received towards a recovery, by invoice payment or offset in a payment run; each is a ledger entry."""

    recovery = models.ForeignKey(Recovery, on_delete=models.PROTECT, related_name="receipts")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    received_on = models.DateField()
    scheduled_payment = models.ForeignKey(
        ScheduledPayment, null=True, blank=True, on_delete=models.PROTECT, related_name="recovery_receipts"
    )
    ledger_transaction = models.ForeignKey("ledger.Transaction", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["recovery", "received_on", "pk"]
        constraints = [models.CheckConstraint(name="receipt_amount_positive", condition=Q(amount__gt=0))]


class ReconsiderationStatus(models.TextChoices):
    OPEN = "open", "Waiting for the council to reconsider"
    UPHELD = "upheld", "Decision upheld"
    CHANGED = "changed", "Decision changed"


class Reconsideration(CouncilOwned):
    """The one reconsideration a recipient may ask for of a reduction, stop or recovery (DOMAIN R21 to R23)."""

    change = models.OneToOneField(
        AgreementChange, null=True, blank=True, on_delete=models.PROTECT, related_name="reconsideration"
    )
    recovery = models.OneToOneField(
        Recovery, null=True, blank=True, on_delete=models.PROTECT, related_name="reconsideration"
    )
    requested_on = models.DateField()
    grounds = models.TextField()
    status = models.CharField(max_length=10, choices=ReconsiderationStatus.choices, default=ReconsiderationStatus.OPEN)
    outcome_reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    letter = models.ForeignKey("letters.Letter", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-requested_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="reconsideration_of_one_thing",
                condition=(Q(change__isnull=False) & Q(recovery__isnull=True))
                | (Q(change__isnull=True) & Q(recovery__isnull=False)),
            ),
            models.CheckConstraint(
                name="reconsideration_outcomes_have_reasons", condition=Q(status="open") | ~Q(outcome_reasons="")
            ),
        ]
