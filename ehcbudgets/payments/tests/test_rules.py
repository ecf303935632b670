"""The rules of direct payments as pure functions, no database: the exact split, the schedule, notice and review
dates, suspension, personal assistants and surplus (DOMAIN R18, R21 to R23, R26, R32, R34, R35; ADR 9)."""

import itertools
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehcbudgets.core.dates import is_working_day
from ehcbudgets.councils.models import PaymentFrequency
from ehcbudgets.payments import rules

#: The default cycle start of every council's policy: Monday 6 April 2026 (ADR 9).
CYCLE = date(2026, 4, 6)


def money(text: str) -> Decimal:
    return Decimal(text)


def periods(frequency, start, end, **kwargs):
    return rules.schedule_periods(frequency=frequency, start=start, end=end, cycle_starts=CYCLE, **kwargs)


# split_largest_remainder (DOMAIN R35; ADR 9) -------------------------------------------------------------------------


def test_split_10000_over_13_equal_parts_gives_the_odd_penny_to_the_first():
    """£10,000.00 over 13 equal weights is £769.24 once then £769.23 twelve times, exactly (DOMAIN R35)."""
    parts = rules.split_largest_remainder(money("10000.00"), [Fraction(1)] * 13)
    assert parts == [money("769.24")] + [money("769.23")] * 12
    assert sum(parts) == money("10000.00")


@pytest.mark.parametrize(
    ("total", "count", "expected"),
    [
        ("0.01", 3, ["0.01", "0.00", "0.00"]),
        ("0.02", 3, ["0.01", "0.01", "0.00"]),
        ("100.00", 3, ["33.34", "33.33", "33.33"]),
        ("1000000.00", 52, ["19230.77"] * 48 + ["19230.76"] * 4),
    ],
)
def test_split_of_an_awkward_total_is_exact_and_equal_parts_differ_by_at_most_a_penny(total, count, expected):
    """Awkward totals split over equal weights add up exactly; equal parts differ by a penny at most (DOMAIN R35)."""
    parts = rules.split_largest_remainder(money(total), [Fraction(1)] * count)
    assert parts == [money(e) for e in expected]
    assert sum(parts) == money(total)
    assert max(parts) - min(parts) <= money("0.01")


def test_split_ties_go_to_the_earliest_part():
    """Equal remainders: the left-over pence go to the earliest parts first (ADR 9)."""
    parts = rules.split_largest_remainder(money("0.05"), [Fraction(1), Fraction(1), Fraction(1), Fraction(1)])
    assert parts == [money("0.02"), money("0.01"), money("0.01"), money("0.01")]


def test_split_gives_a_penny_to_the_largest_remainder_before_an_earlier_smaller_one():
    """The left-over penny goes to the largest remainder, not simply the first part (ADR 9)."""
    # 1.00 over weights 1 and 2: exact shares 33.33p... and 66.66p...; the second has the larger remainder.
    parts = rules.split_largest_remainder(money("1.00"), [Fraction(1), Fraction(2)])
    assert parts == [money("0.33"), money("0.67")]


def test_split_of_zero_is_all_zeros():
    """A zero total splits into zero parts of the same number."""
    assert rules.split_largest_remainder(money("0.00"), [Fraction(1), Fraction(5, 28)]) == [money("0.00")] * 2


def test_split_of_zero_over_no_weights_is_empty():
    """Nothing to split over and nothing to split: no parts."""
    assert rules.split_largest_remainder(money("0.00"), []) == []


def test_split_of_money_over_no_weights_is_refused():
    """A non-zero total cannot vanish: it needs at least one part."""
    with pytest.raises(ValueError, match="at least one part"):
        rules.split_largest_remainder(money("0.01"), [])


def test_split_of_a_fraction_of_a_penny_is_refused():
    """Only whole pence are split."""
    with pytest.raises(ValueError, match="whole pence"):
        rules.split_largest_remainder(money("10.005"), [Fraction(1)])


@pytest.mark.parametrize("weights", [[Fraction(0)], [Fraction(1), Fraction(-1)], [Fraction(-1)]])
def test_split_needs_positive_weights(weights):
    """Weights that are negative or sum to nothing are refused."""
    with pytest.raises(ValueError, match="positive"):
        rules.split_largest_remainder(money("1.00"), weights)


weights_strategy = st.lists(
    st.fractions(min_value=Fraction(1, 1000), max_value=Fraction(1000), max_denominator=1000), min_size=1, max_size=30
)


