"""Monitoring of direct payments: findings raised by the sweeps, the sweeps themselves, reviews of direct payments
with their answers and outcomes, and the reminders sent (DOMAIN R16 to R22, R26, R28, R29, R31 to R33; ADR 11)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from ehcbudgets.councils.models import CouncilOwned


class FindingRule(models.TextChoices):
    SURPLUS = "surplus", "Surplus in the account"
    NOT_ALLOWED = "not_allowed", "Spending the council's policy does not allow"
    EXCLUDED_PAYEE = "excluded_payee", "Payment to someone the agreement says not to pay"
    UNLINKED = "unlinked", "Spending not linked to the agreed support"
    RECEIPT_MISSING = "receipt_missing", "Receipt missing"
    RETURN_OVERDUE = "return_overdue", "Monitoring return overdue"
    NO_SPENDING = "no_spending", "No spending for a while"
    PA_RELATIVE = "pa_relative", "Relative employed without a recorded exception"
    INSUFFICIENT = "insufficient", "Direct payments no longer enough"


class FindingStatus(models.TextChoices):
    OPEN = "open", "Open"
    RAISED = "raised", "Raised with the family"
    ANSWERED = "answered", "Answered by the family"
    RESOLVED = "resolved", "Resolved"
    ESCALATED = "escalated", "Escalated to a recovery"


OPEN_FINDING_STATUSES = (FindingStatus.OPEN, FindingStatus.RAISED, FindingStatus.ANSWERED)


class Finding(CouncilOwned):
    """Something a monitoring rule found about one agreement, explained in plain English. Its key names what was found
    (a record, a period, a figure), so the same finding is never raised twice."""

    agreement = models.ForeignKey("payments.Agreement", on_delete=models.PROTECT, related_name="findings")
    rule = models.CharField(max_length=20, choices=FindingRule.choices)
    key = models.CharField(max_length=120)
    status = models.CharField(max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    explanation = models.TextField()
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    record = models.ForeignKey(
        "spending.SpendingRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    statement_line = models.ForeignKey(
        "spending.StatementLine", null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    personal_assistant = models.ForeignKey(
        "payments.PersonalAssistant", null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    found_on = models.DateField()
    sweep = models.ForeignKey("Sweep", null=True, blank=True, on_delete=models.SET_NULL, related_name="findings")
    raised_on = models.DateField(null=True, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer_due_on = models.DateField(null=True, blank=True)
    answered_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.TextField(blank=True, help_text="Why the finding was resolved, in words the family reads.")
    recovery = models.ForeignKey(
        "payments.Recovery", null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["found_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "key"], name="one_finding_per_agreement_and_key"),
            models.CheckConstraint(
                name="resolved_findings_have_reasons", condition=~Q(status="resolved") | ~Q(resolution="")
            ),
            models.CheckConstraint(
                name="escalated_findings_have_a_recovery",
                condition=~Q(status="escalated") | Q(recovery__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["council", "status", "found_on"])]

    def __str__(self) -> str:
        return f"{self.get_rule_display()}: agreement {self.agreement_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_FINDING_STATUSES


def evidence_path(note: "FindingNote", filename: str) -> str:
    """evidence/<council code>/<random uuid>: nothing about the family in the name."""
    return f"evidence/{note.council.code}/{uuid.uuid4()}"


class FindingNote(CouncilOwned):
    """One message about a finding: the council raising it with the family, or the family's answer with evidence."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_family = models.BooleanField()
    text = models.TextField()
    file = models.FileField(upload_to=evidence_path, max_length=200, blank=True)
    content_type = models.CharField(max_length=40, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Note on finding {self.finding_id}"


class SweepKind(models.TextChoices):
    INCREMENTAL = "incremental", "Changes since the last check"
    FULL = "full", "Everything"


class SweepStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"


class Sweep(CouncilOwned):
    """One run of the monitoring rules over a council's agreements, as a background task, with its progress and a
    summary of what it raised."""

    kind = models.CharField(max_length=12, choices=SweepKind.choices)
    status = models.CharField(max_length=10, choices=SweepStatus.choices, default=SweepStatus.QUEUED)
    on = models.DateField(help_text="The day the rules were checked for.")
    since = models.DateTimeField(null=True, blank=True, help_text="An incremental sweep looks at changes since then.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    total = models.PositiveIntegerField(default=0)
    checked = models.PositiveIntegerField(default=0)
    raised = models.PositiveIntegerField(default=0)
    reviews_added = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, help_text="Findings raised per rule.")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} check of {self.council} on {self.on}"

    @property
    def percent(self) -> int:
        if self.status == SweepStatus.FINISHED:
            return 100
        return int(self.checked * 100 / self.total) if self.total else 0


