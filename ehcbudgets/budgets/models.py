"""Personal budget requests, budgets built line by line from the plan, and the decisions on them."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ehcbudgets.councils.models import CouncilOwned
from ehcbudgets.offer.models import Funder, ManagementMode
from ehcbudgets.plans.models import Frequency, FundingStream


class RequestWindow(models.TextChoices):
    DRAFT_PLAN = "draft_plan", "While the plan was being drafted"
    REVIEW = "review", "During a review of the plan"
    REASSESSMENT = "reassessment", "During a re-assessment"
    OUTSIDE = "outside", "Outside those times"


class RequestChannel(models.TextChoices):
    ONLINE = "online", "Online"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    IN_PERSON = "in_person", "In person"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Being worked on"
    REFUSED = "refused", "Refused"
    DECIDED = "decided", "Decided"
    WITHDRAWN = "withdrawn", "Withdrawn"


class BudgetRequest(CouncilOwned):
    """A request for a personal budget, made by the parent or the young person (DOMAIN R1, R2)."""

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="budget_requests")
    plan = models.ForeignKey("plans.Plan", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        "people.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requester_name = models.CharField(max_length=200)
    channel = models.CharField(max_length=10, choices=RequestChannel.choices)
    received_on = models.DateField()
    window = models.CharField(max_length=12, choices=RequestWindow.choices)
    outside_window = models.BooleanField(default=False)
    what_for = models.TextField(blank=True, help_text="What the family would like the budget to pay for.")
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    refusal_reason = models.TextField(blank=True)
    decision_due_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="refused_requests_have_reasons", condition=~Q(status="refused") | ~Q(refusal_reason="")
            )
        ]

    def __str__(self) -> str:
        return f"Budget request for {self.child} received {self.received_on}"


class BudgetStatus(models.TextChoices):
    DRAFT = "draft", "Being prepared"
    AWAITING_APPROVAL = "awaiting_approval", "Waiting for approval"
    AWAITING_PANEL = "awaiting_panel", "Waiting for the SEN panel"
    APPROVED = "approved", "Agreed"
    REFUSED = "refused", "Refused"
    SUPERSEDED = "superseded", "Replaced by a newer budget"


class Budget(CouncilOwned):
    """A personal budget for a period, built line by line from the plan's provision (DOMAIN R5, R6, R8)."""

    request = models.ForeignKey(BudgetRequest, on_delete=models.PROTECT, related_name="budgets")
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="budgets")
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="budgets")
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=20, choices=BudgetStatus.choices, default=BudgetStatus.DRAFT)
    indicative_amount = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="An early estimate given while planning, kept apart from the final amount (DOMAIN R5).",
    )
    final_amount = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The amount agreed. It must be at least the total of the costed lines (DOMAIN R5).",
    )
    costed_total = models.DecimalField(
        max_digits=12, decimal_places=2, default=0, help_text="The sum of the lines, derived by the service."
    )
    insufficient = models.BooleanField(
        default=False, help_text="The agreed amount no longer covers the costed lines (DOMAIN R5, R17)."
    )
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    section_j = models.ForeignKey(
        "letters.Letter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Section J of the plan, generated from this budget once agreed (DOMAIN R7).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="budget_period_ends_after_start", condition=Q(period_end__gt=models.F("period_start"))
            ),
            # Maker-checker: whoever prepared a budget cannot be the one who approved it.
            models.CheckConstraint(
                name="budget_approver_is_not_preparer",
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("prepared_by")),
            ),
            models.CheckConstraint(
                name="budget_approver_is_not_submitter",
                condition=Q(approved_by__isnull=True)
                | Q(submitted_by__isnull=True)
                | ~Q(approved_by=models.F("submitted_by")),
            ),
            models.UniqueConstraint(fields=["plan"], condition=Q(status="approved"), name="one_agreed_budget_per_plan"),
        ]

    def __str__(self) -> str:
        return f"Personal budget for {self.child}, {self.period_start} to {self.period_end}"