@settings(max_examples=150, deadline=None)
@given(pence=st.integers(min_value=-(10**11), max_value=10**11), weights=weights_strategy)
def test_split_property_parts_sum_exactly_and_each_is_within_a_penny_of_its_share(pence, weights):
    """Any total in pence over any positive weights: the parts sum exactly, each within a penny of its exact share."""
    total = Decimal(pence) / 100
    parts = rules.split_largest_remainder(total, weights)
    assert len(parts) == len(weights)
    assert sum(parts) == total
    whole = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert part == part.quantize(Decimal("0.01"))
        exact_pence = Fraction(pence) * weight / whole
        assert abs(Fraction(int(part * 100)) - exact_pence) < 1


# schedule_periods (DOMAIN R35; ADR 9) ----------------------------------------------------------------------------


def test_four_weekly_for_364_days_from_a_cycle_day_is_13_equal_payments():
    """364 days from a cycle day, 4-weekly: 13 payments of weight 1, 28 days each (DOMAIN R35; ADR 9)."""
    result = periods(PaymentFrequency.FOUR_WEEKLY, CYCLE, CYCLE + timedelta(days=363))
    assert len(result) == 13
    assert all(p.weight == 1 for p in result)
    assert all((p.end - p.start).days + 1 == 28 for p in result)
    assert [p.due_on for p in result] == [CYCLE + timedelta(days=28 * k) for k in range(13)]
    assert result[-1].end == date(2027, 4, 4)


def test_four_weekly_for_365_days_from_a_cycle_day_is_13_payments_the_last_covering_29_days():
    """365 days from a cycle day, 4-weekly: still 13 equal payments; the last covers 29 days (ADR 9)."""
    result = periods(PaymentFrequency.FOUR_WEEKLY, CYCLE, CYCLE + timedelta(days=364))
    assert len(result) == 13
    assert all(p.weight == 1 for p in result)
    assert result[-1].due_on == date(2027, 3, 8)
    assert (result[-1].end - result[-1].start).days + 1 == 29


@pytest.mark.parametrize(
    ("frequency", "start", "end", "count"),
    [
        (PaymentFrequency.FOUR_WEEKLY, date(2027, 4, 5), date(2028, 4, 2), 13),  # 364 days across 29 February 2028
        (PaymentFrequency.FOUR_WEEKLY, date(2027, 4, 1), date(2028, 3, 31), 13),  # 366 days: short first, 12 full
        (PaymentFrequency.WEEKLY, date(2027, 4, 1), date(2028, 3, 31), 52),  # 366 days: short first week, 51 full
        (PaymentFrequency.MONTHLY, date(2027, 3, 1), date(2028, 2, 29), 12),  # ends on 29 February
    ],
)
def test_a_leap_year_schedule_adds_up_to_the_amount_exactly(frequency, start, end, count):
    """Across 29 February, 10,000.00 split over the schedule adds up to the penny (DOMAIN R35; ADR 9)."""
    result = periods(frequency, start, end)
    parts = rules.split_largest_remainder(money("10000.00"), [p.weight for p in result])
    assert len(result) == count
    assert sum(parts) == money("10000.00")
    assert result[-1].end == end


@pytest.mark.parametrize("start", [date(2027, 1, 31), date(2027, 2, 28), date(2028, 2, 29), date(2027, 4, 30)])
def test_a_start_on_the_last_day_of_a_month_is_paid_exactly_for_a_year(start):
    """4-weekly from a month's last day: a shorter first period to the next cycle day, then full ones; the year's
    payments add up exactly and cover every day once (DOMAIN R35; ADR 9)."""
    end = start.replace(year=start.year + 1) - timedelta(days=1) if start != date(2028, 2, 29) else date(2029, 2, 27)
    result = periods(PaymentFrequency.FOUR_WEEKLY, start, end)
    first_gap = (result[1].due_on - start).days
    assert result[0].weight == (Fraction(first_gap, 28) if first_gap < 28 else 1)
    assert all(p.weight == 1 for p in result[1:])
    assert sum((p.end - p.start).days + 1 for p in result) == (end - start).days + 1
    assert sum(rules.split_largest_remainder(money("3411.20"), [p.weight for p in result])) == money("3411.20")


