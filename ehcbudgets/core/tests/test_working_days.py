"""Working days in England: weekdays that are not bank holidays, substitute days included.

The decision target for a budget request is counted in working days (DOMAIN R35), so a bank holiday or a weekend
must never be counted as one. The dates below are England's bank holidays as published by GOV.UK:
Christmas 2026 is Friday 25 December, Boxing Day falls on Saturday 26 December so Monday 28 December is the
substitute day, and 1 January 2027 is a Friday; Good Friday 2027 is 26 March and Easter Monday 29 March.
"""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ehcbudgets.core.dates import add_working_days, is_working_day, working_days_between

CHRISTMAS_EVE_2026 = date(2026, 12, 24)  # Thursday, a working day
CHRISTMAS_DAY_2026 = date(2026, 12, 25)  # Friday
BOXING_DAY_2026 = date(2026, 12, 26)  # Saturday
BOXING_DAY_OBSERVED_2026 = date(2026, 12, 28)  # Monday, the substitute day
NEW_YEARS_DAY_2027 = date(2027, 1, 1)  # Friday
GOOD_FRIDAY_2027 = date(2027, 3, 26)
EASTER_MONDAY_2027 = date(2027, 3, 29)


# is_working_day (DOMAIN R35) ----------------------------------------------------------------------------------------


def test_an_ordinary_weekday_is_a_working_day():
    assert is_working_day(date(2026, 12, 9)) is True  # Wednesday


def test_a_saturday_is_not_a_working_day():
    assert is_working_day(date(2026, 12, 5)) is False


def test_a_sunday_is_not_a_working_day():
    assert is_working_day(date(2026, 12, 6)) is False


def test_the_day_before_christmas_day_is_a_working_day():
    assert is_working_day(CHRISTMAS_EVE_2026) is True


def test_christmas_day_is_not_a_working_day():
    assert is_working_day(CHRISTMAS_DAY_2026) is False


def test_the_boxing_day_substitute_monday_is_not_a_working_day():
    assert is_working_day(BOXING_DAY_OBSERVED_2026) is False


def test_the_day_after_the_boxing_day_substitute_is_a_working_day():
    assert is_working_day(date(2026, 12, 29)) is True


def test_new_years_eve_is_a_working_day():
    assert is_working_day(date(2026, 12, 31)) is True


def test_new_years_day_is_not_a_working_day():
    assert is_working_day(NEW_YEARS_DAY_2027) is False


def test_the_day_before_good_friday_is_a_working_day():
    assert is_working_day(date(2027, 3, 25)) is True


def test_good_friday_is_not_a_working_day():
    assert is_working_day(GOOD_FRIDAY_2027) is False


def test_easter_monday_is_not_a_working_day():
    assert is_working_day(EASTER_MONDAY_2027) is False


def test_the_day_after_easter_monday_is_a_working_day():
    assert is_working_day(date(2027, 3, 30)) is True


def test_a_scottish_only_bank_holiday_is_a_working_day_in_england():
    # 2 January is a bank holiday in Scotland only; in 2026 it is a Friday.
    assert is_working_day(date(2026, 1, 2)) is True


# add_working_days (DOMAIN R35) --------------------------------------------------------------------------------------


def test_one_working_day_after_an_ordinary_weekday_is_the_next_day():
    assert add_working_days(date(2026, 12, 23), 1) == CHRISTMAS_EVE_2026


def test_one_working_day_after_christmas_eve_skips_christmas_the_weekend_and_the_substitute_day():
    assert add_working_days(CHRISTMAS_EVE_2026, 1) == date(2026, 12, 29)


def test_working_days_from_christmas_eve_skip_new_years_day_and_its_weekend():
    # 29, 30 and 31 December, then Monday 4 January: 1 January and the weekend after it do not count.
    assert add_working_days(CHRISTMAS_EVE_2026, 4) == date(2027, 1, 4)


def test_ten_working_days_across_christmas_and_new_year():
    # 21-24 Dec (4), 29-31 Dec (7), 4-6 Jan (10).
    assert add_working_days(date(2026, 12, 18), 10) == date(2027, 1, 6)


def test_one_working_day_after_the_day_before_good_friday_is_the_day_after_easter_monday():
    assert add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)


def test_counting_from_a_bank_holiday_starts_with_the_next_working_day():
    assert add_working_days(CHRISTMAS_DAY_2026, 1) == date(2026, 12, 29)


def test_counting_from_a_saturday_starts_with_the_monday():
    assert add_working_days(date(2026, 12, 5), 1) == date(2026, 12, 7)


def test_counting_from_a_sunday_starts_with_the_monday():
    assert add_working_days(date(2026, 12, 6), 1) == date(2026, 12, 7)


def test_one_working_day_after_a_friday_is_the_monday():
    assert add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 7)


def test_adding_zero_working_days_gives_the_start_date():
    assert add_working_days(date(2026, 12, 9), 0) == date(2026, 12, 9)


def test_adding_zero_working_days_to_a_weekend_day_gives_that_day_unchanged():
    assert add_working_days(date(2026, 12, 5), 0) == date(2026, 12, 5)


def test_a_negative_number_of_working_days_is_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 12, 9), -1)


# working_days_between (DOMAIN R35) ----------------------------------------------------------------------------------


def test_no_working_days_between_a_date_and_itself():
    assert working_days_between(date(2026, 12, 9), date(2026, 12, 9)) == 0


def test_no_working_days_when_the_end_is_before_the_start():
    assert working_days_between(date(2026, 12, 10), date(2026, 12, 9)) == 0


def test_the_end_day_counts_and_the_start_day_does_not():
    assert working_days_between(date(2026, 12, 8), date(2026, 12, 9)) == 1


def test_a_friday_to_the_monday_is_one_working_day():
    assert working_days_between(date(2026, 12, 4), date(2026, 12, 7)) == 1


def test_christmas_eve_to_the_first_monday_of_2027_is_four_working_days():
    assert working_days_between(CHRISTMAS_EVE_2026, date(2027, 1, 4)) == 4


def test_christmas_eve_to_the_boxing_day_substitute_is_no_working_days():
    assert working_days_between(CHRISTMAS_EVE_2026, BOXING_DAY_OBSERVED_2026) == 0


def test_the_day_before_good_friday_to_the_day_after_easter_monday_is_one_working_day():
    assert working_days_between(date(2027, 3, 25), date(2027, 3, 30)) == 1


@given(
    start=st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)),
    days=st.integers(min_value=0, max_value=60),
)
def test_working_days_between_a_date_and_that_many_working_days_later_is_that_many(start, days):
    assert working_days_between(start, add_working_days(start, days)) == days


@given(
    start=st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)),
    days=st.integers(min_value=1, max_value=60),
)
def test_adding_working_days_always_lands_on_a_working_day(start, days):
    assert is_working_day(add_working_days(start, days))


@given(
    start=st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)),
    days=st.integers(min_value=1, max_value=60),
)
def test_the_day_before_the_result_is_one_working_day_short(start, days):
    result = add_working_days(start, days)
    assert working_days_between(start, result - timedelta(days=1)) == days - 1
