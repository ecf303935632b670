"""The rules of personal budgets, each a named function that cites its DOMAIN rule."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ehcbudgets.core.dates import add_working_days
from ehcbudgets.core.money import to_money
from ehcbudgets.offer.models import Category, ManagementMode
from ehcbudgets.people.models import Relationship
from ehcbudgets.plans.models import DeliveredAt, Frequency, FundingStream, PlanStatus

from .models import RequestWindow

#: The plan statuses in which the council maintains a plan or is preparing one (DOMAIN R1).
ELIGIBLE_PLAN_STATUSES = frozenset(
    {PlanStatus.DRAFT, PlanStatus.FINAL, PlanStatus.UNDER_REVIEW, PlanStatus.UNDER_REASSESSMENT}
)
WINDOW_OF_STATUS = {
    PlanStatus.DRAFT: RequestWindow.DRAFT_PLAN,
    PlanStatus.UNDER_REVIEW: RequestWindow.REVIEW,
    PlanStatus.UNDER_REASSESSMENT: RequestWindow.REASSESSMENT,
}


def request_is_eligible(plan) -> bool:
    """A budget must be prepared when the council maintains a plan or is preparing one (it has decided to issue
    one, so there is a draft); with no plan, an assessment only, or a ceased plan the request is refused (DOMAIN R1)."""
    return plan is not None and plan.status in ELIGIBLE_PLAN_STATUSES


def request_window(plan) -> str:
    """When the request was made: while the plan was drafted, reviewed or re-assessed, or outside (DOMAIN R2)."""
    return WINDOW_OF_STATUS.get(plan.status, RequestWindow.OUTSIDE) if plan else RequestWindow.OUTSIDE


def request_decision_due(received_on: date, working_days: int) -> date:
    """The target date to decide a request: the council's number of working days after receipt (DOMAIN R35)."""
    return add_working_days(received_on, working_days)


def requester_may_ask(*, relationship: str, child_is_young_person: bool) -> bool:
    """The parent asks for a child; once over compulsory school age the young person asks themselves (DOMAIN R1)."""
    if child_is_young_person:
        return relationship == Relationship.YOUNG_PERSON
    return relationship in (Relationship.PARENT, Relationship.CARER)


def occurrences_per_year(
    *, frequency: str, delivered_at: str, weeks_per_year: Decimal, term_time_weeks: Decimal, terms_per_year: int
) -> Decimal:
    """How many times a frequency falls in a full year. Weekly provision at a school, college or early years setting
    runs in term time only (the council's term-time weeks); elsewhere all year (DOMAIN R6; ADR 7)."""
    if frequency == Frequency.PER_WEEK:
        return Decimal(term_time_weeks if delivered_at == DeliveredAt.SETTING else weeks_per_year)
    if frequency == Frequency.PER_TERM:
        return Decimal(terms_per_year)
    return Decimal(1)


def line_occurrences(
    *, frequency: str, per_year: Decimal, start: date, end: date, period_start: date, period_end: date
) -> Decimal:
    """Occurrences of a line over its dates: a full-period line gets the whole year's; a line that starts or ends part
    way gets the same share of them as its share of the period's days (both ends counted). A one-off happens once,
    whenever it falls (DOMAIN R6; ADR 7)."""
    if frequency == Frequency.ONE_OFF:
        return Decimal(1)
    period_days = (period_end - period_start).days + 1
    line_days = (min(end, period_end) - max(start, period_start)).days + 1
    if line_days <= 0:
        return Decimal(0)
    share = Decimal(line_days) / Decimal(period_days)
    return (per_year * share).quantize(Decimal("0.0001"))


def line_amount(*, quantity: Decimal, rate: Decimal, occurrences: Decimal) -> Decimal:
    """A line costs quantity x unit rate x occurrences, to the penny (halves up) (DOMAIN R6)."""
    return to_money(quantity * rate * occurrences)


def budget_is_sufficient(*, final_amount: Decimal | None, costed_total: Decimal) -> bool:
    """The amount agreed must secure the costed provision: a penny short is insufficient (DOMAIN R5, R17)."""
    return final_amount is not None and final_amount >= costed_total


