"""Age rules for children and young people (DOMAIN glossary: child / young person, compulsory school age).

A birthday of 29 February falls on 1 March in a year that has no 29 February (the English legal convention).
"""

from datetime import date, timedelta

ADULT_AGE = 18
PLAN_AGE_LIMIT = 25
UNDER_FIVE_AGE = 5


def birthday_in(born: date, year: int) -> date:
    """The date of a person's birthday in a year; 1 March stands for 29 February in a common year."""
    try:
        return born.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


def age_on(born: date, on: date) -> int:
    """A person's age in whole years on a date (they are a year older on their birthday itself)."""
    years = on.year - born.year
    return years if on >= birthday_in(born, on.year) else years - 1


def last_friday_of_june(year: int) -> date:
    """The school leaving date of a year: the last Friday in June."""
    end = date(year, 6, 30)
    return end - timedelta(days=(end.weekday() - 4) % 7)


def compulsory_school_age_ends(born: date) -> date:
    """The last Friday in June of the school year (1 September to 31 August) in which the person turns 16
    (DOMAIN glossary: compulsory school age ends)."""
    sixteenth = birthday_in(born, born.year + 16)
    school_year_ends = sixteenth.year + 1 if sixteenth.month >= 9 else sixteenth.year
    return last_friday_of_june(school_year_ends)


def is_young_person(born: date, on: date) -> bool:
    """A young person is over compulsory school age: from the day after the school leaving date (DOMAIN glossary)."""
    return on > compulsory_school_age_ends(born)


def is_under_five(born: date, on: date) -> bool:
    """Under 5 on the date: the plan is considered for review every 3 to 6 months (DOMAIN R29)."""
    return age_on(born, on) < UNDER_FIVE_AGE


def is_adult(born: date, on: date) -> bool:
    """18 or over on the date: adult social care rules apply to social care direct payments (DOMAIN R26)."""
    return age_on(born, on) >= ADULT_AGE


def twenty_fifth_birthday(born: date) -> date:
    """The day an EHC plan can no longer continue: the 25th birthday (DOMAIN glossary: young person, under 25)."""
    return birthday_in(born, born.year + PLAN_AGE_LIMIT)


def may_have_plan_on(born: date, on: date) -> bool:
    """An EHC plan is for a child or young person under 25 on the date (DOMAIN glossary)."""
    return on < twenty_fifth_birthday(born)


UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_check_letter(body: str) -> str:
    """The DfE check letter of a unique pupil number from its last 12 characters (weights 2 to 13, modulo 23)."""
    total = 0
    for weight, char in enumerate(body, start=2):
        value = int(char) if char.isdigit() else UPN_CHECK_LETTERS.index(char)
        total += weight * value
    return UPN_CHECK_LETTERS[total % 23]


def upn_is_valid(upn: str) -> bool:
    """A UPN is 13 characters: a check letter, 11 digits, then a digit or (for a temporary UPN) a letter."""
    if len(upn) != 13 or upn[0] not in UPN_CHECK_LETTERS or not upn[1:12].isdigit():
        return False
    last = upn[12]
    if not (last.isdigit() or last in UPN_CHECK_LETTERS):
        return False
    return upn_check_letter(upn[1:]) == upn[0]
