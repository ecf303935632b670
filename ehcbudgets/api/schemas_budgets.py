"""What the budget and local offer routes read and write. Money is a decimal string with two places ("1234.50").

Families see their child's budgets as the family page does: the lines, totals and decisions, never the council's
workings (approval blockers, the R12 evidence, the panel's deliberation), which are null for them.
"""

from datetime import date, datetime

from ninja import Field, Schema

from ehcbudgets.accounts.permissions import Perm, has_perm
from ehcbudgets.api.schemas import In, Money, MoneyIn, Patch, leave_out
from ehcbudgets.budgets import selectors
from ehcbudgets.budgets.models import (
    BudgetStatus,
    DecisionKind,
    PanelOutcome,
    RefusalReason,
    RequestChannel,
    RequestStatus,
    RequestWindow,
    ReviewRequestStatus,
)
from ehcbudgets.core.dates import today
from ehcbudgets.offer.models import Category, Funder, ManagementMode
from ehcbudgets.offer.selectors import rate_in_force
from ehcbudgets.plans.models import DeliveredAt, Frequency, FundingStream, Section, Unit


def _sees_workings(context) -> bool:
    """Whether the caller is council staff who may see how a budget is decided (Perm.BUDGET_VIEW): never a family."""
    return has_perm(context["request"].user, Perm.BUDGET_VIEW)


# The local offer


class RateOut(Schema):
    id: int
    item_id: int
    amount: Money = Field(description="The price of one unit.")
    effective_from: date
    created_at: datetime


class CurrentRateOut(Schema):
    id: int
    amount: Money
    effective_from: date


class OfferItemOut(Schema):
    id: int
    code: str
    name: str
    description: str
    category: Category
    funding_stream: FundingStream
    funder: Funder
    unit: Unit
    allowed_modes: list[ManagementMode] = Field(description="How a line priced by this item may be held.")
    block_contract: bool
    contract_reference: str
    in_local_offer: bool = Field(description="False: a line priced by this item goes to the SEN panel.")
    active: bool
    current_rate: CurrentRateOut | None = Field(description="The rate in force today; null when there is none yet.")

    @staticmethod
    def resolve_current_rate(obj):
        return rate_in_force(item=obj, on=today())


# Requests


class BudgetRequestIn(In):
    requester: int | None = Field(
        None,
        description="Staff: the id of the child's contact who asked (required). Families leave it out: they ask as "
        "themselves.",
    )
    channel: RequestChannel | None = Field(
        None, description="Staff: how the request came (required). Families leave it out: theirs is online."
    )
    received_on: date | None = Field(
        None, description="Staff: when the request was received; left out, today. Families leave it out."
    )
    what_for: str = Field("", description="What the family would like the budget to pay for.")


class BudgetRequestOut(Schema):
    id: int
    child_id: int
    plan_id: int | None
    requester_id: int | None = Field(description="The contact who asked.")
    requester_name: str
    channel: RequestChannel
    received_on: date
    window: RequestWindow = Field(description="When the request was made in the plan's life (DOMAIN R2).")
    outside_window: bool
    what_for: str
    status: RequestStatus
    refusal_reason: str
    decision_due_on: date = Field(description="The council's target date for a decision (DOMAIN R35).")
    created_at: datetime

    @staticmethod
    def resolve_requester_id(obj) -> int | None:
        return obj.requested_by_id


# Budgets


class BudgetStartIn(In):
    period_start: date
    period_end: date | None = Field(None, description="Left out, the day before the first anniversary of the start.")
    indicative_amount: MoneyIn | None = Field(None, description="An early estimate, kept apart from the final amount.")


class BudgetLineIn(Patch):
    """Fields left out keep the line's values; a new line starts from the plan's provision, the budget period and the
    first way of holding it the item allows."""

    offer_item: int = leave_out(description="The id of the local offer item that prices the provision.")
    management_mode: ManagementMode = leave_out()
    start_date: date = leave_out()
    end_date: date = leave_out()
    setting_agreement_name: str = leave_out(description="Who at the setting agreed (DOMAIN R13).")
    setting_agreement_role: str = leave_out()
    setting_agreement_on: date | None = None


class BudgetLineOut(Schema):
    id: int
    budget_id: int
    provision_item_id: int
    section: Section
    provision: str = Field(description="The plan's words for the provision.")
    offer_item_id: int
    offer_item_name: str
    rate_id: int
    rate: Money = Field(description="The unit rate in force on the line's start date.")
    quantity: str = Field(description="A decimal with two places, as a string: 2.50.")
    frequency: Frequency
    delivered_at: DeliveredAt
    start_date: date
    end_date: date
    occurrences: str = Field(description="How many times the frequency falls in the line's dates, to 4 places.")
    amount: Money
    funding_stream: FundingStream
    funder: Funder
    management_mode: ManagementMode
    mode_reason: str
    needs_panel: bool = Field(description="The item is outside the local offer, so the SEN panel must agree.")
    setting_agreement_name: str
    setting_agreement_role: str
    setting_agreement_on: date | None

    @staticmethod
    def resolve_section(obj) -> str:
        return obj.provision_item.section

    @staticmethod
    def resolve_provision(obj) -> str:
        return obj.provision_item.description

    @staticmethod
    def resolve_delivered_at(obj) -> str:
        return obj.provision_item.delivered_at

    @staticmethod
    def resolve_offer_item_name(obj) -> str:
        return obj.offer_item.name

    @staticmethod
    def resolve_rate(obj):
        return obj.rate.amount

    @staticmethod
    def resolve_quantity(obj) -> str:
        return f"{obj.quantity:.2f}"

    @staticmethod
    def resolve_occurrences(obj) -> str:
        return f"{obj.occurrences:.4f}"


