"""The rules of family spending, each a named function that cites its DOMAIN rule."""

from dataclasses import dataclass
from decimal import Decimal

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
    for payee in excluded_payees:
        if payee.strip() and linking._contains(words, payee):
            return Answer("no", f"Your agreement says the payments must not be used to pay {payee.strip()}.")
    for restriction in restrictions:
        keywords = [k for k in (restriction.keywords or "").split(",") if linking.normalise(k)]
        if any(linking._contains(words, k) for k in keywords):
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


def _mentions(words: str, line) -> bool:
    item = line.budget_line.offer_item
    category = linking._category_from_words(words)
    return (
        linking._contains(words, line.description)
        or linking._contains(words, item.name)
        or (category and item.category in linking.OFFER_CATEGORIES.get(category, ()))
    )
