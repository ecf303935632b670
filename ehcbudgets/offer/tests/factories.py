"""Factories for the local offer and its rate card. They write rows directly: tests of behaviour use services."""

from datetime import date
from decimal import Decimal

import factory

from ehcbudgets.councils.tests.factories import CouncilFactory
from ehcbudgets.offer.models import STREAM_FUNDER, Category, OfferItem, Rate
from ehcbudgets.plans.models import FundingStream, Unit


class OfferItemFactory(factory.django.DjangoModelFactory):
    """Speech and language therapy paid from education, by the hour, that may be held any way.

    OfferItemFactory(placement=True) is a school place (never a direct payment, DOMAIN R9);
    OfferItemFactory(block=True) is bought through a named block contract (DOMAIN R4)."""

    class Meta:
        model = OfferItem

    council = factory.SubFactory(CouncilFactory)
    code = factory.Sequence(lambda n: f"ITEM-{n:03d}")
    name = factory.Sequence(lambda n: f"Speech and language therapy {n}")
    category = Category.THERAPY
    funding_stream = FundingStream.EDUCATION
    funder = factory.LazyAttribute(lambda o: STREAM_FUNDER[o.funding_stream])
    unit = Unit.HOUR

    class Params:
        placement = factory.Trait(
            category=Category.PLACEMENT,
            name="Place at an independent special school",
            unit=Unit.DAY,
            allows_direct_payment=False,
            allows_third_party=False,
        )
        block = factory.Trait(
            block_contract=True,
            contract_reference="NHS-SALT-2026-01",
            allows_direct_payment=False,
            allows_third_party=False,
        )


class RateFactory(factory.django.DjangoModelFactory):
    """£25.00 a unit from 1 April 2026, in the item's council."""

    class Meta:
        model = Rate

    item = factory.SubFactory(OfferItemFactory)
    council = factory.SelfAttribute("item.council")
    amount = Decimal("25.00")
    effective_from = date(2026, 4, 1)