def is_integrated(streams: set[str]) -> bool:
    """A budget drawing on two or more funding streams is integrated (DOMAIN R27, R30)."""
    return len(set(streams)) >= 2


def mode_problem(
    *, mode: str, category: str, allowed_modes: list[str], block_contract: bool, contract_reference: str
) -> str | None:
    """Why a line cannot be held in a management mode, or None. Placements are never direct payments (DOMAIN R9);
    block-contract provision stays an organised arrangement, naming the contract (DOMAIN R4)."""
    paid_to_family = mode in (ManagementMode.DIRECT_PAYMENT, ManagementMode.THIRD_PARTY)
    if paid_to_family and category == Category.PLACEMENT:
        return "A place at a school, college or setting can never be paid by direct payment"
    if paid_to_family and block_contract:
        return (
            f"This is bought through a block contract ({contract_reference}) for many children, so the council "
            "arranges it: taking out one child's share would harm the service to others or be inefficient"
        )
    if mode not in allowed_modes:
        return "The local offer does not allow this item to be held that way"
    return None


def needs_setting_agreement(*, mode: str, funding_stream: str, delivered_at: str) -> bool:
    """A direct payment for special educational provision delivered on a school, college or early years setting's
    premises needs that setting's written agreement (DOMAIN R13)."""
    return (
        mode == ManagementMode.DIRECT_PAYMENT
        and funding_stream == FundingStream.EDUCATION
        and delivered_at == DeliveredAt.SETTING
    )


@dataclass(frozen=True)
class RecipientFacts:
    relationship: str
    has_capacity_to_consent: bool | None
    drug_alcohol_order: bool
    nominated_in_writing_on: date | None
    nominee_consent_on: date | None
    child_is_young_person: bool
    only_social_care: bool


def recipient_problems(facts: RecipientFacts) -> list[str]:
    """Why a person cannot receive direct payments: the parent (for a child), the young person once over
    compulsory school age, or a nominee nominated in writing who agreed (a young person's parent is their nominee)
    (DOMAIN R10); a carer only for social care (DOMAIN R26); with capacity to consent (R10); and not under a drug or
    alcohol treatment order (DOMAIN R11)."""
    problems = []
    relationship = facts.relationship
    if relationship == Relationship.YOUNG_PERSON and not facts.child_is_young_person:
        problems.append("A child cannot receive direct payments until they are over compulsory school age")
    elif relationship in (Relationship.PARENT, Relationship.CARER) and facts.child_is_young_person:
        problems.append("Over compulsory school age, the young person receives the payments, or a person they nominate")
    elif relationship == Relationship.NOMINEE and not (facts.nominated_in_writing_on and facts.nominee_consent_on):
        problems.append("A nominee needs a written nomination and their recorded agreement")
    elif relationship == Relationship.CARER and not facts.only_social_care:
        problems.append("A carer without parental responsibility can receive social care direct payments only")
    elif relationship == Relationship.THIRD_PARTY:
        problems.append("An organisation manages payments as a third party; it is not the recipient")
    if facts.has_capacity_to_consent is not True:
        problems.append("Record that the recipient has capacity to consent")
    if facts.drug_alcohol_order:
        problems.append("Direct payments cannot be made to a person subject to a drug or alcohol treatment order")
    return problems


R12_TESTS = {
    "will_secure_provision": "(a) the recipient will use the payments to secure the agreed provision",
    "best_interests": "(b) the parent or nominee will act in the child's or young person's best interests",
    "no_harm_to_services": "(c) direct payments will not harm other services to children and young people with plans",
    "efficient_use": "(d) direct payments are an efficient use of the council's resources",
}


def r12_missing(evidence: dict[str, str]) -> list[str]:
    """The R12 tests not yet recorded with evidence: payments are impossible until all four hold (DOMAIN R12)."""
    return [label for field, label in R12_TESTS.items() if not (evidence.get(field) or "").strip()]