def test_four_weekly_starting_between_cycle_days_has_a_shorter_first_period():
    """Start Wednesday 1 April 2026: paid on the start day for 5 days (weight 5/28), then on the cycle day (ADR 9)."""
    result = periods(PaymentFrequency.FOUR_WEEKLY, date(2026, 4, 1), date(2027, 3, 31))
    first, second = result[0], result[1]
    assert (first.due_on, first.start, first.end, first.weight) == (
        date(2026, 4, 1),
        date(2026, 4, 1),
        date(2026, 4, 5),
        Fraction(5, 28),
    )
    assert (second.due_on, second.end, second.weight) == (date(2026, 4, 6), date(2026, 5, 3), 1)
    assert all(p.weight == 1 for p in result[1:])


def test_four_weekly_starting_the_day_before_a_cycle_day_weighs_one_twenty_eighth():
    """A start the day before a cycle day: a one-day first period of weight 1/28, next payment the cycle day."""
    result = periods(PaymentFrequency.FOUR_WEEKLY, date(2026, 5, 3), date(2026, 8, 31))
    assert (result[0].due_on, result[0].end, result[0].weight) == (date(2026, 5, 3), date(2026, 5, 3), Fraction(1, 28))
    assert result[1].due_on == date(2026, 5, 4)


def test_four_weekly_starting_on_a_cycle_day_has_no_shorter_period():
    """A start on a cycle day: the first payment is a full one (weight 1), the next 28 days later."""
    result = periods(PaymentFrequency.FOUR_WEEKLY, date(2026, 5, 4), date(2026, 8, 31))
    assert (result[0].due_on, result[0].end, result[0].weight) == (date(2026, 5, 4), date(2026, 5, 31), 1)
    assert result[1].due_on == date(2026, 6, 1)


def test_four_weekly_starting_the_day_after_a_cycle_day_weighs_27_twenty_eighths():
    """A start the day after a cycle day: a 27-day first period (weight 27/28) up to the next cycle day."""
    result = periods(PaymentFrequency.FOUR_WEEKLY, date(2026, 5, 5), date(2026, 8, 31))
    assert (result[0].end, result[0].weight) == (date(2026, 5, 31), Fraction(27, 28))
    assert result[1].due_on == date(2026, 6, 1)


def test_four_weekly_follows_the_cycle_long_after_it_started():
    """Cycle days are every 28 days from the cycle start, however far on: 1 October 2026 is 10 days into one."""
    result = periods(PaymentFrequency.FOUR_WEEKLY, date(2026, 10, 1), date(2027, 3, 31))
    assert (result[0].end, result[0].weight) == (date(2026, 10, 18), Fraction(18, 28))
    assert result[1].due_on == date(2026, 10, 19)


def test_weekly_payments_fall_on_the_cycle_mondays_after_a_shorter_first_week():
    """Weekly from Wednesday 1 April 2026: 5 days at weight 5/7, then every Monday from 6 April (DOMAIN R35)."""
    result = periods(PaymentFrequency.WEEKLY, date(2026, 4, 1), date(2026, 5, 3))
    assert [p.due_on for p in result] == [
        date(2026, 4, 1),
        date(2026, 4, 6),
        date(2026, 4, 13),
        date(2026, 4, 20),
        date(2026, 4, 27),
    ]
    assert [p.weight for p in result] == [Fraction(5, 7), 1, 1, 1, 1]
    assert result[-1].end == date(2026, 5, 3)


def test_monthly_from_31_january_in_a_leap_year_falls_on_the_last_day_of_short_months():
    """Monthly from 31 January 2028: 29 February, 31 March, 30 April, each counted from the start (ADR 9)."""
    result = periods(PaymentFrequency.MONTHLY, date(2028, 1, 31), date(2028, 5, 30))
    assert [p.due_on for p in result] == [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31), date(2028, 4, 30)]
    assert [p.end for p in result] == [date(2028, 2, 28), date(2028, 3, 30), date(2028, 4, 29), date(2028, 5, 30)]
    assert all(p.weight == 1 for p in result)


def test_monthly_from_31_january_in_an_ordinary_year_falls_on_28_february():
    """Monthly from 31 January 2027: 28 February, then back to 31 March (ADR 9)."""
    result = periods(PaymentFrequency.MONTHLY, date(2027, 1, 31), date(2027, 4, 29))
    assert [p.due_on for p in result] == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]


def test_monthly_has_no_shorter_first_period():
    """Monthly payments fall on the start date's day of the month, so the first has weight 1 (ADR 9)."""
    result = periods(PaymentFrequency.MONTHLY, date(2026, 4, 15), date(2026, 7, 14))
    assert [(p.due_on, p.weight) for p in result] == [
        (date(2026, 4, 15), 1),
        (date(2026, 5, 15), 1),
        (date(2026, 6, 15), 1),
    ]


