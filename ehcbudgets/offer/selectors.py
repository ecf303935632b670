"""Reads of the local offer, the rate card and the spending restrictions, scoped to a council."""

from datetime import date

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import OfferItem, Rate, SpendingRestriction


def offer_items(*, council, active_only: bool = True) -> QuerySet[OfferItem]:
    """The council's catalogue."""
    items = OfferItem.objects.filter(council=council)
    return items.filter(active=True) if active_only else items


def offer_item_get(*, council, pk) -> OfferItem:
    return get_object_or_404(OfferItem, council=council, pk=pk)


def rate_in_force(*, item: OfferItem, on: date) -> Rate | None:
    """The rate for an item in force on a date: the latest that took effect on or before it (DOMAIN R6)."""
    return (
        Rate.objects.filter(council_id=item.council_id, item=item, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


def rates_of(*, item: OfferItem) -> QuerySet[Rate]:
    return Rate.objects.filter(council_id=item.council_id, item=item).order_by("-effective_from")


def restrictions(*, council) -> QuerySet[SpendingRestriction]:
    """What direct payments cannot be spent on in the council (DOMAIN R33)."""
    return SpendingRestriction.objects.filter(council=council, active=True)
