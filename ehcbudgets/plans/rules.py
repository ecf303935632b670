"""Rules of EHC plans: status moves and review dates (DOMAIN R28, R29)."""

from datetime import date, timedelta

from ehcbudgets.core.dates import add_months
from ehcbudgets.people.rules import is_under_five

REVIEW_INTERVAL_MONTHS = 12
REVIEW_DECISION_DAYS = 28

STATUS_MOVES: dict[str, frozenset[str]] = {
    "needs_assessment": frozenset({"draft", "ceased"}),
    "draft": frozenset({"final", "ceased"}),
    "final": frozenset({"under_review", "under_reassessment", "ceased"}),
    "under_review": frozenset({"final", "draft", "ceased"}),
    "under_reassessment": frozenset({"draft", "final", "ceased"}),
    "ceased": frozenset(),
}
EDITABLE_STATUSES = frozenset({"needs_assessment", "draft", "under_review", "under_reassessment"})


def plan_status_move_allowed(current: str, new: str) -> bool:
    """Whether a plan may move from one status to another: assessment, draft, final, reviews, ceased."""
    return new in STATUS_MOVES.get(current, frozenset())


def plan_is_editable(status: str) -> bool:
    """Outcomes and provision change only while the plan is being drafted, reviewed or re-assessed."""
    return status in EDITABLE_STATUSES


def annual_review_due(*, issued_on: date, last_review_meeting: date | None) -> date:
    """The plan is reviewed within 12 months of issue, then within 12 months of the previous review (DOMAIN R28).
    Due on the anniversary at the latest; a 29 February start falls due on 28 February."""
    return add_months(last_review_meeting or issued_on, REVIEW_INTERVAL_MONTHS)


def review_decision_due(meeting_date: date) -> date:
    """The decision to maintain, amend or cease is due within 4 weeks of the review meeting (DOMAIN R28)."""
    return meeting_date + timedelta(days=REVIEW_DECISION_DAYS)


def under_five_review_due(*, born: date, issued_on: date, last_review_meeting: date | None, months: int) -> date | None:
    """For a child still under 5 on the prompt date, consider a review every 3 to 6 months, as the council's
    policy says (DOMAIN R29); None once the child is 5 or over on that date."""
    prompt = add_months(last_review_meeting or issued_on, months)
    return prompt if is_under_five(born, prompt) else None
