"""What the council administrator's local offer and policy routes, and the public local offer, read and write.

Money is a decimal string with two places ("1234.50"); dates are ISO 8601. The public local offer shows what the
council's public pages show, in the same words: no ids of records, nothing about any child.
"""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from ehcbudgets.api.schemas import In, Money, MoneyIn, Patch, leave_out
from ehcbudgets.councils.models import OutOfWindowRequests, PaymentFrequency, ReturnFrequency
from ehcbudgets.offer.models import Category, Funder, ManagementMode
from ehcbudgets.offer.text import block_contract_note, held_text, panel_note, rate_text
from ehcbudgets.plans.models import FundingStream, Unit

# The administrator's catalogue


class OfferItemIn(Patch):
    """A new item of the council's local offer. Fields left out take their usual values (changes() sends only
    those given, so the service applies its own defaults)."""

    code: str = Field(description="Capitals, digits and hyphens, unique in the council's offer: SLT-1.")
    name: str
    description: str = ""
    category: Category
    funding_stream: FundingStream
    funder: Funder = leave_out(description="Left out: the funding stream's usual funder (DOMAIN R27).")
    unit: Unit
    allows_direct_payment: bool = True
    allows_organised: bool = True
    allows_third_party: bool = True
    block_contract: bool = False
    contract_reference: str = Field("", description="Needed for a block contract (DOMAIN R4).")
    in_local_offer: bool = Field(True, description="False: a line priced by this item goes to the SEN panel.")
    active: bool = True


class OfferItemPatch(Patch):
    code: str = leave_out()
    name: str = leave_out()
    description: str = leave_out()
    category: Category = leave_out()
    funding_stream: FundingStream = leave_out()
    funder: Funder = leave_out()
    unit: Unit = leave_out()
    allows_direct_payment: bool = leave_out()
    allows_organised: bool = leave_out()
    allows_third_party: bool = leave_out()
    block_contract: bool = leave_out()
    contract_reference: str = leave_out()
    in_local_offer: bool = leave_out()
    active: bool = leave_out(description="False: no longer offered; budgets already priced by it keep their rate.")


class RateIn(In):
    amount: MoneyIn = Field(description="The price of one unit, as a string: 25.60.")
    effective_from: date = Field(description="From when; one rate an item a date, and a rate is never changed.")


# The council's policy


def _places(value, places: int) -> str | None:
    return None if value is None else f"{Decimal(value):.{places}f}"


class PolicyOut(Schema):
    id: int | None = Field(description="Null when no policy was recorded yet and the defaults are in force.")
    effective_from: date
    under_five_review_months: int
    out_of_window_requests: OutOfWindowRequests
    decision_target_working_days: int
    default_payment_frequency: PaymentFrequency
    suspension_after_weeks: int
    retention_years: int
    return_frequency: ReturnFrequency
    evidence_deadline_days: int
    return_due_days: int
    receipt_required_above: Money
    no_spending_weeks: int
    contingency_min_weeks: int
    surplus_threshold_weeks: int
    recovery_due_days: int
    reduction_notice_days: int
    pa_min_age: int
    pa_exception_min_age: int
    pa_min_budget: Money | None
    weeks_per_year: str = Field(description="A decimal with one place, as a string: 52.0.")
    term_time_weeks: str = Field(description="A decimal with one place, as a string: 39.0.")
    terms_per_year: int
    budget_policy_text: str
    created_at: datetime | None

    @staticmethod
    def resolve_weeks_per_year(obj) -> str:
        return _places(obj.weeks_per_year, 1)

    @staticmethod
    def resolve_term_time_weeks(obj) -> str:
        return _places(obj.term_time_weeks, 1)


class PolicyHistoryOut(Schema):
    in_force: PolicyOut = Field(description="The policy in force today (the defaults where none was recorded).")
    history: list[PolicyOut] = Field(description="Every dated policy record, newest first, future ones included.")


class PolicyIn(Patch):
    """A new dated policy record; values left out carry over from the policy in force the day before."""

    effective_from: date
    under_five_review_months: int = leave_out()
    out_of_window_requests: OutOfWindowRequests = leave_out()
    decision_target_working_days: int = leave_out()
    default_payment_frequency: PaymentFrequency = leave_out()
    suspension_after_weeks: int = leave_out()
    retention_years: int = leave_out()
    return_frequency: ReturnFrequency = leave_out()
    evidence_deadline_days: int = leave_out()
    return_due_days: int = leave_out()
    receipt_required_above: MoneyIn = leave_out()
    no_spending_weeks: int = leave_out()
    contingency_min_weeks: int = leave_out()
    surplus_threshold_weeks: int = leave_out()
    recovery_due_days: int = leave_out()
    reduction_notice_days: int = leave_out()
    pa_min_age: int = leave_out()
    pa_exception_min_age: int = leave_out()
    pa_min_budget: MoneyIn | None = None
    weeks_per_year: Decimal = leave_out()
    term_time_weeks: Decimal = leave_out()
    terms_per_year: int = leave_out()
    budget_policy_text: str = leave_out()


# The public local offer


class PublicCouncilOut(Schema):
    code: str = Field(description="The council's code, as in its public pages' address.")
    name: str


class PublicOfferItemOut(Schema):
    """Something a personal budget can pay for, as the council's public page shows it."""

    code: str
    name: str
    description: str
    category: Category
    category_label: str
    funding_stream: FundingStream
    unit: Unit
    rate: Money | None = Field(description="The price of one unit in force today; null when none is in force yet.")
    rate_from: date | None = Field(description="When today's rate took effect.")
    rate_text: str = Field(description="In plain English: £25.60 an hour.")
    allowed_modes: list[ManagementMode] = Field(description="How the support may be held.")
    held: str = Field(description="How it may be held, in plain English.")
    block_contract: bool
    contract_reference: str
    in_local_offer: bool = Field(description="False: the SEN panel decides.")
    notes: list[str] = Field(description="Why a block contract is arranged by the council; when the panel decides.")

    @staticmethod
    def resolve_category_label(obj) -> str:
        return Category(obj.category).label

    @staticmethod
    def resolve_rate(obj):
        return obj.rate_amount

    @staticmethod
    def resolve_rate_text(obj) -> str:
        return rate_text(obj.rate_amount, obj.unit)

    @staticmethod
    def resolve_held(obj) -> str:
        return held_text(obj)

    @staticmethod
    def resolve_notes(obj) -> list[str]:
        return [note for note in (block_contract_note(obj), panel_note(obj)) if note]


class PublicPlacementOut(Schema):
    code: str
    name: str
    description: str


class PublicRestrictionOut(Schema):
    text: str
    reason: str


class PublicOfferOut(Schema):
    council: PublicCouncilOut
    advice_text: str = Field(description="Where families can get advice.")
    on: date = Field(description="The day the rates are those in force on: today.")
    items: list[PublicOfferItemOut] = Field(description="What a personal budget can pay for, by category and name.")
    placements: list[PublicPlacementOut] = Field(
        description="Places at a school, college or setting: costed by the council, never paid for by a personal "
        "budget (DOMAIN R9)."
    )
    restrictions: list[PublicRestrictionOut] = Field(description="What direct payments cannot be spent on (R33).")
