"""Section J is written once (DOMAIN R7); an open review request is a task on the request's page (DOMAIN R14)."""

import pytest
from django.core.exceptions import ValidationError

from ehcbudgets.accounts.models import Role
from ehcbudgets.budgets import services
from ehcbudgets.budgets.models import BudgetStatus
from ehcbudgets.budgets.tests.factories import BudgetLineFactory, DecisionReviewRequestFactory
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


@pytest.mark.django_db
def test_r14_an_open_review_request_links_the_manager_to_the_review(client, make_user):
    review = DecisionReviewRequestFactory()
    decision = review.decision
    child = decision.request.child
    manager = make_user(Role.TEAM_MANAGER, council=child.council)
    officer = make_user(Role.CASE_OFFICER, council=child.council)
    url = f"/cases/{child.pk}/budget-requests/{decision.request_id}/"
    review_url = f"/cases/{child.pk}/decision-reviews/{review.pk}/"
    client.force_login(manager)
    assert review_url in client.get(url).content.decode()
    client.force_login(officer)
    page = client.get(url).content.decode()
    assert review_url not in page and "Review asked for on" in page
