# ruff: noqa: F811 - the fixtures imported from the budgets tests are requested by name below
"""Fixtures for direct payments: the budgets app's case and catalogue (see ehcbudgets/budgets/tests/conftest.py),
two finance officers, and a helper that takes an agreed budget through agreement, notice and consent.

The standard agreement pays the PA line (H2, social care, 4 hours a week at £16.40: £3,411.20 for 1 April 2026 to
31 March 2027) to the parent on a prepaid card, 4-weekly, on the council's cycle from Monday 6 April 2026.
"""

from datetime import date
from decimal import Decimal

import pytest

from ehcbudgets.accounts.models import Role
from ehcbudgets.budgets.tests.conftest import (  # noqa: F401 - fixtures shared with the budgets tests
    PA_AMOUNT,
    PERIOD_END,
    PERIOD_START,
    case,
    catalogue,
    manager,
    on_day,
    other_manager,
    parent_user,
    pb,
    quick_pdf,
)
from ehcbudgets.payments import services
from ehcbudgets.payments.models import BankDetails

__all__ = ["PA_AMOUNT", "PERIOD_END", "PERIOD_START"]

#: A day before the budget period: agreements are set up and consented before their first payment.
SET_UP_ON = date(2026, 3, 20)


@pytest.fixture(autouse=True)
def _letters_quick(quick_pdf):
    """Every payments test renders letters' HTML but stands in for the PDF (the letters app tests WeasyPrint)."""


@pytest.fixture
def finance(make_user, council):
    return make_user(Role.FINANCE_OFFICER, council=council, full_name="Fran Finance")


@pytest.fixture
def finance2(make_user, council):
    """A second finance officer: approves runs the first prepared (maker-checker)."""
    return make_user(Role.FINANCE_OFFICER, council=council, full_name="Fin Checker")


@pytest.fixture
def bank(council):
    return BankDetails.objects.create(
        council=council,
        service_user_number="123456",
        service_user_name="BRIGHTWATER BC",
        sort_code="309430",
        account_number="00733445",
    )


class DirectPayments:
    """Takes an agreed budget through the direct payment services, as the pages do."""

    def __init__(self, *, pb, officer, manager, on_day):
        self.pb, self.officer, self.manager, self.on_day = pb, officer, manager, on_day

    def agreed_budget(self, case):
        self.on_day(SET_UP_ON)
        budget = self.pb.with_direct_payment(case)
        return self.pb.agree(budget)

    def draft(self, case, **terms):
        budget = self.agreed_budget(case)
        fields = {
            "start_date": PERIOD_START,
            "payment_method": "prepaid_card",
            "card_account_reference": "PPC-0001-2345",
            **terms,
        }
        return services.agreement_create(actor=self.officer, budget=budget, **fields)

    def sent(self, case, **terms):
        return services.agreement_send(actor=self.officer, agreement=self.draft(case, **terms))

    def active(self, case, *, parent_user=None, **terms):
        agreement = self.sent(case, **terms)
        if parent_user is not None:
            return services.agreement_consent(actor=parent_user, agreement=agreement)
        return services.agreement_consent(actor=self.officer, agreement=agreement, channel="paper")


@pytest.fixture
def dp(pb, officer, manager, on_day):
    return DirectPayments(pb=pb, officer=officer, manager=manager, on_day=on_day)


@pytest.fixture
def agreement(dp, case, parent_user):
    """The case's PA line paid to the parent, consented online on 20 March 2026."""
    return dp.active(case, parent_user=parent_user)


def money(text: str) -> Decimal:
    return Decimal(text)