def test_termly_with_three_terms_is_every_four_months():
    """Termly with 3 terms a year: every 4 months from the start (DOMAIN R35)."""
    result = periods(PaymentFrequency.TERMLY, date(2026, 9, 1), date(2027, 8, 31), terms_per_year=3)
    assert [p.due_on for p in result] == [date(2026, 9, 1), date(2027, 1, 1), date(2027, 5, 1)]
    assert [p.end for p in result] == [date(2026, 12, 31), date(2027, 4, 30), date(2027, 8, 31)]


def test_one_off_is_one_payment_on_the_start_date_for_the_whole_period():
    """A one-off: one payment of weight 1 on the start date covering every day (DOMAIN R35)."""
    result = periods(PaymentFrequency.ONE_OFF, date(2026, 4, 1), date(2027, 3, 31))
    assert result == [
        rules.Period(due_on=date(2026, 4, 1), start=date(2026, 4, 1), end=date(2027, 3, 31), weight=Fraction(1))
    ]


def test_an_agreement_of_one_day_is_one_payment():
    """Start and end on the same day: one payment."""
    result = periods(PaymentFrequency.FOUR_WEEKLY, date(2026, 4, 1), date(2026, 4, 1))
    assert [(p.due_on, p.end, p.weight) for p in result] == [(date(2026, 4, 1), date(2026, 4, 1), 1)]


def test_a_schedule_ending_before_it_starts_is_refused():
    """An end date the day before the start date is refused."""
    with pytest.raises(ValueError, match="before the start"):
        periods(PaymentFrequency.FOUR_WEEKLY, date(2026, 4, 1), date(2026, 3, 31))


@pytest.mark.parametrize("frequency", PaymentFrequency.values)
def test_every_schedule_covers_every_day_once(frequency):
    """The periods of any frequency run back to back from the start date to the end date."""
    start, end = date(2026, 4, 1), date(2027, 3, 31)
    result = periods(frequency, start, end)
    assert result[0].start == start and result[-1].end == end
    for before, after in itertools.pairwise(result):
        assert after.start == before.end + timedelta(days=1)
        assert after.due_on == after.start


# notice_effective_from and recovery_due (DOMAIN R21 to R23; ADR 9) -------------------------------------------------


def effective(sent_on, notice_days=28):
    return rules.notice_effective_from(sent_on=sent_on, notice_days=notice_days, deemed_received_working_days=2)


def test_notice_sent_on_an_ordinary_monday_takes_effect_28_days_after_it_is_deemed_received():
    """Sent Monday 16 November 2026, deemed received Wednesday 18th, effective 28 days later (DOMAIN R21)."""
    assert effective(date(2026, 11, 16)) == date(2026, 12, 16)


def test_notice_sent_before_christmas_skips_the_bank_holidays_to_be_received():
    """Sent Wednesday 23 December 2026: 24th counts, 25th and 28th are bank holidays, received 29th (DOMAIN R21)."""
    assert not is_working_day(date(2026, 12, 25)) and not is_working_day(date(2026, 12, 28))
    assert effective(date(2026, 12, 23)) == date(2026, 12, 29) + timedelta(days=28) == date(2027, 1, 26)


def test_notice_sent_before_easter_skips_good_friday_and_easter_monday():
    """Sent Wednesday 24 March 2027: Good Friday 26th and Easter Monday 29th do not count; received 30th."""
    assert effective(date(2027, 3, 24)) == date(2027, 4, 27)


@pytest.mark.parametrize(
    ("sent_on", "notice_days", "falls_on", "expected"),
    [
        # Received Friday 27 November 2026; 28 days on is Christmas Day, then a weekend and the Boxing Day substitute.
        (date(2026, 11, 25), 28, date(2026, 12, 25), date(2026, 12, 29)),
        # Received Monday 27 April 2026; 28 days on is the spring bank holiday, Monday 25 May.
        (date(2026, 4, 23), 28, date(2026, 5, 25), date(2026, 5, 26)),
        # Received Friday 4 December 2026; 28 days on is New Year's Day 2027.
        (date(2026, 12, 2), 28, date(2027, 1, 1), date(2027, 1, 4)),
        # A council's 31-day notice: received Wednesday 18 November 2026, 31 days on is Saturday 19 December.
        (date(2026, 11, 16), 31, date(2026, 12, 19), date(2026, 12, 21)),
        # A council's 32-day notice: Sunday 20 December 2026.
        (date(2026, 11, 16), 32, date(2026, 12, 20), date(2026, 12, 21)),
    ],
)
def test_an_effective_date_on_a_weekend_or_bank_holiday_moves_to_the_next_working_day(
    sent_on, notice_days, falls_on, expected
):
    """The change takes effect on a working day: the next one after a weekend or England bank holiday (ADR 9)."""
    assert not is_working_day(falls_on)
    assert is_working_day(expected)
    assert effective(sent_on, notice_days) == expected


