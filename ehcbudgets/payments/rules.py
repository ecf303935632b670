"""The rules of direct payments, each a named function that cites its DOMAIN rule. ADR 9 explains the choices."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from ehcbudgets.core.dates import add_months, add_working_days, is_working_day
from ehcbudgets.councils.models import PaymentFrequency
from ehcbudgets.people.rules import age_on

PENNY = Decimal("0.01")
CYCLE_DAYS = {PaymentFrequency.WEEKLY: 7, PaymentFrequency.FOUR_WEEKLY: 28}


@dataclass(frozen=True)
class Period:
    """One payment of a schedule: paid in advance on `due_on` for the days `start` to `end`, with a weight (1 for a
    full period, less for a shorter first one)."""

    due_on: date
    start: date
    end: date
    weight: Fraction


def split_largest_remainder(total: Decimal, weights: list[Fraction]) -> list[Decimal]:
    """Split a sum of money in proportion to weights so the parts add up to it exactly: each part gets its whole
    pence, and the pence left over go one each to the largest remainders, earlier parts first on a tie (DOMAIN R35;
    ARCHITECTURE convention 5)."""
    if total != total.quantize(PENNY):
        raise ValueError("The total must be in whole pence")
    if not weights:
        if total:
            raise ValueError("A non-zero total needs at least one part")
        return []
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        raise ValueError("Weights must be positive")
    pence = int(total * 100)
    sign = -1 if pence < 0 else 1
    pence = abs(pence)
    whole = sum(weights)
    exact = [Fraction(pence) * w / whole for w in weights]
    floors = [int(e) for e in exact]  # int() truncates; every share is positive
    left = pence - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [sign * Decimal(p) / 100 for p in floors]


def _cycle_dates(*, frequency: str, start: date, end: date, cycle_starts: date, terms_per_year: int) -> list[date]:
    """The council's cycle days after `start` and up to `end`, for a frequency."""
    if frequency in CYCLE_DAYS:
        step = CYCLE_DAYS[frequency]
        offset = (start - cycle_starts).days % step
        first = start + timedelta(days=(step - offset) % step or step)
        days, current = [], first
        # A cycle day starts a payment only when its whole cycle fits; the days after it join the last payment.
        while current + timedelta(days=step - 1) <= end:
            days.append(current)
            current += timedelta(days=step)
        return days
    months = {PaymentFrequency.MONTHLY: 1, PaymentFrequency.TERMLY: max(1, 12 // terms_per_year)}.get(frequency)
    if months is None:  # one-off
        return []
    days, k = [], 1
    # From the start each time (31 Jan -> 29 Feb -> 31 Mar), and only when the whole month or term fits.
    while add_months(start, (k + 1) * months) - timedelta(days=1) <= end:
        days.append(add_months(start, k * months))
        k += 1
    return days


def schedule_periods(
    *, frequency: str, start: date, end: date, cycle_starts: date, terms_per_year: int = 3
) -> list[Period]:
    """The payments of an agreement, paid in advance (DOMAIN R35; ADR 9).

    Weekly and 4-weekly payments fall on the council's cycle days (every 7 or 28 days from its cycle start). An
    agreement that starts between cycle days is paid on its start date for a shorter first period, up to the day
    before the next cycle day; that payment's weight is the period's days over the full cycle's days. Monthly and
    termly payments fall on the start date's day of the month (the month's last day where it has no such day), so
    they have no shorter first period. Every later payment has weight 1: full payments are equal, and days left at
    the end that make less than a full cycle are covered by the last payment. A one-off is one payment.
    """
    if end < start:
        raise ValueError("The end date is before the start date")
    cycle = _cycle_dates(
        frequency=frequency, start=start, end=end, cycle_starts=cycle_starts, terms_per_year=terms_per_year
    )
    dues = [start, *cycle]
    periods = []
    for i, due in enumerate(dues):
        period_end = dues[i + 1] - timedelta(days=1) if i + 1 < len(dues) else end
        weight = Fraction(1)
        if i == 0 and frequency in CYCLE_DAYS and cycle and (cycle[0] - start).days < CYCLE_DAYS[frequency]:
            weight = Fraction((cycle[0] - start).days, CYCLE_DAYS[frequency])
        periods.append(Period(due_on=due, start=due, end=period_end, weight=weight))
    return periods


def notice_effective_from(*, sent_on: date, notice_days: int, deemed_received_working_days: int) -> date:
    """The earliest day a reduction or stop can take effect: the notice is taken to reach the family a number of
    working days after it is sent; the notice period runs from then, and a change takes effect on a working day
    (DOMAIN R21, R22; ADR 9)."""
    received = add_working_days(sent_on, deemed_received_working_days)
    effective = received + timedelta(days=notice_days)
    while not is_working_day(effective):
        effective += timedelta(days=1)
    return effective


def recovery_due(*, sent_on: date, due_days: int, deemed_received_working_days: int) -> date:
    """When recovered money must be repaid: the council's number of days after the notice reaches the recipient,
    moved to the next working day (DOMAIN R23)."""
    return notice_effective_from(
        sent_on=sent_on, notice_days=due_days, deemed_received_working_days=deemed_received_working_days
    )


def first_review_due(first_paid_on: date) -> date:
    """The first review of direct payments is due within 3 months of the first payment (DOMAIN R18)."""
    return add_months(first_paid_on, 3)


def suspension_allowed(*, reason: str, away_from: date, expected_until: date | None, after_weeks: int) -> bool:
    """Payments are suspended for a stay in hospital or abroad only when it lasts more than the council's number of
    weeks (DOMAIN R35, policy); other reasons are given in words and are not tied to a length."""
    if reason not in ("hospital", "abroad"):
        return True
    if expected_until is None:
        return False
    return (expected_until - away_from).days > after_weeks * 7


def personal_assistant_problems(
    *,
    date_of_birth: date,
    starts_on: date,
    min_age: int,
    exception_min_age: int,
    has_exception: bool,
    yearly_amount: Decimal,
    min_budget: Decimal | None,
) -> list[str]:
    """Why a personal assistant cannot be employed, if they cannot: too young for the council's minimum age (an
    exception allows down to its lower age), or a budget below the council's minimum for employing one (R34)."""
    problems = []
    age = age_on(date_of_birth, starts_on)
    if age < exception_min_age:
        problems.append(f"A personal assistant must be at least {exception_min_age} years old")
    elif age < min_age and not has_exception:
        problems.append(
            f"A personal assistant under {min_age} needs an exception approved by a manager, with the reason"
        )
    if min_budget is not None and yearly_amount < min_budget:
        problems.append(
            f"The direct payments must be at least £{min_budget:,.2f} a year to employ a personal assistant"
        )
    return problems


def household_relative_needs_exception(*, close_relative_in_household: bool) -> bool:
    """Paying a close relative who lives in the same household needs a recorded exception: who approved it and why
    (DOMAIN R26)."""
    return close_relative_in_household


def surplus(*, balance: Decimal, committed: Decimal, annual_amount: Decimal, threshold_weeks: int) -> Decimal:
    """The part of a direct payment balance above what the account is expected to hold: balance less committed
    spend less the threshold weeks of the weekly equivalent (annual / 52); zero or below is no surplus (DOMAIN R32)."""
    weekly = annual_amount / 52
    figure = (balance - committed - weekly * threshold_weeks).quantize(PENNY)
    return max(figure, Decimal("0.00"))
