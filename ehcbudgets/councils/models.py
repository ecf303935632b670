"""Tenants: councils, the ICBs that partner them, and each council's dated policy."""

from datetime import date
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models


class ICB(models.Model):
    """An Integrated Care Board: the NHS body that funds health provision (formerly a CCG)."""

    name = models.CharField(max_length=200, unique=True)
    code = models.CharField(max_length=10, unique=True, validators=[RegexValidator(r"^[A-Z0-9]{2,10}$")])
    former_ccg_names = models.TextField(blank=True, help_text="The CCGs it replaced, as old documents name them.")

    class Meta:
        verbose_name = "ICB (formerly CCG)"
        verbose_name_plural = "ICBs (formerly CCGs)"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Council(models.Model):
    """A local authority that maintains EHC plans: one tenant of the installation."""

    name = models.CharField(max_length=200, unique=True)
    code = models.SlugField(max_length=20, unique=True, help_text="Short code used in addresses, e.g. brightwater.")
    icb = models.ForeignKey(ICB, on_delete=models.PROTECT, related_name="councils", verbose_name="partner ICB")
    advice_text = models.TextField(blank=True, help_text="Where families can get advice (e.g. the SENDIASS).")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CouncilOwned(models.Model):
    """Every row a council owns carries its council, so every query can filter by it (ARCHITECTURE scale plan)."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class OutOfWindowRequests(models.TextChoices):
    ACCEPT_FLAGGED = "accept_flagged", "Accept the request and flag it"
    REFUSE = "refuse", "Refuse the request"


class PaymentFrequency(models.TextChoices):
    FOUR_WEEKLY = "four_weekly", "Every 4 weeks"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    TERMLY = "termly", "Termly"
    ONE_OFF = "one_off", "One-off"


class ReturnFrequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    SIX_MONTHLY = "six_monthly", "Every 6 months"
    ANNUAL = "annual", "Once a year"


def _between(low: int, high: int) -> list:
    return [MinValueValidator(low), MaxValueValidator(high)]


class CouncilPolicy(CouncilOwned):
    """A council's policy values in force from a date; a change is a new dated record, never an edit.

    Every value marked **Policy** in DOMAIN.md lives here with the default DOMAIN.md gives."""

    effective_from = models.DateField()
    under_five_review_months = models.PositiveSmallIntegerField(
        default=6,
        validators=_between(3, 6),
        help_text="How often to consider reviewing the plan of a child under 5, in months (DOMAIN R29: 3 to 6).",
    )
    out_of_window_requests = models.CharField(
        max_length=20,
        choices=OutOfWindowRequests.choices,
        default=OutOfWindowRequests.ACCEPT_FLAGGED,
        help_text="A budget request made outside a draft plan, review or re-assessment (DOMAIN R2).",
    )
    decision_target_working_days = models.PositiveSmallIntegerField(
        default=10, validators=_between(1, 60), help_text="Working days to decide a budget request (DOMAIN R35)."
    )
    default_payment_frequency = models.CharField(
        max_length=12,
        choices=PaymentFrequency.choices,
        default=PaymentFrequency.FOUR_WEEKLY,
        help_text="How often direct payments are paid unless agreed otherwise (DOMAIN R35).",
    )
    payment_cycle_starts = models.DateField(
        default=date(2026, 4, 6),
        help_text="A day on which the council's weekly and 4-weekly payment cycles begin; cycle days follow every 7 "
        "or 28 days from it (DOMAIN R35, ADR 9).",
    )
    notice_deemed_received_working_days = models.PositiveSmallIntegerField(
        default=2,
        validators=_between(0, 5),
        help_text="Working days after sending that a notice is taken to have reached the family; a notice period "
        "starts from then (DOMAIN R21 to R23, ADR 9).",
    )
    suspension_after_weeks = models.PositiveSmallIntegerField(
        default=4,
        validators=_between(1, 52),
        help_text="Suspend payments when the child is in hospital or abroad for more than this many weeks (R35).",
    )
    retention_years = models.PositiveSmallIntegerField(
        default=7, validators=_between(1, 25), help_text="Years records are kept after a budget ends (DOMAIN R35)."
    )
    return_frequency = models.CharField(
        max_length=12,
        choices=ReturnFrequency.choices,
        default=ReturnFrequency.QUARTERLY,
        help_text="How often families send a monitoring return (DOMAIN R31).",
    )
    evidence_deadline_days = models.PositiveSmallIntegerField(
        default=28, validators=_between(7, 90), help_text="Days a family has to send evidence asked for (R31)."
    )
    return_due_days = models.PositiveSmallIntegerField(
        default=28,
        validators=_between(7, 90),
        help_text="Days after a return period ends that the family's monitoring return is due (DOMAIN R31).",
    )
    receipt_required_above = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal("50.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text="Spending above this amount needs a receipt kept with its record (DOMAIN R16, R31).",
    )
    no_spending_weeks = models.PositiveSmallIntegerField(
        default=8,
        validators=_between(2, 52),
        help_text="Weeks without any spending after which the council checks the support is happening (R16).",
    )
    contingency_min_weeks = models.PositiveSmallIntegerField(
        default=4,
        validators=_between(0, 26),
        help_text="Weeks of payments an account is expected to hold, at least (R32).",
    )
    surplus_threshold_weeks = models.PositiveSmallIntegerField(
        default=8,
        validators=_between(1, 26),
        help_text="Weeks of payments above which a balance is surplus the council may recover (DOMAIN R32).",
    )
    recovery_due_days = models.PositiveSmallIntegerField(
        default=14, validators=_between(7, 90), help_text="Days to repay money the council recovers (DOMAIN R23)."
    )
    reduction_notice_days = models.PositiveSmallIntegerField(
        default=28,
        validators=_between(14, 120),
        help_text="Days' notice before a reduction or stop of direct payments takes effect (DOMAIN R21, R22).",
    )
    pa_min_age = models.PositiveSmallIntegerField(
        default=18, validators=_between(16, 25), help_text="Youngest age of a personal assistant (DOMAIN R34)."
    )
    pa_exception_min_age = models.PositiveSmallIntegerField(
        default=16,
        validators=_between(16, 25),
        help_text="Youngest age of a personal assistant by recorded exception (DOMAIN R34).",
    )
    pa_min_budget = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Smallest yearly direct payment from which a personal assistant may be employed (DOMAIN R34).",
    )
    weeks_per_year = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        default=52,
        validators=[MinValueValidator(1), MaxValueValidator(53)],
        help_text="Weeks a weekly provision runs in a year when it is not tied to term time.",
    )
    term_time_weeks = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        default=39,
        validators=[MinValueValidator(1), MaxValueValidator(53)],
        help_text="Weeks a weekly provision delivered at a school, college or early years setting runs in a year.",
    )
    terms_per_year = models.PositiveSmallIntegerField(
        default=3, validators=_between(1, 6), help_text="Terms in a year, for provision costed per term."
    )
    budget_policy_text = models.TextField(
        blank=True, help_text="The council's personal budget policy, published on its public pages (DOMAIN R3)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["council", "-effective_from"]
        verbose_name_plural = "council policies"
        constraints = [
            models.UniqueConstraint(fields=["council", "effective_from"], name="one_policy_per_council_per_date"),
            models.CheckConstraint(
                condition=models.Q(under_five_review_months__gte=3, under_five_review_months__lte=6),
                name="under_five_review_months_3_to_6",
            ),
            models.CheckConstraint(
                condition=models.Q(pa_exception_min_age__lte=models.F("pa_min_age")),
                name="pa_exception_age_not_above_minimum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council} policy from {self.effective_from}"
