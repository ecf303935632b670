"""Dates in Europe/London and month arithmetic (ARCHITECTURE convention 6)."""

import calendar
from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone


def today() -> date:
    """Today's date in Europe/London."""
    return timezone.localdate()


def add_months(start: date, months: int) -> date:
    """The same day of the month, months later; the month's last day where that day does not exist."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def format_date(value: date | None) -> str:
    """GOV.UK style: 22 November 2026."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


@lru_cache(maxsize=64)
def _england_bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a bank holiday in England (substitute days included)."""
    return day.weekday() < 5 and day not in _england_bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (the start day itself is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    while days:
        current += timedelta(days=1)
        if is_working_day(current):
            days -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end is not after start)."""
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        count += is_working_day(current)
    return count
