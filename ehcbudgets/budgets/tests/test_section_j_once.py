"""Section J is written once for an agreed budget: a second press of the button sends nothing (DOMAIN R7)."""

import pytest
from django.core.exceptions import ValidationError

from ehcbudgets.accounts.models import Role
from ehcbudgets.budgets import services
from ehcbudgets.budgets.models import BudgetStatus
from ehcbudgets.budgets.tests.factories import BudgetLineFactory
from ehcbudgets.letters.models import Letter


@pytest.mark.django_db
def test_r7_section_j_cannot_be_written_twice(make_user):
    line = BudgetLineFactory()
    budget = line.budget
    budget.status, budget.final_amount = BudgetStatus.APPROVED, line.amount
    budget.save()
    officer = make_user(Role.CASE_OFFICER, council=budget.council)
    services.section_j_issue(actor=officer, budget=budget)
    with pytest.raises(ValidationError, match="already been written"):
        services.section_j_issue(actor=officer, budget=budget)
    assert Letter.objects.filter(child=budget.child, kind="section_j").count() == 1