@pytest.mark.parametrize(
    ("deemed", "expected"),
    [(0, date(2026, 12, 14)), (2, date(2026, 12, 16)), (5, date(2026, 12, 21))],
)
def test_the_council_s_deemed_receipt_days_are_used(deemed, expected):
    """The working days a notice takes to arrive come from the council's policy."""
    assert (
        rules.notice_effective_from(sent_on=date(2026, 11, 16), notice_days=28, deemed_received_working_days=deemed)
        == expected
    )


def test_recovery_is_due_14_days_after_the_notice_is_deemed_received():
    """Sent Friday 1 May 2026: Monday 4 May is a bank holiday, received Wednesday 6th, due 20 May (DOMAIN R23)."""
    assert rules.recovery_due(sent_on=date(2026, 5, 1), due_days=14, deemed_received_working_days=2) == date(
        2026, 5, 20
    )


def test_recovery_due_on_a_bank_holiday_moves_to_the_next_working_day():
    """Sent Thursday 7 May 2026, received Monday 11th; 14 days on is the spring bank holiday, so Tuesday 26th."""
    assert rules.recovery_due(sent_on=date(2026, 5, 7), due_days=14, deemed_received_working_days=2) == date(
        2026, 5, 26
    )


# first_review_due (DOMAIN R18) -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_paid_on", "due"),
    [
        (date(2027, 1, 30), date(2027, 4, 30)),
        (date(2027, 1, 31), date(2027, 4, 30)),
        (date(2027, 2, 1), date(2027, 5, 1)),
        (date(2026, 11, 29), date(2027, 2, 28)),
        (date(2026, 11, 30), date(2027, 2, 28)),
        (date(2026, 12, 1), date(2027, 3, 1)),
        (date(2027, 11, 30), date(2028, 2, 29)),
        (date(2028, 2, 29), date(2028, 5, 29)),
    ],
)
def test_the_first_review_is_due_3_months_after_the_first_payment(first_paid_on, due):
    """3 calendar months on, the month's last day where the day does not exist (DOMAIN R18)."""
    assert rules.first_review_due(first_paid_on) == due


# suspension_allowed (DOMAIN R35, policy 4 weeks) -----------------------------------------------------------------


@pytest.mark.parametrize("reason", ["hospital", "abroad"])
@pytest.mark.parametrize(("days", "allowed"), [(27, False), (28, False), (29, True)])
def test_a_stay_in_hospital_or_abroad_must_last_more_than_4_weeks(reason, days, allowed):
    """Exactly 28 days is not more than 4 weeks; 29 days is (DOMAIN R35)."""
    away = date(2026, 6, 1)
    assert (
        rules.suspension_allowed(
            reason=reason, away_from=away, expected_until=away + timedelta(days=days), after_weeks=4
        )
        is allowed
    )


def test_a_stay_in_hospital_with_no_expected_end_is_not_a_ground_to_suspend():
    """Without an expected end nobody can tell the stay is longer than the policy (DOMAIN R35)."""
    assert not rules.suspension_allowed(
        reason="hospital", away_from=date(2026, 6, 1), expected_until=None, after_weeks=4
    )


@pytest.mark.parametrize("expected_until", [None, date(2026, 6, 2)])
def test_another_reason_is_always_allowed(expected_until):
    """A reason given in words is not tied to a length."""
    assert rules.suspension_allowed(
        reason="other", away_from=date(2026, 6, 1), expected_until=expected_until, after_weeks=4
    )


def test_the_council_s_own_weeks_are_used():
    """A council with a 6-week policy: 42 days is not enough, 43 is."""
    away = date(2026, 6, 1)
    args = {"reason": "abroad", "away_from": away, "after_weeks": 6}
    assert not rules.suspension_allowed(expected_until=away + timedelta(days=42), **args)
    assert rules.suspension_allowed(expected_until=away + timedelta(days=43), **args)