class BudgetLine(CouncilOwned):
    """One costed line: a plan provision item, priced from the rate card, held in one management mode (R6, R8, R27)."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    provision_item = models.ForeignKey("plans.ProvisionItem", on_delete=models.PROTECT, related_name="budget_lines")
    offer_item = models.ForeignKey("offer.OfferItem", on_delete=models.PROTECT, related_name="budget_lines")
    rate = models.ForeignKey("offer.Rate", on_delete=models.PROTECT, related_name="budget_lines")
    quantity = models.DecimalField(max_digits=8, decimal_places=2)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    occurrences = models.DecimalField(
        max_digits=10, decimal_places=4, help_text="How many times the frequency falls in the line's dates."
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2, help_text="Derived: quantity x rate x occurrences.")
    funding_stream = models.CharField(max_length=12, choices=FundingStream.choices)
    funder = models.CharField(max_length=20, choices=Funder.choices)
    management_mode = models.CharField(max_length=24, choices=ManagementMode.choices)
    mode_reason = models.TextField(
        blank=True, help_text="Why the line is held this way, in words for the family (e.g. the block contract)."
    )
    needs_panel = models.BooleanField(default=False, help_text="The item is outside the local offer.")
    setting_agreement_name = models.CharField(max_length=200, blank=True)
    setting_agreement_role = models.CharField(max_length=100, blank=True)
    setting_agreement_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["budget", "provision_item__section", "pk"]
        constraints = [
            models.CheckConstraint(name="line_ends_after_it_starts", condition=Q(end_date__gte=models.F("start_date"))),
            models.CheckConstraint(name="line_amount_not_negative", condition=Q(amount__gte=0)),
            models.CheckConstraint(name="line_quantity_positive", condition=Q(quantity__gt=0)),
            models.UniqueConstraint(fields=["budget", "provision_item"], name="one_line_per_provision_item"),
        ]

    def __str__(self) -> str:
        return f"{self.offer_item.name}: £{self.amount}"


class DirectPaymentCase(CouncilOwned):
    """Who would receive the direct payments of a budget, and the council's four findings (DOMAIN R10, R11, R12)."""

    budget = models.OneToOneField(Budget, on_delete=models.CASCADE, related_name="direct_payment_case")
    recipient = models.ForeignKey("people.Contact", on_delete=models.PROTECT, related_name="+")
    will_secure_provision = models.TextField(blank=True, help_text="R12(a): evidence the recipient will secure it.")
    best_interests = models.TextField(blank=True, help_text="R12(b): evidence of acting in the child's best interests.")
    no_harm_to_services = models.TextField(blank=True, help_text="R12(c): why other services will not be harmed.")
    efficient_use = models.TextField(blank=True, help_text="R12(d): why it is an efficient use of resources.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Direct payments for {self.budget}"


class DecisionKind(models.TextChoices):
    APPROVE = "approve", "Budget agreed"
    REFUSE_BUDGET = "refuse_budget", "Budget refused"
    REFUSE_DIRECT_PAYMENT = "refuse_direct_payment", "Direct payment refused for a line"
    REQUEST_NOT_ELIGIBLE = "request_not_eligible", "Request refused: not eligible"


class RefusalReason(models.TextChoices):
    NO_PLAN = "no_plan", "There is no EHC plan and none is being prepared"
    OUTSIDE_WINDOW = "outside_window", "The request was made outside the times the council's policy allows"
    BLOCK_CONTRACT = (
        "block_contract",
        "The support is bought through one contract for many children, so the council arranges it",
    )
    PLACEMENT = "placement", "A place at a school, college or setting is never paid by direct payment"
    RECIPIENT_NOT_ELIGIBLE = "recipient_not_eligible", "The person who would receive the payments is not eligible"
    TEST_A = "r12_a", "We are not satisfied the payments would be used to secure the agreed support"
    TEST_B = "r12_b", "We are not satisfied the payments would be used in the child's best interests"
    TEST_C = "r12_c", "Direct payments would harm the services we provide to other children and young people"
    TEST_D = "r12_d", "Direct payments would not be an efficient use of the council's resources"
    SETTING_AGREEMENT = (
        "setting_agreement",
        "The school, college or setting has not agreed to the support on its premises",
    )
    OTHER = "other", "Another reason, given in words"


class Decision(CouncilOwned):
    """A decision on a request or a budget, with the reasons the law asks for (DOMAIN R12, R14)."""

    budget = models.ForeignKey(Budget, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    request = models.ForeignKey(BudgetRequest, on_delete=models.PROTECT, related_name="decisions")
    line = models.ForeignKey(BudgetLine, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=24, choices=DecisionKind.choices)
    reason_code = models.CharField(max_length=24, choices=RefusalReason.choices, blank=True)
    reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField()
    letter = models.ForeignKey("letters.Letter", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="refusals_have_a_code_and_reasons",
                condition=Q(kind="approve") | (~Q(reason_code="") & ~Q(reasons="")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.decided_on}"

    @property
    def is_refusal(self) -> bool:
        return self.kind != DecisionKind.APPROVE


class ReviewRequestStatus(models.TextChoices):
    OPEN = "open", "Waiting for the council to reconsider"
    UPHELD = "upheld", "Decision upheld"
    CHANGED = "changed", "Decision changed"


class DecisionReviewRequest(CouncilOwned):
    """A family's request that a refusal be reviewed; the council considers it and writes with reasons (R14)."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="review_requests")
    requested_on = models.DateField()
    grounds = models.TextField()
    status = models.CharField(max_length=10, choices=ReviewRequestStatus.choices, default=ReviewRequestStatus.OPEN)
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
            models.UniqueConstraint(fields=["decision"], name="one_review_request_per_decision"),
            models.CheckConstraint(
                name="review_outcomes_have_reasons", condition=Q(status="open") | ~Q(outcome_reasons="")
            ),
        ]


class PanelOutcome(models.TextChoices):
    AGREED = "agreed", "Agreed"
    NOT_AGREED = "not_agreed", "Not agreed"


class PanelReferral(CouncilOwned):
    """Lines outside the local offer go to the SEN panel, whose decision is recorded with reasons."""

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="panel_referrals")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referred_on = models.DateField()
    question = models.TextField()
    outcome = models.CharField(max_length=12, choices=PanelOutcome.choices, blank=True)
    reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-referred_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="panel_outcomes_have_reasons", condition=Q(outcome="") | ~Q(reasons=""))
        ]


class BudgetAlert(CouncilOwned):
    """Something about an agreed budget the case officer must act on, e.g. it no longer covers its lines (R17)."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20, default="insufficient")
    message = models.TextField()
    raised_on = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "kind"], condition=Q(resolved_on__isnull=True), name="one_open_alert_per_kind"
            )
        ]

    def __str__(self) -> str:
        return self.message
