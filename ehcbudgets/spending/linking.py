"""Suggesting which agreed provision line a statement line pays for, and why (ADR 10).

In order: the family's own rules; the council's rules; what the family did with the same payee before; words of a
line's support or category in the payee or description; and an agreement with one line. Each suggestion says why.
"""

import functools
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
#: Words that suggest a funding stream, used when a payment says no more than that (e.g. "KM HEALTH").
STREAM_WORDS = {
    "health": ("health", "clinic", "nhs", "medical", "healthcare"),
    "social_care": ("care", "carers", "homecare"),
    "education": ("school", "education", "learning", "academy"),
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


@functools.lru_cache(maxsize=8192)  # the same keywords and payees are normalised again for every line and record
def normalise(text: str) -> str:
    """Lower case, letters and digits only, single spaces: 'ACME CARE LTD*1234' -> 'acme care ltd 1234'."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).split())


def payee_key(payee: str) -> str:
    """A payee as the family's history knows it: normalised, without the card references and dates banks add
    ('AMAZON.CO.UK*2Q4RT1' and 'AMAZON.CO.UK*7H3KL0' are the same payee)."""
    return " ".join(word for word in normalise(payee).split() if not any(ch.isdigit() for ch in word))


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


#: Words too common in support descriptions to tell one line from another.
COMMON_WORDS = frozenset(
    {"support", "other", "hours", "weekly", "session", "sessions", "programme", "services", "service", "their"}
    | {"about", "child", "young", "person", "people", "specialist", "teaching", "provision", "including", "limited"}
)


def _significant(text: str) -> set[str]:
    return {w for w in normalise(text).split() if len(w) >= 5 and w not in COMMON_WORDS}


def _best_overlap(text: str, lines: list):
    """The one line whose support shares a distinctive word with the payment (a word of 5 letters or more that no
    other line's support has), and that word; None when no line, or more than one, does."""
    words = set(text.split())
    found = []
    for line in lines:
        own = _significant(f"{line.description} {line.budget_line.offer_item.name}")
        others = set().union(
            *(_significant(f"{o.description} {o.budget_line.offer_item.name}") for o in lines if o is not line)
        )
        shared = sorted((own - others) & words)
        if shared:
            found.append((line, shared[0]))
    return found[0] if len(found) == 1 else None


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
    known = history.get(payee_key(payee))
    if known:
        category, shares, when = known
        shares = [(by_pk[line.pk], share) for line, share in shares if line.pk in by_pk]
        if shares:
            return Suggestion(category, _split(amount, shares), f"Like your payment to {payee.strip()} on {when}")
    category = _category_from_words(text)
    for line in lines:
        item = line.budget_line.offer_item
        named = next((words for words in (item.name, line.description, item.code) if _contains(text, words)), None)
        if named is not None:
            return Suggestion(
                category or CATEGORY_OF_OFFER.get(item.category, SpendingCategory.OTHER),
                [(line, amount)],
                f"The payment mentions '{named}'"
                + ("" if named == line.description else f", as in {line.description}"),
            )
    overlap = _best_overlap(text, lines)
    if overlap is not None:
        line, word = overlap
        return Suggestion(
            category or CATEGORY_OF_OFFER.get(line.budget_line.offer_item.category, SpendingCategory.OTHER),
            [(line, amount)],
            f"The payment mentions '{word}', as in {line.description}",
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
    for stream, words in STREAM_WORDS.items():
        matching = [line for line in lines if line.funding_stream == stream]
        if len(matching) == 1 and any(_contains(text, w) for w in words):
            line = matching[0]
            return Suggestion(
                category or CATEGORY_OF_OFFER.get(line.budget_line.offer_item.category, SpendingCategory.OTHER),
                [(line, amount)],
                f"Looks like {stream.replace('_', ' ')} support, and {line.description} is the only such support",
            )
    if len(lines) == 1:
        line = lines[0]
        return Suggestion(
            category or CATEGORY_OF_OFFER.get(line.budget_line.offer_item.category, SpendingCategory.OTHER),
            [(line, amount)],
            "The agreement pays for one kind of support",
        )
    return Suggestion(category, [], "No suggestion: choose the support it paid for")
