"""Factories for budget requests, budgets, lines and decisions: rows written directly; behaviour tests use services."""

from datetime import timedelta
from decimal import Decimal

import factory

from ehcbudgets.accounts.models import Role
from ehcbudgets.accounts.tests.factories import user_for_role
from ehcbudgets.budgets.models import (
    Budget,
    BudgetLine,
    BudgetRequest,
    Decision,
    DecisionKind,
    DecisionReviewRequest,
    PanelReferral,
    RefusalReason,
    RequestWindow,
)
from ehcbudgets.core.dates import today
from ehcbudgets.offer.tests.factories import OfferItemFactory, RateFactory
from ehcbudgets.people.tests.factories import ContactFactory
from ehcbudgets.plans.tests.factories import PlanFactory, ProvisionItemFactory


class BudgetRequestFactory(factory.django.DjangoModelFactory):
    """An open request made by a parent during a review, due in 10 working days or so."""

    class Meta:
        model = BudgetRequest

    plan = factory.SubFactory(PlanFactory)
    child = factory.SelfAttribute("plan.child")
    council = factory.SelfAttribute("child.council")
    requested_by = factory.SubFactory(ContactFactory, child=factory.SelfAttribute("..child"))
    requester_name = factory.SelfAttribute("requested_by.full_name")
    channel = "letter"
    received_on = factory.LazyFunction(today)
    window = RequestWindow.REVIEW
    decision_due_on = factory.LazyFunction(lambda: today() + timedelta(days=14))


class BudgetFactory(factory.django.DjangoModelFactory):
    """A budget being prepared for the request's plan, for a year from today."""

    class Meta:
        model = Budget

    request = factory.SubFactory(BudgetRequestFactory)
    child = factory.SelfAttribute("request.child")
    plan = factory.SelfAttribute("request.plan")
    council = factory.SelfAttribute("child.council")
    period_start = factory.LazyFunction(today)
    period_end = factory.LazyAttribute(lambda o: o.period_start + timedelta(days=364))
    prepared_by = factory.LazyAttribute(lambda o: user_for_role(Role.CASE_OFFICER, council=o.council))


class BudgetLineFactory(factory.django.DjangoModelFactory):
    """A line pricing a provision item of the budget's plan: 2 hours a week at £25.00, held by the council."""

    class Meta:
        model = BudgetLine

    budget = factory.SubFactory(BudgetFactory)
    council = factory.SelfAttribute("budget.council")
    provision_item = factory.LazyAttribute(lambda o: ProvisionItemFactory(plan=o.budget.plan))
    offer_item = factory.LazyAttribute(
        lambda o: OfferItemFactory(council=o.council, funding_stream=o.provision_item.funding_stream)
    )
    rate = factory.LazyAttribute(lambda o: RateFactory(item=o.offer_item, effective_from=o.budget.period_start))
    quantity = Decimal("2.00")
    frequency = "per_week"
    start_date = factory.SelfAttribute("budget.period_start")
    end_date = factory.SelfAttribute("budget.period_end")
    occurrences = Decimal("52.0000")
    amount = Decimal("2600.00")
    funding_stream = factory.SelfAttribute("offer_item.funding_stream")
    funder = factory.SelfAttribute("offer_item.funder")
    management_mode = "organised_arrangement"


class PanelReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelReferral

    budget = factory.SubFactory(BudgetFactory)
    council = factory.SelfAttribute("budget.council")
    referred_by = factory.SelfAttribute("budget.prepared_by")
    referred_on = factory.LazyFunction(today)
    question = "Items outside the local offer: equine-assisted therapy"


class DecisionFactory(factory.django.DjangoModelFactory):
    """A refusal of the budget, with its reason code and reasons."""

    class Meta:
        model = Decision

    budget = factory.SubFactory(BudgetFactory)
    request = factory.SelfAttribute("budget.request")
    council = factory.SelfAttribute("budget.council")
    kind = DecisionKind.REFUSE_BUDGET
    reason_code = RefusalReason.OTHER
    reasons = "The support can be arranged more efficiently by the council."
    decided_on = factory.LazyFunction(today)


class DecisionReviewRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DecisionReviewRequest

    decision = factory.SubFactory(DecisionFactory)
    council = factory.SelfAttribute("decision.council")
    requested_on = factory.LazyFunction(today)
    grounds = "We think the direct payment would work better for our child."
