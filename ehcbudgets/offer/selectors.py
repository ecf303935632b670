"""Reads of the local offer, the rate card and the spending restrictions, scoped to a council."""

from datetime import date

from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from .models import OfferItem, Rate, SpendingRestriction


def offer_items(*, council, active_only: bool = True) -> QuerySet[OfferItem]:
    """The council's catalogue."""
    items = OfferItem.objects.filter(council=council)
    return items.filter(active=True) if active_only else items


def offer_item_get(*, council, pk) -> OfferItem:
    """One item of the council's catalogue; another council's answers 404."""
    return get_object_or_404(OfferItem, council=council, pk=pk)


def rate_in_force(*, item: OfferItem, on: date) -> Rate | None:
    """The rate for an item in force on a date: the latest that took effect on or before it (DOMAIN R6)."""
    return (
        Rate.objects.filter(council_id=item.council_id, item=item, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


def offer_items_priced(*, council, on: date, active_only: bool = True) -> QuerySet[OfferItem]:
    """The council's catalogue, each item annotated with the rate in force on a date (`rate_amount`, `rate_from`;
    None where no rate has taken effect yet): the rule of rate_in_force, in one query (DOMAIN R6)."""
    in_force = Rate.objects.filter(council_id=council.pk, item=OuterRef("pk"), effective_from__lte=on).order_by(
        "-effective_from"
    )
    return offer_items(council=council, active_only=active_only).annotate(
        rate_amount=Subquery(in_force.values("amount")[:1]),
        rate_from=Subquery(in_force.values("effective_from")[:1]),
    )


def rates_of(*, item: OfferItem) -> QuerySet[Rate]:
    """Every rate of an item, newest first."""
    return Rate.objects.filter(council_id=item.council_id, item=item).order_by("-effective_from")


def restrictions(*, council, active_only: bool = True) -> QuerySet[SpendingRestriction]:
    """What direct payments cannot be spent on in the council (DOMAIN R33); with active_only=False, also those
    the council has switched off."""
    found = SpendingRestriction.objects.filter(council=council)
    return found.filter(active=True) if active_only else found


def restriction_get(*, council, pk) -> SpendingRestriction:
    """One of the council's spending restrictions; another council's answers 404."""
    return get_object_or_404(SpendingRestriction, council=council, pk=pk)