# personal_assistant_problems (DOMAIN R34) ------------------------------------------------------------------------

STARTS = date(2026, 5, 1)


def pa_problems(date_of_birth, *, has_exception=False, yearly_amount="3411.20", min_budget=None):
    return rules.personal_assistant_problems(
        date_of_birth=date_of_birth,
        starts_on=STARTS,
        min_age=18,
        exception_min_age=16,
        has_exception=has_exception,
        yearly_amount=money(yearly_amount),
        min_budget=None if min_budget is None else money(min_budget),
    )


def test_a_personal_assistant_18_on_the_start_day_is_old_enough():
    """Born 1 May 2008, starting 1 May 2026: exactly 18, no exception needed (DOMAIN R34)."""
    assert pa_problems(date(2008, 5, 1)) == []


def test_a_personal_assistant_a_day_short_of_18_needs_an_exception():
    """Born 2 May 2008: 17 on the start day, so a manager's exception is needed (DOMAIN R34)."""
    problems = pa_problems(date(2008, 5, 2))
    assert len(problems) == 1 and "exception" in problems[0]


@pytest.mark.parametrize("born", [date(2010, 5, 1), date(2008, 5, 2)])
def test_a_personal_assistant_of_16_or_17_is_allowed_with_an_exception(born):
    """16 (on the day) to 17: allowed by exception (DOMAIN R34)."""
    assert pa_problems(born, has_exception=True) == []


@pytest.mark.parametrize("born", [date(2010, 5, 1), date(2009, 1, 1)])
def test_a_personal_assistant_of_16_or_17_without_an_exception_is_refused(born):
    """16 to 17 without an exception: refused (DOMAIN R34)."""
    assert pa_problems(born) != []


@pytest.mark.parametrize("has_exception", [False, True])
def test_a_personal_assistant_under_16_is_never_allowed(has_exception):
    """Born 2 May 2010: a day short of 16, refused even with an exception (DOMAIN R34)."""
    problems = pa_problems(date(2010, 5, 2), has_exception=has_exception)
    assert problems == ["A personal assistant must be at least 16 years old"]


@pytest.mark.parametrize(("yearly", "refused"), [("2999.99", True), ("3000.00", False), ("3000.01", False)])
def test_the_council_s_minimum_budget_for_a_personal_assistant(yearly, refused):
    """A penny under the minimum budget is refused; exactly the minimum is enough (DOMAIN R34)."""
    problems = pa_problems(date(1990, 1, 1), yearly_amount=yearly, min_budget="3000.00")
    assert (problems != []) is refused


def test_no_minimum_budget_means_any_budget():
    """A council with no minimum budget for a personal assistant refuses none on that ground."""
    assert pa_problems(date(1990, 1, 1), yearly_amount="0.01") == []


def test_a_close_relative_in_the_household_needs_an_exception():
    """Paying a close relative living in the household needs a recorded exception (DOMAIN R26)."""
    assert rules.household_relative_needs_exception(close_relative_in_household=True)
    assert not rules.household_relative_needs_exception(close_relative_in_household=False)


# surplus (DOMAIN R32) ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("balance", "expected"), [("799.99", "0.00"), ("800.00", "0.00"), ("800.01", "0.01"), ("1000.00", "200.00")]
)
def test_surplus_is_the_balance_above_8_weeks_of_payments(balance, expected):
    """£5,200 a year is £100 a week; 8 weeks is £800: a penny over is a penny of surplus (DOMAIN R32)."""
    assert rules.surplus(
        balance=money(balance), committed=money("0.00"), annual_amount=money("5200.00"), threshold_weeks=8
    ) == money(expected)


@pytest.mark.parametrize(("committed", "expected"), [("150.01", "0.00"), ("150.00", "0.00"), ("149.99", "0.01")])
def test_committed_spending_is_not_surplus(committed, expected):
    """Invoices and wages owed come off the balance before the threshold (DOMAIN R32)."""
    assert rules.surplus(
        balance=money("950.00"), committed=money(committed), annual_amount=money("5200.00"), threshold_weeks=8
    ) == money(expected)


def test_surplus_uses_the_council_s_threshold_weeks():
    """With a 4-week threshold the same balance leaves £400 of surplus (DOMAIN R32, policy)."""
    assert rules.surplus(
        balance=money("800.00"), committed=money("0.00"), annual_amount=money("5200.00"), threshold_weeks=4
    ) == money("400.00")
