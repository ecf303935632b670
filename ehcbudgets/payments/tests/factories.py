"""Factories for direct payments: rows written directly; behaviour tests use the services."""

from datetime import timedelta
from decimal import Decimal

import factory

from ehcbudgets.accounts.models import Role
from ehcbudgets.accounts.tests.factories import user_for_role
from ehcbudgets.budgets.tests.factories import BudgetFactory
from ehcbudgets.core.dates import today
from ehcbudgets.payments.models import (
    Agreement,
    AgreementChange,
    ChangeKind,
    FileFormat,
    PaymentFile,
    PaymentRun,
    Reconsideration,
    Recovery,
    RunStatus,
)
from ehcbudgets.people.tests.factories import ContactFactory


def _officer(council):
    return user_for_role(Role.CASE_OFFICER, council=council)


class AgreementFactory(factory.django.DjangoModelFactory):
    """An agreement sent to the parent and waiting for consent: £1,300.00 for a year, 4-weekly, to a prepaid card."""

    class Meta:
        model = Agreement

    budget = factory.SubFactory(BudgetFactory, status="approved")
    child = factory.SelfAttribute("budget.child")
    council = factory.SelfAttribute("child.council")
    recipient = factory.LazyAttribute(lambda o: ContactFactory(child=o.child))
    amount = Decimal("1300.00")
    frequency = "four_weekly"
    start_date = factory.LazyFunction(today)
    end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=364))
    payment_method = "prepaid_card"
    card_account_reference = "PPC-1234"
    status = "awaiting_consent"
    notice_sent_on = factory.LazyFunction(today)
    terms_version = 1
    created_by = factory.LazyAttribute(lambda o: _officer(o.council))


class AgreementChangeFactory(factory.django.DjangoModelFactory):
    """A notice of a reduction, taking effect 5 weeks from today."""

    class Meta:
        model = AgreementChange

    agreement = factory.SubFactory(AgreementFactory)
    council = factory.SelfAttribute("agreement.council")
    kind = ChangeKind.REDUCE
    reasons = "Fewer hours of support are needed."
    old_amount = Decimal("1300.00")
    new_amount = Decimal("1000.00")
    notice_on = factory.LazyFunction(today)
    effective_on = factory.LazyFunction(lambda: today() + timedelta(days=35))
    decided_by = factory.LazyAttribute(lambda o: user_for_role(Role.TEAM_MANAGER, council=o.council))


class RecoveryFactory(factory.django.DjangoModelFactory):
    """£50.00 to be repaid by invoice in 14 days."""

    class Meta:
        model = Recovery

    agreement = factory.SubFactory(AgreementFactory)
    council = factory.SelfAttribute("agreement.council")
    amount = Decimal("50.00")
    reasons = "Money not spent on the agreed support."
    payer = factory.SelfAttribute("agreement.recipient")
    method = "invoice"
    notice_on = factory.LazyFunction(today)
    due_on = factory.LazyFunction(lambda: today() + timedelta(days=14))
    decided_by = factory.LazyAttribute(lambda o: user_for_role(Role.TEAM_MANAGER, council=o.council))


class ReconsiderationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reconsideration

    change = factory.SubFactory(AgreementChangeFactory)
    council = factory.SelfAttribute("change.council")
    requested_on = factory.LazyFunction(today)
    grounds = "The support is still needed."


class PaymentRunFactory(factory.django.DjangoModelFactory):
    """A released run with a CSV file (rows written directly)."""

    class Meta:
        model = PaymentRun
        skip_postgeneration_save = True

    pay_up_to = factory.LazyFunction(today)
    status = RunStatus.RELEASED
    prepared_by = factory.LazyAttribute(lambda o: user_for_role(Role.FINANCE_OFFICER, council=o.council))
    approved_by = factory.LazyAttribute(lambda o: user_for_role(Role.FINANCE_OFFICER, council=o.council))

    @factory.post_generation
    def files(self, create, extracted, **kwargs):
        if create:
            PaymentFile.objects.create(
                council=self.council, run=self, format=FileFormat.CSV, filename="run.csv", content="run\r\n"
            )
