"""The rules of family spending, each a named function that cites its DOMAIN rule."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ehcbudgets.core.dates import add_months

from . import linking


@dataclass(frozen=True)
class Answer:
    """Whether a purchase fits the agreement: "yes", "no" or "ask", and why."""

    verdict: str
    reason: str
    line: object = None


def spend_check(*, text: str, lines: list, restrictions: list, excluded_payees: list[str]) -> Answer:
    """Can the direct payments buy this? Not if the agreement names the payee as one not to pay (DOMAIN R16), nor if
    it is something the council's policy says direct payments cannot buy (DOMAIN R33); yes if it matches the agreed
    support; otherwise ask the case officer first."""
    words = linking.normalise(text)
    if not words:
        return Answer("ask", "Tell us what you would like to buy")
    payee = excluded_payee_in(words, excluded_payees)
    if payee is not None:
        return Answer("no", f"Your agreement says the payments must not be used to pay {payee}.")
    restriction = restriction_in(words, restrictions)
    if restriction is not None:
        reason = f" {restriction.reason}" if restriction.reason else ""
        return Answer("no", f"Direct payments cannot be used for {restriction.text.lower()}.{reason}")
    suggestion = (
        linking.suggest(
            amount=Decimal("1.00"),
            payee=text,
            description="",
            lines=lines,
            family_rules=[],
            council_rules=[],
            history={},
        )
        if len(lines) != 1
        else None
    )
    if suggestion and suggestion.parts and "agreement pays for one kind" not in suggestion.reason:
        line = suggestion.parts[0][0]
        return Answer("yes", f"This fits the agreed support: {line.description}.", line)
    if len(lines) == 1 and _mentions(words, lines[0]):
        return Answer("yes", f"This fits the agreed support: {lines[0].description}.", lines[0])
    return Answer(
        "ask",
        "It does not clearly match the support in your agreement. Ask your case officer before you buy it, so you "
        "are not asked to pay it back.",
    )


normalise = linking.normalise


def excluded_payee_in(words: str, excluded_payees: list[str]) -> str | None:
    """The payee the agreement says not to pay that normalised words name, if any (DOMAIN R16)."""
    for payee in excluded_payees:
        if payee.strip() and linking._contains(words, payee):
            return payee.strip()
    return None


def restriction_in(words: str, restrictions: list):
    """The council's restriction whose keywords normalised words contain, if any (DOMAIN R33)."""
    for restriction in restrictions:
        keywords = [k for k in (restriction.keywords or "").split(",") if linking.normalise(k)]
        if any(linking._contains(words, k) for k in keywords):
            return restriction
    return None


def return_periods(*, start: date, end: date, months: int) -> list[tuple[date, date]]:
    """An agreement's monitoring return periods: every so many months from its start, the last cut at its end
    (DOMAIN R31)."""
    periods, k = [], 0
    while (first := add_months(start, k * months)) <= end:
        periods.append((first, min(add_months(start, (k + 1) * months) - timedelta(days=1), end)))
        k += 1
    return periods


def _mentions(words: str, line) -> bool:
    item = line.budget_line.offer_item
    category = linking._category_from_words(words)
    return (
        linking._contains(words, line.description)
        or linking._contains(words, item.name)
        or (category and item.category in linking.OFFER_CATEGORIES.get(category, ()))
    )
