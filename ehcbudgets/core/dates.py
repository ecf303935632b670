"""Dates in Europe/London and month arithmetic (ARCHITECTURE convention 6)."""

import calendar
from datetime import date

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