class ReviewTrigger(models.TextChoices):
    FIRST = "first", "First review, within 3 months of the first payment"
    PLAN_REVIEW = "plan_review", "Review of the EHC plan"
    REASSESSMENT = "reassessment", "Re-assessment of the EHC plan"
    PROVISION_CHANGE = "provision_change", "Change of provision"
    RECIPIENT_REQUEST = "recipient_request", "The recipient asked for a review"
    ADULT = "adult", "Turned 18: adult rules for social care payments, within 6 months"


class ReviewStatus(models.TextChoices):
    DUE = "due", "Due"
    RECORDED = "recorded", "Recorded"
    COVERED = "covered", "Covered by another review"
    DECLINED = "declined", "Request considered, no review now"


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", "Continue as they are"
    INCREASE = "increase", "Increase the payments"
    REDUCE = "reduce", "Reduce the payments"
    STOP = "stop", "Stop the payments"
    CHANGE_RECIPIENT = "change_recipient", "Change the recipient"
    ADD_CONDITIONS = "add_conditions", "Add conditions"


class DpReview(CouncilOwned):
    """A review of one agreement's direct payments: when it is due and why, the answers to the questions of R19, the
    progress towards each outcome of section E, and its outcome (DOMAIN R18 to R20)."""

    agreement = models.ForeignKey("payments.Agreement", on_delete=models.PROTECT, related_name="reviews")
    trigger = models.CharField(max_length=20, choices=ReviewTrigger.choices)
    trigger_key = models.CharField(max_length=60, help_text="What started it: a date, an event, a request.")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DUE)
    requested_on = models.DateField(null=True, blank=True, help_text="The day the recipient asked for it.")
    request_reasons = models.TextField(blank=True, help_text="The recipient's words, when they asked for it.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appropriate = models.BooleanField(null=True)
    appropriate_note = models.TextField(blank=True)
    used_effectively = models.BooleanField(null=True)
    used_effectively_note = models.TextField(blank=True)
    enough = models.BooleanField(null=True)
    enough_note = models.TextField(blank=True)
    tests_met = models.BooleanField(null=True, help_text="The R12 tests still hold.")
    tests_met_note = models.TextField(blank=True)
    conditions_kept = models.BooleanField(null=True)
    conditions_kept_note = models.TextField(blank=True)
    family_wants_to_continue = models.BooleanField(null=True)
    family_needs_help = models.BooleanField(null=True)
    family_words = models.TextField(blank=True, help_text="How the money has been spent, in the family's words.")
    outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices, blank=True)
    outcome_reasons = models.TextField(blank=True)
    change = models.ForeignKey(
        "payments.AgreementChange", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    letter = models.ForeignKey("letters.Letter", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    covered_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="covers")
    declined_reasons = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "trigger", "trigger_key"], name="one_review_per_agreement_and_trigger"
            ),
            models.CheckConstraint(
                name="recorded_reviews_have_an_outcome",
                condition=~Q(status="recorded")
                | (~Q(outcome="") & ~Q(outcome_reasons="") & Q(recorded_on__isnull=False)),
            ),
            models.CheckConstraint(
                name="declined_reviews_have_reasons", condition=~Q(status="declined") | ~Q(declined_reasons="")
            ),
        ]
        indexes = [models.Index(fields=["council", "status", "due_on"])]

    def __str__(self) -> str:
        return f"Review of direct payments for agreement {self.agreement_id}, due {self.due_on}"


class Progress(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    SOME = "some", "Some progress"
    ON_TRACK = "on_track", "On track"
    ACHIEVED = "achieved", "Achieved"


class OutcomeProgress(CouncilOwned):
    """Progress towards one outcome of section E, as a review found it (DOMAIN R19)."""

    review = models.ForeignKey(DpReview, on_delete=models.CASCADE, related_name="progress")
    outcome = models.ForeignKey("plans.Outcome", on_delete=models.PROTECT, related_name="+")
    progress = models.CharField(max_length=12, choices=Progress.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["review", "outcome_id"]
        constraints = [models.UniqueConstraint(fields=["review", "outcome"], name="one_progress_per_outcome")]

    def __str__(self) -> str:
        return f"{self.get_progress_display()}: outcome {self.outcome_id}"


class Reminder(CouncilOwned):
    """A reminder email sent to one person on one day: at most one a day each."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    items = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "sent_on"], name="one_reminder_per_person_per_day")]

    def __str__(self) -> str:
        return f"Reminder to {self.user_id} on {self.sent_on}"
