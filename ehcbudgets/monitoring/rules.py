"""The monitoring rules, each a named function that cites its DOMAIN rule. Each takes plain values (what the sweep
read in bulk and the council's policy values) and returns a Hit, explained in plain English to the family and the
officer alike, or None. Keys name what was found, so a finding is never raised twice (ADR 11)."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from ehcbudgets.core.dates import add_months, format_date
from ehcbudgets.core.money import format_money
from ehcbudgets.payments import rules as payment_rules
from ehcbudgets.people import rules as people_rules
from ehcbudgets.spending import rules as spending_rules

from .models import FindingRule, ReviewTrigger

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Hit:
    """What a rule found: the rule, the key that names it, its explanation, and what it is about."""

    rule: str
    key: str
    explanation: str
    amount: Decimal | None = None
    refs: dict = field(default_factory=dict)


def surplus_finding(
    *, balance: Decimal, committed: Decimal, annual_amount: Decimal, threshold_weeks: int, period_start: date
) -> Hit | None:
    """A balance above what the account is expected to hold: balance less committed spend less the threshold weeks of
    payments, above zero, once per return period (DOMAIN R32)."""
    figure = payment_rules.surplus(
        balance=balance, committed=committed, annual_amount=annual_amount, threshold_weeks=threshold_weeks
    )
    if figure <= 0:
        return None
    weeks = format_money((annual_amount / 52 * threshold_weeks).quantize(Decimal("0.01")))
    return Hit(
        FindingRule.SURPLUS,
        f"surplus:{period_start.isoformat()}",
        f"The account holds {format_money(balance)}. Taking away {format_money(committed)} owed for support already "
        f"arranged and {weeks} kept for {threshold_weeks} weeks of payments, {format_money(figure)} is more than the "
        "account needs. The council may ask for it back or pay less for a while; tell us if it is set aside for "
        "support you have planned.",
        figure,
    )


def excluded_payee_finding(*, record_id: int, payee: str, description: str, amount: Decimal, excluded: list[str]):
    """A payment to someone the agreement says not to pay (DOMAIN R16)."""
    words = spending_rules.normalise(f"{payee} {description}")
    name = spending_rules.excluded_payee_in(words, excluded)
    if name is None:
        return None
    return Hit(
        FindingRule.EXCLUDED_PAYEE,
        f"excluded_payee:{record_id}",
        f"{format_money(amount)} was paid to {payee}. The agreement says the payments must not be used to pay {name}.",
        amount,
        {"record_id": record_id},
    )


def not_allowed_finding(*, record_id: int, payee: str, description: str, amount: Decimal, restrictions: list):
    """Spending on something the council's policy says direct payments cannot buy (DOMAIN R33)."""
    words = spending_rules.normalise(f"{payee} {description}")
    restriction = spending_rules.restriction_in(words, restrictions)
    if restriction is None:
        return None
    reason = f" {restriction.reason}" if restriction.reason else ""
    return Hit(
        FindingRule.NOT_ALLOWED,
        f"not_allowed:{record_id}",
        f"{format_money(amount)} paid to {payee} looks like {restriction.text.lower()}, which direct payments cannot "
        f"be used for.{reason} If it was for the agreed support, tell us what it was.",
        amount,
        {"record_id": record_id},
    )


def unlinked_finding(*, line_id: int, payee: str, amount: Decimal, posted_on: date) -> Hit | None:
    """Money that left the account, on a saved statement, not linked to any agreed support (DOMAIN R16)."""
    if amount <= 0:
        return None
    return Hit(
        FindingRule.UNLINKED,
        f"unlinked:{line_id}",
        f"{format_money(amount)} paid to {payee} on {format_date(posted_on)} is on a statement but is not linked to "
        "any of the agreed support. Tell us what it paid for, or record it against the support it was for.",
        amount,
        {"statement_line_id": line_id},
    )


def receipt_missing_finding(
    *, record_id: int, payee: str, amount: Decimal, spent_on: date, has_receipt: bool, required_above: Decimal
) -> Hit | None:
    """Spending above the council's amount with no receipt kept (DOMAIN R16, R31)."""
    if has_receipt or amount <= required_above:
        return None
    return Hit(
        FindingRule.RECEIPT_MISSING,
        f"receipt_missing:{record_id}",
        f"{format_money(amount)} paid to {payee} on {format_date(spent_on)} has no receipt. The council asks for a "
        f"receipt or invoice for anything over {format_money(required_above)}: add a photo or PDF of it.",
        amount,
        {"record_id": record_id},
    )


def return_due_on(*, period_end: date, due_days: int) -> date:
    """The day a monitoring return is due: the council's number of days after its period ends (DOMAIN R31)."""
    return period_end + timedelta(days=due_days)


def return_overdue_finding(*, period_start: date, period_end: date, sent: bool, on: date, due_days: int) -> Hit | None:
    """A monitoring return not sent by the day it was due (DOMAIN R31)."""
    due = return_due_on(period_end=period_end, due_days=due_days)
    if sent or on <= due:
        return None
    return Hit(
        FindingRule.RETURN_OVERDUE,
        f"return_overdue:{period_start.isoformat()}",
        f"The monitoring return for {format_date(period_start)} to {format_date(period_end)} was due on "
        f"{format_date(due)} and has not been sent. It takes a few minutes from the spending you have recorded.",
    )


