"""Money is Decimal with two places, never float (ARCHITECTURE convention 5)."""

from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")


def to_money(value: Decimal | int | str) -> Decimal:
    """Round a value to whole pence, halves away from zero."""
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def format_money(value: Decimal | int | str | None) -> str:
    """Format as GOV.UK style money: £1,234.50, and -£12.00 for a negative amount."""
    if value is None or value == "":
        return ""
    amount = to_money(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def sum_in_pence(total) -> Decimal:
    """A database sum of money in whole pence (0 for no rows). SQLite sums decimals as floating point, so its sums are
    rounded to pence (exact for any total below £10 billion); PostgreSQL sums them exactly."""
    return Decimal(total or 0).quantize(PENNY)
