"""EHC plans, their outcomes (section E), provision (sections F, G, H1, H2) and annual reviews."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from ehcbudgets.councils.models import CouncilOwned
from ehcbudgets.people.models import Child

from . import rules


class PlanStatus(models.TextChoices):
    NEEDS_ASSESSMENT = "needs_assessment", "Needs assessment"
    DRAFT = "draft", "Draft"
    FINAL = "final", "Final"
    UNDER_REVIEW = "under_review", "Under review"
    UNDER_REASSESSMENT = "under_reassessment", "Under re-assessment"
    CEASED = "ceased", "Ceased"


class Plan(CouncilOwned):
    """A child's EHC plan. A child has at most one plan that has not ceased."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="plans")
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.NEEDS_ASSESSMENT)
    issued_on = models.DateField(null=True, blank=True, help_text="The date the plan was first issued as final.")
    ceased_on = models.DateField(null=True, blank=True)
    ceased_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["child"], condition=~Q(status="ceased"), name="one_open_plan_per_child"),
            models.CheckConstraint(
                name="final_plans_have_an_issue_date",
                condition=~Q(status__in=["final", "under_review", "under_reassessment"]) | Q(issued_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"EHC plan for {self.child} ({self.get_status_display().lower()})"

    @property
    def is_editable(self) -> bool:
        return rules.plan_is_editable(self.status)


class Outcome(CouncilOwned):
    """A section E outcome: what the child or young person should achieve, and by when."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outcomes")
    text = models.TextField()
    by_when = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Section(models.TextChoices):
    F = "F", "F: special educational provision"
    G = "G", "G: health provision"
    H1 = "H1", "H1: social care provision (Chronically Sick and Disabled Persons Act)"
    H2 = "H2", "H2: other social care provision"


class Unit(models.TextChoices):
    HOUR = "hour", "Hour"
    SESSION = "session", "Session"
    DAY = "day", "Day"
    WEEK = "week", "Week"
    ITEM = "item", "Item"


class Frequency(models.TextChoices):
    PER_WEEK = "per_week", "Per week"
    PER_TERM = "per_term", "Per term"
    PER_YEAR = "per_year", "Per year"
    ONE_OFF = "one_off", "One-off"


class DeliveredAt(models.TextChoices):
    HOME = "home", "At home"
    COMMUNITY = "community", "In the community"
    SETTING = "setting", "On the premises of the school, college or early years setting"


class FundingStream(models.TextChoices):
    EDUCATION = "education", "Education"
    HEALTH = "health", "Health"
    SOCIAL_CARE = "social_care", "Social care"


SECTION_DEFAULT_STREAM = {
    Section.F: FundingStream.EDUCATION,
    Section.G: FundingStream.HEALTH,
    Section.H1: FundingStream.SOCIAL_CARE,
    Section.H2: FundingStream.SOCIAL_CARE,
}


class ProvisionItem(CouncilOwned):
    """One piece of provision in section F, G, H1 or H2: what, how much, how often, where, and who funds it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="provision_items")
    section = models.CharField(max_length=2, choices=Section.choices)
    description = models.TextField()
    quantity = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    unit = models.CharField(max_length=10, choices=Unit.choices)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    delivered_at = models.CharField(max_length=10, choices=DeliveredAt.choices)
    funding_stream = models.CharField(max_length=12, choices=FundingStream.choices)
    outcomes = models.ManyToManyField(Outcome, blank=True, related_name="provision_items")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "section", "created_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="provision_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.section}: {self.description[:60]}"

    @property
    def amount_text(self) -> str:
        """Plain English: 2 hours per week."""
        qty_text = f"{self.quantity.normalize():f}"  # 2.50 reads as 2.5, 15.00 as 15
        unit = self.get_unit_display().lower()
        if self.quantity != 1:
            unit += "s"
        frequency = "" if self.frequency == Frequency.ONE_OFF else " " + self.get_frequency_display().lower()
        once = " (one-off)" if self.frequency == Frequency.ONE_OFF else ""
        return f"{qty_text} {unit}{frequency}{once}"


class ReviewDecision(models.TextChoices):
    MAINTAIN = "maintain", "Maintain the plan as it is"
    AMEND = "amend", "Amend the plan"
    CEASE = "cease", "Cease the plan"


class PlanReview(CouncilOwned):
    """An annual review (or an early review) of a plan: the meeting, then the council's decision."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reviews")
    meeting_date = models.DateField()
    notes = models.TextField(blank=True)
    decision = models.CharField(max_length=10, choices=ReviewDecision.choices, blank=True)
    decision_issued_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "-meeting_date"]
        constraints = [
            models.CheckConstraint(
                name="review_decision_has_a_date",
                condition=Q(decision="") | Q(decision_issued_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.plan.child} on {self.meeting_date}"

    @property
    def decision_due(self):
        return rules.review_decision_due(self.meeting_date)

    @property
    def decision_late(self) -> bool:
        return bool(self.decision_issued_on and self.decision_issued_on > self.decision_due)
