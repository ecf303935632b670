"""The local offer in plain English, the same on the public pages, the council's own pages and in audit summaries."""

from decimal import Decimal

from ehcbudgets.core.money import format_money
from ehcbudgets.plans.models import Unit

from .models import ManagementMode, OfferItem

#: "£25.60 an hour": what one unit of a rate buys.
UNIT_PHRASE = {
    Unit.HOUR: "an hour",
    Unit.SESSION: "a session",
    Unit.DAY: "a day",
    Unit.WEEK: "a week",
    Unit.ITEM: "each",
}

#: How a budget line can be held, in the words families read (DOMAIN glossary: management mode).
MODE_WORDS = {
    ManagementMode.DIRECT_PAYMENT: "as a direct payment to you",
    ManagementMode.ORGANISED: "arranged by the council or the NHS",
    ManagementMode.THIRD_PARTY: "managed for you by another person or organisation (a third party)",
}


def rate_text(amount: Decimal | None, unit: str) -> str:
    """A rate in money format with its unit: £25.60 an hour, £1,450.00 each."""
    if amount is None:
        return ""
    return f"{format_money(amount)} {UNIT_PHRASE.get(unit, 'a ' + unit)}"


def held_text(item: OfferItem) -> str:
    """The ways an item can be held, as a sentence: 'As a direct payment to you, or arranged by the council or
    the NHS.'; 'Only arranged by the council or the NHS.' where there is one way."""
    ways = [MODE_WORDS[ManagementMode(mode)] for mode in item.allowed_modes]
    if len(ways) == 1:
        return f"Only {ways[0]}."
    joined = ", or ".join(ways) if len(ways) == 2 else "; ".join(ways[:-1]) + "; or " + ways[-1]
    return joined[0].upper() + joined[1:] + "."


def block_contract_note(item: OfferItem) -> str:
    """Why a block-contract item is never part of a direct payment, naming the contract (DOMAIN R4)."""
    if not item.block_contract:
        return ""
    return (
        f"Arranged by the council through contract {item.contract_reference}; it cannot be a direct payment, because "
        "the council buys it through one contract for many children, and taking out one child's share would harm "
        "the service to the others or be a poor use of money."
    )


def panel_note(item: OfferItem) -> str:
    """Items outside the local offer are decided by the SEN panel."""
    if item.in_local_offer:
        return ""
    return (
        "Not usually part of the local offer: it needs agreement from the SEN panel (the council group that "
        "decides requests for support the local offer does not normally cover)."
    )
