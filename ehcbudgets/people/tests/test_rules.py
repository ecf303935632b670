"""Age rules (DOMAIN glossary: child / young person, compulsory school age, under 25; R26, R29) and UPN checks."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from ehcbudgets.people import rules
from ehcbudgets.people.models import validate_upn

DAY = timedelta(days=1)


# age_on -------------------------------------------------------------------------------------------------------------


def test_age_is_one_less_on_the_day_before_the_birthday():
    assert rules.age_on(date(2015, 5, 10), date(2025, 5, 9)) == 9


def test_age_goes_up_on_the_birthday_itself():
    assert rules.age_on(date(2015, 5, 10), date(2025, 5, 10)) == 10


def test_age_stays_the_same_on_the_day_after_the_birthday():
    assert rules.age_on(date(2015, 5, 10), date(2025, 5, 11)) == 10


def test_age_is_zero_on_the_day_of_birth():
    assert rules.age_on(date(2025, 5, 10), date(2025, 5, 10)) == 0


def test_leap_day_birthday_is_not_reached_on_28_february_in_a_common_year():
    assert rules.age_on(date(2008, 2, 29), date(2025, 2, 28)) == 16


def test_leap_day_birthday_falls_on_1_march_in_a_common_year():
    assert rules.age_on(date(2008, 2, 29), date(2025, 3, 1)) == 17


def test_leap_day_birthday_falls_on_29_february_in_a_leap_year():
    assert rules.age_on(date(2008, 2, 29), date(2028, 2, 28)) == 19
    assert rules.age_on(date(2008, 2, 29), date(2028, 2, 29)) == 20


def test_birthday_in_a_common_year_of_someone_born_on_29_february_is_1_march():
    assert rules.birthday_in(date(2012, 2, 29), 2027) == date(2027, 3, 1)


@given(born=st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)), years=st.integers(0, 30))
def test_age_on_each_birthday_is_the_number_of_years_since_birth(born, years):
    birthday = rules.birthday_in(born, born.year + years)
    assert rules.age_on(born, birthday) == years
    assert rules.age_on(born, birthday - DAY) == years - 1


# compulsory school age ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2023, date(2023, 6, 30)),  # 30 June is a Friday
        (2028, date(2028, 6, 30)),  # 30 June is a Friday
        (2018, date(2018, 6, 29)),  # 30 June is a Saturday
        (2029, date(2029, 6, 29)),  # 30 June is a Saturday
        (2019, date(2019, 6, 28)),  # 30 June is a Sunday
        (2026, date(2026, 6, 26)),  # 30 June is a Tuesday
        (2016, date(2016, 6, 24)),  # 30 June is a Thursday
    ],
)
def test_school_leaving_date_is_the_last_friday_in_june(year, expected):
    assert expected.weekday() == 4
    assert rules.last_friday_of_june(year) == expected


def test_born_31_august_leaves_school_in_the_june_before_turning_16():
    # Turns 16 on 31 August 2028, the last day of the school year 2027/28; 30 June 2028 is a Friday.
    assert rules.compulsory_school_age_ends(date(2012, 8, 31)) == date(2028, 6, 30)


def test_born_1_september_leaves_school_a_year_later_than_born_31_august():
    # Turns 16 on 1 September 2028, the first day of the school year 2028/29; 30 June 2029 is a Saturday.
    assert rules.compulsory_school_age_ends(date(2012, 9, 1)) == date(2029, 6, 29)


def test_born_in_january_leaves_school_in_june_of_the_year_they_turn_16():
    assert rules.compulsory_school_age_ends(date(2010, 1, 15)) == date(2026, 6, 26)


def test_born_29_february_leaves_school_in_june_of_the_year_they_turn_16():
    assert rules.compulsory_school_age_ends(date(2012, 2, 29)) == date(2028, 6, 30)


def test_turning_16_between_the_leaving_date_and_31_august_leaves_on_that_leaving_date():
    # Turns 16 on Saturday 1 July 2028, the day after the leaving date of the school year in which they turn 16.
    assert rules.compulsory_school_age_ends(date(2012, 7, 1)) == date(2028, 6, 30)


def test_still_a_child_on_the_school_leaving_date():
    assert rules.is_young_person(date(2012, 9, 1), date(2029, 6, 29)) is False


def test_still_a_child_on_the_day_before_the_school_leaving_date():
    assert rules.is_young_person(date(2012, 9, 1), date(2029, 6, 28)) is False


def test_a_young_person_from_the_day_after_the_school_leaving_date():
    assert rules.is_young_person(date(2012, 9, 1), date(2029, 6, 30)) is True


# under five, adult, 25th birthday -------------------------------------------------------------------------------------


def test_under_five_on_the_day_before_the_fifth_birthday():
    assert rules.is_under_five(date(2021, 4, 10), date(2026, 4, 9)) is True


def test_not_under_five_on_the_fifth_birthday():
    assert rules.is_under_five(date(2021, 4, 10), date(2026, 4, 10)) is False


def test_not_under_five_on_the_day_after_the_fifth_birthday():
    assert rules.is_under_five(date(2021, 4, 10), date(2026, 4, 11)) is False


def test_not_an_adult_on_the_day_before_the_18th_birthday():
    assert rules.is_adult(date(2008, 4, 10), date(2026, 4, 9)) is False


def test_an_adult_on_the_18th_birthday():
    assert rules.is_adult(date(2008, 4, 10), date(2026, 4, 10)) is True


def test_an_adult_on_the_day_after_the_18th_birthday():
    assert rules.is_adult(date(2008, 4, 10), date(2026, 4, 11)) is True


def test_twenty_fifth_birthday_is_the_birthday_25_years_on():
    assert rules.twenty_fifth_birthday(date(2001, 10, 3)) == date(2026, 10, 3)


def test_twenty_fifth_birthday_of_someone_born_29_february_is_1_march_in_a_common_year():
    assert rules.twenty_fifth_birthday(date(2004, 2, 29)) == date(2029, 3, 1)


def test_may_have_a_plan_on_the_day_before_the_25th_birthday():
    assert rules.may_have_plan_on(date(2001, 10, 3), date(2026, 10, 2)) is True


def test_may_not_have_a_plan_on_the_25th_birthday():
    assert rules.may_have_plan_on(date(2001, 10, 3), date(2026, 10, 3)) is False


def test_may_not_have_a_plan_on_the_day_after_the_25th_birthday():
    assert rules.may_have_plan_on(date(2001, 10, 3), date(2026, 10, 4)) is False


# unique pupil numbers ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("upn", ["R801200199001", "N938201500100"])
def test_a_permanent_upn_with_the_right_check_letter_is_valid(upn):
    assert rules.upn_is_valid(upn) is True


def test_a_temporary_upn_ending_in_a_letter_is_valid():
    assert rules.upn_is_valid("Z30820010001A") is True


def test_check_letter_is_computed_from_the_last_12_characters():
    assert rules.upn_check_letter("801200199001") == "R"
    assert rules.upn_check_letter("938201500100") == "N"
    assert rules.upn_check_letter("30820010001A") == "Z"


def test_a_upn_with_the_wrong_check_letter_is_invalid():
    assert rules.upn_is_valid("A801200199001") is False


def test_a_upn_of_12_characters_is_invalid():
    assert rules.upn_is_valid("R80120019900") is False


def test_a_upn_of_14_characters_is_invalid():
    assert rules.upn_is_valid("R8012001990011") is False


def test_a_upn_with_a_letter_in_the_middle_is_invalid():
    # Even with the check letter the letter would produce, a letter is allowed only in the last position.
    body = "80120A199001"
    assert rules.upn_is_valid(rules.upn_check_letter(body) + body) is False


def test_a_temporary_upn_whose_last_letter_is_not_a_check_letter_is_invalid():
    assert rules.upn_is_valid("Z30820010001I") is False


@pytest.mark.parametrize("letter", ["I", "O", "S"])
def test_i_o_and_s_are_never_check_letters(letter):
    assert letter not in rules.UPN_CHECK_LETTERS
    assert rules.upn_is_valid(letter + "801200199001") is False


def test_a_lower_case_check_letter_is_invalid():
    assert rules.upn_is_valid("r801200199001") is False


@given(body=st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_any_12_digits_with_their_own_check_letter_make_a_valid_upn(body):
    assert rules.upn_is_valid(rules.upn_check_letter(body) + body)


@given(body=st.text(alphabet="0123456789", min_size=12, max_size=12), wrong=st.sampled_from(rules.UPN_CHECK_LETTERS))
def test_any_other_check_letter_makes_the_upn_invalid(body, wrong):
    assume(wrong != rules.upn_check_letter(body))
    assert not rules.upn_is_valid(wrong + body)


def test_the_example_in_the_upn_error_message_is_itself_a_valid_upn():
    with pytest.raises(ValidationError) as error:
        validate_upn("R80120019900")
    example = re.search(r"like ([A-Z0-9]{13})", error.value.messages[0]).group(1)
    assert rules.upn_is_valid(example)
