"""Factories for plans, outcomes, provision and reviews. They write rows directly: tests of behaviour use services."""

from datetime import timedelta
from decimal import Decimal

import factory

from ehcbudgets.core.dates import today
from ehcbudgets.people.tests.factories import ChildFactory
from ehcbudgets.plans.models import (
    DeliveredAt,
    Frequency,
    FundingStream,
    Outcome,
    Plan,
    PlanReview,
    PlanStatus,
    ProvisionItem,
    Section,
    Unit,
)


class PlanFactory(factory.django.DjangoModelFactory):
    """A draft plan; PlanFactory(final=True) is a final plan issued 200 days ago."""

    class Meta:
        model = Plan

    child = factory.SubFactory(ChildFactory)
    council = factory.SelfAttribute("child.council")
    status = PlanStatus.DRAFT

    class Params:
        final = factory.Trait(status=PlanStatus.FINAL, issued_on=factory.LazyFunction(lambda: today() - timedelta(200)))


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    plan = factory.SubFactory(PlanFactory)
    council = factory.SelfAttribute("plan.council")
    text = factory.Sequence(lambda n: f"To travel independently on a familiar route ({n})")


class ProvisionItemFactory(factory.django.DjangoModelFactory):
    """Section F provision funded by education; ProvisionItemFactory(health=True) is section G, health."""

    class Meta:
        model = ProvisionItem
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    council = factory.SelfAttribute("plan.council")
    section = Section.F
    description = "Support from a specialist teaching assistant in class"
    quantity = Decimal("15")
    unit = Unit.HOUR
    frequency = Frequency.PER_WEEK
    delivered_at = DeliveredAt.SETTING
    funding_stream = FundingStream.EDUCATION

    class Params:
        health = factory.Trait(
            section=Section.G,
            description="Speech and language therapy",
            quantity=Decimal("6"),
            unit=Unit.SESSION,
            frequency=Frequency.PER_TERM,
            funding_stream=FundingStream.HEALTH,
        )

    @factory.post_generation
    def outcomes(self, create, extracted, **kwargs):
        if create and extracted:
            self.outcomes.set(extracted)


class PlanReviewFactory(factory.django.DjangoModelFactory):
    """A review meeting 10 days ago with no decision yet."""

    class Meta:
        model = PlanReview

    plan = factory.SubFactory(
        PlanFactory, status=PlanStatus.UNDER_REVIEW, issued_on=factory.LazyFunction(lambda: today() - timedelta(300))
    )
    council = factory.SelfAttribute("plan.council")
    meeting_date = factory.LazyFunction(lambda: today() - timedelta(10))