class TotalsOut(Schema):
    total: Money
    by_stream: dict[FundingStream, Money]
    by_funder: dict[Funder, Money]
    by_mode: dict[ManagementMode, Money]
    integrated: bool = Field(description="Two or more funding streams: an integrated budget (DOMAIN R27).")


class DirectPaymentCaseIn(In):
    recipient: int = Field(description="The id of the child's contact who would receive the direct payments.")
    will_secure_provision: str = Field("", description="R12(a): evidence the recipient will secure the provision.")
    best_interests: str = Field("", description="R12(b): evidence of acting in the child's best interests.")
    no_harm_to_services: str = Field("", description="R12(c): why other services will not be harmed.")
    efficient_use: str = Field("", description="R12(d): why it is an efficient use of resources.")


class DirectPaymentCaseOut(Schema):
    id: int
    budget_id: int
    recipient_id: int
    recipient_name: str
    will_secure_provision: str
    best_interests: str
    no_harm_to_services: str
    efficient_use: str
    updated_at: datetime

    @staticmethod
    def resolve_recipient_name(obj) -> str:
        return obj.recipient.full_name


class ReviewRequestIn(In):
    grounds: str = Field("", description="Why the family think the decision should change.")
    requested_on: date | None = Field(None, description="When the review was asked for; left out, today.")


class ReviewRequestOut(Schema):
    id: int
    decision_id: int
    requested_on: date
    grounds: str
    status: ReviewRequestStatus
    outcome_reasons: str
    decided_on: date | None
    letter_id: int | None = Field(description="The letter that gave the outcome.")


class ReviewDecisionIn(In):
    upheld: bool = Field(description="True: the decision stands. False: it is changed and goes back to the officer.")
    reasons: str = ""


class DecisionOut(Schema):
    id: int
    kind: DecisionKind
    reason_code: RefusalReason | None
    reasons: str
    decided_on: date
    request_id: int
    budget_id: int | None
    line_id: int | None = Field(description="The line whose direct payment was refused.")
    letter_id: int | None = Field(description="The letter that gave the decision.")
    review_request: ReviewRequestOut | None = Field(description="The family's request to review it, if any.")

    @staticmethod
    def resolve_reason_code(obj) -> str | None:
        return obj.reason_code or None

    @staticmethod
    def resolve_review_request(obj):
        return obj.review_requests.first()


class RefusalIn(In):
    reason_code: RefusalReason | None = None
    reasons: str = Field("", description="The reasons, in words the family will understand (DOMAIN R14).")


class PanelReferralOut(Schema):
    id: int
    budget_id: int
    referred_on: date
    question: str
    outcome: PanelOutcome | None
    reasons: str
    decided_on: date | None

    @staticmethod
    def resolve_outcome(obj) -> str | None:
        return obj.outcome or None


class PanelDecisionIn(In):
    outcome: PanelOutcome | None = None
    reasons: str = ""


class SubmitIn(In):
    final_amount: MoneyIn = Field(description="The amount agreed: at least the total of the costed lines (DOMAIN R5).")


class BudgetOut(Schema):
    id: int
    request_id: int
    child_id: int
    plan_id: int
    status: BudgetStatus
    period_start: date
    period_end: date
    indicative_amount: Money | None = Field(description="An early estimate, never the amount agreed (DOMAIN R5).")
    final_amount: Money | None
    costed_total: Money = Field(description="The total of the lines.")
    insufficient: bool = Field(description="The amount agreed no longer covers the lines (DOMAIN R5, R17).")
    submitted_at: datetime | None
    decided_on: date | None
    section_j_id: int | None = Field(description="The letter holding Section J, once written (DOMAIN R7).")
    created_at: datetime
    updated_at: datetime


class BudgetDetailOut(BudgetOut):
    """A budget with its lines, totals and decisions; for council staff, also what blocks approval, the direct
    payment findings and the panel referrals (null for families)."""

    lines: list[BudgetLineOut]
    totals: TotalsOut
    decisions: list[DecisionOut]
    approval_blockers: list[str] | None = Field(
        description="Staff only: everything that stops approval, empty when nothing does."
    )
    direct_payment_case: DirectPaymentCaseOut | None = Field(
        description="Staff only: who would receive direct payments and the council's R12 evidence."
    )
    panel_referrals: list[PanelReferralOut] | None = Field(description="Staff only.")

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(selectors.lines_of(budget=obj))

    @staticmethod
    def resolve_totals(obj) -> dict:
        return selectors.totals(budget=obj)

    @staticmethod
    def resolve_decisions(obj) -> list:
        return list(selectors.decisions_of(child=obj.child).filter(budget=obj))

    @staticmethod
    def resolve_approval_blockers(obj, context) -> list[str] | None:
        return selectors.approval_blockers(budget=obj) if _sees_workings(context) else None

    @staticmethod
    def resolve_direct_payment_case(obj, context):
        return getattr(obj, "direct_payment_case", None) if _sees_workings(context) else None

    @staticmethod
    def resolve_panel_referrals(obj, context) -> list | None:
        return list(obj.panel_referrals.all()) if _sees_workings(context) else None


class BudgetRequestDetailOut(BudgetRequestOut):
    """A request with its budgets and the decisions on it (a request refused as ineligible has no budget)."""

    budgets: list[BudgetOut]
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_budgets(obj, context) -> list:
        return list(selectors.budgets_visible_to(context["request"].user).filter(request=obj))

    @staticmethod
    def resolve_decisions(obj) -> list:
        return list(selectors.decisions_of(child=obj.child).filter(request=obj))
