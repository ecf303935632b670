"""Template filters in GOV.UK style, loaded as builtins in every template."""

from datetime import date, datetime

from django import template
from django.utils import timezone

from ehcbudgets.core.dates import format_date
from ehcbudgets.core.money import format_money

register = template.Library()


@register.filter
def money(value):
    """£1,234.50."""
    return format_money(value)


@register.filter
def govuk_date(value):
    """22 November 2026 (a datetime is shown in Europe/London)."""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return format_date(value)
    return value or ""


@register.filter
def govuk_datetime(value):
    """22 November 2026 at 3:05pm, in Europe/London."""
    if not isinstance(value, datetime):
        return value or ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    hour = local.hour % 12 or 12
    return f"{format_date(local.date())} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


@register.filter
def age(child, on):
    """A child's age in whole years on a date."""
    return child.age_on(on)


@register.filter
def is_young_person(child, on):
    """Whether the child is over compulsory school age on a date."""
    return child.is_young_person(on)
