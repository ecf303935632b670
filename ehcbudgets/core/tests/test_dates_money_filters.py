"""Month arithmetic, money formatting and the GOV.UK template filters (ARCHITECTURE conventions 5 and 6)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from ehcbudgets.core.dates import add_months, format_date
from ehcbudgets.core.money import format_money, to_money
from ehcbudgets.core.templatetags.govuk import govuk_date, govuk_datetime, money

# add_months ---------------------------------------------------------------------------------------------------------


def test_add_months_keeps_the_day_of_the_month():
    assert add_months(date(2026, 1, 15), 1) == date(2026, 2, 15)


def test_add_months_clamps_31_january_to_28_february_in_a_common_year():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


def test_add_months_clamps_31_january_to_29_february_in_a_leap_year():
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)


def test_add_months_clamps_31_march_to_30_april():
    assert add_months(date(2026, 3, 31), 1) == date(2026, 4, 30)


def test_add_months_does_not_clamp_30_january_into_march():
    assert add_months(date(2026, 1, 30), 1) == date(2026, 2, 28)


def test_add_months_rolls_over_into_the_next_year():
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_add_twelve_months_to_29_february_gives_28_february():
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_add_48_months_to_29_february_gives_29_february():
    assert add_months(date(2024, 2, 29), 48) == date(2028, 2, 29)


def test_add_months_goes_back_with_a_negative_number():
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)


def test_add_months_goes_back_across_a_year():
    assert add_months(date(2026, 1, 15), -13) == date(2024, 12, 15)


def test_add_zero_months_is_the_same_date():
    assert add_months(date(2026, 5, 31), 0) == date(2026, 5, 31)


@given(start=st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)), months=st.integers(-240, 240))
def test_add_months_lands_in_the_right_month_and_never_after_the_same_day(start, months):
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    assert result.day <= start.day
    assert result.day == start.day or result.day >= 28


# money --------------------------------------------------------------------------------------------------------------


def test_money_has_a_pound_sign_thousands_separator_and_two_places():
    assert format_money(Decimal("1234.5")) == "£1,234.50"


def test_money_in_millions_has_two_separators():
    assert format_money(Decimal("1234567.89")) == "£1,234,567.89"


def test_whole_pounds_show_pence():
    assert format_money(12) == "£12.00"


def test_a_negative_amount_puts_the_minus_before_the_pound_sign():
    assert format_money(Decimal("-12")) == "-£12.00"


def test_a_negative_amount_over_a_thousand():
    assert format_money(Decimal("-1234.56")) == "-£1,234.56"


def test_half_a_penny_rounds_up():
    assert format_money(Decimal("0.005")) == "£0.01"


def test_just_under_half_a_penny_rounds_down():
    assert format_money(Decimal("0.0049")) == "£0.00"


def test_half_a_penny_below_zero_rounds_away_from_zero():
    assert format_money(Decimal("-0.005")) == "-£0.01"


def test_a_negative_amount_that_rounds_to_zero_has_no_minus_sign():
    assert format_money(Decimal("-0.004")) == "£0.00"


def test_money_accepts_a_string():
    assert format_money("2.675") == "£2.68"


def test_no_amount_formats_as_empty():
    assert format_money(None) == ""
    assert format_money("") == ""


def test_to_money_rounds_halves_away_from_zero():
    assert to_money("1.005") == Decimal("1.01")
    assert to_money("-1.005") == Decimal("-1.01")


def test_money_filter_formats_like_format_money():
    assert money(Decimal("1234.5")) == "£1,234.50"


def test_money_filter_in_a_template():
    assert Template("{{ amount|money }}").render(Context({"amount": Decimal("99.999")})) == "£100.00"


# dates --------------------------------------------------------------------------------------------------------------


def test_govuk_date_is_day_month_name_and_year():
    assert govuk_date(date(2026, 11, 22)) == "22 November 2026"


def test_govuk_date_has_no_leading_zero_on_the_day():
    assert govuk_date(date(2026, 3, 4)) == "4 March 2026"


def test_govuk_date_of_an_aware_datetime_is_the_date_in_london():
    # 23:30 UTC on 31 March 2026 is 00:30 on 1 April in British Summer Time.
    assert govuk_date(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == "1 April 2026"


def test_govuk_date_of_nothing_is_empty():
    assert govuk_date(None) == ""


def test_govuk_date_leaves_text_alone():
    assert govuk_date("Not issued yet") == "Not issued yet"


def test_format_date_of_nothing_is_empty():
    assert format_date(None) == ""


def test_govuk_datetime_in_the_afternoon():
    assert govuk_datetime(datetime(2026, 11, 22, 15, 5, tzinfo=UTC)) == "22 November 2026 at 3:05pm"


def test_govuk_datetime_at_midnight_is_12am():
    assert govuk_datetime(datetime(2026, 1, 5, 0, 0, tzinfo=UTC)) == "5 January 2026 at 12:00am"


def test_govuk_datetime_at_noon_is_12pm():
    assert govuk_datetime(datetime(2026, 1, 5, 12, 0, tzinfo=UTC)) == "5 January 2026 at 12:00pm"


def test_govuk_date_filter_is_available_in_every_template_without_load():
    assert Template("{{ d|govuk_date }}").render(Context({"d": date(2026, 11, 22)})) == "22 November 2026"


@pytest.mark.parametrize(
    ("value", "expected"), [(date(2026, 1, 1), "1 January 2026"), (date(2026, 12, 31), "31 December 2026")]
)
def test_govuk_date_at_the_ends_of_the_year(value, expected):
    assert govuk_date(value) == expected