def no_spending_finding(*, last_spent_on: date | None, first_paid_on: date | None, on: date, weeks: int) -> Hit | None:
    """No spending for the council's number of weeks since the last spending (or since the first payment): the
    support may not be happening (DOMAIN R16)."""
    since = last_spent_on or first_paid_on
    if since is None or on < since + timedelta(weeks=weeks):
        return None
    what = (
        f"since {format_date(last_spent_on)}" if last_spent_on else f"since the first payment on {format_date(since)}"
    )
    return Hit(
        FindingRule.NO_SPENDING,
        f"no_spending:{since.isoformat()}",
        f"No spending has been recorded {what}, {weeks} weeks or more. Is the support happening? If you have paid "
        "for it, add the spending or import a statement; if something is stopping it, tell us so we can help.",
    )


def pa_relative_finding(
    *, pa_id: int, name: str, close_relative_in_household: bool, has_exception: bool, ended: bool
) -> Hit | None:
    """A close relative in the household employed as a personal assistant with no recorded exception (DOMAIN R26)."""
    if not close_relative_in_household or has_exception or ended:
        return None
    return Hit(
        FindingRule.PA_RELATIVE,
        f"pa_relative:{pa_id}",
        f"{name} is a close relative who lives in the same household. Paying them from direct payments needs an "
        "exception recorded by a manager, with the reason; none is recorded yet.",
        refs={"personal_assistant_id": pa_id},
    )


def insufficient_finding(*, amount: Decimal, needed: Decimal) -> Hit | None:
    """The direct payments are less than the agreed provision now costs for the agreement's period (DOMAIN R17)."""
    if needed <= amount:
        return None
    return Hit(
        FindingRule.INSUFFICIENT,
        f"insufficient:{needed:.2f}",  # the same figure, however it is written, is one key
        f"The agreed support now costs {format_money(needed)} for the agreement's period, but the direct payments "
        f"are {format_money(amount)}: {format_money(needed - amount)} short. Direct payments must be enough to "
        "secure the agreed support, so the council will review them.",
        needed - amount,
    )


# Reviews ------------------------------------------------------------------------------------------------------------


#: A review after a re-assessment or a change of provision is due within 4 weeks of it (DOMAIN R18).
CHANGE_REVIEW_DAYS = 28


@dataclass(frozen=True)
class Trigger:
    trigger: str
    key: str
    due_on: date


#: From 18, social care direct payments follow the adult rules: a review within 6 months (DOMAIN R26).
ADULT_REVIEW_MONTHS = 6


def adult_review_due(*, born: date, social_care: bool, began: date, ends: date) -> tuple[date, date] | None:
    """When payments with a social care part are running on the 18th birthday, the adult rules apply from that day:
    a review within 6 months of it, then at least every 12 months, which the plan's yearly review already gives
    (DOMAIN R26). Returns (the 18th birthday, the day the review is due), or None: no social care part, or 18
    already when the payments began (their first review, within 3 months, comes sooner), or the payments end
    before the birthday."""
    if not social_care:
        return None
    eighteenth = people_rules.birthday_in(born, born.year + people_rules.ADULT_AGE)
    if not began < eighteenth <= ends:
        return None
    return eighteenth, add_months(eighteenth, ADULT_REVIEW_MONTHS)


def review_triggers(
    *,
    first_paid_on: date | None,
    plan_review_due: date | None,
    reassessments: list[date],
    provision_changes: list[date],
    on: date,
    lookahead_days: int,
    adult: tuple[date, date] | None = None,
) -> list[Trigger]:
    """The reviews an agreement's direct payments need: 3 months after the first payment, with each review of the plan
    (at least yearly; sooner for under-5s), each re-assessment and each change of provision (DOMAIN R18, R28, R29),
    and within 6 months of an 18th birthday for social care payments (`adult`, from `adult_review_due`; DOMAIN R26).
    A plan review is listed once it is within the look-ahead, so the review can be held with it; the adult review
    from the birthday, when the adult rules begin."""
    triggers = []
    if adult is not None and adult[0] <= on:
        triggers.append(Trigger(ReviewTrigger.ADULT, adult[0].isoformat(), adult[1]))
    if first_paid_on is not None:
        due = payment_rules.first_review_due(first_paid_on)
        triggers.append(Trigger(ReviewTrigger.FIRST, first_paid_on.isoformat(), due))
    if plan_review_due is not None and plan_review_due <= on + timedelta(days=lookahead_days):
        triggers.append(Trigger(ReviewTrigger.PLAN_REVIEW, plan_review_due.isoformat(), plan_review_due))
    triggers += [
        Trigger(ReviewTrigger.REASSESSMENT, day.isoformat(), day + timedelta(days=CHANGE_REVIEW_DAYS))
        for day in sorted(set(reassessments))
    ]
    triggers += [
        Trigger(ReviewTrigger.PROVISION_CHANGE, day.isoformat(), day + timedelta(days=CHANGE_REVIEW_DAYS))
        for day in sorted(set(provision_changes))
    ]
    return triggers


def review_overdue(*, due_on: date, on: date) -> bool:
    """A review not recorded by its due day is overdue from the day after (DOMAIN R18)."""
    return on > due_on
