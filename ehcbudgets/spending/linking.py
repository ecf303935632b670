"""Suggesting which agreed provision line a statement line pays for, and why (ADR 10).

In order: the family's own rules; the council's rules; what the family did with the same payee before; words of a
line's support or category in the payee or description; and an agreement with one line. Each suggestion says why.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from ehcbudgets.payments.rules import split_largest_remainder

from .models import SpendingCategory

#: Words that suggest a category, and the offer categories whose lines it usually pays for.
CATEGORY_WORDS = {
    SpendingCategory.WAGES: ("wage", "wages", "salary", "pa pay", "personal assistant", "carer"),
    SpendingCategory.EMPLOYER_COSTS: ("payroll", "hmrc", "paye", "insurance", "pension", "nest"),
    SpendingCategory.SHORT_BREAK: ("short break", "respite", "holiday club", "camp"),
    SpendingCategory.ACTIVITY: ("club", "swim", "leisure", "gym", "trampolin", "scouts", "football", "dance"),
    SpendingCategory.THERAPY: ("therapy", "therapist", "physio", "salt", "speech", "occupational", "counsell"),
    SpendingCategory.TUITION: ("tutor", "tuition", "lesson"),
    SpendingCategory.EQUIPMENT: ("equipment", "sensory", "aid", "software", "device"),
    SpendingCategory.TRAVEL: ("taxi", "bus", "train", "rail", "travel", "fuel"),
    SpendingCategory.HEALTH_SUPPLIES: ("pharmacy", "chemist", "supplies"),
    SpendingCategory.FEES: ("fee", "charge", "card fee"),
}
#: The offer categories a spending category normally belongs to (for finding the line).
OFFER_CATEGORIES = {
    SpendingCategory.WAGES: ("personal_assistant",),
    SpendingCategory.EMPLOYER_COSTS: ("personal_assistant",),
    SpendingCategory.SHORT_BREAK: ("short_break",),
    SpendingCategory.ACTIVITY: ("activity", "short_break"),
    SpendingCategory.THERAPY: ("therapy",),
    SpendingCategory.TUITION: ("tuition", "teaching_support"),
    SpendingCategory.EQUIPMENT: ("equipment",),
    SpendingCategory.TRAVEL: ("transport",),
    SpendingCategory.HEALTH_SUPPLIES: ("health_supplies",),
}
#: The spending category a line's offer category suggests, when only the line is known.
CATEGORY_OF_OFFER = {
    "personal_assistant": SpendingCategory.WAGES,
    "short_break": SpendingCategory.SHORT_BREAK,
    "activity": SpendingCategory.ACTIVITY,
    "therapy": SpendingCategory.THERAPY,
    "tuition": SpendingCategory.TUITION,
    "teaching_support": SpendingCategory.TUITION,
    "equipment": SpendingCategory.EQUIPMENT,
    "transport": SpendingCategory.TRAVEL,
    "health_supplies": SpendingCategory.HEALTH_SUPPLIES,
}


@dataclass
class Suggestion:
    """A category and the lines a sum goes to (largest remainder, so the parts add up), with the reason."""

    category: str = ""
    parts: list = field(default_factory=list)  # [(agreement line, Decimal)]
    reason: str = ""

    @property
    def complete(self) -> bool:
        return bool(self.category and self.parts)


def normalise(text: str) -> str:
    """Lower case, letters and digits only, single spaces: 'ACME CARE LTD*1234' -> 'acme care ltd 1234'."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).split())


def _contains(haystack: str, words: str) -> bool:
    needle = normalise(words)
    return bool(needle) and f" {needle} " in f" {haystack} "


def _split(amount: Decimal, shares: list[tuple[object, Fraction]]) -> list:
    amounts = split_largest_remainder(abs(amount), [share for _, share in shares])
    sign = -1 if amount < 0 else 1
    return [(line, sign * part) for (line, _), part in zip(shares, amounts, strict=True) if part]


def _category_from_words(text: str) -> str:
    for category, words in CATEGORY_WORDS.items():
        if any(_contains(text, w) or (len(w) > 5 and normalise(w) in text) for w in words):
            return category
    return ""


def suggest(
    *,
    amount: Decimal,
    payee: str,
    description: str,
    lines: list,
    family_rules: list,
    council_rules: list,
    history: dict,
) -> Suggestion:
    """The suggested category and lines for a sum paid to a payee, and why.

    `lines` are the agreement's lines (each with .pk, .description and .budget_line.offer_item code and category);
    `history` maps a normalised payee to (category, [(line, Fraction share)], date) from the family's earlier
    records."""
    text = normalise(f"{payee} {description}")
    by_pk = {line.pk: line for line in lines}
    by_code = {line.budget_line.offer_item.code: line for line in lines}
    for rule in family_rules:
        if _contains(text, rule.words):
            shares = [(by_pk[int(pk)], Fraction(str(pct))) for pk, pct in rule.split if int(pk) in by_pk]
            if shares:
                return Suggestion(rule.category, _split(amount, shares), f"Your rule: '{rule.words}'")
    for rule in council_rules:
        if _contains(text, rule.words):
            shares = [(by_code[code], Fraction(str(pct))) for code, pct in rule.split if code in by_code]
            if shares:
                return Suggestion(rule.category, _split(amount, shares), f"The council's rule: '{rule.words}'")
    known = history.get(normalise(payee))
    if known:
        category, shares, when = known
        shares = [(by_pk[line.pk], share) for line, share in shares if line.pk in by_pk]
        if shares:
            return Suggestion(category, _split(amount, shares), f"Like your payment to {payee.strip()} on {when}")
    category = _category_from_words(text)
    for line in lines:
        item = line.budget_line.offer_item
        if _contains(text, item.name) or _contains(text, line.description) or _contains(text, item.code):
            return Suggestion(
                category or CATEGORY_OF_OFFER.get(item.category, SpendingCategory.OTHER),
                [(line, amount)],
                f"The payment mentions '{line.description}'",
            )
    if category:
        matching = [
            line for line in lines if line.budget_line.offer_item.category in OFFER_CATEGORIES.get(category, ())
        ]
        if len(matching) == 1:
            label = SpendingCategory(category).label.lower()
            return Suggestion(
                category, [(matching[0], amount)], f"Looks like {label}, which {matching[0].description} pays for"
            )
    if len(lines) == 1:
        line = lines[0]
        return Suggestion(
            category or CATEGORY_OF_OFFER.get(line.budget_line.offer_item.category, SpendingCategory.OTHER),
            [(line, amount)],
            "The agreement pays for one kind of support",
        )
    return Suggestion(category, [], "No suggestion: choose the support it paid for")
