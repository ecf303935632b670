"""Each council's public pages about personal budgets: what they are, what they can and cannot pay for, the
council's policy and where to get advice. Anyone may read them, signed in or not (DOMAIN R3)."""

from django.shortcuts import render

from ehcbudgets.accounts.decorators import public
from ehcbudgets.core.dates import today
from ehcbudgets.councils.selectors import council_by_code, councils_all, policy_in_force

from .models import Category
from .selectors import offer_items, offer_items_priced, restrictions
from .text import block_contract_note, held_text, panel_note, rate_text


def _page(request, template: str, council, **context):
    # The header names the council whose pages these are, whoever is signed in (the view's context wins over the
    # context processor's organisation_name).
    return render(request, template, {"council": council, "organisation_name": council.name, **context})


@public
def council_list(request):
    """The councils using the service, each linking to its own pages."""
    return render(request, "offer/public/council_list.html", {"councils": councils_all()})


@public
def council_home(request, code):
    """What a personal budget is, who can ask and when, how long a decision takes, the policy and advice (R3)."""
    council = council_by_code(code=code)
    policy = policy_in_force(council=council, on=today())
    return _page(request, "offer/public/council.html", council, policy=policy)


@public
def can_pay_for(request, code):
    """The council's catalogue by category, with the rate in force today and how each item can be held (R3, R4)."""
    council = council_by_code(code=code)
    on = today()
    # Placements are costed in the catalogue but a personal budget never pays for them (R9): they are listed on the
    # page of what it cannot pay for.
    items = offer_items_priced(council=council, on=on).exclude(category=Category.PLACEMENT)
    by_category: dict[str, list] = {}
    for item in items:
        by_category.setdefault(item.category, []).append(
            {
                "item": item,
                "held": held_text(item),
                "rate": rate_text(item.rate_amount, item.unit),
                "rate_from": item.rate_from,
                "notes": [note for note in (block_contract_note(item), panel_note(item)) if note],
            }
        )
    categories = [
        {
            "label": label,
            "slug": value.replace("_", "-"),
            "rows": sorted(by_category[value], key=lambda r: r["item"].name),
        }
        for value, label in Category.choices
        if value in by_category
    ]
    return _page(request, "offer/public/can_pay_for.html", council, categories=categories, on=on)


@public
def cannot_pay_for(request, code):
    """Placements (never in a personal budget, R9) and what direct payments cannot be spent on in the council (R33)."""
    council = council_by_code(code=code)
    placements = offer_items(council=council).filter(category=Category.PLACEMENT).order_by("name")
    return _page(
        request,
        "offer/public/cannot_pay_for.html",
        council,
        placements=placements,
        restrictions=restrictions(council=council),
    )
