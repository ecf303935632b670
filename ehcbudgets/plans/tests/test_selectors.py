"""Reads of plans: the current plan, provision an ICB officer may see, and review dates (DOMAIN R28, R29)."""

from datetime import date

import pytest

from ehcbudgets.accounts.models import Role
from ehcbudgets.councils.tests.factories import CouncilPolicyFactory
from ehcbudgets.people.tests.factories import ChildFactory
from ehcbudgets.plans import selectors
from ehcbudgets.plans.models import PlanStatus, ReviewDecision
from ehcbudgets.plans.tests.factories import PlanFactory, PlanReviewFactory, ProvisionItemFactory

pytestmark = pytest.mark.django_db


def test_current_plan_is_the_open_plan_rather_than_a_newer_ceased_one(child):
    open_plan = PlanFactory(child=child)
    PlanFactory(child=child, status=PlanStatus.CEASED)
    assert selectors.current_plan(child=child) == open_plan


def test_current_plan_is_the_latest_ceased_plan_when_none_is_open(child):
    PlanFactory(child=child, status=PlanStatus.CEASED)
    latest = PlanFactory(child=child, status=PlanStatus.CEASED)
    assert selectors.current_plan(child=child) == latest


def test_current_plan_is_none_for_a_child_without_a_plan(child):
    assert selectors.current_plan(child=child) is None


def test_an_icb_officer_sees_only_health_provision(make_user, council):
    plan = PlanFactory(child=ChildFactory(council=council))
    ProvisionItemFactory(plan=plan)
    health = ProvisionItemFactory(plan=plan, health=True)
    icb_officer = make_user(Role.ICB_OFFICER, council=council)
    assert list(selectors.provision_for(user=icb_officer, plan=plan)) == [health]


def test_a_case_officer_sees_all_provision(officer, council):
    plan = PlanFactory(child=ChildFactory(council=council))
    items = {ProvisionItemFactory(plan=plan), ProvisionItemFactory(plan=plan, health=True)}
    assert set(selectors.provision_for(user=officer, plan=plan)) == items


def test_plans_visible_to_staff_exclude_another_councils_plans(officer, council, other_council):
    mine = PlanFactory(child=ChildFactory(council=council))
    PlanFactory(child=ChildFactory(council=other_council))
    assert list(selectors.plans_visible_to(officer)) == [mine]


# review dates -------------------------------------------------------------------------------------------------------


def test_review_dates_of_a_draft_plan_are_empty(child):
    dates = selectors.review_dates(plan=PlanFactory(child=child))
    assert (dates.annual_review_due, dates.under_five_review_due, dates.pending_decision_due) == (None, None, None)
    assert dates.next_due is None


def test_review_dates_of_a_ceased_plan_are_empty(child):
    plan = PlanFactory(child=child, status=PlanStatus.CEASED, issued_on=date(2025, 1, 10))
    assert selectors.review_dates(plan=plan).next_due is None


def test_a_final_plan_is_due_for_review_12_months_after_issue(child):
    plan = PlanFactory(child=child, final=True, issued_on=date(2025, 5, 20))
    assert selectors.review_dates(plan=plan).annual_review_due == date(2026, 5, 20)


def test_a_school_age_child_has_no_under_five_review(child):
    plan = PlanFactory(child=child, final=True, issued_on=date(2025, 5, 20))
    assert selectors.review_dates(plan=plan).under_five_review_due is None


def test_an_under_five_is_due_for_review_after_the_councils_policy_months(council):
    CouncilPolicyFactory(council=council, effective_from=date(2025, 1, 1), under_five_review_months=3)
    toddler = ChildFactory(council=council, date_of_birth=date(2023, 9, 1))
    plan = PlanFactory(child=toddler, final=True, issued_on=date(2025, 5, 20))
    dates = selectors.review_dates(plan=plan)
    assert dates.under_five_review_due == date(2025, 8, 20)
    assert dates.next_due == date(2025, 8, 20)


def test_the_policy_in_force_on_the_issue_date_sets_the_under_five_months(council):
    CouncilPolicyFactory(council=council, effective_from=date(2025, 1, 1), under_five_review_months=3)
    CouncilPolicyFactory(council=council, effective_from=date(2025, 5, 21), under_five_review_months=4)
    toddler = ChildFactory(council=council, date_of_birth=date(2023, 9, 1))
    plan = PlanFactory(child=toddler, final=True, issued_on=date(2025, 5, 20))
    assert selectors.review_dates(plan=plan).under_five_review_due == date(2025, 8, 20)


def test_an_under_five_gets_the_default_6_months_without_a_policy(council):
    toddler = ChildFactory(council=council, date_of_birth=date(2023, 9, 1))
    plan = PlanFactory(child=toddler, final=True, issued_on=date(2025, 5, 20))
    assert selectors.review_dates(plan=plan).under_five_review_due == date(2025, 11, 20)


def test_after_a_review_the_next_is_due_12_months_after_the_meeting(child):
    review = PlanReviewFactory(
        plan=PlanFactory(child=child, final=True, issued_on=date(2024, 3, 1)),
        meeting_date=date(2025, 2, 10),
        decision=ReviewDecision.MAINTAIN,
        decision_issued_on=date(2025, 2, 20),
    )
    assert selectors.review_dates(plan=review.plan).annual_review_due == date(2026, 2, 10)


def test_a_review_without_a_decision_shows_when_the_decision_is_due(child):
    review = PlanReviewFactory(plan__child=child, meeting_date=date(2025, 2, 10))
    assert selectors.review_dates(plan=review.plan).pending_decision_due == date(2025, 3, 10)


def test_a_decided_review_leaves_no_decision_pending(child):
    review = PlanReviewFactory(
        plan__child=child,
        meeting_date=date(2025, 2, 10),
        decision=ReviewDecision.MAINTAIN,
        decision_issued_on=date(2025, 2, 12),
    )
    assert selectors.review_dates(plan=review.plan).pending_decision_due is None


def test_reviews_of_lists_the_latest_meeting_first(child):
    plan = PlanFactory(child=child, final=True, issued_on=date(2023, 1, 1))
    older = PlanReviewFactory(
        plan=plan, meeting_date=date(2024, 1, 1), decision="maintain", decision_issued_on=date(2024, 1, 2)
    )
    newer = PlanReviewFactory(plan=plan, meeting_date=date(2025, 1, 1))
    assert list(selectors.reviews_of(plan=plan)) == [newer, older]


def test_review_dates_use_the_latest_meeting_whatever_the_order_they_were_recorded(child):
    plan = PlanFactory(child=child, final=True, issued_on=date(2023, 1, 1))
    PlanReviewFactory(
        plan=plan, meeting_date=date(2025, 1, 1), decision="maintain", decision_issued_on=date(2025, 1, 2)
    )
    PlanReviewFactory(
        plan=plan, meeting_date=date(2024, 1, 1), decision="maintain", decision_issued_on=date(2024, 1, 2)
    )
    assert selectors.review_dates(plan=plan).annual_review_due == date(2026, 1, 1)


def test_next_due_is_the_earlier_of_the_annual_and_under_five_reviews(council):
    toddler = ChildFactory(council=council, date_of_birth=date(2023, 9, 1))
    plan = PlanFactory(child=toddler, final=True, issued_on=date(2025, 5, 20))
    dates = selectors.review_dates(plan=plan)
    assert dates.next_due == min(dates.annual_review_due, dates.under_five_review_due) == date(2025, 11, 20)
